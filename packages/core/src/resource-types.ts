import * as fs from 'fs';
import * as path from 'path';
import { closestMatch } from './closest-match';

export interface TagSupport {
  /** STANDARD: [{Key, Value}]; MAP: {key: value}; AUTOSCALING_GROUP: [{Key, Value, PropagateAtLaunch}]. */
  readonly format: 'STANDARD' | 'MAP' | 'AUTOSCALING_GROUP' | 'KEY_VALUE';
  readonly property: string;
}

let loaded: Record<string, TagSupport | null> | undefined;
function types(): Record<string, TagSupport | null> {
  loaded ??= JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'data', 'resource-types.json'), 'utf8')).types;
  return loaded!;
}

/** Every CloudFormation resource type known to the bundled aws-cdk-lib (see scripts/generate-resource-types.js). */
export function isKnownResourceType(type: string): boolean {
  return Object.hasOwn(types(), type) || type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource';
}

export function tagSupport(type: string): TagSupport | undefined {
  return Object.hasOwn(types(), type) ? (types()[type] ?? undefined) : undefined;
}

let taggable: readonly string[] | undefined;
/** In the data file's order (sorted), made once: tag rules are narrowed per template. */
export function taggableResourceTypes(): readonly string[] {
  const all = types();
  return (taggable ??= Object.keys(all).filter((t) => all[t]));
}

const closest = new Map<string, string | undefined>();
/** The known type closest in spelling, to suggest in an error message (a scan of 1,400 names: once per type). */
export function closestResourceType(type: string): string | undefined {
  if (!closest.has(type)) closest.set(type, closestMatch(type, Object.keys(types())));
  return closest.get(type);
}
