import { UsageError } from '../usage-error';
import { planBundle } from './bundles';
import { mapBounded } from './concurrency';
import type { EngineContext } from './context';
import type { Desired } from './desired';
import type { Plan } from './model';
import { ActualPolicy, planPolicies, readPolicies } from './org-policies';
import { resolveParameters } from './parameters';
import { BUNDLES, ORGANIZATION_POLICIES, Selection, selectedParts, selectionOf, selectsName } from './selection';
import { diffStackSet, removalPlan } from './stackset-diff';
import { describeStackSet, listInstances, listTarmacStackSets } from './stackset-state';
import { managementNote } from './management';
import { planStack } from './stacks';

/** Stack sets read or deployed at once: each waits on its own operation, and AWS throttles bursts. */
export const STACK_SET_CONCURRENCY = 4;

export interface PlanResult {
  readonly plan: Plan;
  /** VersionIds of bundles that exist already, by key. */
  readonly versions: ReadonlyMap<string, string>;
  readonly outputs: ReadonlyMap<string, ReadonlyMap<string, string>>;
  readonly actualPolicies: readonly ActualPolicy[];
  /** Tarmac stack sets in AWS that the build no longer has (within the selection). */
  readonly removedStackSets: readonly string[];
}

/** Reads AWS and compares it with the build: writes nothing. */
export async function planDeployment(
  ctx: EngineContext,
  desired: Desired,
  selection: Selection = selectionOf(undefined),
  region?: string,
): Promise<PlanResult> {
  const parts = selectedParts(desired, selection);
  const bucket = desired.bundleBucket ?? '';

  const stackPlans = [];
  const outputs = new Map<string, ReadonlyMap<string, string>>();
  for (const stack of parts.stacks) {
    const { plan, outputs: out } = await planStack(ctx, stack);
    stackPlans.push(plan);
    if (out) outputs.set(stack.name, out);
  }

  const bundlePlans = await mapBounded(parts.bundles, STACK_SET_CONCURRENCY, (b) => planBundle(ctx, bucket, b));
  const versions = new Map(bundlePlans.filter((b) => b.versionId).map((b) => [b.key, b.versionId!]));

  const actualPolicies = parts.policies ? await readPolicies(ctx) : [];
  const policyPlans = parts.policies ? planPolicies(desired.policies, actualPolicies) : [];

  const known = { versions, outputs };
  // In deploy order: wave 0 (baselines) before wave 1 (hooks), the build's order within a wave.
  const stackSetPlans = await mapBounded(byWave(parts.stackSets), STACK_SET_CONCURRENCY, async (s) => {
    const stackSet = await describeStackSet(ctx, s.name);
    const instances = stackSet ? await listInstances(ctx, s.name) : [];
    return diffStackSet(s, { stackSet, instances }, resolveParameters(s, known)).plan;
  });

  // Stack sets no longer built are looked for only when the selection could include them, and only for a
  // build with org-wide deployment (which says where the stack sets live).
  const built = new Set(desired.stackSets.map((s) => s.name));
  const mayRemove = selection.all || [...selection.names].some((n) => !built.has(n) && n !== BUNDLES && n !== ORGANIZATION_POLICIES);
  const orphans = mayRemove && desired.delegatedAdmin ? (await listTarmacStackSets(ctx)).filter((n) => !built.has(n)) : [];
  const unknown = [...selection.names].filter((n) => n !== BUNDLES && n !== ORGANIZATION_POLICIES && !built.has(n) && !orphans.includes(n));
  if (unknown.length) {
    throw new UsageError(
      `--only ${unknown.join(', ')}: not a part of this build (expected ${[BUNDLES, ORGANIZATION_POLICIES, ...built, ...orphans].join(', ')})`,
    );
  }
  const removedStackSets = orphans.filter((n) => selectsName(selection, n));
  const removalPlans = await mapBounded(removedStackSets, STACK_SET_CONCURRENCY, async (name) =>
    removalPlan(name, { stackSet: await describeStackSet(ctx, name), instances: await listInstances(ctx, name) }),
  );

  const stackSets = [...stackSetPlans, ...removalPlans];
  const plan: Plan = {
    ...(region ? { region } : {}),
    callAs: ctx.callAs,
    ...(desired.organizationId ? { organizationId: desired.organizationId } : {}),
    ...(desired.delegatedAdmin ? { delegatedAdmin: desired.delegatedAdmin } : {}),
    ...(desired.bundleBucket ? { bundleBucket: desired.bundleBucket } : {}),
    bundles: bundlePlans,
    stacks: stackPlans,
    policies: policyPlans,
    stackSets,
    removals: policyPlans.filter((p) => p.needsAllowDelete).length + stackSets.filter((s) => s.needsAllowDelete).length,
    managementStacks: desired.managementStacks.map((s) => ({ name: s.name, region: s.region, note: managementNote('plan') })),
    costAllocationTags: {
      keys: desired.costAllocationTags,
      note: 'checked by `tarmac plan --management`: cost allocation tags are managed in the management account',
    },
  };
  return { plan, versions, outputs, actualPolicies, removedStackSets };
}

/** Stack sets in deploy order: by wave, stable within one. */
export function byWave<T extends { readonly wave: 0 | 1 }>(stackSets: readonly T[]): T[] {
  return [...stackSets].sort((a, b) => a.wave - b.wave);
}
