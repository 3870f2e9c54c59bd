import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { reportReaderRoleArn } from '@tarmac/core/org';
import { isThrottle } from '../../deploy/aws-errors';
import { mapBounded } from '../../deploy/concurrency';
import { RetryPolicy, withRetry } from '../../deploy/retry';
import type { AccountClientFactory, AccountCredentials } from './account-clients';
import { describeFailure } from './collect-accounts-call';
import { DEFAULT_HOOK_RESULT_DETAILS } from './collect-accounts-hooks';
import { collectRegion } from './collect-accounts-region';
import type { AccountExpectation, LiveAccount } from './model';

export const DEFAULT_ACCOUNT_CONCURRENCY = 8;
export const REPORT_SESSION_NAME = 'tarmac-report';

export interface AccountCollectorDeps {
  /** STS with the delegated administrator's credentials: it assumes the reader role in each account. */
  readonly sts: STSClient;
  /** The clients of one account in one region, from the role's credentials. */
  readonly clientsFor: AccountClientFactory;
  readonly retry: RetryPolicy;
  /** Hook results invoked before this are not reported. */
  readonly since: Date;
  /** Accounts read at once (default DEFAULT_ACCOUNT_CONCURRENCY); an account's regions are read one after another. */
  readonly concurrency?: number;
  /** Default 'aws'. */
  readonly partition?: string;
  /** GetHookResult calls per region at most (default DEFAULT_HOOK_RESULT_DETAILS, the most recent failures). */
  readonly hookResultDetails?: number;
  /** Called as each account is done, for a progress display. */
  readonly onAccount?: (done: number, total: number) => void;
}

/** The reader role's credentials, once per account: every region of the account reads with them. */
async function assumeReader(deps: AccountCollectorDeps, roleArn: string): Promise<AccountCredentials> {
  const out = await withRetry(`AssumeRole ${roleArn}`, deps.retry, isThrottle, () =>
    deps.sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: REPORT_SESSION_NAME })),
  );
  const c = out.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error('AssumeRole returned no credentials');
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
}

async function collectAccount(expectation: AccountExpectation, deps: AccountCollectorDeps): Promise<LiveAccount> {
  const roleArn = reportReaderRoleArn(deps.partition ?? 'aws', expectation.id);
  let credentials: AccountCredentials;
  try {
    credentials = await assumeReader(deps, roleArn);
  } catch (err) {
    return { id: expectation.id, error: `Cannot assume ${roleArn}: ${describeFailure(err)}`, regions: [] };
  }
  const hookOptions = { since: deps.since, detailLimit: deps.hookResultDetails ?? DEFAULT_HOOK_RESULT_DETAILS };
  const regions = [];
  for (const region of expectation.regions) {
    const scope = { accountId: expectation.id, region, retry: deps.retry, errors: [] };
    try {
      regions.push(await collectRegion(scope, deps.clientsFor(credentials, region), expectation, hookOptions));
    } catch (err) {
      // Each read records its own failure; this is for the unforeseen (a client that cannot be built), kept per region.
      regions.push({
        region,
        hooks: [],
        hookFailures: [],
        errors: [...scope.errors, `Reading account ${expectation.id} (${region}) failed: ${describeFailure(err)}`],
      });
    }
  }
  return { id: expectation.id, regions };
}

/**
 * Reads each account's live state through its reader role, `concurrency` accounts at a time, in the order given.
 * Never throws for what AWS answers: a role that cannot be assumed is the account's error, a refused read the region's.
 */
export function collectAccounts(expectations: readonly AccountExpectation[], deps: AccountCollectorDeps): Promise<LiveAccount[]> {
  let done = 0;
  return mapBounded(expectations, deps.concurrency ?? DEFAULT_ACCOUNT_CONCURRENCY, async (e) => {
    const account = await collectAccount(e, deps);
    deps.onAccount?.(++done, expectations.length);
    return account;
  });
}
