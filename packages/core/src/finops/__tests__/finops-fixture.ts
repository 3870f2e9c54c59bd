import { loadCatalog } from '../../catalog/load-catalog';
import { InputError, collectInputErrors } from '../../errors';
import { loadOrganization } from '../../org/load-org';
import { PoliciesFixture } from '../../org/__tests__/fixture';
import { loadFinOps } from '../load-finops';
import { FinOpsBuild } from '../model';

export const BUDGETS = 'finops/budgets.yaml';
export const ANOMALY = 'finops/anomaly-detection.yaml';
export const EXPORT = 'finops/cost-export.yaml';

/** loadFinOps on a fixture's copy of policies/, as `tarmac build` calls it. */
export function finops(fx: PoliciesFixture): FinOpsBuild | undefined {
  return loadFinOps(loadCatalog(fx.dir), loadOrganization(fx.file('org.yaml')));
}

/** The input errors loadFinOps fails with (fails the test if it succeeds). */
export function finopsErrors(fx: PoliciesFixture): InputError[] {
  try {
    finops(fx);
  } catch (err) {
    return collectInputErrors(err);
  }
  throw new Error('expected loadFinOps to fail');
}

/** The one error at file:line, whose message contains every fragment (fails with all errors listed if not). */
export function errorAt(errors: readonly InputError[], file: string, line: number, ...fragments: string[]): InputError {
  const found = errors.filter((e) => e.location.file === file && e.location.line === line && fragments.every((f) => e.message.includes(f)));
  if (found.length !== 1)
    throw new Error(`expected one error at ${file}:${line} with ${JSON.stringify(fragments)}, got:\n${errors.map((e) => e.message).join('\n')}`);
  return found[0];
}
