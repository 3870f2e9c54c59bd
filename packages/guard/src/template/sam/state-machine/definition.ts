import { NotExpanded } from '../model';
import { Dict, Path, clone, isIntrinsic, isObject, put } from '../values';

/**
 * An inline state machine Definition as SAM writes it: the JSON text (Python's json.dumps with indent 4,
 * sorted keys, ASCII only) split into lines joined by Fn::Join, with each intrinsic function replaced by
 * `${definition_substitution_N}` (numbered in key order) and moved to DefinitionSubstitutions.
 */
export function definitionString(definition: unknown, path: Path): { text: Dict; substitutions: Dict } {
  if (!isObject(definition) || isIntrinsic(definition)) throw new NotExpanded(path, 'Definition is not a map');
  const substitutions: Dict = {};
  let n = 0;
  const replace = (v: unknown): unknown => {
    if (isIntrinsic(v)) {
      n += 1;
      put(substitutions, `definition_substitution_${n}`, clone(v));
      return `\${definition_substitution_${n}}`;
    }
    if (Array.isArray(v)) return v.map(replace);
    if (isObject(v)) return Object.fromEntries(sortedKeys(v).map((k) => [k, replace(v[k])]));
    return v;
  };
  const text = pythonIndented(replace(definition), '');
  return { text: { 'Fn::Join': ['\n', text.split('\n')] }, substitutions };
}

function sortedKeys(v: Dict): string[] {
  return Object.keys(v).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function pythonIndented(v: unknown, indent: string): string {
  const inner = `${indent}    `;
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return `[\n${v.map((x) => inner + pythonIndented(x, inner)).join(',\n')}\n${indent}]`;
  }
  if (isObject(v)) {
    const keys = sortedKeys(v);
    if (keys.length === 0) return '{}';
    return `{\n${keys.map((k) => `${inner}${asciiJson(k)}: ${pythonIndented(v[k], inner)}`).join(',\n')}\n${indent}}`;
  }
  if (typeof v === 'string') return asciiJson(v);
  if (v === null || v === undefined) return 'null';
  return String(v);
}

/** JSON string with non-ASCII characters escaped, as Python's json module writes by default. */
function asciiJson(s: string): string {
  return JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
