/**
 * The document model the mutators work on: plain JSON values (intrinsics in their long form), plus a few
 * marker nodes the serializers understand, for what plain objects cannot say (duplicate keys, YAML anchors
 * and aliases, text written verbatim).
 */

/** A map written with exactly these entries, in this order: duplicates allowed. */
export class Entries {
  constructor(readonly entries: [string, unknown][]) {}
}

/** Text written verbatim as a node (single line), in YAML and, when given, in JSON. */
export class Raw {
  constructor(
    readonly yaml: string,
    readonly json?: string,
  ) {}
}

/** A YAML node with an anchor: `&name value`. JSON writes the value. */
export class Anchored {
  constructor(
    readonly anchor: string,
    readonly value: unknown,
  ) {}
}

/** A YAML alias: `*name`. Not writable as JSON. */
export class Alias {
  constructor(readonly anchor: string) {}
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Doc = Record<string, unknown>;

export function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
}

/** Deep copy of plain values; marker nodes are copied by reference (they are never mutated). */
export function clone<T>(v: T): T {
  if (Array.isArray(v)) return v.map(clone) as T;
  if (isMap(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) define(out, k, clone(x));
    return out as T;
  }
  return v;
}

/** Sets an own property, even `__proto__`. */
export function define(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A map with the same entries, `key` renamed to `to` in place (order kept). */
export function renameKey(obj: Record<string, unknown>, key: string, to: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) define(out, k === key ? to : k, v);
  return out;
}

export type PathSegment = string | number;

export function getAt(root: unknown, path: readonly PathSegment[]): unknown {
  let node = root;
  for (const s of path) {
    if (node === null || typeof node !== 'object') return undefined;
    if (!Object.prototype.hasOwnProperty.call(node, s)) return undefined;
    node = (node as Record<string, unknown>)[s as string];
  }
  return node;
}

/** Sets the value at a path whose parent exists; returns false when it does not. */
export function setAt(root: unknown, path: readonly PathSegment[], value: unknown): boolean {
  const parent = getAt(root, path.slice(0, -1));
  if (parent === null || typeof parent !== 'object') return false;
  const last = path[path.length - 1];
  if (Array.isArray(parent)) {
    if (typeof last !== 'number') return false;
    parent[last] = value;
  } else {
    define(parent as Record<string, unknown>, String(last), value);
  }
  return true;
}

/** The longest prefix of `path` that exists in `root`. */
export function existingPrefix(root: unknown, path: readonly PathSegment[]): PathSegment[] {
  const out: PathSegment[] = [];
  let node = root;
  for (const s of path) {
    if (node === null || typeof node !== 'object' || !Object.prototype.hasOwnProperty.call(node, s)) break;
    node = (node as Record<string, unknown>)[s as string];
    out.push(s);
  }
  return out;
}

/** "Properties.A.0.B" (a finding's path) as segments. */
export function pathSegments(dotted: string | undefined): PathSegment[] {
  if (!dotted) return [];
  return dotted.split('.').map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

export function resourcesOf(doc: Doc): Record<string, Record<string, unknown>> {
  return (isMap(doc.Resources) ? doc.Resources : {}) as Record<string, Record<string, unknown>>;
}

/** A logical ID not used in the template, starting with `stem`. */
export function freshId(doc: Doc, stem: string): string {
  const used = new Set([
    ...Object.keys(resourcesOf(doc)),
    ...Object.keys(isMap(doc.Parameters) ? doc.Parameters : {}),
    ...Object.keys(isMap(doc.Conditions) ? doc.Conditions : {}),
  ]);
  for (let i = 1; ; i++) {
    const id = i === 1 ? stem : `${stem}${i}`;
    if (!used.has(id)) return id;
  }
}

/** Adds a section entry (Parameters, Conditions...) creating the section; returns the doc with sections in order. */
export function addToSection(doc: Doc, section: string, key: string, value: unknown): void {
  const current = isMap(doc[section]) ? (doc[section] as Record<string, unknown>) : {};
  define(current, key, value);
  doc[section] = current;
}

/** Every scalar (path, value) under a value, depth first. */
export function scalars(value: unknown, path: PathSegment[] = []): [PathSegment[], unknown][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => scalars(v, [...path, i]));
  if (isMap(value)) return Object.entries(value).flatMap(([k, v]) => scalars(v, [...path, k]));
  if (value instanceof Entries || value instanceof Raw || value instanceof Anchored || value instanceof Alias) return [];
  return [[path, value]];
}
