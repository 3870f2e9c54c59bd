import * as fs from 'fs';
import type { Alias, Document, Node, Pair, YAMLMap, ParseOptions, DocumentOptions, SchemaOptions } from 'yaml';
import { InputError, SourceLocation } from './errors';
import { parseJsonSource } from './json-source';

/** A parsed YAML or JSON file that still knows where each value came from. */
export interface SourceDocument {
  readonly file: string;
  readonly value: unknown;
  /** Location of the value at `path` (object keys and array indexes); the nearest ancestor if absent. */
  locate(path: readonly (string | number)[]): SourceLocation;
}

export type YamlOptions = ParseOptions & DocumentOptions & SchemaOptions;

/**
 * Limits that keep hostile input (alias bombs) from exhausting memory. Merge keys (`<<: *base`) are expanded
 * as `aws cloudformation package` (YAML 1.1) expands them before deploying: read as a plain key, the merged
 * properties would be invisible to every rule.
 */
const SAFE_DEFAULTS: YamlOptions = { uniqueKeys: true, prettyErrors: false, strict: true, merge: true, resolveKnownTags: false };
const MAX_ALIAS_COUNT = 100;
/**
 * The parser recurses once per nesting level; near the stack limit V8 can abort the whole process
 * (seen: "RegExpCompiler Allocation failed"), so deeper documents are refused before parsing.
 * Real templates nest a few dozen levels.
 */
export const MAX_NESTING = 512;

export function readSourceFile(file: string, options: YamlOptions = {}): SourceDocument {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new InputError({ file }, `cannot read file: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  return parseSource(text, file, options);
}

/** The YAML library, loaded on first use: a run that reads only JSON (a cdk.out, a cached catalog) does without it. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const yaml = (): typeof import('yaml') => require('yaml');

/** Parses YAML or JSON into plain values, turning every parse problem into an InputError. */
export function parseSource(text: string, file: string, options: YamlOptions = {}): SourceDocument {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const tooDeep = firstOffsetDeeperThan(text, MAX_NESTING);
  if (tooDeep !== undefined) {
    const line = text.slice(0, tooDeep).split('\n').length;
    throw new InputError({ file, line }, `document is nested too deeply (more than ${MAX_NESTING} levels)`);
  }
  if (/^\s*[{[]/.test(text)) {
    const json = parseJsonSource(text, file);
    if (json) return json;
  }
  const { LineCounter, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, { ...SAFE_DEFAULTS, ...options, lineCounter });
  } catch (err) {
    throw new InputError({ file }, `cannot parse: ${(err as Error).message}`);
  }
  const at = (offset: number): SourceLocation => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col };
  };
  const problem = doc.errors[0];
  if (problem) {
    throw new InputError(at(problem.pos[0]), describeYamlError(problem.code, problem.message));
  }
  // An unknown tag would be dropped silently (`!Reff X` read as "X", `!!set` as a map): a typo CloudFormation refuses.
  const unknownTag = doc.warnings.find((w) => w.code === 'TAG_RESOLVE_FAILED');
  if (unknownTag) {
    const tag = /Unresolved tag: (\S+)/.exec(unknownTag.message)?.[1]?.replace('tag:yaml.org,2002:', '!!') ?? 'a tag';
    throw new InputError(
      at(unknownTag.pos[0]),
      `unknown YAML tag ${tag}`,
      options.customTags ? "CloudFormation's short forms (!Ref, !GetAtt, !Sub, !If...) or no tag" : 'plain YAML, without tags',
    );
  }
  const cycle = aliasCycle(doc, text);
  if (cycle)
    throw new InputError(
      at(cycle.range![0]),
      `the alias *${cycle.source} refers to a node that contains it (a cycle)`,
      'aliases that refer to earlier, complete nodes',
    );
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    const e = err as Error;
    const message = e instanceof RangeError ? 'document is nested too deeply' : e.message;
    throw new InputError({ file, line: 1, column: 1 }, message);
  }
  return {
    file,
    value,
    locate(path) {
      const { isMap, isSeq } = yaml();
      let node: unknown = doc.contents;
      let best: SourceLocation = node && (node as Node).range ? at((node as Node).range![0]) : { file, line: 1, column: 1 };
      for (const key of path) {
        if (isMap(node)) {
          const pair = pairsOf(node).get(String(key));
          if (!pair) break;
          const keyNode = pair.key as Node;
          if (keyNode.range) best = at(keyNode.range[0]);
          node = pair.value;
        } else if (isSeq(node) && typeof key === 'number') {
          const item = node.items[key] as Node | undefined;
          if (!item) break;
          if (item.range) best = at(item.range[0]);
          node = item;
        } else {
          break;
        }
      }
      return best;
    },
  };
}

/** A map's pairs by scalar key (the first of a key), built on first use: a report locates thousands of findings. */
const pairsByKey = new WeakMap<YAMLMap, Map<string, Pair>>();
function pairsOf(map: YAMLMap): Map<string, Pair> {
  let pairs = pairsByKey.get(map);
  if (!pairs) {
    pairs = new Map();
    const { isPair, isScalar } = yaml();
    for (const p of map.items) {
      if (!isPair(p) || !isScalar(p.key)) continue;
      const k = String(p.key.value);
      if (!pairs.has(k)) pairs.set(k, p);
    }
    pairsByKey.set(map, pairs);
  }
  return pairs;
}

/**
 * Offset where flow nesting ([ and {, outside quotes and comments) or block indentation passes `max`
 * levels, or undefined. One linear pass, cheaper than the parse it protects.
 */
function firstOffsetDeeperThan(text: string, max: number): number | undefined {
  let depth = 0;
  let lineStart = true;
  let indent = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') {
      lineStart = true;
      indent = 0;
      continue;
    }
    if (lineStart && c === ' ') {
      if (++indent > 2 * max) return i;
      continue;
    }
    lineStart = false;
    if (c === '"' || c === "'") {
      for (i++; i < text.length && text[i] !== c && text[i] !== '\n'; i++) if (c === '"' && text[i] === '\\') i++;
    } else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]))) {
      while (i + 1 < text.length && text[i + 1] !== '\n') i++;
    } else if (c === '[' || c === '{') {
      if (++depth > max) return i;
    } else if (c === ']' || c === '}') {
      depth = Math.max(0, depth - 1);
    }
  }
  return undefined;
}

/** The first alias inside the node it names: toJS would build a circular value that nothing can serialize. */
function aliasCycle(doc: Document.Parsed, text: string): Alias | undefined {
  if (!text.includes('&')) return undefined; // no anchor, no alias to follow
  let found: Alias | undefined;
  const { visit } = yaml();
  visit(doc, {
    Alias(_key, alias, path) {
      const target = alias.resolve(doc);
      if (target && path.includes(target)) {
        found = alias;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

function describeYamlError(code: string, message: string): string {
  const first = message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  if (/call stack/i.test(message)) return 'document is nested too deeply';
  switch (code) {
    case 'MULTIPLE_DOCS':
      return 'a second YAML document starts here (---): a template or policy file is a single document';
    case 'DUPLICATE_KEY':
      return `duplicate key: ${first}`;
    case 'RESOURCE_EXHAUSTION':
      return `too many alias expansions (a YAML alias bomb?): ${first}`;
    default:
      return `malformed YAML/JSON: ${first}`;
  }
}
