import { CSV_HEADER, csvField, csvRow, renderCsv } from './format-csv';
import { ReportModel } from './report-model';
import { collect, exampleModel } from './__tests__/example';

let model: ReportModel;
let text: string;
beforeAll(async () => {
  model = await exampleModel();
  text = collect(renderCsv(model));
});

/** An RFC 4180 reader, to read back what was written. */
function parseCsv(csv: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < csv.length; i++) {
    const ch = csv[i];
    if (quoted) {
      if (ch === '"' && csv[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && csv[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  return rows;
}

test('RFC 4180: a field with a comma, a quote or a line break is quoted, its quotes doubled; rows end in CRLF', () => {
  expect(csvField('plain')).toBe('plain');
  expect(csvField('a, "b"')).toBe('"a, ""b"""');
  expect(csvField('two\nlines')).toBe('"two\nlines"');
  expect(csvField('')).toBe('');
  expect(csvRow(['x', 'y,z'])).toBe('x,"y,z"\r\n');
  expect(parseCsv(csvRow(['a, "b"', 'two\r\nlines', 'c']))).toEqual([['a, "b"', 'two\r\nlines', 'c']]);
});

test('a header, then one row per account, control and point', () => {
  const rows = parseCsv(text);
  expect(text.startsWith('account_id,account_name,ou,profile,control,title,status,point,mode,via,exemptions\r\n')).toBe(true);
  expect(rows[0]).toEqual([...CSV_HEADER]);
  const points = model.accounts.reduce((n, a) => n + a.controls.reduce((m, c) => m + c.points.length, 0), 0);
  expect(rows).toHaveLength(points + 1);
  expect(rows.every((r) => r.length === CSV_HEADER.length)).toBe(true);
  // Fields with commas (the via of the hook) come back whole.
  expect(rows.filter((r) => r[1] === 'ml-prod' && r[4] === 'LZ.S3.2').map((r) => [r[7], r[8], r[9]])).toEqual([
    ['pre-commit', 'enforce', 'tarmac check --profile prod'],
    ['synth', 'enforce', '@tarmac/cdk TarmacChecks, profile prod'],
    ['hook', 'enforce', 'stack set tarmac-guardrails-prod, hook Tarmac::Guard::Guardrails, failure mode FAIL, regions eu-west-1, eu-central-1'],
    [
      'config',
      'detect',
      'conformance pack of stack set tarmac-guardrails-prod: rule tarmac-s3-default-encryption-kms (S3_DEFAULT_ENCRYPTION_KMS), regions eu-west-1, eu-central-1',
    ],
    ['control-tower', 'enforce', 'equivalent Control Tower proactive controls CT.S3.PR.10 (tarmac check --control-tower, profile prod)'],
  ]);
  expect(text).toContain(',"@tarmac/cdk TarmacChecks, profile prod",');
});

test('the exemption in force is on the rows of its account and control only', () => {
  const rows = parseCsv(text).slice(1);
  const withExemption = rows.filter((r) => r[10] !== '');
  expect([...new Set(withExemption.map((r) => `${r[1]} ${r[4]} ${r[6]}`))]).toEqual(['data-prod LZ.S3.2 partly-exempt', 'data-dev LZ.SCP.6 exempt']);
  expect(withExemption.find((r) => r[1] === 'data-prod')![10]).toBe(
    'EX-0001 (active, expires 2027-03-31; data-prod; stacks legacy-ingest-*; resources RawBucket; owner data-platform@example.com; ticket SEC-1234)',
  );
});
