import { ParseError, ParseErrorCode, parseTree } from 'jsonc-parser';
import { ScannedNode, firstDuplicateKey, scanPositions } from './json-scan';
import { InputError, SourceLocation } from './errors';
import type { SourceDocument } from './yaml-source';

/**
 * Strict JSON with source positions, about five times faster than reading it as YAML (CDK templates are
 * JSON and often large). Returns undefined when the text is not strict JSON, so the caller reads it as
 * YAML instead: a YAML flow mapping also starts with `{`, and the YAML reader words syntax errors well.
 * JSON.parse reads the values; json-scan adds what it does not tell (repeated keys, positions, the latter
 * only when a location is asked for); text JSON.parse refuses goes through a syntax tree to say why.
 */
export function parseJsonSource(text: string, file: string): SourceDocument | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return notJson(text, file);
  }
  const at = locator(text, file);
  const duplicate = firstDuplicateKey(text);
  if (duplicate) throw new InputError(at(duplicate.offset), `duplicate key: ${duplicate.key} appears twice in one object`);
  let root: ScannedNode | undefined;
  return {
    file,
    value,
    locate(path) {
      root ??= scanPositions(text);
      let node: ScannedNode | undefined = root;
      let best = at(root.offset);
      for (const key of path) {
        if (node?.members) {
          const member = node.members.get(String(key));
          if (!member) break;
          best = at(member.keyOffset);
          node = member.value;
        } else if (node?.items && typeof key === 'number' && key < node.items.length) {
          node = node.items[key];
          best = at(node.offset);
        } else break;
      }
      return best;
    },
  };
}

/** Text JSON.parse refuses: comments are an error here (YAML has none either), anything else is for the YAML reader. */
function notJson(text: string, file: string): undefined {
  const errors: ParseError[] = [];
  parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  // `//` and `/* */` are not YAML either: read as YAML, the file would fail far from the real problem.
  const comment = errors.find((e) => e.error === ParseErrorCode.InvalidCommentToken);
  if (comment)
    throw new InputError(
      locator(text, file)(comment.offset),
      'JSON does not allow comments',
      'strict JSON (CloudFormation rejects comments), or YAML with # comments',
    );
  return undefined;
}

function locator(text: string, file: string): (offset: number) => SourceLocation {
  let lines: LineStarts | undefined;
  return (offset) => {
    lines ??= lineStarts(text);
    return { file, ...lines.position(offset) };
  };
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
