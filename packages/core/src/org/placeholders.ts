/**
 * {{name}} placeholders in organization policy sources, resolved per attachment target so one statement
 * can follow each OU's or account's regions. A string that is exactly one placeholder takes the value as
 * is (a list is spliced into the surrounding list); a placeholder inside a longer string must be a string.
 */

export type PlaceholderValue = string | readonly string[];
export type PlaceholderValues = Readonly<Record<string, PlaceholderValue>>;

const WHOLE = /^\{\{\s*([\w.]+)\s*\}\}$/;
const ANY = /\{\{\s*([\w.]+)\s*\}\}/g;

export interface PlaceholderUse {
  readonly name: string;
  /** Path of the string (or key) holding it. */
  readonly path: (string | number)[];
  /** The whole string is this one placeholder (a key never is: keys take single strings). */
  readonly whole: boolean;
}

/** Every placeholder used in a value, keys included, for validation at load time. */
export function placeholdersIn(value: unknown, path: (string | number)[] = [], out: PlaceholderUse[] = []): PlaceholderUse[] {
  if (typeof value === 'string') {
    const whole = WHOLE.test(value);
    for (const m of value.matchAll(ANY)) out.push({ name: m[1], path, whole });
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => placeholdersIn(v, [...path, i], out));
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      for (const m of k.matchAll(ANY)) out.push({ name: m[1], path: [...path, k], whole: false });
      placeholdersIn(v, [...path, k], out);
    }
  }
  return out;
}

/** Replaces placeholders throughout a JSON-like value. Throws if a name is unknown or a list lands inside a string. */
export function expandPlaceholders<T>(value: T, values: PlaceholderValues): T {
  return expand(value, values) as T;
}

function expand(value: unknown, values: PlaceholderValues): unknown {
  if (typeof value === 'string') return expandString(value, values);
  if (Array.isArray(value))
    return value.flatMap((v) => {
      const e = expand(v, values);
      return Array.isArray(e) ? e : [e];
    });
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const key = expandString(k, values);
      if (typeof key !== 'string') throw new Error(`placeholder in key ${k} is a list; keys take a single value`);
      out[key] = expand(v, values);
    }
    return out;
  }
  return value;
}

function expandString(s: string, values: PlaceholderValues): PlaceholderValue {
  const whole = WHOLE.exec(s);
  if (whole) return lookup(whole[1], values);
  return s.replace(ANY, (_, name: string) => {
    const v = lookup(name, values);
    if (typeof v !== 'string') throw new Error(`{{${name}}} is a list and cannot be part of the string ${s}`);
    return v;
  });
}

function lookup(name: string, values: PlaceholderValues): PlaceholderValue {
  const v = values[name];
  if (v === undefined) throw new Error(`unknown placeholder {{${name}}}`);
  return v;
}
