import { AwsCallError, isThrottle } from './aws-errors';
import type { AwsClients, CallAs } from './clients';
import type { Progress } from './progress';
import { RetryPolicy, withRetry } from './retry';

/** What every engine function gets: the clients, whom StackSets calls are made as, how to wait, where progress goes. */
export interface EngineContext {
  readonly clients: AwsClients;
  readonly callAs: CallAs;
  readonly retry: RetryPolicy;
  readonly progress: Progress;
}

/**
 * One AWS call: retried with backoff while AWS throttles, and named by operation when it fails otherwise,
 * so a person sees which call (and so which permission or resource) was refused.
 */
export async function call<T>(ctx: EngineContext, operation: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await withRetry(operation, ctx.retry, isThrottle, fn);
  } catch (err) {
    throw err instanceof AwsCallError ? err : new AwsCallError(operation, err);
  }
}
