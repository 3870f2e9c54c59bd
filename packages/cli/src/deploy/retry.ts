import { randomUUID } from 'crypto';
import { errorName, isThrottle } from './aws-errors';

export type Sleep = (ms: number) => Promise<void>;

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** How long to back off and how often to try; `sleep` is injected so tests never wait. */
export interface RetryPolicy {
  readonly attempts: number;
  readonly baseMs: number;
  readonly maxMs: number;
  /** Interval between polls of a running stack set operation or stack. */
  readonly pollMs: number;
  readonly sleep: Sleep;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 8, baseMs: 2_000, maxMs: 60_000, pollMs: 10_000, sleep: realSleep };

/** Exponential backoff with jitter, so concurrent deploys that collide do not retry in lockstep. */
export function backoffMs(policy: RetryPolicy, attempt: number): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** attempt);
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

export class RetriesExhausted extends Error {
  constructor(
    what: string,
    readonly attempts: number,
    readonly last: unknown,
  ) {
    super(`${what}: still ${errorName(last) || 'failing'} after ${attempts} attempts (${(last as Error)?.message ?? String(last)})`);
    this.name = 'RetriesExhausted';
  }
}

/** Calls `fn` until it succeeds, an error is not retryable, or the attempts are used up. */
export async function withRetry<T>(what: string, policy: RetryPolicy, retryable: (err: unknown) => boolean, fn: (attempt: number) => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (!retryable(err)) throw err;
      if (attempt + 1 >= policy.attempts) throw new RetriesExhausted(what, attempt + 1, err);
      await policy.sleep(backoffMs(policy, attempt));
    }
  }
}

/** Another operation holds the stack set, or ours raced one: wait and start again under a new operation ID. */
const STACK_SET_BUSY = ['OperationInProgressException', 'StaleRequestException'];

/**
 * Starts a stack set operation. Every attempt gets a fresh operation ID: an ID is an idempotency token,
 * so reusing one after OperationInProgressException would be answered as the call that was refused.
 */
export async function withOperationId<T>(
  what: string,
  policy: RetryPolicy,
  fn: (operationId: string) => Promise<T>,
  newId: () => string = randomUUID,
): Promise<{ result: T; operationId: string }> {
  return withRetry(
    what,
    policy,
    (err) => STACK_SET_BUSY.includes(errorName(err)) || isThrottle(err),
    async () => {
      const operationId = newId();
      return { result: await fn(operationId), operationId };
    },
  );
}
