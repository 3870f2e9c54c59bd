import type { Tag } from '@aws-sdk/client-cloudformation';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { UsageError } from '../usage-error';
import { describeError } from './aws-errors';
import { EngineContext, call } from './context';
import { checkAnomalyMonitors, monitorsReady } from './anomaly-monitors';
import { checkCostAllocationTags, tagsReady } from './cost-allocation-tags';
import type { Desired } from './desired';
import type { ManagementPlan, ManagementReport, StepOutcome } from './model';
import { deployStack, planStack } from './stacks';

/** What plan and deploy say about a management stack when run without --management. */
export const managementNote = (command: 'plan' | 'deploy') =>
  `management account stack, not ${command === 'plan' ? 'planned' : 'deployed'} here: run \`tarmac ${command} --management\` with management-account credentials`;

/**
 * Refuses credentials of any other account: the billing stack in a member account would deploy budgets and
 * anomaly monitors that see that account's cost alone, and budget actions that cannot apply an SCP.
 */
export async function assertManagementAccount(ctx: EngineContext, desired: Desired): Promise<string> {
  const expected = desired.managementAccountId;
  if (!expected)
    throw new UsageError('--management: this build has no org-wide deployment manifest (DIR/stacksets/manifest.json), so no management account stacks');
  const who = await call(ctx, 'sts:GetCallerIdentity', () => ctx.clients.sts.send(new GetCallerIdentityCommand({})));
  if (who.Account !== expected) {
    throw new UsageError(
      `--management needs credentials of the management account ${expected}; these are of account ${who.Account ?? '?'} (${who.Arn ?? 'unknown principal'}). Nothing was read or changed.`,
    );
  }
  return expected;
}

/**
 * `tarmac plan --management`: the caller check, the cost allocation tags, the anomaly monitors AWS already has,
 * then each management stack. Writes nothing.
 */
export async function planManagement(ctx: EngineContext, desired: Desired): Promise<ManagementPlan> {
  const managementAccountId = await assertManagementAccount(ctx, desired);
  const costAllocationTags = await checkCostAllocationTags(ctx, desired.costAllocationTags);
  const anomalyMonitors = await checkAnomalyMonitors(ctx, desired.anomalyMonitors);
  const stacks = [];
  for (const stack of desired.managementStacks) stacks.push((await planStack(ctx, stack)).plan);
  return { managementAccountId, stacks, costAllocationTags, principalCostAllocationTags: desired.principalCostAllocationTags, anomalyMonitors };
}

/**
 * 1 when a tag is inactive or could not be checked (the budgets would deploy and not work), a monitor would
 * collide with one AWS has (or could not be checked), or a stack is blocked.
 */
export function managementPlanExitCode(plan: ManagementPlan): number {
  return tagsReady(plan.costAllocationTags) && monitorsReady(plan.anomalyMonitors) && !plan.stacks.some((s) => s.action === 'blocked') ? 0 : 1;
}

/**
 * `tarmac deploy --management`: refuses before any change when the tags could not be checked, or when one
 * is not active and `allowInactiveTags` is false (with it, warns and goes on). Then creates or updates each
 * management stack in its own region; a failed stack does not stop the next.
 */
export async function deployManagement(
  ctx: EngineContext,
  desired: Desired,
  opts: { allowInactiveTags: boolean; stackTags: readonly Tag[] },
): Promise<ManagementReport> {
  await assertManagementAccount(ctx, desired);
  const costAllocationTags = await checkCostAllocationTags(ctx, desired.costAllocationTags);
  if (costAllocationTags.error) return { costAllocationTags, refused: 'the cost allocation tags could not be checked, so nothing was deployed', stacks: [] };
  if (costAllocationTags.inactive.length) {
    const keys = costAllocationTags.inactive.map((t) => t.key).join(', ');
    if (!opts.allowInactiveTags)
      return {
        costAllocationTags,
        refused: `cost allocation tag(s) not active: ${keys}; activate them (below), or deploy with --allow-inactive-tags`,
        stacks: [],
      };
    ctx.progress.warn(
      `deploying with cost allocation tag(s) not active (--allow-inactive-tags): ${keys}; budgets and anomaly monitors filtering on them count nothing until they are activated`,
    );
  }
  // A collision would fail the billing stack's create and roll it back whole: refused before anything changes.
  const anomalyMonitors = await checkAnomalyMonitors(ctx, desired.anomalyMonitors);
  if (anomalyMonitors.error)
    return { costAllocationTags, anomalyMonitors, refused: 'the anomaly monitors could not be checked, so nothing was deployed', stacks: [] };
  if (anomalyMonitors.collisions.length) {
    const names = [...new Set(anomalyMonitors.collisions.map((c) => c.monitor))].join(', ');
    return {
      costAllocationTags,
      anomalyMonitors,
      refused: `anomaly monitor(s) ${names} would collide with monitors AWS already has; adopt or delete those (above)`,
      stacks: [],
    };
  }
  const stacks: StepOutcome[] = [];
  for (const stack of desired.managementStacks) {
    try {
      const { action } = await deployStack(ctx, stack, opts.stackTags);
      stacks.push({ name: stack.name, action, ok: true, detail: stack.region });
    } catch (err) {
      stacks.push({ name: stack.name, action: 'failed', ok: false, detail: describeError(err) });
    }
  }
  ctx.progress.stop();
  return { costAllocationTags, anomalyMonitors, stacks };
}

export function managementDeployExitCode(report: ManagementReport): number {
  return report.refused || report.stacks.some((s) => !s.ok) ? 1 : 0;
}
