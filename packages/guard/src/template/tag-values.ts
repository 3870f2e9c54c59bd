import { tagSupport } from '@tarmac/core';
import { isObject } from './foreach';

/**
 * Tag keys and values written as numbers or booleans (`Value: 1`, `env: true`) in their string form, as
 * CloudFormation passes them to the service: the tag controls judge strings, and a rule that skipped
 * non-strings would pass `env: 1`. Returns the resource itself when nothing changes.
 */
export function withStringTags(resource: Record<string, unknown>): Record<string, unknown> {
  const support = typeof resource.Type === 'string' ? tagSupport(resource.Type) : undefined;
  const props = resource.Properties;
  if (!support || !isObject(props) || !Object.hasOwn(props, support.property)) return resource;
  const tags = props[support.property];
  let converted: unknown;
  if (support.format === 'MAP' && isObject(tags)) {
    if (!Object.values(tags).some(isScalar)) return resource;
    converted = Object.fromEntries(Object.entries(tags).map(([k, v]) => [k, isScalar(v) ? String(v) : v]));
  } else if (Array.isArray(tags) && tags.some((t) => isObject(t) && (isScalar(t.Key) || isScalar(t.Value)))) {
    converted = tags.map((t) =>
      isObject(t) ? { ...t, ...(isScalar(t.Key) ? { Key: String(t.Key) } : {}), ...(isScalar(t.Value) ? { Value: String(t.Value) } : {}) } : t,
    );
  } else {
    return resource;
  }
  return { ...resource, Properties: { ...props, [support.property]: converted } };
}

/** A number or boolean: what CloudFormation turns into a string where a string is expected. */
function isScalar(v: unknown): v is number | boolean {
  return typeof v === 'number' || typeof v === 'boolean';
}
