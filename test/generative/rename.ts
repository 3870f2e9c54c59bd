/** Renames a logical ID everywhere the template refers to it (Ref, Fn::GetAtt, Fn::Sub, DependsOn). */
import { Doc, define, isMap } from './model';

export function renameResource(doc: Doc, from: string, to: string): void {
  const resources = doc.Resources as Record<string, unknown>;
  const renamed: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(resources)) define(renamed, k === from ? to : k, v);
  doc.Resources = renamed;
  const fix = (value: unknown, key?: string): unknown => {
    if (Array.isArray(value)) return value.map((v) => fix(v, key));
    if (typeof value === 'string') {
      if (key === 'Ref' || key === 'DependsOn') return value === from ? to : value;
      if (key === 'Fn::GetAtt') return value === from ? to : value.startsWith(`${from}.`) ? to + value.slice(from.length) : value;
      if (key === 'Fn::Sub')
        return value
          .split('${' + from + '}')
          .join('${' + to + '}')
          .split('${' + from + '.')
          .join('${' + to + '.');
      return value;
    }
    if (isMap(value)) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        if (k === 'Fn::GetAtt' && Array.isArray(v))
          define(
            out,
            k,
            v.map((x, i) => (i === 0 && x === from ? to : fix(x))),
          );
        else if (k === 'Fn::Sub' && Array.isArray(v))
          define(
            out,
            k,
            v.map((x, i) => (i === 0 ? fix(x, k) : fix(x))),
          );
        else define(out, k, fix(v, k === 'Ref' || k === 'DependsOn' || k === 'Fn::GetAtt' || k === 'Fn::Sub' ? k : undefined));
      }
      return out;
    }
    return value;
  };
  for (const [k, v] of Object.entries(doc)) doc[k] = fix(v);
}
