/**
 * Writers for the document model: JSON (pretty or minified), block YAML with long-form intrinsics, block
 * YAML with CloudFormation short forms (!Ref, !GetAtt, !Sub...), and flow YAML (JSON-like, unquoted).
 * Hooks let a mutator decide how a key is spelled (escapes, quoting, explicit `? key` form).
 */
import { Alias, Anchored, Entries, PathSegment, Raw, isMap } from './model';

export type Format = 'json' | 'json-min' | 'yaml' | 'yaml-short' | 'yaml-flow';
export const FORMATS: readonly Format[] = ['json', 'json-min', 'yaml', 'yaml-short', 'yaml-flow'];

export interface WriteOptions {
  /**
   * The text of a map key (quotes included), or undefined for the default spelling. In YAML a text with a
   * line break is written as an explicit key (`? key` then `: value`).
   */
  readonly keyText?: (key: string, mapPath: readonly PathSegment[], format: Format) => string | undefined;
  /** YAML: write strings double-quoted even where plain would do. */
  readonly quoteAll?: boolean;
}

export function extensionOf(format: Format): string {
  return format.startsWith('json') ? 'json' : 'yaml';
}

export function write(value: unknown, format: Format, options: WriteOptions = {}): string {
  switch (format) {
    case 'json':
      return writeJson(value, 2, options) + '\n';
    case 'json-min':
      return writeJson(value, 0, options);
    case 'yaml':
      return writeYaml(value, false, options);
    case 'yaml-short':
      return writeYaml(value, true, options);
    case 'yaml-flow':
      return writeFlow(value, [], options) + '\n';
  }
}

// ---------------------------------------------------------------------------------------------- JSON

function entriesOf(value: unknown): [string, unknown][] | undefined {
  if (value instanceof Entries) return value.entries;
  if (isMap(value)) return Object.entries(value);
  return undefined;
}

export function writeJson(value: unknown, indent: number, options: WriteOptions = {}, path: PathSegment[] = [], depth = 0): string {
  const nl = indent ? '\n' : '';
  const pad = (d: number) => ' '.repeat(indent * d);
  const sep = indent ? ': ' : ':';
  if (value instanceof Raw) {
    if (value.json === undefined) throw new Error(`no JSON form for raw YAML ${value.yaml}`);
    return value.json;
  }
  if (value instanceof Anchored) return writeJson(value.value, indent, options, path, depth);
  if (value instanceof Alias) throw new Error('a YAML alias has no JSON form');
  if (Array.isArray(value)) {
    if (!value.length) return '[]';
    return `[${nl}${value.map((v, i) => pad(depth + 1) + writeJson(v, indent, options, [...path, i], depth + 1)).join(',' + nl)}${nl}${pad(depth)}]`;
  }
  const entries = entriesOf(value);
  if (entries) {
    if (!entries.length) return '{}';
    const body = entries.map(([k, v]) => {
      const key = options.keyText?.(k, path, indent ? 'json' : 'json-min') ?? JSON.stringify(k);
      return pad(depth + 1) + key + sep + writeJson(v, indent, options, [...path, k], depth + 1);
    });
    return `{${nl}${body.join(',' + nl)}${nl}${pad(depth)}}`;
  }
  if (value === undefined) return 'null';
  if (typeof value === 'number' && !Number.isFinite(value)) throw new Error('non-finite number');
  return JSON.stringify(value);
}

// ---------------------------------------------------------------------------------------------- YAML

const RESERVED = /^(true|false|yes|no|on|off|y|n|null|~|nan|\.nan|\.inf|-\.inf|\+\.inf)$/i;
const PLAIN = /^[A-Za-z_/$][A-Za-z0-9_/$.-]*(:{1,3}[A-Za-z0-9_/$.\-*]+)*$/;

export function yamlString(s: string, quoteAll = false): string {
  if (!quoteAll && PLAIN.test(s) && !RESERVED.test(s) && !/^[0-9.+-]/.test(s)) return s;
  return JSON.stringify(s);
}

function yamlScalar(value: unknown, options: WriteOptions): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return yamlString(value, options.quoteAll);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error('non-finite number');
    return String(value);
  }
  if (typeof value === 'boolean') return String(value);
  throw new Error(`not a scalar: ${typeof value}`);
}

const SHORT_FORMS = new Set([
  'Ref',
  'Condition',
  'Fn::GetAtt',
  'Fn::Sub',
  'Fn::If',
  'Fn::Join',
  'Fn::Select',
  'Fn::Split',
  'Fn::Equals',
  'Fn::Not',
  'Fn::And',
  'Fn::Or',
  'Fn::FindInMap',
  'Fn::Base64',
  'Fn::ImportValue',
  'Fn::GetAZs',
  'Fn::Cidr',
  'Fn::Transform',
  'Fn::ToJsonString',
  'Fn::Length',
]);

