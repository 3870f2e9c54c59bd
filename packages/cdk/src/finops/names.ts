/** Names shared by the FinOps constructs: what AWS calls the resources Tarmac creates from policies/finops/. */
import { closestMatch } from '@tarmac/core';

/** Every FinOps resource Tarmac names is tarmac-<name>, so it is recognisably the platform's. */
export const FINOPS_PREFIX = 'tarmac-';

export function awsName(name: string): string {
  return `${FINOPS_PREFIX}${name}`;
}

// The billing stack's name and region (us-east-1, where Budgets, Cost Anomaly Detection and Data Exports
// have their resources) are shared with the manifest, so they live with the other stack names.
export { BILLING_REGION, FINOPS_BILLING_STACK } from '../stacksets/names';

/** "unknown X 'y'; did you mean 'z'? Known: a, b" for a name that is not among the known ones. */
export function unknownName(what: string, name: string, known: Iterable<string>): string {
  const list = [...known];
  const guess = closestMatch(name, list);
  return `unknown ${what} '${name}'${guess ? `; did you mean '${guess}'?` : ''} (known: ${list.length ? list.join(', ') : 'none'})`;
}

/** The names that appear more than once, in order of first repetition. */
export function duplicates(names: readonly string[]): string[] {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const n of names) (seen.has(n) ? twice : seen).add(n);
  return [...twice];
}

/** "at line 12 of budgets.yaml"-style suffix when the model carries a line. */
export function atLine(line: number | undefined): string {
  return line === undefined ? '' : ` (line ${line})`;
}
