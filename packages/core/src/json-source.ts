import { Node as JsonNode, ParseError, ParseErrorCode, parseTree } from 'jsonc-parser';
import { InputError, SourceLocation } from './errors';
import type { SourceDocument } from './yaml-source';

/**
 * Strict JSON with source positions, about five times faster than reading it as YAML (CDK templates are
 * JSON and often large). Returns undefined when the text is not strict JSON, so the caller reads it as
 * YAML instead: a YAML flow mapping also starts with `{`, and the YAML reader words syntax errors well.
 */
export function parseJsonSource(text: string, file: string): SourceDocument | undefined {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  let lines: LineStarts | undefined;
  const at = (offset: number): SourceLocation => {
    lines ??= lineStarts(text);
    return { file, ...lines.position(offset) };
  };
  // `//` and `/* */` are not YAML either: read as YAML, the file would fail far from the real problem.
  const comment = errors.find((e) => e.error === ParseErrorCode.InvalidCommentToken);
  if (comment)
    throw new InputError(at(comment.offset), 'JSON does not allow comments', 'strict JSON (CloudFormation rejects comments), or YAML with # comments');
  if (!root || errors.length) return undefined;
  const duplicate = firstDuplicateKey(root);
  if (duplicate) throw new InputError(at(duplicate.offset), `duplicate key: ${String(duplicate.value)} appears twice in one object`);
  return {
    file,
    value: JSON.parse(text),
    locate(path) {
      let node: JsonNode | undefined = root;
      let best = at(root.offset);
      for (const key of path) {
        const child = childAt(node, key);
        if (!child) break;
        best = at(child.located.offset);
        node = child.value;
      }
      return best;
    },
  };
}

/** The properties of an object node by key, built on first use: a report locates thousands of findings. */
const propertiesOf = new WeakMap<JsonNode, Map<string, JsonNode>>();

/** The value under `key`, and the node a location points at (the property's key, or the array item). */
function childAt(node: JsonNode | undefined, key: string | number): { located: JsonNode; value: JsonNode | undefined } | undefined {
  if (node?.type === 'object') {
    let properties = propertiesOf.get(node);
    if (!properties) {
      properties = new Map();
      for (const p of node.children ?? []) {
        const k = p.children?.[0]?.value;
        if (typeof k === 'string' && !properties.has(k)) properties.set(k, p);
      }
      propertiesOf.set(node, properties);
    }
    const property = properties.get(String(key));
    return property && { located: property.children![0], value: property.children![1] };
  }
  if (node?.type === 'array' && typeof key === 'number') {
    const item = node.children?.[key];
    return item && { located: item, value: item };
  }
  return undefined;
}

function firstDuplicateKey(root: JsonNode): JsonNode | undefined {
  const stack = [root];
  for (let node = stack.pop(); node; node = stack.pop()) {
    if (node.type === 'object') {
      const seen = new Set<string>();
      for (const property of node.children ?? []) {
        const key = property.children?.[0];
        if (key && seen.has(key.value)) return key;
        if (key) seen.add(key.value);
      }
    }
    const children = node.children ?? [];
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]); // document order
  }
  return undefined;
}

interface LineStarts {
  position(offset: number): { line: number; column: number };
}

/** Lines start after each \n; line and column count from 1, in UTF-16 units, as the YAML reader's LineCounter does. */
function lineStarts(text: string): LineStarts {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return {
    position(offset) {
      let lo = 0;
      let hi = starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid] <= offset) lo = mid;
        else hi = mid - 1;
      }
      return { line: lo + 1, column: offset - starts[lo] + 1 };
    },
  };
}
