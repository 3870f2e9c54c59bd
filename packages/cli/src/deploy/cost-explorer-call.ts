import { errorName } from './aws-errors';
import { EngineContext, call } from './context';
import { withRetry } from './retry';

/**
 * A Cost Explorer call, retried while it says "too many calls": Cost Explorer does so with
 * LimitExceededException, which other services use for a quota reached (not retried there, see isThrottle).
 */
export function costExplorerCall<T>(ctx: EngineContext, operation: string, send: () => Promise<T>): Promise<T> {
  return withRetry(
    operation,
    ctx.retry,
    (err) => errorName(err) === 'LimitExceededException',
    () => call(ctx, operation, send),
  );
}
