import { randomUUID } from 'crypto';
import {
  Capability,
  CreateStackInstancesCommand,
  CreateStackSetCommand,
  DeleteStackInstancesCommand,
  DeleteStackSetCommand,
  UpdateStackSetCommand,
} from '@aws-sdk/client-cloudformation';
import { AwsCallError, describeError, errorName, isThrottle } from './aws-errors';
import { EngineContext } from './context';
import type { DesiredStackSet } from './desired';
import { inoperableAdvice, verdictOf } from './instance-verdict';
import type { InstanceStatus, OperationOutcome, StackSetOutcome } from './model';
import { ResolvedParameter, apiParameters } from './parameters';
import { ActualStackSet, diffStackSet } from './stackset-diff';
import { OperationRun, runOperation } from './stackset-operations';
import { describeStackSet, listInstances } from './stackset-state';
import { withRetry } from './retry';
import { TargetGroup, apiDeploymentTargets, instanceKey, isAccountTarget, pairKey } from './targets';

const targetText = (g: TargetGroup) => `${g.accounts ? `accounts ${g.accounts.join(', ')} of ` : ''}${g.ous.join(', ')} in ${g.regions.join(', ')}`;

async function readActual(ctx: EngineContext, name: string): Promise<ActualStackSet> {
  const stackSet = await describeStackSet(ctx, name);
  return { stackSet, instances: stackSet ? await listInstances(ctx, name) : [] };
}

/** Collects each operation's outcome and per-instance failures; an operation that did not succeed stops the stack set. */
class Operations {
  readonly outcomes: OperationOutcome[] = [];
  readonly errors: string[] = [];
  readonly reasons = new Map<string, string>();

  record(run: OperationRun): boolean {
    this.outcomes.push(run.outcome);
    for (const r of run.results) {
      if (r.StatusReason && r.Status !== 'SUCCEEDED') this.reasons.set(`${r.Account} ${r.Region}`, r.StatusReason);
    }
    if (run.outcome.status === 'SUCCEEDED') return true;
    this.errors.push(`${run.outcome.action} operation ${run.outcome.operationId} ${run.outcome.status}${run.outcome.reason ? `: ${run.outcome.reason}` : ''}`);
    return false;
  }
}

/**
 * Makes one stack set match the build: create it (or update it when a concurrent create won), update its
 * properties where instances stay, create instances for new OU × region targets, and delete instances of
 * targets the build dropped, only with --allow-delete. Then reports every instance.
 */
export async function deployStackSet(
  ctx: EngineContext,
  desired: DesiredStackSet,
  params: readonly ResolvedParameter[],
  allowDelete: boolean,
): Promise<StackSetOutcome> {
  const name = desired.name;
  const ops = new Operations();
  const skippedRemovals: string[] = [];
  let action: StackSetOutcome['action'] = 'unchanged';
  let removing = new Set<string>();
  try {
    const parameters = apiParameters(params);
    let actual = await readActual(ctx, name);
    if (!actual.stackSet) {
      action = 'create';
      if (!(await createStackSet(ctx, desired, parameters))) actual = await readActual(ctx, name);
    }
    const diff = diffStackSet(desired, actual, params);
    if (action !== 'create' || actual.stackSet) action = diff.plan.action;
    let ok = true;
    if (actual.stackSet && diff.propertiesChanged) {
      ok = ops.record(
        await runOperation(ctx, name, 'UpdateStackSet', (operationId) =>
          ctx.clients.cloudFormation.send(
            new UpdateStackSetCommand({
              StackSetName: name,
              CallAs: ctx.callAs,
              OperationId: operationId,
              OperationPreferences: desired.operationPreferences,
              ...stackSetProperties(desired, parameters),
              ...(diff.permissionModelChanged ? { PermissionModel: 'SERVICE_MANAGED' } : {}),
              // AWS refuses AutoDeployment together with DeploymentTargets or Regions; without them it updates every instance.
              ...(diff.autoDeploymentChanged
                ? { AutoDeployment: desired.autoDeployment }
                : diff.updateTargets
                  ? { DeploymentTargets: apiDeploymentTargets(diff.updateTargets), Regions: [...diff.updateTargets.regions] }
                  : {}),
            }),
          ),
        ),
      );
    }
    for (const group of ok ? diff.plan.addTargets : []) {
      ok = ops.record(
        await runOperation(ctx, name, 'CreateStackInstances', (operationId) =>
          ctx.clients.cloudFormation.send(
            new CreateStackInstancesCommand({
              StackSetName: name,
              CallAs: ctx.callAs,
              OperationId: operationId,
              DeploymentTargets: apiDeploymentTargets(group),
              Regions: [...group.regions],
              OperationPreferences: desired.operationPreferences,
            }),
          ),
        ),
      );
      if (!ok) break;
    }
    for (const group of ok ? diff.plan.removeTargets : []) {
      if (!allowDelete) {
        skippedRemovals.push(`${name}: delete instances of ${targetText(group)}`);
        continue;
      }
      if (!ops.record(await deleteInstances(ctx, name, group, desired.operationPreferences))) break;
    }
    removing = new Set(diff.plan.removeTargets.flatMap((g) => (g.accounts ?? g.ous).flatMap((unit) => g.regions.map((r) => pairKey(unit, r)))));
  } catch (err) {
    ops.errors.push(describeError(err));
  }
  const outcome = await finish(ctx, name, action, ops, skippedRemovals, removing, true, isAccountTarget(desired));
  return { ...outcome, wave: desired.wave };
}

/**
 * The properties CreateStackSet and UpdateStackSet share, built in one place: a property sent by one call
 * and not the other would show as a change on every plan.
 */
