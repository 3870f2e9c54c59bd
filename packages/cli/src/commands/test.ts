import { formatLocation, loadCatalog } from '@tarmac/core';
import { runControlTests } from '@tarmac/guard';
import { resolvePoliciesDir } from '../policies-dir';

export interface TestCommandOptions {
  policies?: string;
  format: 'text' | 'json';
}

/** Runs every control's cfn-guard test cases with the real binary; 1 on a mismatch or missing coverage. */
export async function testCommand(opts: TestCommandOptions): Promise<number> {
  const catalog = loadCatalog(resolvePoliciesDir(opts.policies));
  const results = await runControlTests(catalog);
  const errors = results.flatMap((r) => r.errors);
  const failed = results.filter((r) => r.failures.length || r.missingCoverage.length);
  if (opts.format === 'json') {
    process.stdout.write(
      JSON.stringify(
        {
          controls: results.map((r) => ({ id: r.control.id, rule: r.control.rule, cases: r.cases, failures: r.failures, missingCoverage: r.missingCoverage, errors: r.errors.map((e) => e.message) })),
          summary: { controls: results.length, cases: results.reduce((n, r) => n + r.cases, 0), failed: failed.length, errors: errors.length },
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
    process.stdout.write(`${results.length - failed.length} passed, ${failed.length} failed (${results.length} controls, ${cases} cases, cfn-guard test)\n`);
  }
  if (errors.length) return 2;
  return failed.length ? 1 : 0;
}
