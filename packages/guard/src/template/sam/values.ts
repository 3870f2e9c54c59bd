import { isObject } from '../foreach';

/**
 * Plain-value helpers for template values (the SAM expansion, the intrinsic folder). Template keys (logical
 * IDs, tag keys, paths) come from the user, so a key such as `__proto__` must stay an ordinary own property:
 * objects are built with Object.fromEntries or defineProperty, never with `obj[key] = value`, and read with
 * own-property checks.
 */
export type Path = readonly (string | number)[];
export type Dict = Record<string, unknown>;

export { isObject };
export { isIntrinsic } from '../intrinsics';

export function has(obj: Dict, key: string): boolean {
  return Object.hasOwn(obj, key);
}

/** obj[key] when it is an own property (so `constructor` is not found on the prototype). */
export function get(obj: unknown, key: string): unknown {
  return isObject(obj) && Object.hasOwn(obj, key) ? obj[key] : undefined;
}

/** Sets an own property, whatever the key (`__proto__` included). */
export function put(obj: Dict, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A map from entries, keeping only defined values, in order. */
export function dict(entries: readonly (readonly [string, unknown])[]): Dict {
  return Object.fromEntries(entries.filter(([, v]) => v !== undefined));
}

/** Deep copy, so generated resources never share (and never let anyone mutate) the input's objects. */
export function clone<T>(v: T): T {
  if (Array.isArray(v)) return v.map(clone) as T;
  if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, clone(x)])) as T;
  return v;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

export const ref = (logicalId: string): Dict => ({ Ref: logicalId });
export const getAtt = (logicalId: string, attribute: string): Dict => ({ 'Fn::GetAtt': [logicalId, attribute] });
export const sub = (text: string, vars?: Dict): Dict => ({ 'Fn::Sub': vars ? [text, vars] : text });
