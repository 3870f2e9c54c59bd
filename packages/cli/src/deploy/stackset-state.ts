import {
  DescribeStackSetCommand,
  ListStackInstancesCommand,
  ListStackSetOperationsCommand,
  ListStackSetsCommand,
  StackSet,
  StackSetOperationSummary,
} from '@aws-sdk/client-cloudformation';
import { errorName } from './aws-errors';
import { EngineContext, call } from './context';
import type { InstanceStatus } from './model';
import { paginate } from './paginate';

/** Stack sets Tarmac owns are named tarmac-<file>-<target>; a stack set of that name the build lacks is a removal. */
export const TARMAC_PREFIX = 'tarmac-';

/** The stack set as AWS has it, or undefined when there is none (a deleted one counts as none). */
export async function describeStackSet(ctx: EngineContext, name: string): Promise<StackSet | undefined> {
  try {
    const out = await call(ctx, `cloudformation:DescribeStackSet ${name}`, () =>
      ctx.clients.cloudFormation.send(new DescribeStackSetCommand({ StackSetName: name, CallAs: ctx.callAs })),
    );
    return out.StackSet?.Status === 'DELETED' ? undefined : out.StackSet;
  } catch (err) {
    if (errorName(err) === 'StackSetNotFoundException') return undefined;
    throw err;
  }
}

/** Every stack instance: account, region, OU, Status, DetailedStatus, reason and drift. */
export async function listInstances(ctx: EngineContext, name: string): Promise<InstanceStatus[]> {
  const summaries = await paginate(async (NextToken) => {
    const out = await call(ctx, `cloudformation:ListStackInstances ${name}`, () =>
      ctx.clients.cloudFormation.send(new ListStackInstancesCommand({ StackSetName: name, CallAs: ctx.callAs, NextToken })),
    );
    return { items: out.Summaries, nextToken: out.NextToken };
  });
  return summaries
    .map((s) => ({
      account: s.Account ?? '?',
      region: s.Region ?? '?',
      ...(s.OrganizationalUnitId ? { ou: s.OrganizationalUnitId } : {}),
      status: s.Status ?? 'UNKNOWN',
      ...(s.StackInstanceStatus?.DetailedStatus ? { detailedStatus: s.StackInstanceStatus.DetailedStatus } : {}),
      ...(s.StatusReason ? { reason: s.StatusReason } : {}),
      ...(s.DriftStatus ? { drift: s.DriftStatus } : {}),
    }))
    .sort((a, b) => a.account.localeCompare(b.account) || a.region.localeCompare(b.region));
}

/** Active stack sets named like Tarmac's. */
export async function listTarmacStackSets(ctx: EngineContext): Promise<string[]> {
  const summaries = await paginate(async (NextToken) => {
    const out = await call(ctx, 'cloudformation:ListStackSets', () =>
      ctx.clients.cloudFormation.send(new ListStackSetsCommand({ Status: 'ACTIVE', CallAs: ctx.callAs, NextToken })),
    );
    return { items: out.Summaries, nextToken: out.NextToken };
  });
  return summaries
    .map((s) => s.StackSetName ?? '')
    .filter((n) => n.startsWith(TARMAC_PREFIX))
    .sort();
}

/** The most recent operation on a stack set: the first page holds it (the AWS CLI docs show the newest first), sorted to be sure. */
export async function lastOperation(ctx: EngineContext, name: string): Promise<StackSetOperationSummary | undefined> {
  const out = await call(ctx, `cloudformation:ListStackSetOperations ${name}`, () =>
    ctx.clients.cloudFormation.send(new ListStackSetOperationsCommand({ StackSetName: name, CallAs: ctx.callAs })),
  );
  return [...(out.Summaries ?? [])].sort((a, b) => (b.CreationTimestamp?.getTime() ?? 0) - (a.CreationTimestamp?.getTime() ?? 0))[0];
}
