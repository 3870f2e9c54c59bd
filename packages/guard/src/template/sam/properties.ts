import { NotExpanded } from './model';
import { SamResource } from './unit';
import { Dict, Path, get, isIntrinsic, isObject } from './values';

/**
 * Checks that every property of a SAM resource is one Tarmac expands: SAM refuses unknown properties, and
 * one Tarmac does not model could generate or change resources the controls would never see.
 */
export function checkProperties(r: SamResource, supported: ReadonlySet<string>): void {
  for (const key of Object.keys(r.properties)) {
    if (!supported.has(key)) throw new NotExpanded([...r.sourcePath, 'Properties', key], `property ${key} of ${r.type} is not expanded by Tarmac`);
  }
}

/** The resource's Properties as a map (absent is empty), or NotExpanded. */
export function propertiesOf(resource: Readonly<Dict>, path: Path): Dict {
  if (!Object.hasOwn(resource, 'Properties') || resource.Properties === null) return {};
  if (!isObject(resource.Properties) || isIntrinsic(resource.Properties)) throw new NotExpanded([...path, 'Properties'], 'Properties is not a map');
  return resource.Properties;
}

/** A property SAM needs as a literal string (it names resources after it, or decides what to generate). */
export function literalString(value: unknown, path: Path, what: string): string {
  if (typeof value !== 'string') throw new NotExpanded(path, `${what} is not a literal string`);
  return value;
}

export function literalMap(value: unknown, path: Path, what: string): Dict {
  if (!isObject(value) || isIntrinsic(value)) throw new NotExpanded(path, `${what} is not a map`);
  return value;
}

/** Checks the keys of a nested map against what Tarmac expands. */
export function checkKeys(value: Dict, supported: readonly string[], path: Path, what: string): void {
  for (const key of Object.keys(value)) {
    if (!supported.includes(key)) throw new NotExpanded([...path, key], `${what}.${key} is not expanded by Tarmac`);
  }
}

export function propertyPath(r: SamResource, ...rest: (string | number)[]): Path {
  return [...r.sourcePath, 'Properties', ...rest];
}

export function prop(r: SamResource, key: string): unknown {
  return get(r.properties, key);
}
