import { closestMatch } from '@tarmac/core';
import { isObject } from './foreach';

/** The top-level keys that make a parsed document a CloudFormation template (one of them is enough). */
const TEMPLATE_KEYS = ['Resources', 'AWSTemplateFormatVersion', 'Transform'] as const;

export type TemplateShape =
  | { readonly kind: 'template' }
  /** A top-level key that is almost `Resources` and holds resources: a typo that would hide every resource. */
  | { readonly kind: 'near-miss'; readonly key: string }
  | { readonly kind: 'other'; readonly reason: string };

/**
 * Decides on the parsed value, never on the text: `"Re\u0073ources"` is `Resources` once parsed, and a text
 * pattern would take it for something else.
 */
export function templateShape(value: unknown): TemplateShape {
  if (!isObject(value)) return { kind: 'other', reason: `the top level is ${describeValue(value)}, not a map` };
  const nearMiss = nearMissOfResources(value);
  if (nearMiss !== undefined) return { kind: 'near-miss', key: nearMiss };
  if (TEMPLATE_KEYS.some((k) => Object.hasOwn(value, k))) return { kind: 'template' };
  return { kind: 'other', reason: `no ${TEMPLATE_KEYS.join(', ')} at the top level` };
}

/** A top-level key that is almost `Resources` (`resources`, `Resource`, `"Resources "`) and holds resources. */
function nearMissOfResources(value: Record<string, unknown>): string | undefined {
  return Object.keys(value).find((k) => isNearMissOfResources(k) && holdsResources(value[k]));
}

function isNearMissOfResources(key: string): boolean {
  return key !== 'Resources' && (/^resources?$/i.test(key.trim()) || closestMatch(key, ['Resources']) !== undefined);
}

/** A map with at least one entry that is a map with a `Type` naming a resource type (`X::Y::Z`, `Custom::X`). */
function holdsResources(value: unknown): boolean {
  return isObject(value) && Object.values(value).some((r) => isObject(r) && typeof r.Type === 'string' && r.Type.includes('::'));
}

export function describeValue(v: unknown): string {
  if (v === null || v === undefined) return 'empty';
  if (Array.isArray(v)) return 'a list';
  return `a ${typeof v}`;
}
