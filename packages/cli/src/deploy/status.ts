import { DetectStackSetDriftCommand } from '@aws-sdk/client-cloudformation';
import { describeError } from './aws-errors';
import { mapBounded } from './concurrency';
import type { EngineContext } from './context';
import type { Desired, StackSetKind } from './desired';
import { allCurrent } from './instance-verdict';
import type { InstanceStatus, OperationOutcome } from './model';
import { STACK_SET_CONCURRENCY, byWave } from './plan';
import { runOperation } from './stackset-operations';
import { describeStackSet, lastOperation, listInstances } from './stackset-state';
import { desiredPairs, isAccountTarget, pairKey, splitPair } from './targets';

export interface StackSetStatus {
  readonly name: string;
  readonly kind: StackSetKind;
  readonly wave: 0 | 1;
  /** An account target's accounts. */
  readonly accounts?: readonly { readonly id: string; readonly name: string }[];
  readonly exists: boolean;
  readonly status?: string;
  readonly lastOperation?: {
    readonly operationId: string;
    readonly action: string;
    readonly status: string;
    readonly ended?: string;
    readonly reason?: string;
  };
  readonly drift?: OperationOutcome;
  readonly instances: readonly InstanceStatus[];
  readonly errors: readonly string[];
}

/**
 * Each built stack set as deployed now, in deploy order; with drift, after a drift detection of each. An
 * account target also says which of its accounts × regions has no instance at all: INTERSECTION skips an
 * account that is not in the OUs it names without failing, so nothing else would show it.
 */
export async function statusOf(ctx: EngineContext, desired: Desired, opts: { drift: boolean }): Promise<StackSetStatus[]> {
  const result = await mapBounded(byWave(desired.stackSets), STACK_SET_CONCURRENCY, async (s): Promise<StackSetStatus> => {
    const about = { name: s.name, kind: s.kind, wave: s.wave, ...(s.accounts ? { accounts: s.accounts } : {}) };
    const stackSet = await describeStackSet(ctx, s.name);
    if (!stackSet) return { ...about, exists: false, instances: [], errors: [] };
    const last = await lastOperation(ctx, s.name);
    const errors: string[] = [];
    let drift: OperationOutcome | undefined;
    if (opts.drift) {
      try {
        const run = await runOperation(ctx, s.name, 'DetectStackSetDrift', (operationId) =>
          ctx.clients.cloudFormation.send(
            new DetectStackSetDriftCommand({
              StackSetName: s.name,
              CallAs: ctx.callAs,
              OperationId: operationId,
              OperationPreferences: s.operationPreferences,
            }),
          ),
        );
        drift = run.outcome;
        if (run.outcome.status !== 'SUCCEEDED')
          errors.push(`drift detection ${run.outcome.operationId} ${run.outcome.status}${run.outcome.reason ? `: ${run.outcome.reason}` : ''}`);
        ctx.progress.done(s.name, `drift detection ${run.outcome.status.toLowerCase()}`);
      } catch (err) {
        errors.push(describeError(err));
      }
    }
    const instances = await listInstances(ctx, s.name);
    if (isAccountTarget(s)) {
      const present = new Set(instances.map((i) => pairKey(i.account, i.region)));
      const names = new Map((s.accounts ?? []).map((a) => [a.id, a.name]));
      for (const key of [...desiredPairs(s)].filter((k) => !present.has(k)).sort()) {
        const [account, region] = splitPair(key);
        errors.push(
          `no instance in account ${names.get(account) ?? account} (${account}) ${region}: is the account in the OU the build names for it? (tarmac deploy creates it)`,
        );
      }
    }
    return {
      ...about,
      exists: true,
      ...(stackSet.Status ? { status: stackSet.Status } : {}),
      ...(last?.OperationId
        ? {
            lastOperation: {
              operationId: last.OperationId,
              action: last.Action ?? '?',
              status: last.Status ?? '?',
              ...(last.EndTimestamp ? { ended: last.EndTimestamp.toISOString() } : {}),
              ...(last.StatusReason ? { reason: last.StatusReason } : {}),
            },
          }
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
  const clean = stackSets.every(
    (s) =>
      s.exists &&
      !s.errors.length &&
      allCurrent(s.instances) &&
      (!drift || s.instances.every((i) => i.drift === 'IN_SYNC' || i.detailedStatus === 'SKIPPED_SUSPENDED_ACCOUNT')),
  );
  return clean ? 0 : 1;
}
