/**
 * Expands `Fn::ForEach` loops (AWS::LanguageExtensions) in the Resources section, the way CloudFormation
 * does before provisioning, so rules see the resources that will exist. Plain cfn-guard does not.
 */
export interface ExpandedResource {
  readonly logicalId: string;
  readonly resource: unknown;
  /** Path of the source node in the written template, for line numbers. */
  readonly sourcePath: readonly (string | number)[];
}

export class ForEachError extends Error {
  constructor(
    readonly sourcePath: readonly (string | number)[],
    message: string,
  ) {
    super(message);
  }
}

export function expandResources(resources: Record<string, unknown>, parameters: Record<string, unknown>): ExpandedResource[] {
  const out: ExpandedResource[] = [];
  for (const [key, value] of Object.entries(resources)) {
    expandEntry(key, value, ['Resources', key], parameters, out);
  }
  return out;
}

function expandEntry(key: string, value: unknown, sourcePath: (string | number)[], parameters: Record<string, unknown>, out: ExpandedResource[]): void {
  if (!key.startsWith('Fn::ForEach::')) {
    out.push({ logicalId: key, resource: value, sourcePath });
    return;
  }
  if (!Array.isArray(value) || value.length !== 3 || typeof value[0] !== 'string' || !isObject(value[2])) {
    throw new ForEachError(sourcePath, `${key} must be [Identifier, Collection, {OutputKey: Resource}]`);
  }
  const [identifier, collectionSpec, body] = value as [string, unknown, Record<string, unknown>];
  const collection = resolveCollection(collectionSpec, parameters);
  if (!collection) {
    throw new ForEachError(
      [...sourcePath, 1],
      `cannot expand ${key}: its collection is neither a list of strings nor a Ref to a CommaDelimitedList parameter with a default`,
    );
  }
  for (const item of collection) {
    for (const [outKey, outValue] of Object.entries(body)) {
      const substituted = substitute(outValue, identifier, item);
      expandEntry(substituteString(outKey, identifier, item), substituted, [...sourcePath, 2, outKey], parameters, out);
    }
  }
}

function resolveCollection(spec: unknown, parameters: Record<string, unknown>): string[] | undefined {
  if (Array.isArray(spec) && spec.every((s) => typeof s === 'string')) return spec as string[];
  if (isObject(spec) && typeof spec.Ref === 'string') {
    const param = parameters[spec.Ref];
    if (isObject(param) && typeof param.Default === 'string') return param.Default.split(',').map((s) => s.trim());
    if (isObject(param) && Array.isArray(param.Default)) return param.Default.map(String);
  }
  return undefined;
}

function substituteString(s: string, identifier: string, item: string): string {
  return s
    .split('${' + identifier + '}')
    .join(item)
    .split('&{' + identifier + '}')
    .join(item.replace(/[^A-Za-z0-9]/g, ''));
}

function substitute(value: unknown, identifier: string, item: string): unknown {
  if (typeof value === 'string') return substituteString(value, identifier, item);
  if (Array.isArray(value)) return value.map((v) => substitute(v, identifier, item));
  if (isObject(value)) {
    if (Object.keys(value).length === 1 && value.Ref === identifier) return item;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [substituteString(k, identifier, item), substitute(v, identifier, item)]));
  }
  return value;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
