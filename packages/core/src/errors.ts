/** Where a problem is: a file and, when known, a 1-based line and column. */
export interface SourceLocation {
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
}

/**
 * Bad input: a file a person wrote or pointed us at is wrong. Always names the file, and the line and
 * column when we know them, and says what was expected. Never carries a stack trace to the user.
 */
export class InputError extends Error {
  constructor(
    readonly location: SourceLocation,
    readonly problem: string,
    readonly expected?: string,
  ) {
    super(formatLocation(location) + ': ' + problem + (expected ? ` (expected ${expected})` : ''));
    this.name = 'InputError';
  }
}

/** Several input errors found in one pass, so a user can fix them all at once. */
export class InputErrors extends Error {
  constructor(readonly errors: readonly InputError[]) {
    super(errors.map((e) => e.message).join('\n'));
    this.name = 'InputErrors';
  }
}

export function formatLocation(loc: SourceLocation): string {
  if (loc.line === undefined) return loc.file;
  return loc.column === undefined ? `${loc.file}:${loc.line}` : `${loc.file}:${loc.line}:${loc.column}`;
}

/** Flattens thrown input errors into a list; anything else is rethrown (a bug, not bad input). */
export function collectInputErrors(err: unknown): InputError[] {
  if (err instanceof InputErrors) return [...err.errors];
  if (err instanceof InputError) return [err];
  throw err;
}
