/** How AWS errors are told apart: by the `name` the SDK sets from AWS's error code, never by class identity alone. */

/** The AWS error itself, also when it comes wrapped in an AwsCallError. */
const unwrap = (err: unknown): unknown => (err instanceof AwsCallError ? err.cause : err);

export function errorName(err: unknown): string {
  return (unwrap(err) as { name?: string })?.name ?? '';
}

export function errorMessage(err: unknown): string {
  const e = unwrap(err) as { message?: string };
  return e?.message ?? String(e);
}

export function httpStatus(err: unknown): number | undefined {
  return (unwrap(err) as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
}

/**
 * Throttling as each service says it: CloudFormation's query protocol answers `Throttling: Rate exceeded`,
 * Organizations `TooManyRequestsException`, most JSON services `ThrottlingException`, S3 `SlowDown`. A HEAD
 * request has no body to name the error, so S3's SlowDown on HeadObject is only its status: 503 (429 is the
 * standard "too many requests").
 */
export function isThrottle(err: unknown): boolean {
  const name = errorName(err);
  return (
    ['Throttling', 'ThrottlingException', 'TooManyRequestsException', 'RequestLimitExceeded', 'SlowDown'].includes(name) ||
    /rate exceeded/i.test(errorMessage(err)) ||
    [429, 503].includes(httpStatus(err) ?? 0)
  );
}

/** One line for people: AWS's error code and its own message; other errors by their message. */
export function describeError(err: unknown): string {
  if (err instanceof AwsCallError) return err.message;
  const message = errorMessage(err);
  if (!(err as { $metadata?: unknown })?.$metadata) return message;
  const name = errorName(err);
  return !name || name === 'Error' || message.startsWith(name) ? message : `${name}: ${message}`;
}

/** An AWS call that failed, named by service operation so the person knows which permission or resource to look at. */
export class AwsCallError extends Error {
  constructor(
    readonly operation: string,
    readonly cause: unknown,
  ) {
    super(`${operation} failed: ${describeError(cause)}`);
    this.name = 'AwsCallError';
  }
}
