import { CheckReport } from '../findings';

/** {"findings":[...],"errors":[...],"summary":{...}}: stable keys for scripts. */
export function formatJson(report: CheckReport): string {
  return (
    JSON.stringify(
      {
        findings: report.findings,
        errors: report.errors.map((e) => ({ file: e.location.file, line: e.location.line, column: e.location.column, message: e.problem, expected: e.expected })),
        summary: report.summary,
        engine: report.engine,
      },
      null,
      2,
    ) + '\n'
  );
}
