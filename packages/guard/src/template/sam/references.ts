import { isObject } from './values';

/**
 * References to resources SAM renames (layer versions get a hash suffix), rewritten as SAM rewrites them:
 * Ref, Fn::GetAtt and `${Name}` / `${Name.Attribute}` in Fn::Sub.
 */
export function renameReferences(value: unknown, renames: ReadonlyMap<string, string>): unknown {
  if (renames.size === 0) return value;
  if (Array.isArray(value)) return value.map((v) => renameReferences(v, renames));
  if (!isObject(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 1) {
    const [key] = keys;
    const arg = value[key];
    if (key === 'Ref' && typeof arg === 'string' && renames.has(arg)) return { Ref: renames.get(arg) };
    if (key === 'Fn::GetAtt' && Array.isArray(arg) && typeof arg[0] === 'string' && renames.has(arg[0])) {
      return { 'Fn::GetAtt': [renames.get(arg[0]), ...arg.slice(1).map((v) => renameReferences(v, renames))] };
    }
    if (key === 'Fn::Sub') {
      const rename = (text: string) =>
        text.replace(/\$\{([^}!.]+)((?:\.[^}]*)?)\}/g, (whole, name: string, rest: string) => (renames.has(name) ? `\${${renames.get(name)}${rest}}` : whole));
      if (typeof arg === 'string') return { 'Fn::Sub': rename(arg) };
      if (Array.isArray(arg) && typeof arg[0] === 'string') return { 'Fn::Sub': [rename(arg[0]), ...arg.slice(1).map((v) => renameReferences(v, renames))] };
    }
  }
  return Object.fromEntries(keys.map((k) => [k, renameReferences(value[k], renames)]));
}
