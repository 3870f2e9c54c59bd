import * as fs from 'fs';
import * as path from 'path';

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
  return type in types() || type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource';
}

export function tagSupport(type: string): TagSupport | undefined {
  return types()[type] ?? undefined;
}

export function taggableResourceTypes(): string[] {
  const all = types();
  return Object.keys(all).filter((t) => all[t]);
}

/** The known type closest in spelling, to suggest in an error message. */
export function closestResourceType(type: string): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of Object.keys(types())) {
    const d = editDistance(type.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  return bestDistance <= Math.max(3, type.length / 5) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}
