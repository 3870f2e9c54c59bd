import type { Tag } from '@aws-sdk/client-cloudformation';
import { describeError } from './aws-errors';
import { uploadBundle } from './bundles';
import { mapBounded } from './concurrency';
import type { EngineContext } from './context';
import type { Desired } from './desired';
import { allCurrent } from './instance-verdict';
import type { DesiredStackSet } from './desired';
import { managementNote } from './management';
import type { DeployReport, Plan, StackSetOutcome, StepOutcome } from './model';
import { deployPolicies } from './org-policies';
import { resolveParameters } from './parameters';
import { STACK_SET_CONCURRENCY, byWave, planDeployment } from './plan';
import { Selection, selectedParts } from './selection';
import { deployStackSet, removeStackSet } from './stackset-deploy';
import { deployStack } from './stacks';

export interface DeployOptions {
  readonly allowDelete: boolean;
  readonly selection: Selection;
  /** Tags of the plain stacks (org.yaml's deployment tags). */
  readonly stackTags: readonly Tag[];
  readonly region?: string;
  readonly concurrency?: number;
}

/**
 * Deploys in dependency order: the plain stacks (the bundle bucket), the bundles into it, the organization
 * policies, then the stack sets, whose parameters are the bundles' VersionIds and the stacks' outputs, wave
 * by wave: every stack set of wave 0 (baselines) has finished, its operations succeeded, before any of wave 1
 * (hooks) starts, and a failed wave 0 stops the deploy there. Reading AWS for the plan may throw (nothing was
 * changed then); after that, every failure is recorded in the report and what depends on it is not attempted.
 * The management account's stacks are left alone (`deployManagement` deploys them).
 */
export async function deployAll(ctx: EngineContext, desired: Desired, opts: DeployOptions): Promise<{ plan: Plan; report: DeployReport }> {
  const { plan, versions: known, outputs: knownOutputs, removedStackSets } = await planDeployment(ctx, desired, opts.selection, opts.region);
  const parts = selectedParts(desired, opts.selection);
  if (plan.removals && !opts.allowDelete) {
    ctx.progress.warn(
      `the build removes ${plan.removals} thing(s) that exist in AWS (run tarmac plan to see them); without --allow-delete they are skipped and deploy exits 1`,
    );
  }
  const skippedRemovals: string[] = [];

  const stacks: StepOutcome[] = [];
  const outputs = new Map(knownOutputs);
  let stacksOk = true;
  for (const stack of parts.stacks) {
    try {
      const { action, outputs: out } = await deployStack(ctx, stack, opts.stackTags);
      outputs.set(stack.name, out);
      stacks.push({ name: stack.name, action, ok: true });
    } catch (err) {
      stacksOk = false;
      stacks.push({ name: stack.name, action: 'failed', ok: false, detail: describeError(err) });
    }
  }

  const bundles: StepOutcome[] = [];
  const versions = new Map(known);
  for (const bundle of parts.bundles) {
    if (!stacksOk) {
      bundles.push({ name: bundle.key, action: 'not attempted', ok: false, detail: 'a stack it needs failed' });
      continue;
    }
    if (versions.has(bundle.key)) {
      bundles.push({ name: bundle.key, action: 'unchanged', ok: true, detail: `version ${versions.get(bundle.key)}` });
      continue;
    }
    try {
      const version = await uploadBundle(ctx, desired.bundleBucket ?? '', bundle);
      versions.set(bundle.key, version);
      bundles.push({ name: bundle.key, action: 'uploaded', ok: true, detail: `version ${version}` });
    } catch (err) {
      bundles.push({ name: bundle.key, action: 'failed', ok: false, detail: describeError(err) });
    }
  }

  let policies: StepOutcome[] = [];
  if (parts.policies) {
    const result = await deployPolicies(ctx, desired.policies, plan.policies, opts.allowDelete);
    policies = result.outcomes;
    skippedRemovals.push(...result.skipped);
  }

  const limit = opts.concurrency ?? STACK_SET_CONCURRENCY;
  const deployOne = async (s: DesiredStackSet): Promise<StackSetOutcome> => {
    const params = resolveParameters(s, { versions, outputs });
    const missing = params.filter((p) => p.value === undefined);
    if (missing.length) {
      const why = stacksOk ? missing.map((p) => `${p.key}: ${p.pending}`).join('; ') : 'a stack it needs failed';
      return notAttempted(s, why);
    }
    return deployStackSet(ctx, s, params, opts.allowDelete);
  };
  const stackSets: StackSetOutcome[] = [];
  let blockedBy: { wave: number; failed: string[] } | undefined;
  for (const wave of [...new Set(byWave(parts.stackSets).map((s) => s.wave))]) {
    const members = parts.stackSets.filter((s) => s.wave === wave);
    if (blockedBy) {
      const why = `wave ${blockedBy.wave} did not complete (${blockedBy.failed.join(', ')} failed); wave ${wave} waits for it because the hooks' execution role carries the permissions boundary the account baseline creates`;
      stackSets.push(...members.map((s) => notAttempted(s, why)));
      continue;
    }
    const outcomes = await mapBounded(members, limit, deployOne);
    stackSets.push(...outcomes);
    const failed = outcomes.filter((o) => o.errors.length).map((o) => o.name);
    if (failed.length && parts.stackSets.some((s) => s.wave > wave)) {
      blockedBy = { wave, failed };
      ctx.progress.warn(`stopping after wave ${wave}: ${failed.join(', ')} failed, so no stack set of a later wave is started`);
    }
  }
  // Stack sets the build dropped go last, and only when everything the build has deployed: a guardrail is
  // never removed while what replaces it failed (or was held back).
  const failedSets = stackSets.filter((o) => o.errors.length).map((o) => o.name);
  const removals = failedSets.length
    ? removedStackSets.map((name) =>
        notAttempted(
          { name },
          `${failedSets.join(', ')} did not deploy; a stack set the build dropped is removed only after every stack set of the build deployed`,
        ),
      )
    : await mapBounded(removedStackSets, limit, (name) =>
        removeStackSet(ctx, name, plan.stackSets.find((p) => p.name === name)?.removeTargets ?? [], opts.allowDelete),
      );
  const allStackSets = [...stackSets, ...removals];
  for (const s of allStackSets) skippedRemovals.push(...s.skippedRemovals);
  ctx.progress.stop();
  const notes = desired.managementStacks.map((s) => `${s.name}: ${managementNote('deploy')}`);
  return { plan, report: { stacks, bundles, policies, stackSets: allStackSets, skippedRemovals, notes } };
}

/** A stack set left alone, and why; `wave` is absent for one the build no longer has. */
function notAttempted(s: Pick<StackSetOutcome, 'name' | 'wave'>, why: string): StackSetOutcome {
  return { name: s.name, wave: s.wave, action: 'not attempted', operations: [], instances: [], errors: [`not attempted: ${why}`], skippedRemovals: [] };
}

/** 0 when everything deployed and every instance is current; 1 when anything failed or a removal was skipped. */
export function deployExitCode(report: DeployReport): number {
  const steps = [...report.stacks, ...report.bundles, ...report.policies];
  const failed = steps.some((s) => !s.ok) || report.stackSets.some((s) => s.errors.length || !allCurrent(s.instances)) || report.skippedRemovals.length > 0;
  return failed ? 1 : 0;
}
