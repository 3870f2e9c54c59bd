import type { Pos } from './ast';

/** An error cfn-guard 3.1.1 raises while evaluating (exit 255): no rule of the file gets a verdict. */
export class GuardEvaluationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GuardEvaluationError';
  }
}

/**
 * A construct the in-process evaluator does not reproduce exactly. The caller must evaluate the whole rule file
 * with native cfn-guard instead: refusing is always safe, guessing could pass what cfn-guard fails.
 */
export class UnsupportedGuard extends Error {
  constructor(
    readonly file: string,
    readonly pos: Pos | undefined,
    readonly construct: string,
  ) {
    super(`${file}:${pos ? `${pos.line}:${pos.column}` : '?'}: not supported by the compiled Guard evaluator: ${construct}`);
    this.name = 'UnsupportedGuard';
  }
}
