// How cfn-guard 3.1.1 combines statuses and which failures reach its report (eval.rs, eval_context.rs:
// report_all_failed_clauses_for_rules). Every evaluation returns its status with the report entries it would
// leave in cfn-guard's structured report, already gated by its own container: a container's failures are
// reported only when the container itself FAILed.

export type Status = 'PASS' | 'FAIL' | 'SKIP';

/** The part of cfn-guard's ClauseReport that Tarmac's violationsFromReport reads. */
export type Report =
  /** A failed check: the data paths it names (value, traversed_to, compared values). */
  | { readonly kind: 'check'; readonly paths: readonly string[] }
  /** A failed rule evaluated inside another (a parameterized call), with the call's message. */
  | { readonly kind: 'rule'; readonly name: string; readonly message?: string; readonly checks: readonly Report[] }
  /** A failed `or`: Tarmac locates it by its first reported alternative. */
  | { readonly kind: 'or'; readonly checks: readonly Report[] };

export interface Outcome {
  readonly status: Status;
  readonly reports: readonly Report[];
  /** Recorded in the enclosing container whatever this clause's status (a rule call's arguments): not gated by it. */
  readonly leaked?: readonly Report[];
}

export const PASSED: Outcome = { status: 'PASS', reports: [] };
export const SKIPPED: Outcome = { status: 'SKIP', reports: [] };

/** A container's outcome: its children's failures are reported only when it FAILed. */
export const gated = (status: Status, reports: readonly Report[]): Outcome => (status === 'FAIL' ? { status, reports } : status === 'PASS' ? PASSED : SKIPPED);

const NONE: readonly Report[] = [];

/** Lines of a block (eval_conjunction_clauses), each line a disjunction; `or` stops at the first PASS. */
export function conjunction<T>(lines: readonly (readonly T[])[], evalOne: (item: T) => Outcome): Outcome {
  let passes = 0;
  let fails = 0;
  let reports: Report[] | undefined;
  for (const line of lines) {
    if (line.length === 1) {
      // Without an `or` no Disjunction record is opened: what the clause leaked and reported is the container's.
      const o = evalOne(line[0]);
      if (o.leaked && o.leaked.length > 0) (reports ??= []).push(...o.leaked);
      if (o.status === 'PASS') {
        passes++;
        continue;
      }
      if (o.status === 'FAIL') fails++;
      if (o.reports.length > 0) (reports ??= []).push(...o.reports);
      continue;
    }
    let lineFails = 0;
    let linePassed = false;
    const lineReports: Report[] = [];
    for (const item of line) {
      const o = evalOne(item);
      if (o.leaked) lineReports.push(...o.leaked);
      if (o.status === 'PASS') {
        linePassed = true;
        // A single clause's own container already gated its reports (a PASS has none).
        break;
      }
      if (o.status === 'FAIL') lineFails++;
      lineReports.push(...o.reports);
    }
    if (linePassed) {
      passes++;
      continue;
    }
    if (lineFails > 0) {
      fails++;
      (reports ??= []).push({ kind: 'or', checks: lineReports });
    }
  }
  const status: Status = fails > 0 ? 'FAIL' : passes > 0 ? 'PASS' : 'SKIP';
  if (reports === undefined) return status === 'PASS' ? PASSED : status === 'SKIP' ? SKIPPED : { status, reports: NONE };
  return { status, reports };
}

/** Every path a report names and the message Tarmac attaches to it (violationsFromReport's collectPaths). */
export function collectPaths(reports: readonly Report[], message: string | undefined, out: { path: string; message?: string }[]): void {
  for (const r of reports) {
    if (r.kind === 'or') collectPaths(r.checks.slice(0, 1), message, out);
    else if (r.kind === 'rule') collectPaths(r.checks, cleanMessage(r.message) ?? message, out);
    else for (const path of r.paths) if (path.startsWith('/')) out.push({ path, message });
  }
}

/** violationsFromReport's cleanMessage. */
export function cleanMessage(m: string | undefined): string | undefined {
  const t = m?.trim();
  return t ? t.replace(/\s*\n\s*/g, ' ') : undefined;
}