/** For a one-key intrinsic map: its tag (`!Ref`, `!GetAtt`...) and the argument to write after it. */
function shortForm(value: unknown): { tag: string; arg: unknown } | undefined {
  if (!isMap(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1 || !SHORT_FORMS.has(keys[0])) return undefined;
  const name = keys[0];
  const arg = value[name];
  const tag = `!${name.replace(/^Fn::/, '')}`;
  if (name === 'Ref' || name === 'Condition') return typeof arg === 'string' ? { tag, arg } : undefined;
  if (name === 'Fn::GetAtt') {
    if (Array.isArray(arg) && arg.length === 2 && typeof arg[0] === 'string' && typeof arg[1] === 'string' && !arg[0].includes('.')) {
      return { tag, arg: `${arg[0]}.${arg[1]}` };
    }
    return undefined;
  }
  return { tag, arg };
}

function writeYaml(root: unknown, short: boolean, options: WriteOptions): string {
  const format: Format = short ? 'yaml-short' : 'yaml';

  /**
   * A node at block indentation `indent`: `head` is what follows `key:` or `-` on the same line (with its
   * leading space; empty for a block collection) and `body` the lines below it.
   */
  const node = (value: unknown, path: PathSegment[], indent: number): { head: string; body: string[] } => {
    const pad = ' '.repeat(Math.max(0, indent));
    if (value instanceof Raw) return { head: ` ${value.yaml}`, body: [] };
    if (value instanceof Alias) return { head: ` *${value.anchor}`, body: [] };
    if (value instanceof Anchored) {
      const r = node(value.value, path, indent);
      return { head: ` &${value.anchor}${r.head}`, body: r.body };
    }
    const sf = short ? shortForm(value) : undefined;
    // A node has at most one tag: `!Base64 !Sub ...` is not YAML, so an intrinsic whose argument is itself
    // written as a short form (or an alias or raw text) is written in long form.
    if (sf && sf.arg !== null && !shortForm(sf.arg) && !(sf.arg instanceof Alias) && !(sf.arg instanceof Raw) && !(sf.arg instanceof Anchored)) {
      const r = node(sf.arg, [...path, Object.keys(value as object)[0]], indent);
      return { head: ` ${sf.tag}${r.head}`, body: r.body };
    }
    if (Array.isArray(value)) {
      if (!value.length) return { head: ' []', body: [] };
      const body: string[] = [];
      value.forEach((item, i) => {
        const entries = entriesOf(item);
        if (entries?.length && !(short && shortForm(item))) {
          // `- Key: value` with the other keys below it
          const r = node(item, [...path, i], indent + 2);
          body.push(pad + '- ' + r.body[0].slice(indent + 2), ...r.body.slice(1));
        } else {
          const r = node(item, [...path, i], indent + 2);
          body.push(`${pad}-${r.head}`, ...r.body);
        }
      });
      return { head: '', body };
    }
    const entries = entriesOf(value);
    if (entries) {
      if (!entries.length) return { head: ' {}', body: [] };
      const body: string[] = [];
      for (const [k, v] of entries) {
        const keyText = options.keyText?.(k, path, format) ?? yamlString(k, options.quoteAll);
        const r = node(v, [...path, k], indent + 2);
        if (keyText.includes('\n')) body.push(`${pad}? ${keyText.split('\n').join('\n' + pad + '  ')}`, `${pad}:${r.head}`, ...r.body);
        else body.push(`${pad}${keyText}:${r.head}`, ...r.body);
      }
      return { head: '', body };
    }
    return { head: ` ${yamlScalar(value, options)}`, body: [] };
  };

  const r = node(root, [], 0);
  return [...(r.head ? [r.head.trimStart()] : []), ...r.body].join('\n') + '\n';
}

/** Flow YAML: `{Resources: {B: {Type: AWS::S3::Bucket}}}` with plain scalars where YAML allows them. */
function writeFlow(value: unknown, path: PathSegment[], options: WriteOptions): string {
  if (value instanceof Raw) return value.yaml;
  if (value instanceof Alias) return `*${value.anchor}`;
  if (value instanceof Anchored) return `&${value.anchor} ${writeFlow(value.value, path, options)}`;
  if (Array.isArray(value)) return `[${value.map((v, i) => writeFlow(v, [...path, i], options)).join(', ')}]`;
  const entries = entriesOf(value);
  if (entries) {
    const body = entries.map(
      ([k, v]) => `${options.keyText?.(k, path, 'yaml-flow') ?? yamlString(k, options.quoteAll)}: ${writeFlow(v, [...path, k], options)}`,
    );
    return `{${body.join(', ')}}`;
  }
  if (typeof value === 'string' && !PLAIN.test(value)) return JSON.stringify(value);
  return yamlScalar(value, options);
}
