import { CloudFormationClient, DescribeTypeCommand, GetHookResultCommand, HookResultSummary, ListHookResultsCommand } from '@aws-sdk/client-cloudformation';
import { errorName } from '../../deploy/aws-errors';
import { paginate } from '../../deploy/paginate';
import { RegionScope, awsRead, describeFailure, orRecord } from './collect-accounts-call';
import type { LiveHookFailure, LiveRegion } from './model';

/** GetHookResult calls per region at most: one per failure, so a noisy hook cannot make the report unbounded. */
export const DEFAULT_HOOK_RESULT_DETAILS = 100;

export interface HookReadOptions {
  readonly since: Date;
  readonly detailLimit: number;
}

type HookPresence = LiveRegion['hooks'][number];

/** The hook's ARN when DescribeType finds it here; null when CloudFormation says TypeNotFoundException. */
async function describeHook(scope: RegionScope, cfn: CloudFormationClient, typeName: string): Promise<string | null> {
  try {
    const out = await awsRead(scope, 'cloudformation', 'DescribeType', () => cfn.send(new DescribeTypeCommand({ Type: 'HOOK', TypeName: typeName })));
    return out.Arn ?? '';
  } catch (err) {
    if (errorName(err) === 'TypeNotFoundException') return null;
    throw err;
  }
}

/**
 * The hook's HOOK_COMPLETE_FAILED invocations (the API's documented TypeArn + Status combination). ListHookResults
 * documents no order, so every page is read and `since` filters, rather than stopping at the first old result.
 * HookResultNotFoundException ("the target doesn't have any requested Hook invocations") is no failures.
 */
async function listFailures(scope: RegionScope, cfn: CloudFormationClient, typeArn: string): Promise<HookResultSummary[]> {
  try {
    return await paginate(async (NextToken) => {
      const out = await awsRead(scope, 'cloudformation', 'ListHookResults', () =>
        cfn.send(new ListHookResultsCommand({ TypeArn: typeArn, Status: 'HOOK_COMPLETE_FAILED', NextToken })),
      );
      return { items: out.HookResults, nextToken: out.NextToken };
    });
  } catch (err) {
    if (errorName(err) === 'HookResultNotFoundException') return [];
    throw err;
  }
}

const toFailure = (typeName: string, s: HookResultSummary): LiveHookFailure => ({
  hookResultId: s.HookResultId ?? '',
  typeName,
  invokedAt: s.InvokedAt?.toISOString(),
  targetType: s.TargetType,
  targetId: s.TargetId ?? s.HookExecutionTarget,
  failureMode: s.FailureMode,
  reason: s.HookStatusReason,
  failedRules: [],
});

/** Most recent first; an invocation without a time sorts last (it is kept: it cannot be shown to be before `since`). */
const byRecency = (a: LiveHookFailure, b: LiveHookFailure) => (b.invokedAt ?? '').localeCompare(a.invokedAt ?? '');

async function failedRules(scope: RegionScope, cfn: CloudFormationClient, hookResultId: string): Promise<LiveHookFailure['failedRules']> {
  const out = await awsRead(scope, 'cloudformation', 'GetHookResult', () => cfn.send(new GetHookResultCommand({ HookResultId: hookResultId })));
  return (out.Annotations ?? [])
    .filter((a) => a.Status === 'FAILED')
    .map((a) => ({ name: a.AnnotationName ?? '', ...(a.StatusMessage ? { message: a.StatusMessage } : {}) }));
}

/**
 * The rules of the `detailLimit` most recent failures. The others stay listed without their rules, and the region's
 * errors say how many: a failure is never dropped. GetHookResult failures are summed up per error code, one line each.
 */
async function withRules(scope: RegionScope, cfn: CloudFormationClient, failures: LiveHookFailure[], opts: HookReadOptions): Promise<LiveHookFailure[]> {
  const detailed = failures.slice(0, opts.detailLimit);
  const refused = new Map<string, { count: number; first: string }>();
  const result: LiveHookFailure[] = [];
  for (const failure of detailed) {
    try {
      result.push({ ...failure, failedRules: await failedRules(scope, cfn, failure.hookResultId) });
    } catch (err) {
      const seen = refused.get(errorName(err)) ?? { count: 0, first: `${failure.hookResultId}: ${describeFailure(err)}` };
      refused.set(errorName(err), { ...seen, count: seen.count + 1 });
      result.push(failure);
    }
  }
  for (const { count, first } of refused.values()) {
    scope.errors.push(
      `GetHookResult in account ${scope.accountId} (${scope.region}) failed for ${count} of ${detailed.length} hook failures; their rules are not shown (first: ${first})`,
    );
  }
  const undetailed = failures.slice(detailed.length);
  if (undetailed.length > 0) {
    scope.errors.push(
      `${failures.length} hook failures in account ${scope.accountId} (${scope.region}) since ${opts.since.toISOString()}: the rules of the ${detailed.length} most recent were read (GetHookResult), the other ${undetailed.length} are listed without them`,
    );
  }
  return [...result, ...undetailed];
}

/** Per expected hook: is it activated here, and which of its invocations since `since` failed validation. */
export async function readHooks(
  scope: RegionScope,
  cfn: CloudFormationClient,
  typeNames: readonly string[],
  opts: HookReadOptions,
): Promise<{ hooks: HookPresence[]; hookFailures: LiveHookFailure[] }> {
  const hooks: HookPresence[] = [];
  const failures: LiveHookFailure[] = [];
  for (const typeName of typeNames) {
    // A hook whose presence could not be read is left out of `hooks` (its error says so), not reported absent.
    const arn = await orRecord(scope, `DescribeType ${typeName}`, () => describeHook(scope, cfn, typeName));
    if (arn === undefined) continue;
    hooks.push({ typeName, present: arn !== null });
    if (arn === null) continue;
    if (!arn) {
      scope.errors.push(`DescribeType ${typeName} in account ${scope.accountId} (${scope.region}) gave no Arn: its hook results cannot be listed`);
      continue;
    }
    const summaries = await orRecord(scope, `ListHookResults ${typeName}`, () => listFailures(scope, cfn, arn));
    for (const s of summaries ?? []) {
      if (s.InvokedAt && s.InvokedAt.getTime() < opts.since.getTime()) continue;
      failures.push(toFailure(typeName, s));
    }
  }
  return { hooks, hookFailures: await withRules(scope, cfn, failures.sort(byRecency), opts) };
}