function stackSetProperties(desired: DesiredStackSet, parameters: { ParameterKey: string; ParameterValue: string }[]) {
  return {
    TemplateBody: desired.templateBody,
    Parameters: parameters,
    Capabilities: [...desired.capabilities] as Capability[],
    ...(desired.managedExecution ? { ManagedExecution: desired.managedExecution } : {}),
    ...(desired.description !== undefined ? { Description: desired.description } : {}),
    ...(desired.tags ? { Tags: [...desired.tags] } : {}),
  };
}

/** CreateStackSet; false when the name exists already (a concurrent create): the caller goes on as an update. */
async function createStackSet(ctx: EngineContext, desired: DesiredStackSet, parameters: { ParameterKey: string; ParameterValue: string }[]): Promise<boolean> {
  ctx.progress.update(desired.name, 'CreateStackSet');
  try {
    await withRetry(`CreateStackSet ${desired.name}`, ctx.retry, isThrottle, () =>
      ctx.clients.cloudFormation.send(
        new CreateStackSetCommand({
          StackSetName: desired.name,
          CallAs: ctx.callAs,
          // The idempotency token of CreateStackSet; a new one per attempt, like an operation ID.
          ClientRequestToken: randomUUID(),
          PermissionModel: 'SERVICE_MANAGED',
          AutoDeployment: desired.autoDeployment,
          ...stackSetProperties(desired, parameters),
        }),
      ),
    );
    return true;
  } catch (err) {
    if (errorName(err) === 'NameAlreadyExistsException') return false;
    throw new AwsCallError(`cloudformation:CreateStackSet ${desired.name}`, err);
  }
}

function deleteInstances(ctx: EngineContext, name: string, group: TargetGroup, preferences?: DesiredStackSet['operationPreferences']): Promise<OperationRun> {
  return runOperation(ctx, name, 'DeleteStackInstances', (operationId) =>
    ctx.clients.cloudFormation.send(
      new DeleteStackInstancesCommand({
        StackSetName: name,
        CallAs: ctx.callAs,
        OperationId: operationId,
        DeploymentTargets: apiDeploymentTargets(group),
        Regions: [...group.regions],
        RetainStacks: false,
        ...(preferences ? { OperationPreferences: preferences } : {}),
      }),
    ),
  );
}

/** A stack set the build no longer has: delete its instances, then the stack set; only with --allow-delete. */
export async function removeStackSet(ctx: EngineContext, name: string, groups: readonly TargetGroup[], allowDelete: boolean): Promise<StackSetOutcome> {
  const ops = new Operations();
  if (!allowDelete) return finish(ctx, name, 'delete', ops, [`${name}: delete the stack set and its instances`], new Set(), false);
  try {
    let ok = true;
    for (const group of groups) {
      ok = ops.record(await deleteInstances(ctx, name, group));
      if (!ok) break;
    }
    if (ok) {
      ctx.progress.update(name, 'DeleteStackSet');
      await withRetry(
        `DeleteStackSet ${name}`,
        ctx.retry,
        (err) => errorName(err) === 'OperationInProgressException' || isThrottle(err),
        () => ctx.clients.cloudFormation.send(new DeleteStackSetCommand({ StackSetName: name, CallAs: ctx.callAs })),
      ).catch((err) => {
        if (errorName(err) === 'StackSetNotFoundException') return;
        if (errorName(err) === 'StackSetNotEmptyException')
          throw new Error(
            `DeleteStackSet ${name}: instances remain (see them with tarmac status); an INOPERABLE one has to be removed as AWS advises before the stack set can go`,
          );
        throw new AwsCallError(`cloudformation:DeleteStackSet ${name}`, err);
      });
    }
  } catch (err) {
    ops.errors.push(describeError(err));
  }
  return finish(ctx, name, 'delete', ops, [], new Set());
}

/**
 * Lists every instance and says what is wrong. Instances of targets being removed are left out of the
 * "not current" count: an update marks them OUTDATED, and their removal (done or skipped) says why.
 */
async function finish(
  ctx: EngineContext,
  name: string,
  action: StackSetOutcome['action'],
  ops: Operations,
  skippedRemovals: string[],
  removing: ReadonlySet<string>,
  readInstances = true,
  accountTarget = false,
): Promise<StackSetOutcome> {
  let instances: InstanceStatus[] = [];
  if (readInstances) {
    try {
      instances = (await listInstances(ctx, name)).map((i) =>
        i.reason || !ops.reasons.has(`${i.account} ${i.region}`) ? i : { ...i, reason: ops.reasons.get(`${i.account} ${i.region}`) },
      );
    } catch (err) {
      // The stack set may be gone (deleted on purpose): nothing to list then.
      if (errorName(err) !== 'StackSetNotFoundException') ops.errors.push(describeError(err));
    }
  }
  const errors = [...ops.errors];
  for (const i of instances) if (verdictOf(i) === 'inoperable') errors.push(inoperableAdvice(name, i, ctx.callAs));
  const failed = instances.filter((i) => ['failed', 'outdated'].includes(verdictOf(i)) && !removing.has(instanceKey(accountTarget, i) ?? ''));
  if (failed.length && !errors.length) errors.push(`${failed.length} instance(s) not current although the operations succeeded (within the failure tolerance)`);
  const summary = errors.length ? 'failed' : skippedRemovals.length ? 'removals skipped (need --allow-delete)' : 'done';
  ctx.progress.done(name, `${action}: ${summary}`);
  return { name, action, operations: ops.outcomes, instances, errors, skippedRemovals };
}
