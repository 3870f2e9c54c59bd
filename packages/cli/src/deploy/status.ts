import { DetectStackSetDriftCommand } from '@aws-sdk/client-cloudformation';
import { describeError } from './aws-errors';
import { mapBounded } from './concurrency';
import type { EngineContext } from './context';
import type { Desired } from './desired';
import { allCurrent } from './instance-verdict';
import type { InstanceStatus, OperationOutcome } from './model';
import { STACK_SET_CONCURRENCY } from './plan';
import { runOperation } from './stackset-operations';
import { describeStackSet, lastOperation, listInstances } from './stackset-state';

export interface StackSetStatus {
  readonly name: string;
  readonly exists: boolean;
  readonly status?: string;
  readonly lastOperation?: { readonly operationId: string; readonly action: string; readonly status: string; readonly ended?: string; readonly reason?: string };
  readonly drift?: OperationOutcome;
  readonly instances: readonly InstanceStatus[];
  readonly errors: readonly string[];
}

/** Each built stack set as deployed now; with drift, after a drift detection of each. */
export async function statusOf(ctx: EngineContext, desired: Desired, opts: { drift: boolean }): Promise<StackSetStatus[]> {
  const result = await mapBounded(desired.stackSets, STACK_SET_CONCURRENCY, async (s): Promise<StackSetStatus> => {
    const stackSet = await describeStackSet(ctx, s.name);
    if (!stackSet) return { name: s.name, exists: false, instances: [], errors: [] };
    const last = await lastOperation(ctx, s.name);
    const errors: string[] = [];
    let drift: OperationOutcome | undefined;
    if (opts.drift) {
      try {
        const run = await runOperation(ctx, s.name, 'DetectStackSetDrift', (operationId) =>
          ctx.clients.cloudFormation.send(new DetectStackSetDriftCommand({ StackSetName: s.name, CallAs: ctx.callAs, OperationId: operationId, OperationPreferences: s.operationPreferences })),
        );
        drift = run.outcome;
        if (run.outcome.status !== 'SUCCEEDED') errors.push(`drift detection ${run.outcome.operationId} ${run.outcome.status}${run.outcome.reason ? `: ${run.outcome.reason}` : ''}`);
        ctx.progress.done(s.name, `drift detection ${run.outcome.status.toLowerCase()}`);
      } catch (err) {
        errors.push(describeError(err));
      }
    }
    const instances = await listInstances(ctx, s.name);
    return {
      name: s.name,
      exists: true,
      ...(stackSet.Status ? { status: stackSet.Status } : {}),
      ...(last?.OperationId
        ? { lastOperation: { operationId: last.OperationId, action: last.Action ?? '?', status: last.Status ?? '?', ...(last.EndTimestamp ? { ended: last.EndTimestamp.toISOString() } : {}), ...(last.StatusReason ? { reason: last.StatusReason } : {}) } }
        : {}),
      ...(drift ? { drift } : {}),
      instances,
      errors,
    };
  });
  ctx.progress.stop();
  return result;
}

/** 0 when every built stack set exists and every instance is CURRENT (and IN_SYNC with drift); 1 otherwise. */
export function statusExitCode(stackSets: readonly StackSetStatus[], drift: boolean): number {
  const clean = stackSets.every((s) => s.exists && !s.errors.length && allCurrent(s.instances) && (!drift || s.instances.every((i) => i.drift === 'IN_SYNC' || i.detailedStatus === 'SKIPPED_SUSPENDED_ACCOUNT')));
  return clean ? 0 : 1;
}
