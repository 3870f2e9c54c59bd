import type { Parameter, Tag } from '@aws-sdk/client-cloudformation';
import { UsageError } from '../usage-error';
import { describeError, httpStatus } from './aws-errors';
import { assertCallerAccount } from './caller-account';
import type { EngineContext } from './context';
import { checkAnomalyMonitors, monitorsReady } from './anomaly-monitors';
import { checkCostAllocationTags, tagsReady } from './cost-allocation-tags';
import { headBundle } from './bundles';
import type { Desired, DesiredStack } from './desired';
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
  await assertCallerAccount(
    ctx,
    expected,
    (account, arn) =>
      `--management needs credentials of the management account ${expected}; these are of account ${account} (${arn}). Nothing was read or changed.`,
  );
  return expected;
}

/** An ARN of a KMS key (not an alias, not a bare ID): what the hook execution role's policy names. */
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key\/[0-9a-fA-F-]+$/;

/**
 * Fills a management stack's parameters (the management hook's) from the bundle objects in the delegated
 * administrator's bundle bucket, which `tarmac deploy` uploaded: each bundle's VersionId, and the key it is
 * encrypted with. A bundle not uploaded yet, or one that holds other bytes, has no version to pin: the reason is
 * returned instead, and the stack must not be deployed (an empty or wrong VersionId would make the hook fail every
 * evaluation, or evaluate other rules).
 */
export async function managementParameters(
  ctx: EngineContext,
  desired: Desired,
  stack: DesiredStack,
): Promise<{ parameters: Parameter[] } | { missing: string }> {
  const bucket = desired.bundleBucket ?? '';
  const objects = new Map<string, { versionId: string; kmsKeyId?: string }>();
  const parameters: Parameter[] = [];
  for (const { key, source } of stack.parameters ?? []) {
    const bundleKey = 'bundle' in source ? source.bundle : source.bundleKey;
    let object = objects.get(bundleKey);
    if (!object) {
      const where = `s3://${bucket}/${bundleKey}`;
      const sha256 = desired.bundles.find((b) => b.key === bundleKey)?.sha256;
      let found;
      try {
        found = await headBundle(ctx, bucket, bundleKey);
      } catch (err) {
        // A HEAD has no error body: S3's 403 says nothing more than that.
        const denied =
          httpStatus(err) === 403
            ? '; access denied: the bundle bucket lets the management account read the bundles once tarmac deploy has updated tarmac-rule-bundles, and these credentials need s3:GetObject and s3:ListBucket on it'
            : '';
        return { missing: `${key}: ${where} could not be read (${describeError(err)})${denied}` };
      }
      if (!found)
        return {
          missing: `${key}: ${where} has not been uploaded: run tarmac deploy (delegated administrator credentials) first, which uploads the bundles this stack pins`,
        };
      if (found.sha256 !== sha256) return { missing: `${key}: ${where} has sha256 ${found.sha256 ?? '(none)'}, not ${sha256}` };
      if (!found.versionId) return { missing: `${key}: ${where} has no VersionId: the bundle bucket must be versioned (the hook pins a version)` };
      object = { versionId: found.versionId, ...(found.kmsKeyId ? { kmsKeyId: found.kmsKeyId } : {}) };
      objects.set(bundleKey, object);
    }
    if ('bundle' in source) parameters.push({ ParameterKey: key, ParameterValue: object.versionId });
    else if (object.kmsKeyId && KMS_KEY_ARN.test(object.kmsKeyId)) parameters.push({ ParameterKey: key, ParameterValue: object.kmsKeyId });
    else return { missing: `${key}: s3://${bucket}/${bundleKey} reports no KMS key ARN (${object.kmsKeyId ?? 'none'}); the bundles are uploaded with SSE-KMS` };
  }
  return { parameters };
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
  for (const stack of desired.managementStacks) {
    const { plan } = await planStack(ctx, stack);
    const params = stack.parameters?.length && plan.action !== 'blocked' ? await managementParameters(ctx, desired, stack) : undefined;
    stacks.push(params && 'missing' in params ? { ...plan, action: 'blocked' as const, note: `not deployable yet: ${params.missing}` } : plan);
  }
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
    let parameters: Parameter[] | undefined;
    if (stack.parameters?.length) {
      const resolved = await managementParameters(ctx, desired, stack);
      if ('missing' in resolved) {
        stacks.push({ name: stack.name, action: 'not attempted', ok: false, detail: resolved.missing });
        continue;
      }
      parameters = resolved.parameters;
    }
    try {
      const { action } = await deployStack(ctx, stack, opts.stackTags, parameters);
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
