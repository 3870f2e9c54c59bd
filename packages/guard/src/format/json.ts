import { InputError } from '@tarmac/core';
import { CheckReport } from '../findings';

interface JsonError {
  file: string;
  line?: number;
  column?: number;
  message: string;
  expected?: string;
}

/** {"findings":[...],"errors":[...],"summary":{...}}: stable keys for scripts. */
export function formatJson(report: CheckReport): string {
  return (
    JSON.stringify(
      {
        findings: report.findings,
        errors: report.errors.map((e): JsonError => ({ file: e.location.file, line: e.location.line, column: e.location.column, message: e.problem, expected: e.expected })),
        summary: report.summary,
        engine: report.engine,
      },
      null,
      2,
    ) + '\n'
  );
}

/** The inverse of formatJson: errors become InputErrors again. */
export function parseJsonReport(text: string): CheckReport {
  const json = JSON.parse(text) as Omit<CheckReport, 'errors'> & { errors: JsonError[] };
  if (!json || !Array.isArray(json.findings) || !Array.isArray(json.errors) || !json.summary || json.errors.some((e) => typeof e?.file !== 'string' || typeof e.message !== 'string')) {
    throw new Error('not a Tarmac JSON report');
  }
  const errors = json.errors.map((e) => new InputError({ file: e.file, line: e.line, column: e.column }, e.message, e.expected));
  return { ...json, errors };
}
