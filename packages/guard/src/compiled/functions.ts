// The built-in functions of cfn-guard 3.1.1 (eval_context.rs: resolve_function, try_handle_function_call;
// functions/*.rs). Most map each argument value and drop (None) what has the wrong type, so a clause on the
// result may have zero results and SKIP. Results are Resolved values that keep the argument's path.
import type { FunctionCall } from './ast';
import { FUNCTION_ARITY } from './ast';
import { GuardEvaluationError } from './errors';
import { QueryResult, resolved } from './query-result';
import { rustRegex } from './regex';
import { UntranslatableRegex } from './rust-regex';
import { fromData, PV } from './values';

/** Strings where Rust's and JavaScript's case mappings and byte offsets agree. */
const isAscii = (s: string): boolean => [...s].every((c) => c.charCodeAt(0) < 0x80);

/** `unsupported` refuses an argument whose result this port would not reproduce exactly. */
export function callFunction(call: FunctionCall, args: QueryResult[][], unsupported: (what: string) => never): QueryResult[] {
  const arity = FUNCTION_ARITY[call.name];
  if (arity === undefined) throw new GuardEvaluationError(`No function named ${call.name}`);
  if (arity !== args.length) throw new GuardEvaluationError(`Arity mismatch for function ${call.name}`);
  const values = (rs: QueryResult[], f: (v: PV) => PV | undefined): QueryResult[] =>
    rs.flatMap((r) => {
      if (r.k === 'unresolved') return [];
      const out = f(r.v);
      return out === undefined ? [] : [resolved(out)];
    });
  /** args[i][0], which cfn-guard indexes without checking (a panic: no verdict). */
  const first = (i: number): PV => {
    const r = args[i][0];
    if (r === undefined) throw new GuardEvaluationError(`${call.name}: argument ${i + 1} has no value`);
    if (r.k === 'unresolved') throw new GuardEvaluationError(`${call.name}: argument ${i + 1} did not resolve`);
    return r.v;
  };
  const str = (v: PV, f: (s: string) => string | undefined): PV | undefined => {
    if (v.t !== 'string') return undefined;
    const s = f(v.v);
    return s === undefined ? undefined : { t: 'string', path: v.path, v: s };
  };

  switch (call.name) {
    case 'count': {
      const a = args[0];
      const path = a.length === 0 ? '' : a[0].k === 'unresolved' ? a[0].traversedTo.path : a[0].v.path;
      return [resolved({ t: 'int', path, v: a.filter((r) => r.k !== 'unresolved').length })];
    }
    case 'to_upper':
    case 'to_lower':
      return values(args[0], (v) =>
        str(v, (s) => {
          // Rust's Unicode case mapping and JavaScript's agree on ASCII; elsewhere do not guess.
          if (!isAscii(s)) unsupported(`${call.name} of a non-ASCII string`);
          return call.name === 'to_upper' ? s.toUpperCase() : s.toLowerCase();
        }),
      );
    case 'join': {
      const sep = first(1);
      if (sep.t !== 'string' && sep.t !== 'char') throw new GuardEvaluationError('join function requires the second argument to be either a char or string');
      const parts: string[] = [];
      for (const r of args[0]) {
        if (r.k === 'unresolved') throw new GuardEvaluationError('Joining unresolved values is not allowed');
        if (r.v.t !== 'string') throw new GuardEvaluationError('Joining non string values');
        parts.push(r.v.v);
      }
      const a0 = args[0][0];
      const path = a0 === undefined ? '' : a0.k === 'unresolved' ? a0.traversedTo.path : a0.v.path;
      return [resolved({ t: 'string', path, v: parts.join(sep.v) })];
    }
    case 'substring': {
      const from = toU16(first(1), 'second');
      const to = toU16(first(2), 'third');
      return values(args[0], (v) =>
        str(v, (s) => {
          if (!isAscii(s)) unsupported('substring of a non-ASCII string (byte offsets)');
          return s.length > 0 && from < to && from <= s.length && to <= s.length ? s.slice(from, to) : undefined;
        }),
      );
    }
    case 'url_decode':
      return values(args[0], (v) =>
        str(v, (s) => {
          if (/%(?![0-9A-Fa-f]{2})/.test(s)) unsupported('url_decode of a malformed escape');
          try {
            return decodeURIComponent(s);
          } catch {
            return undefined; // invalid UTF-8 after decoding: urlencoding::decode fails, the value is dropped
          }
        }),
      );
    case 'json_parse':
      return values(args[0], (v) => {
        if (v.t !== 'string') return undefined;
        // serde_yaml reads the text; JSON without fractional numbers reads the same in YAML and in JSON.parse.
        if (/\d\s*[.eE]/.test(v.v.replace(/"(?:[^"\\]|\\.)*"/g, '""'))) unsupported('json_parse of text with non-integral numbers');
        let parsed: unknown;
        try {
          parsed = JSON.parse(v.v);
        } catch {
          return notJson(v as Extract<PV, { t: 'string' }>, unsupported);
        }
        if (!jsonIsPlain(parsed)) unsupported('json_parse of JSON with numbers beyond 2^53');
        // serde_yaml rejects a repeated key where JSON.parse keeps the last: count the keys written.
        if (keyCount(parsed) !== count(v.v, /"(?:[^"\\]|\\.)*"\s*:/g)) unsupported('json_parse of JSON with a repeated key');
        return fromData(parsed, v.path);
      });
    case 'parse_int':
      return values(args[0], (v) => {
        if (v.t === 'int') return v;
        if (v.t === 'float') return unsupported('parse_int of a float');
        if (v.t === 'string') {
          if (!/^[+-]?\d+$/.test(v.v)) throw new GuardEvaluationError(`failed to convert a string: ${v.v} into an integer`);
          const n = Number(v.v);
          if (!Number.isSafeInteger(n)) unsupported('parse_int beyond 2^53');
          return { t: 'int', path: v.path, v: n };
        }
        if (v.t === 'char') return unsupported('parse_int of a char');
        return undefined;
      });
    case 'parse_float':
      return values(args[0], (v) => {
        if (v.t === 'int' || v.t === 'float') return { t: 'float', path: v.path, v: v.v };
        if (v.t === 'string') {
          if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v.v)) unsupported(`parse_float of '${v.v}'`);
          return { t: 'float', path: v.path, v: Number(v.v) };
        }
        if (v.t === 'char') return unsupported('parse_float of a char');
        return undefined;
      });
    case 'parse_boolean':
      return values(args[0], (v) => {
        if (v.t === 'bool') return v;
        if (v.t !== 'string') return undefined;
        if (!isAscii(v.v)) unsupported('parse_boolean of a non-ASCII string');
        const s = v.v.toLowerCase();
        if (s === 'true' || s === 'false') return { t: 'bool', path: v.path, v: s === 'true' };
        throw new GuardEvaluationError(`failed to convert a string: ${v.v} into a boolean`);
      });
    case 'parse_string':
      return values(args[0], (v) => {
        if (v.t === 'string') return v;
        if (v.t === 'int' || v.t === 'bool') return { t: 'string', path: v.path, v: String(v.v) };
        if (v.t === 'float') {
          const a = Math.abs(v.v);
          if (!Number.isFinite(v.v) || (a !== 0 && (a < 1e-6 || a >= 1e21))) unsupported('parse_string of a float Rust prints differently');
          return { t: 'string', path: v.path, v: String(v.v) };
        }
        if (v.t === 'char') return { t: 'string', path: v.path, v: v.v };
        return undefined;
      });
    case 'regex_replace': {
      const re = first(1);
      const replacement = first(2);
      if (re.t !== 'string') throw new GuardEvaluationError('regex_replace function requires the second argument to be a string');
      if (replacement.t !== 'string') throw new GuardEvaluationError('regex_replace function requires the third argument to be a string');
      return values(args[0], (v) =>
        str(v, (s) => {
          try {
            return regexReplace(s, re.v, replacement.v);
          } catch (e) {
            if (e instanceof UntranslatableRegex) unsupported(e.message);
            throw e;
          }
        }),
      );
    }
    default:
      return unsupported(`the function ${call.name}`);
  }

  function toU16(v: PV, which: string): number {
    // Rust's `n as u16`: integers wrap, floats saturate.
    if (v.t === 'int') return ((v.v % 65536) + 65536) % 65536;
    if (v.t === 'float') return Number.isNaN(v.v) ? 0 : Math.min(65535, Math.max(0, Math.trunc(v.v)));
    throw new GuardEvaluationError(`substring function requires the ${which} argument to be a number`);
  }
}

