import type { Value } from './ast';
import { GuardEvaluationError } from './errors';

/**
 * cfn-guard's PathAwareValue: a value with the JSON pointer it was read at. Literals from rule text have the
 * empty path (Path::root()), so they never contribute a reported path.
 */
export type PV =
  | { readonly t: 'null'; readonly path: string }
  | { readonly t: 'string'; readonly path: string; readonly v: string }
  | { readonly t: 'bool'; readonly path: string; readonly v: boolean }
  | { readonly t: 'int'; readonly path: string; readonly v: number }
  | { readonly t: 'float'; readonly path: string; readonly v: number }
  | { readonly t: 'char'; readonly path: string; readonly v: string }
  | { readonly t: 'regex'; readonly path: string; readonly v: string }
  | { readonly t: 'list'; readonly path: string; readonly v: PV[] }
  | { readonly t: 'map'; readonly path: string; readonly v: Map<string, PV> }
  | {
      readonly t: 'range';
      readonly path: string;
      readonly type: 'int' | 'float' | 'char';
      readonly lo: number | string;
      readonly hi: number | string;
      readonly loIn: boolean;
      readonly hiIn: boolean;
    };

/** A document value the evaluator cannot hold exactly as cfn-guard reads it. */
export class UnsupportedValue extends Error {}

/** JSON pointer escaping is not applied: cfn-guard joins raw keys with '/'. */
const extend = (path: string, part: string | number): string => `${path}/${part}`;

/** A parsed template value as cfn-guard reads Tarmac's JSON: an integral JS number is an Int, any other a Float. */
export function fromData(data: unknown, path = ''): PV {
  if (data === null || data === undefined) return { t: 'null', path };
  switch (typeof data) {
    case 'string':
      return { t: 'string', path, v: data };
    case 'boolean':
      return { t: 'bool', path, v: data };
    case 'number':
      if (!Number.isFinite(data) || (Number.isInteger(data) && !Number.isSafeInteger(data))) {
        // JSON.stringify writes these as 1e+21, null or digits beyond 2^53: cfn-guard would not read the value held here.
        throw new UnsupportedValue(`the number ${data} at ${path || '/'}`);
      }
      return Number.isInteger(data) ? { t: 'int', path, v: data } : { t: 'float', path, v: data };
    case 'object': {
      if (Array.isArray(data)) return { t: 'list', path, v: data.map((d, i) => fromData(d, extend(path, i))) };
      const m = new Map<string, PV>();
      for (const [k, v] of Object.entries(data as Record<string, unknown>)) if (v !== undefined) m.set(k, fromData(v, extend(path, k)));
      return { t: 'map', path, v: m };
    }
    default:
      throw new GuardEvaluationError(`cannot evaluate a ${typeof data} value at ${path || '/'}`);
  }
}

/** A literal from rule text (path ''). */
export function fromLiteral(value: Value): PV {
  switch (value.kind) {
    case 'string':
      return { t: 'string', path: '', v: value.value };
    case 'regex':
      return { t: 'regex', path: '', v: value.source };
    case 'int':
      return { t: 'int', path: '', v: value.value };
    case 'float':
      return { t: 'float', path: '', v: value.value };
    case 'bool':
      return { t: 'bool', path: '', v: value.value };
    case 'null':
      return { t: 'null', path: '' };
    case 'list':
      return { t: 'list', path: '', v: value.items.map(fromLiteral) };
    case 'map':
      return { t: 'map', path: '', v: new Map(value.entries.map(([k, v]) => [k, fromLiteral(v)])) };
    case 'range':
      return { t: 'range', path: '', type: value.type, lo: value.lower, hi: value.upper, loIn: value.lowerInclusive, hiIn: value.upperInclusive };
  }
}

export const isList = (v: PV): v is Extract<PV, { t: 'list' }> => v.t === 'list';
export const isMap = (v: PV): v is Extract<PV, { t: 'map' }> => v.t === 'map';
export const isScalar = (v: PV): boolean => v.t !== 'list' && v.t !== 'map';

/** Rust's String::cmp: UTF-8 byte order, which is code point order (JS `<` compares UTF-16 units). */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done) return y.done ? 0 : -1;
    if (y.done) return 1;
    const cx = x.value.codePointAt(0)!;
    const cy = y.value.codePointAt(0)!;
    if (cx !== cy) return cx < cy ? -1 : 1;
  }
}
