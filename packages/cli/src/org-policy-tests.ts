import { Catalog, InputError, InputErrors, loadExemptions } from '@tarmac/core';
import { OrgTest, OrgTestRequest, buildOrgPolicies, loadOrgPolicies, orgTests } from '@tarmac/core/org';

export interface OrgCaseResult {
  readonly test: OrgTest;
  readonly actual?: 'Allowed' | 'Denied';
  readonly explanation?: string;
  readonly error?: string;
}

/** The optional simulator's API, loaded at run time so the CLI never depends on its AGPL code. */
interface Simulator {
  simulateOrgRequest(req: OrgTestRequest): Promise<{ decision: 'Allowed' | 'Denied'; explanation: string }>;
}

export const SIMULATOR_PACKAGE = '@tarmac/simulate';

function loadSimulator(): Simulator | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- optional, and loaded only when installed
    return require(SIMULATOR_PACKAGE) as Simulator;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' && String((err as Error).message).includes(SIMULATOR_PACKAGE)) return undefined;
    throw err;
  }
}

/**
 * Evaluates every organization policy test case against the effective chain of the policies as built
 * (the exact bytes `tarmac build` writes on `today`, exemption carve-outs included). Returns undefined when the policies describe no organization.
 * Without the simulator, refuses rather than passing: a test that did not run is not a pass.
 */
export async function runOrgPolicyTests(
  catalog: Catalog,
  skip: boolean,
  today = new Date(),
): Promise<{ results: OrgCaseResult[]; skipped: number } | undefined> {
  const set = await loadOrgPolicies(catalog);
  if (!set) return undefined;
  const exemptions = loadExemptions(catalog, set.organization, set.controls, today);
  const tests = orgTests(buildOrgPolicies(set, catalog, { exemptions, today }), set.controls);
  if (skip) return { results: [], skipped: tests.length };
  const simulator = loadSimulator();
  if (!simulator) {
    throw new InputErrors([
      new InputError(
        { file: set.organization.file },
        `${tests.length} organization policy test cases need the optional package ${SIMULATOR_PACKAGE} (AGPL-3.0-or-later), which is not installed`,
        `npm install ${SIMULATOR_PACKAGE}, or --skip-simulation to run only the Guard tests`,
      ),
    ]);
  }
  const results: OrgCaseResult[] = [];
  for (const test of tests) {
    try {
      const outcome = await simulator.simulateOrgRequest(test.request);
      results.push({ test, actual: outcome.decision, explanation: outcome.explanation });
    } catch (err) {
      results.push({ test, error: (err as Error).message });
    }
  }
  return { results, skipped: 0 };
}