/**
 * json_parse of text JSON.parse rejects: serde_yaml reads it as YAML. Only two cases are certain without a YAML
 * parser: a plain word sequence is a String, and an unclosed flow collection is an error.
 */
function notJson(v: Extract<PV, { t: 'string' }>, unsupported: (what: string) => never): PV {
  const text = v.v;
  if (/^[A-Za-z][A-Za-z0-9_ ]*$/.test(text) && !/ $/.test(text) && !/^(true|false|null|True|False|Null|TRUE|FALSE|NULL)$/.test(text)) return v;
  const unquoted = text.replace(/"(?:[^"\\]|\\.)*"/g, '');
  if (!/["']/.test(unquoted) && /^\s*[[{]/.test(text) && count(unquoted, /[[{]/g) > count(unquoted, /[\]}]/g)) {
    throw new GuardEvaluationError(`Error parsing incoming YAML context: unclosed flow collection`);
  }
  return unsupported('json_parse of text that is not JSON (YAML parsing)');
}

const count = (s: string, re: RegExp): number => (s.match(re) ?? []).length;

/** fancy_regex captures_iter + Captures::expand: only the expansions of the matches, concatenated. */
function regexReplace(text: string, source: string, replacement: string): string {
  const base = rustRegex(source);
  const re = new RegExp(base.source, base.flags.includes('g') ? base.flags : base.flags + 'g');
  let out = '';
  for (const m of text.matchAll(re)) out += expand(m, replacement);
  return out;
}

