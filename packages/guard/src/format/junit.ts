import { CheckReport } from '../findings';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** JUnit XML: one suite per template, one failing test case per blocking finding, errors as <error>. */
export function formatJunit(report: CheckReport): string {
  const byFile = new Map<string, typeof report.findings>();
  for (const f of report.findings) byFile.set(f.file, [...(byFile.get(f.file) ?? []), f]);
  const suites: string[] = [];
  for (const [file, findings] of byFile) {
    const failures = findings.filter((f) => f.mode === 'enforce').length;
    const cases = findings.map((f) => {
      const name = esc(`${f.controlId} ${f.logicalId ?? ''}`.trim());
      const body = esc(`${f.file}:${f.line ?? ''} ${f.logicalId ?? ''} ${f.message}${f.fix ? ` Fix: ${f.fix}` : ''}`);
      return f.mode === 'enforce'
        ? `    <testcase classname="${esc(file)}" name="${name}"><failure message="${esc(f.message)}" type="${esc(f.severity)}">${body}</failure></testcase>`
        : `    <testcase classname="${esc(file)}" name="${name}"><system-out>warning: ${body}</system-out></testcase>`;
    });
    suites.push(`  <testsuite name="${esc(file)}" tests="${findings.length}" failures="${failures}" errors="0">\n${cases.join('\n')}\n  </testsuite>`);
  }
  if (report.errors.length) {
    const cases = report.errors.map((e) => `    <testcase classname="tarmac" name="${esc(e.location.file)}"><error message="${esc(e.problem)}">${esc(e.message)}</error></testcase>`);
    suites.push(`  <testsuite name="input errors" tests="${report.errors.length}" failures="0" errors="${report.errors.length}">\n${cases.join('\n')}\n  </testsuite>`);
  }
  const total = report.findings.length + report.errors.length;
  const failures = report.summary.blocking;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="tarmac check" tests="${total}" failures="${failures}" errors="${report.errors.length}" time="${(report.summary.durationMs / 1000).toFixed(3)}">\n${suites.join('\n')}\n</testsuites>\n`;
}
