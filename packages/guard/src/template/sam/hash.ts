import { createHash } from 'crypto';
import { isObject } from './values';

/**
 * SAM names some generated resources with a hash of their content (e.g. `<Function>Version<hash>`): the
 * first 10 hex digits of the SHA-1 of the value serialized as Python's `json.dumps(value, sort_keys=True,
 * separators=(',', ':'))` (ASCII-only output), or of the string itself.
 */
export function logicalIdHash(value: unknown, length = 10): string {
  const text = typeof value === 'string' ? value : pythonJson(value);
  return createHash('sha1').update(text, 'utf8').digest('hex').slice(0, length);
}

export function pythonJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return pythonString(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(',')}]`;
  if (isObject(value)) {
    const keys = Object.keys(value).sort(byCodePoint);
    return `{${keys.map((k) => `${pythonString(k)}:${pythonJson(value[k])}`).join(',')}}`;
  }
  return 'null';
}

/** Python sorts str by code point; JavaScript's default sort compares UTF-16 units. */
function byCodePoint(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i].codePointAt(0)! - y[i].codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

const ESCAPES: Readonly<Record<string, string>> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };

function pythonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    const code = s.charCodeAt(i);
    if (Object.hasOwn(ESCAPES, c)) out += ESCAPES[c];
    else if (code < 0x20 || code > 0x7e) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += c;
  }
  return `${out}"`;
}