/** regex::Captures::expand: `$$`, `${name}`, `$name` (longest run of [0-9A-Za-z_]; a missing group is empty). */
function expand(m: RegExpMatchArray, replacement: string): string {
  let out = '';
  let i = 0;
  while (i < replacement.length) {
    const c = replacement[i];
    if (c !== '$') {
      out += c;
      i++;
      continue;
    }
    if (replacement[i + 1] === '$') {
      out += '$';
      i += 2;
      continue;
    }
    let name: string | undefined;
    let end = i + 1;
    if (replacement[i + 1] === '{') {
      const close = replacement.indexOf('}', i + 2);
      if (close > i + 2) {
        name = replacement.slice(i + 2, close);
        end = close + 1;
      }
    } else {
      const run = /^[0-9A-Za-z_]+/.exec(replacement.slice(i + 1));
      if (run) {
        name = run[0];
        end = i + 1 + name.length;
      }
    }
    if (name === undefined) {
      out += '$';
      i++;
      continue;
    }
    const group = /^\d+$/.test(name) ? m[Number(name)] : m.groups?.[name];
    out += group ?? '';
    i = end;
  }
  return out;
}

function keyCount(v: unknown): number {
  if (Array.isArray(v)) return v.reduce((n: number, x) => n + keyCount(x), 0);
  if (v && typeof v === 'object') return Object.values(v).reduce((n: number, x) => n + 1 + keyCount(x), 0);
  return 0;
}

function jsonIsPlain(v: unknown): boolean {
  if (typeof v === 'number') return Number.isSafeInteger(v);
  if (Array.isArray(v)) return v.every(jsonIsPlain);
  if (v && typeof v === 'object') return Object.values(v).every(jsonIsPlain);
  return true;
}
