import type { Desired, DesiredBundle, DesiredStackSet } from './desired';

/** What `--only` asks for: everything, or named stack sets, 'bundles' and 'organization-policies'. */
export interface Selection {
  readonly all: boolean;
  readonly names: ReadonlySet<string>;
}

export const BUNDLES = 'bundles';
export const ORGANIZATION_POLICIES = 'organization-policies';

export function selectionOf(only: readonly string[] | undefined): Selection {
  return only?.length ? { all: false, names: new Set(only) } : { all: true, names: new Set() };
}

export const selectsName = (sel: Selection, name: string) => sel.all || sel.names.has(name);

/** The parts a selection deploys, with what they need: a stack set needs its bundles, bundles need the bucket stack. */
export function selectedParts(
  desired: Desired,
  sel: Selection,
): { stackSets: DesiredStackSet[]; bundles: DesiredBundle[]; stacks: Desired['stacks']; policies: boolean } {
  const stackSets = desired.stackSets.filter((s) => selectsName(sel, s.name));
  const needed = new Set(stackSets.flatMap((s) => [...s.bundles, ...s.parameters.flatMap((p) => ('bundle' in p.source ? [p.source.bundle] : []))]));
  const bundles = selectsName(sel, BUNDLES) ? [...desired.bundles] : desired.bundles.filter((b) => needed.has(b.key));
  const stacks = bundles.length || stackSets.length || selectsName(sel, BUNDLES) ? desired.stacks : [];
  return { stackSets, bundles, stacks, policies: selectsName(sel, ORGANIZATION_POLICIES) };
}
