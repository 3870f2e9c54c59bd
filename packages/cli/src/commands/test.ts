import { formatLocation, loadCatalog, resolvePoliciesDir } from '@tarmac/core';
import { catalogDispatchProblems, runControlTests } from '@tarmac/guard';
import { runOrgPolicyTests } from '../org-policy-tests';

export interface TestCommandOptions {
  policies?: string;
  format: 'text' | 'json';
  skipSimulation?: boolean;
}

/**
 * Runs every control's cfn-guard test cases with the real binary, and every organization policy's
 * simulation cases; 1 on a mismatch or missing coverage, 2 when a case could not be evaluated.
 */
export async function testCommand(opts: TestCommandOptions): Promise<number> {
  const catalog = loadCatalog(resolvePoliciesDir(opts.policies));
  const org = await runOrgPolicyTests(catalog, opts.skipSimulation === true);
  const results = await runControlTests(catalog);
  // Metadata that would route a rule away from templates it fails on: the catalog's gate, not each check's.
  const dispatch = catalogDispatchProblems(catalog);
  const orgResults = org?.results ?? [];
  const orgFailed = orgResults.filter((r) => r.actual !== undefined && r.actual !== r.test.test.expect);
  const orgErrors = orgResults.filter((r) => r.error !== undefined);
  const errors = [...dispatch, ...results.flatMap((r) => r.errors)];
  const failed = results.filter((r) => r.failures.length || r.missingCoverage.length);
  if (opts.format === 'json') {
    process.stdout.write(
      JSON.stringify(
        {
          controls: results.map((r) => ({ id: r.control.id, rule: r.control.rule, cases: r.cases, failures: r.failures, missingCoverage: r.missingCoverage, errors: r.errors.map((e) => e.message) })),
          organizationPolicyCases: orgResults.map((r) => ({ control: r.test.control.id, file: r.test.control.file, line: r.test.test.line, name: r.test.test.name, expected: r.test.test.expect, actual: r.actual, explanation: r.explanation, error: r.error })),
          summary: {
            controls: results.length, cases: results.reduce((n, r) => n + r.cases, 0), failed: failed.length, errors: errors.length,
            organizationPolicyCases: orgResults.length, organizationPolicyFailed: orgFailed.length, organizationPolicyErrors: orgErrors.length, organizationPolicySkipped: org?.skipped ?? 0,
          },
        },
        null,
        2,
      ) + '\n',
    );
  } else {
    for (const r of failed) {
      for (const f of r.failures) process.stdout.write(`FAIL ${r.control.id} ${formatLocation({ file: r.control.testFile, line: f.line })}  '${f.case}': expected ${f.expected}, got ${f.actual}\n`);
      if (r.missingCoverage.length) process.stdout.write(`FAIL ${r.control.id} ${r.control.testFile}: no case for ${r.missingCoverage.join(', ')}\n`);
    }
    for (const e of errors) process.stdout.write(`error ${e.message}\n`);
    const cases = results.reduce((n, r) => n + r.cases, 0);
    // A control whose cases could not run did not pass.
    const broken = results.filter((r) => r.errors.length && !failed.includes(r)).length;
    const passed = results.length - failed.length - broken;
    process.stdout.write(`${passed} passed, ${failed.length} failed${broken ? `, ${broken} not run (errors above)` : ''} (${results.length} controls, ${cases} cases, cfn-guard test)\n`);
    for (const r of orgFailed) process.stdout.write(`FAIL ${r.test.control.id} ${formatLocation({ file: r.test.control.file, line: r.test.test.line })}  '${r.test.test.name}': expected ${r.test.test.expect}, got ${r.actual} (${r.explanation})\n`);
    for (const r of orgErrors) process.stdout.write(`error ${formatLocation({ file: r.test.control.file, line: r.test.test.line })}: '${r.test.test.name}' could not be simulated: ${r.error}\n`);
    if (org) {
      const passed = orgResults.length - orgFailed.length - orgErrors.length;
      process.stdout.write(org.skipped ? `${org.skipped} organization policy cases not run (--skip-simulation)\n` : `${passed} passed, ${orgFailed.length} failed (${orgResults.length} organization policy cases, simulated)\n`);
    }
  }
  if (errors.length || orgErrors.length) return 2;
  return failed.length || orgFailed.length ? 1 : 0;
}
