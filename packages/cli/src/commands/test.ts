import { Catalog, InputError, formatLocation, resolveCatalog } from '@tarmac/core';
import { ControlTestResult, catalogDispatchProblems, runControlTests } from '@tarmac/guard';
import { OrgCaseResult, OrgCoverageGap, runOrgPolicyTests } from '../org-policy-tests';

export interface TestCommandOptions {
  policies?: string;
  catalog?: string;
  format: 'text' | 'json';
  skipSimulation?: boolean;
}

/** Every test of a catalog, run: the control cases, the organization policy cases, the dispatch gate. */
export interface CatalogTestRun {
  readonly results: ControlTestResult[];
  readonly org?: { results: OrgCaseResult[]; skipped: number; coverage: OrgCoverageGap[] };
  readonly errors: InputError[];
}

export async function runCatalogTests(catalog: Catalog, skipSimulation: boolean): Promise<CatalogTestRun> {
  const org = await runOrgPolicyTests(catalog, skipSimulation);
  const results = await runControlTests(catalog);
  // Metadata that would route a rule away from templates it fails on: the catalog's gate, not each check's.
  const errors = [...catalogDispatchProblems(catalog), ...results.flatMap((r) => r.errors)];
  return { results, org, errors };
}

/** 0 every case passed; 1 a case failed or a shape lacks coverage; 2 a case could not be evaluated. */
export function testExitCode(run: CatalogTestRun): 0 | 1 | 2 {
  const orgResults = run.org?.results ?? [];
  if (run.errors.length || orgResults.some((r) => r.error !== undefined)) return 2;
  return run.results.some((r) => r.failures.length || r.missingCoverage.length) || orgResults.some((r) => r.failure !== undefined) || run.org?.coverage.length
    ? 1
    : 0;
}

/**
 * Runs every control's cfn-guard test cases with the real binary and the compiled engine, and every organization policy's
 * simulation cases; 1 on a mismatch or missing coverage, 2 when a case could not be evaluated.
 */
export async function testCommand(opts: TestCommandOptions): Promise<number> {
  const catalog = resolveCatalog({ policies: opts.policies, catalog: opts.catalog });
  const run = await runCatalogTests(catalog, opts.skipSimulation === true);
  process.stdout.write(opts.format === 'json' ? testReportJson(run) : testReportText(run));
  return testExitCode(run);
}

function testReportJson({ results, org, errors }: CatalogTestRun): string {
  const orgResults = org?.results ?? [];
  const orgFailed = orgResults.filter((r) => r.failure !== undefined);
  const orgErrors = orgResults.filter((r) => r.error !== undefined);
  const failed = results.filter((r) => r.failures.length || r.missingCoverage.length);
  return (
    JSON.stringify(
      {
        controls: results.map((r) => ({
          id: r.control.id,
          rule: r.control.rule,
          cases: r.cases,
          failures: r.failures,
          missingCoverage: r.missingCoverage,
          errors: r.errors.map((e) => e.message),
          ...(r.compiledRefusal ? { compiledRefusal: r.compiledRefusal } : {}),
        })),
        organizationPolicyCases: orgResults.map((r) => ({
          control: r.test.control.id,
          file: r.test.control.file,
          line: r.test.test.line,
          name: r.test.test.name,
          expected: r.test.test.expect,
          ...(r.test.test.deniedBy === undefined ? {} : { expectedDeniedBy: r.test.test.deniedBy }),
          actual: r.actual,
          ...(r.deniedBy === undefined ? {} : { deniedBy: r.deniedBy }),
          explanation: r.explanation,
          ...(r.failure === undefined ? {} : { failure: r.failure }),
          error: r.error,
        })),
        organizationPolicyCoverage: (org?.coverage ?? []).map((g) => ({ control: g.control.id, file: g.control.file, missingCoverage: g.missing })),
        summary: {
          controls: results.length,
          cases: results.reduce((n, r) => n + r.cases, 0),
          failed: failed.length,
          errors: errors.length,
          organizationPolicyCases: orgResults.length,
          organizationPolicyFailed: orgFailed.length,
          organizationPolicyMissingCoverage: org?.coverage.length ?? 0,
          organizationPolicyErrors: orgErrors.length,
          organizationPolicySkipped: org?.skipped ?? 0,
        },
      },
      null,
      2,
    ) + '\n'
  );
}

/** The text report: failures and errors, then one summary line per kind of case. */
export function testReportText({ results, org, errors }: CatalogTestRun): string {
  const orgResults = org?.results ?? [];
  const orgFailed = orgResults.filter((r) => r.failure !== undefined);
  const orgErrors = orgResults.filter((r) => r.error !== undefined);
  const failed = results.filter((r) => r.failures.length || r.missingCoverage.length);
  const out: string[] = [];
  for (const r of failed) {
    for (const f of r.failures)
      out.push(`FAIL ${r.control.id} ${formatLocation({ file: r.control.testFile, line: f.line })}  '${f.case}': expected ${f.expected}, got ${f.actual}`);
    if (r.missingCoverage.length) out.push(`FAIL ${r.control.id} ${r.control.testFile}: no case for ${r.missingCoverage.join(', ')}`);
  }
  for (const e of errors) out.push(`error ${e.message}`);
  for (const r of results)
    if (r.compiledRefusal) out.push(`note ${r.control.id} runs on cfn-guard in tarmac check, not the compiled engine: ${r.compiledRefusal}`);
  const cases = results.reduce((n, r) => n + r.cases, 0);
  // A control whose cases could not run did not pass.
  const broken = results.filter((r) => r.errors.length && !failed.includes(r)).length;
  const passed = results.length - failed.length - broken;
  out.push(
    `${passed} passed, ${failed.length} failed${broken ? `, ${broken} not run (errors above)` : ''} (${results.length} controls, ${cases} cases, each on cfn-guard and the compiled engine)`,
  );
  for (const r of orgFailed)
    out.push(
      `FAIL ${r.test.control.id} ${formatLocation({ file: r.test.control.file, line: r.test.test.line })}  '${r.test.test.name}': ${r.failure} (${r.explanation})`,
    );
  for (const g of org?.coverage ?? [])
    for (const m of g.missing) out.push(`FAIL ${g.control.id} ${formatLocation({ file: g.control.file, line: m.line })}: ${m.message}`);
  for (const r of orgErrors)
    out.push(`error ${formatLocation({ file: r.test.control.file, line: r.test.test.line })}: '${r.test.test.name}' could not be simulated: ${r.error}`);
  if (org) {
    const passedOrg = orgResults.length - orgFailed.length - orgErrors.length;
    const lacking = org.coverage.length
      ? `; ${org.coverage.length} organization ${org.coverage.length === 1 ? 'policy lacks' : 'policies lack'} cases (above)`
      : '';
    out.push(
      (org.skipped
        ? `${org.skipped} organization policy cases not run (--skip-simulation)`
        : `${passedOrg} passed, ${orgFailed.length} failed (${orgResults.length} organization policy cases, simulated)`) + lacking,
    );
  }
  return out.join('\n') + '\n';
}
