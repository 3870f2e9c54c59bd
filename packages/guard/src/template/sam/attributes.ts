import { NotExpanded } from './model';
import { SamResource } from './unit';
import { Dict, clone, dict } from './values';

/** Resource attributes SAM accepts on its resources (IgnoreGlobals and Connectors are SAM's own). */
const KNOWN = new Set(['Type', 'Properties', 'Condition', 'DependsOn', 'DeletionPolicy', 'UpdateReplacePolicy', 'Metadata', 'IgnoreGlobals', 'Connectors']);

export function checkAttributes(r: SamResource): void {
  for (const key of Object.keys(r.resource)) {
    if (!KNOWN.has(key)) throw new NotExpanded([...r.sourcePath, key], `the attribute ${key} on a SAM resource is not expanded by Tarmac`);
  }
}

/** Attributes of the resource that takes the SAM resource's logical ID: all of them. */
export function mainAttributes(r: SamResource): Dict {
  return pick(r, ['Condition', 'DependsOn', 'DeletionPolicy', 'UpdateReplacePolicy', 'Metadata']);
}

/** Attributes SAM copies to every other resource it generates for the SAM resource. */
export function generatedAttributes(r: SamResource): Dict {
  return pick(r, ['Condition', 'DeletionPolicy', 'UpdateReplacePolicy']);
}

function pick(r: SamResource, keys: readonly string[]): Dict {
  return dict(keys.map((k) => [k, Object.hasOwn(r.resource, k) ? clone(r.resource[k]) : undefined]));
}
