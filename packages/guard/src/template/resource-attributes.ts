import { closestMatch } from '@tarmac/core';
import { normalized, singularCandidate } from '../compiled/key-case';

/** The attributes CloudFormation reads on a resource ("Resource attribute reference"). */
export const RESOURCE_ATTRIBUTES = [
  'Type',
  'Properties',
  'DependsOn',
  'Condition',
  'Metadata',
  'DeletionPolicy',
  'UpdateReplacePolicy',
  'UpdatePolicy',
  'CreationPolicy',
] as const;

/**
 * The attribute a resource key misspells, if it is one: another letter case or separator (`properties`,
 * `PROPERTIES`, `Properties `), a singular (`Property`) or a typo (`Propertes`, a Cyrillic `о`). CloudFormation
 * refuses such a template, but Guard retries a missing key in other letter cases and forms
 * (docs/guard-semantics.md), so `properties:` would be read as the Properties the rules check, and a
 * template that cannot deploy would pass. Other unknown keys (`Version` on old custom resources, SAM's
 * `Connectors`) are left alone.
 */
export function misspeltAttribute(key: string): string | undefined {
  if ((RESOURCE_ATTRIBUTES as readonly string[]).includes(key)) return undefined;
  return RESOURCE_ATTRIBUTES.find(
    (a) => normalized(key) === normalized(a) || (a.length >= 8 && singularCandidate(a, key)) || closestMatch(key.trim(), [a]) !== undefined,
  );
}
