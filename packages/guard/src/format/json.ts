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
  return JSON.stringify(jsonReport(report), null, 2) + '\n';
}

/**
 * formatJson's text, byte for byte, in pieces: a run with thousands of findings writes a report of megabytes,
 * and the whole string, its flattened copy and the buffer a write encodes it into would each be held at once
 * at the end of the run (issue 18: peak memory). A top-level array is written `batch` elements at a time: 32
 * findings make some 28 KB, below the size V8 allocates apart (large objects); batches of 256 peaked higher than
 * formatJson itself.
 */
export function* formatJsonChunks(report: CheckReport, batch = 32): Generator<string> {
  let first = true;
  for (const [key, value] of Object.entries(jsonReport(report))) {
    const long = Array.isArray(value) && value.length > batch;
    // Stringified as the only key of an object, the entry is indented just as in the whole report: {\n<entry>\n}.
    const entry = (part: unknown): string => JSON.stringify({ [key]: part }, null, 2).slice(2, -2);
    if (!long) {
      const text = entry(value);
      if (!text) continue; // JSON.stringify leaves out an undefined value, and so does formatJson
      yield `${first ? '{' : ','}\n${text}`;
      first = false;
      continue;
    }
    // A long array, `batch` elements at a time: each batch's elements cut out of the `"key": [` and `]` lines.
    const open = `  ${JSON.stringify(key)}: [\n`;
    const close = '\n  ]';
    const elements = value as unknown[];
    for (let i = 0; i < elements.length; i += batch) {
      const text = entry(elements.slice(i, i + batch));
      yield `${i ? ',\n' : `${first ? '{' : ','}\n${open}`}${text.slice(open.length, -close.length)}`;
    }
    yield close;
    first = false;
  }
  yield first ? '{}\n' : '\n}\n';
}

function jsonReport(report: CheckReport): Record<string, unknown> {
  return {
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
  };
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
