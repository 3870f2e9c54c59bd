import { errorMessage, errorName, isThrottle } from '../../deploy/aws-errors';
import { RetriesExhausted, RetryPolicy, withRetry } from '../../deploy/retry';

export type ReaderService = 'cloudformation' | 'config' | 'securityhub';

/** Where a read happens, and where its failures are written (LiveRegion.errors). */
export interface RegionScope {
  readonly accountId: string;
  readonly region: string;
  readonly retry: RetryPolicy;
  readonly errors: string[];
}

/**
 * Throttling as isThrottle knows it; Security Hub also answers LimitExceededException for "throttling limits"
 * (its API reference, GetEnabledStandards' errors). Config's LimitExceededException is a quota, not a rate: not retried.
 */
export const isRetryable =
  (service: ReaderService) =>
  (err: unknown): boolean =>
    isThrottle(err) || (service === 'securityhub' && errorName(err) === 'LimitExceededException');

/** AWS's error code and message; throttling past the retries says so, with the last throttle's own code. */
export function describeFailure(err: unknown): string {
  const last = err instanceof RetriesExhausted ? err.last : err;
  const name = errorName(last) || 'Error';
  const message = errorMessage(last);
  const said = message.startsWith(name) ? message : `${name}: ${message}`;
  return err instanceof RetriesExhausted ? `${said} (still after ${err.attempts} attempts)` : said;
}

/** One line naming the call, the account, the region and what AWS answered. */
export const failureLine = (scope: RegionScope, operation: string, err: unknown): string =>
  `${operation} in account ${scope.accountId} (${scope.region}) failed: ${describeFailure(err)}`;

/** One call, retried while the service throttles; other errors are the caller's to name or expect. */
export const awsRead = <T>(scope: RegionScope, service: ReaderService, operation: string, send: () => Promise<T>): Promise<T> =>
  withRetry(`${operation} in account ${scope.accountId} (${scope.region})`, scope.retry, isRetryable(service), () => send());

/** Runs one part of a region's reads: a failure is recorded in the region's errors, never thrown past it. */
export async function orRecord<T>(scope: RegionScope, operation: string, read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (err) {
    scope.errors.push(failureLine(scope, operation, err));
    return undefined;
  }
}
