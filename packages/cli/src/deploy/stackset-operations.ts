import { DescribeStackSetOperationCommand, ListStackSetOperationResultsCommand, StackSetOperationResultSummary } from '@aws-sdk/client-cloudformation';
import { AwsCallError } from './aws-errors';
import { EngineContext, call } from './context';
import type { OperationOutcome } from './model';
import { paginate } from './paginate';
import { withOperationId } from './retry';

const TERMINAL = ['SUCCEEDED', 'FAILED', 'STOPPED'];

export interface OperationRun {
  readonly outcome: OperationOutcome;
  /** Per account and region: SUCCEEDED, FAILED, CANCELLED, with AWS's reason. */
  readonly results: readonly StackSetOperationResultSummary[];
}

/**
 * Starts one stack set operation (a fresh operation ID per attempt, retried while another operation holds
 * the stack set or AWS throttles), waits for it to end, and collects its per-instance results.
 */
export async function runOperation(
  ctx: EngineContext,
  stackSet: string,
  action: string,
  start: (operationId: string) => Promise<unknown>,
): Promise<OperationRun> {
  ctx.progress.update(stackSet, `${action}: starting`);
  // Not through call(): a throttled start is retried by withOperationId too, under a new operation ID.
  const { operationId } = await withOperationId(`${action} ${stackSet}`, ctx.retry, start).catch((err) => {
    throw new AwsCallError(`cloudformation:${action} ${stackSet}`, err);
  });
  return waitForOperation(ctx, stackSet, action, operationId);
}

export async function waitForOperation(ctx: EngineContext, stackSet: string, action: string, operationId: string): Promise<OperationRun> {
  for (;;) {
    const out = await call(ctx, `cloudformation:DescribeStackSetOperation ${stackSet} ${operationId}`, () =>
      ctx.clients.cloudFormation.send(new DescribeStackSetOperationCommand({ StackSetName: stackSet, OperationId: operationId, CallAs: ctx.callAs })),
    );
    const op = out.StackSetOperation;
    const status = op?.Status ?? 'UNKNOWN';
    if (TERMINAL.includes(status)) {
      const results = await operationResults(ctx, stackSet, operationId);
      const outcome = { operationId, action, status, ...(op?.StatusReason ? { reason: op.StatusReason } : {}) };
      ctx.progress.update(stackSet, `${action} ${status.toLowerCase()} (${countDone(results)})`);
      return { outcome, results };
    }
    // A live display shows instances done; plain output stays quiet and makes no extra calls.
    const done = ctx.progress.live ? `, ${countDone(await operationResults(ctx, stackSet, operationId))}` : '';
    ctx.progress.update(stackSet, `${action} ${status.toLowerCase()}${done}`);
    await ctx.retry.sleep(ctx.retry.pollMs);
  }
}

function countDone(results: readonly StackSetOperationResultSummary[]): string {
  const done = results.filter((r) => r.Status && !['PENDING', 'RUNNING'].includes(r.Status)).length;
  return `${done}/${results.length} instances done`;
}

async function operationResults(ctx: EngineContext, stackSet: string, operationId: string): Promise<StackSetOperationResultSummary[]> {
  return paginate(async (NextToken) => {
    const out = await call(ctx, `cloudformation:ListStackSetOperationResults ${stackSet} ${operationId}`, () =>
      ctx.clients.cloudFormation.send(
        new ListStackSetOperationResultsCommand({ StackSetName: stackSet, OperationId: operationId, CallAs: ctx.callAs, NextToken }),
      ),
    );
    return { items: out.Summaries, nextToken: out.NextToken };
  });
}
