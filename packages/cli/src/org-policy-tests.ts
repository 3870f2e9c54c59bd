import { Catalog, InputError, InputErrors, loadExemptions } from '@tarmac/core';
import {
  CoverageGap,
  IMPLICIT_DENIAL,
  OrgControl,
  OrgPolicySet,
  OrgTest,
  OrgTestRequest,
  buildOrgPolicies,
  casesOfExemption,
  denySids,
  loadOrgPolicies,
  orgTests,
  policyExemptions,
  staticCoverageGaps,
} from '@tarmac/core/org';

export interface OrgCaseResult {
  readonly test: OrgTest;
  readonly actual?: 'Allowed' | 'Denied';
  /** When Denied: the Sids of the SCP and RCP statements that explicitly denied it. */
  readonly deniedBy?: readonly string[];
  readonly explanation?: string;
  /** Why the case failed (the decision, or the statement that denied it), when it ran and failed. */
  readonly failure?: string;
  readonly error?: string;
}

/** A control whose cases leave something uncovered, as the Guard control rule reports a missing PASS or FAIL. */
export interface OrgCoverageGap {
  readonly control: OrgControl;
  readonly missing: CoverageGap[];
}

type Outcome = { decision: 'Allowed' | 'Denied'; explanation: string; deniedBy?: string[] };

/** The optional simulator's API, loaded at run time so the CLI never depends on its AGPL code. */
export interface Simulator {
  simulateOrgRequest(req: OrgTestRequest): Promise<Outcome>;
  /** Also says which statements deny (deniedBy). */
  simulateOrgCase?(req: OrgTestRequest): Promise<Outcome>;
}

/** The outcome with the denying statements; a simulator too old to report them refuses rather than failing every deniedBy. */
export function simulate(simulator: Simulator, req: OrgTestRequest): Promise<Outcome> {
  if (!simulator.simulateOrgCase) throw new Error(`the installed ${SIMULATOR_PACKAGE} does not report which statement denies; update it with the CLI`);
  return simulator.simulateOrgCase(req);
}

export const SIMULATOR_PACKAGE = '@tarmac/simulate';

export function loadSimulator(): Simulator | undefined {
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
): Promise<{ results: OrgCaseResult[]; skipped: number; coverage: OrgCoverageGap[] } | undefined> {
  const set = await loadOrgPolicies(catalog);
  if (!set) return undefined;
  const exemptions = loadExemptions(catalog, set.organization, set.controls, today);
  const build = (s: OrgPolicySet) => buildOrgPolicies(s, catalog, { exemptions, today });
  const tests = orgTests(build(set), set.controls);
  const staticGaps = new Map(set.controls.map((c) => [c, staticCoverageGaps(c, set.organization)]));
  const coverageOf = (gaps: Map<OrgControl, CoverageGap[]>) =>
    [...gaps].filter(([, missing]) => missing.length).map(([control, missing]) => ({ control, missing }));
  if (skip) return { results: [], skipped: tests.length, coverage: coverageOf(staticGaps) };
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
      const outcome = await simulate(simulator, test.request);
      results.push({ test, actual: outcome.decision, deniedBy: outcome.deniedBy, explanation: outcome.explanation, failure: caseFailure(test, outcome) });
    } catch (err) {
      results.push({ test, error: (err as Error).message });
    }
  }
  const gaps = new Map([...staticGaps].map(([c, missing]) => [c, [...missing]]));
  for (const control of set.controls) gaps.get(control)?.push(...(await undecidedExemptions(set, control, build, simulator, catalog.tags)));
  return { results, skipped: 0, coverage: coverageOf(gaps) };
}

/** Why a case that ran fails: the wrong decision, or (deniedBy) denied without its statement among the denying ones. */
export function caseFailure(test: OrgTest, outcome: Outcome): string | undefined {
  const { expect, deniedBy } = test.test;
  const denying = outcome.deniedBy ?? [];
  const by = (sids: readonly string[]) => (sids.length ? sids.join(', ') : 'no statement (implicitly: a level allows nothing)');
  if (outcome.decision !== expect) return `expected ${expect}${expect === 'Denied' && deniedBy ? ` by ${deniedBy}` : ''}, got ${outcome.decision}`;
  if (deniedBy === undefined) return undefined;
  if (expect !== 'Denied') return `deniedBy ${deniedBy} contradicts expect: ${expect} (a case names the statement that denies it only when it expects Denied)`;
  if (deniedBy === IMPLICIT_DENIAL ? denying.length === 0 : denying.includes(deniedBy)) return undefined;
  return `expected Denied by ${deniedBy === IMPLICIT_DENIAL ? 'no statement (implicitly)' : deniedBy}, got Denied by ${by(denying)}`;
}

/**
 * Each exemption of a control needs a case of its own: an Allowed case from a principal it covers that, with
 * only that exemption taken out of the control and the policies rebuilt, this control denies. One that stays
 * Allowed passes for another reason and would not notice the exemption going. Exemptions without any Allowed
 * case from their principals are already reported by staticCoverageGaps.
 */
async function undecidedExemptions(
  set: OrgPolicySet,
  control: OrgControl,
  build: (s: OrgPolicySet) => ReturnType<typeof buildOrgPolicies>,
  simulator: Simulator,
  tags: Catalog['tags'],
): Promise<CoverageGap[]> {
  const gaps: CoverageGap[] = [];
  const ownSids = new Set(denySids(control, tags));
  for (const exemption of policyExemptions(control, set.organization)) {
    const candidates = casesOfExemption(control, set.organization, exemption);
    if (!candidates.length) continue;
    const without = { ...set, controls: set.controls.map((c) => (c === control ? exemption.without : c)) };
    let requests: ReturnType<typeof orgTests>;
    try {
      requests = orgTests(build(without), [{ ...exemption.without, tests: candidates }]);
    } catch (err) {
      gaps.push({
        line: exemption.line,
        message: `the exemption ${exemption.label} could not be checked: without it the policies do not build (${(err as Error).message})`,
      });
      continue;
    }
    let decided = false;
    const notes: string[] = [];
    for (const r of requests) {
      let outcome: Outcome;
      try {
        outcome = await simulate(simulator, r.request);
      } catch (err) {
        notes.push(`'${r.test.name}' could not be simulated without it: ${(err as Error).message}`);
        continue;
      }
      if (outcome.decision === 'Denied' && (outcome.deniedBy ?? []).some((sid) => ownSids.has(sid))) {
        decided = true;
        break;
      }
      notes.push(
        `'${r.test.name}' (line ${r.test.line ?? '?'}) is ${outcome.decision === 'Allowed' ? 'still Allowed' : `denied only by ${(outcome.deniedBy ?? []).join(', ') || 'no statement of this file'}`}`,
      );
    }
    if (!decided)
      gaps.push({
        line: exemption.line,
        message: `no case for the exemption ${exemption.label}: an Allowed case that this file denies once the exemption is removed (${notes.join('; ')})`,
      });
  }
  return gaps;
}
