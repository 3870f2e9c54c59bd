import { md, renderMarkdown } from './format-markdown';
import { ReportModel } from './report-model';
import { collect, exampleModel } from './__tests__/example';

let model: ReportModel;
let text: string;
beforeAll(async () => {
  model = await exampleModel();
  text = collect(renderMarkdown(model));
});

/** The cells of a table row, split on the pipes that are not escaped. */
const cells = (line: string) => line.slice(2, -2).split(/(?<!\\) \| /);

test('table cells escape pipes, backslashes, emphasis and HTML, and stay on one line', () => {
  expect(md('a|b')).toBe('a\\|b');
  expect(md('C:\\x|y')).toBe('C:\\\\x\\|y');
  expect(md('legacy-ingest-* and S3_KEY')).toBe('legacy-ingest-\\* and S3\\_KEY');
  expect(md('<script> & co')).toBe('&lt;script> &amp; co');
  expect(md('two\nlines')).toBe('two lines');
  // An escaped pipe does not add a column.
  const row = `| ${md('a|b')} | c |`;
  expect(cells(row)).toEqual(['a\\|b', 'c']);
});

test('a summary table, a table per account, and the framework view', () => {
  expect(text.startsWith('# Compliance report: @tarmac/example-catalog@0.1.0\n')).toBe(true);
  expect(text).toContain('| ml-prod | 777777777777 | Workloads/Prod | prod | 61 | 61 | 0 | 0 |');
  expect(text).toContain('| data-prod | 666666666666 | Workloads/Prod | prod | 61 | 60 | 0 | 1 |');
  const section = text.slice(text.indexOf('## ml-prod (777777777777)'), text.indexOf('## data-dev ('));
  expect(section).toContain(
    'OU Workloads/Prod, profile prod, regions eu-west-1; baselines: tarmac-account-baseline-prod (account), tarmac-network-baseline-prod (network).',
  );
  const scp3 = section.split('\n').find((l) => l.startsWith('| LZ.SCP.3 |'))!;
  expect(cells(scp3)).toEqual([
    'LZ.SCP.3',
    "Workloads run only in the organization's allowed regions",
    'enforce',
    'scp: enforce (SCP tarmac-scp-root-1 attached at root)<br>scp: enforce (SCP tarmac-scp-account-ml-prod-1 attached at account:ml-prod)',
    '',
  ]);
  const dataProd = text.slice(text.indexOf('## data-prod ('), text.indexOf('## ml-prod ('));
  expect(dataProd.split('\n').find((l) => l.startsWith('| LZ.S3.2 |'))).toContain(
    'EX-0001 (active, expires 2027-03-31; data-prod; stacks legacy-ingest-\\*; resources RawBucket;',
  );
  expect(text).toContain('### gdpr\n\n| Requirement | Controls | Accounts |\n| --- | --- | --- |\n| Art. 28 | LZ.DEC.2 | LZ.DEC.2: log-archive, audit,');
  expect(text).toContain("Uncovered requirements: not known: the repository has no list of this framework's requirements");
});

test('every table row has as many cells as its header', () => {
  const lines = text.split('\n');
  let width = 0;
  for (const line of lines) {
    if (!line.startsWith('| ')) {
      width = 0;
      continue;
    }
    if (!width) width = cells(line).length;
    else expect(cells(line)).toHaveLength(width);
  }
});
