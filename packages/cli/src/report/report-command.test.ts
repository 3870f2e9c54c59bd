import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PoliciesFixture } from '../../../core/src/org/__tests__/fixture';
import { main } from '../main';
import { renderJson } from './format-json';
import { DAY, POLICIES, collect, exampleModel } from './__tests__/example';

let stdout: string;
let stderr: string;
let dir: string;
beforeEach(() => {
  stdout = '';
  stderr = '';
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-report-'));
  jest.spyOn(process.stdout, 'write').mockImplementation((s) => ((stdout += String(s)), true));
  jest.spyOn(process.stderr, 'write').mockImplementation((s) => ((stderr += String(s)), true));
});
afterEach(() => {
  jest.restoreAllMocks();
  fs.rmSync(dir, { recursive: true, force: true });
});

const tarmac = (...args: string[]) => main(['node', 'tarmac', 'report', ...args]);

test('--output: the report in the file, nothing on stdout, exit 0', async () => {
  const file = path.join(dir, 'report.json');
  expect(await tarmac('--policies', POLICIES, '--format', 'json', '--output', file, '--at', DAY)).toBe(0);
  expect(stdout).toBe('');
  expect(stderr).toBe('');
  expect(fs.readFileSync(file, 'utf8')).toBe(collect(renderJson(await exampleModel())));
});

test('without --output the report goes to stdout (markdown unless --format says otherwise)', async () => {
  expect(await tarmac('--policies', POLICIES, '--at', DAY)).toBe(0);
  expect(stdout.startsWith('# Compliance report: @tarmac/example-catalog@0.1.0\n')).toBe(true);
  stdout = '';
  expect(await tarmac('--policies', POLICIES, '--at', DAY, '--format', 'csv')).toBe(0);
  expect(stdout.split('\r\n')[0]).toBe('account_id,account_name,ou,profile,control,title,status,point,mode,via,exemptions');
});

test('usage errors: a day that is not one, an unknown format, an output that cannot be written', async () => {
  expect(await tarmac('--policies', POLICIES, '--at', '2026-02-30')).toBe(2);
  expect(stderr).toBe('tarmac: --at 2026-02-30: expected a day as YYYY-MM-DD\n');
  expect(await tarmac('--policies', POLICIES, '--format', 'pdf')).toBe(2);
  stderr = '';
  expect(await tarmac('--policies', POLICIES, '--at', DAY, '--output', path.join(dir, 'missing', 'report.md'))).toBe(2);
  expect(stderr).toBe(`tarmac: --output ${path.join(dir, 'missing', 'report.md')}: cannot write (ENOENT)\n`);
});

test('bad sources are input errors with file and line (exit 2), and nothing is written', async () => {
  const sources = new PoliciesFixture({ deployment: true });
  try {
    sources.replace('org.yaml', 'name: ml-prod, type: prod', 'name: ml-prod, type: production');
    const line = sources.lineOf('org.yaml', 'type: production');
    const file = path.join(dir, 'report.html');
    expect(await tarmac('--policies', sources.dir, '--format', 'html', '--output', file, '--at', DAY)).toBe(2);
    expect(stderr).toContain(`${sources.file('org.yaml')}:${line}`);
    expect(stdout).toBe('');
    expect(fs.existsSync(file)).toBe(false);
  } finally {
    sources.remove();
  }
});

test('--live options without --live are a usage error; --live without a build says which directory it looked for', async () => {
  expect(await tarmac('--policies', POLICIES, '--at', DAY, '--since', '2026-11-01')).toBe(2);
  expect(stderr).toBe('tarmac: --build, --since, --region and --endpoint-url are for reading AWS: they go with --live\n');
  stderr = '';
  const missing = path.join(dir, 'no-build');
  expect(await tarmac('--policies', POLICIES, '--at', DAY, '--live', '--build', missing, '--region', 'eu-west-1')).toBe(2);
  expect(stderr).toContain(missing);
  expect(stdout).toBe('');
});
