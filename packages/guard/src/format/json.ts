import { InputError } from '@tarmac/core';
import { CheckReport } from '../findings';

interface JsonError {
  file: string;
  line?: number;
  column?: number;
  message: string;
  expected?: string;
}

/** {"findings":[...],"errors":[...],"summary":{...},"engine":{...},"catalog":"name@version","evaluated":[...]}: stable keys for scripts. */
export function formatJson(report: CheckReport): string {
  return (
    JSON.stringify(
      {
        findings: report.findings,
        errors: report.errors.map((e): JsonError => ({
          file: e.location.file,
          line: e.location.line,
          column: e.location.column,
          message: e.problem,
          expected: e.expected,
        })),
        summary: report.summary,
        engine: report.engine,
        catalog: report.catalog,
        evaluated: report.evaluated,
      },
      null,
      2,
    ) + '\n'
  );
}

/** The inverse of formatJson: errors become InputErrors again. */
export function parseJsonReport(text: string): CheckReport {
  const json = JSON.parse(text) as Omit<CheckReport, 'errors'> & { errors: JsonError[] };
  if (
    !json ||
    !Array.isArray(json.findings) ||
    !Array.isArray(json.errors) ||
    !json.summary ||
    typeof json.catalog !== 'string' ||
    !Array.isArray(json.evaluated) ||
    json.errors.some((e) => typeof e?.file !== 'string' || typeof e.message !== 'string')
  ) {
    throw new Error('not a Tarmac JSON report');
  }
  const errors = json.errors.map((e) => new InputError({ file: e.file, line: e.line, column: e.column }, e.message, e.expected));
  return { ...json, errors };
}
