import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const BIN = path.join(ROOT, 'packages', 'cli', 'bin', 'tarmac.js');
const POLICIES = path.join(ROOT, 'policies');

function tarmac(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', TARMAC_POLICIES: POLICIES } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every status is computed for a given day (--at): never the real date. */
describe('tarmac exemptions', () => {
  test('lists each exemption with its status on a day: active, expiring, expired (exit 1 while an expired one remains)', () => {
    const early = tarmac(['exemptions', '--at', '2026-12-07']);
    expect(early.code).toBe(0);
    expect(early.stdout).toMatch(
      /^EX-0001 +active +2027-03-31 \(in 114 days\) +LZ\.S3\.2 +data-prod; stacks legacy-ingest-\*; resources RawBucket +data-platform@example\.com +SEC-1234$/m,
    );
    expect(early.stdout).toMatch(/^EX-0002 +active +2027-01-15 \(in 39 days\) +LZ\.SCP\.6 +data-dev /m);
    expect(tarmac(['exemptions', '--at', '2027-01-05']).stdout).toMatch(/^EX-0002 +expiring +2027-01-15 \(in 10 days\)/m);
    const late = tarmac(['exemptions', '--at', '2027-01-20']);
    expect(late.code).toBe(1);
    expect(late.stdout).toMatch(/^EX-0002 +expired +2027-01-15 \(5 days ago\)/m);
    expect(late.stdout).toContain('1 expired: they suppress nothing');
  });

  test('JSON names accounts by ID and name, with the source line', () => {
    const r = tarmac(['exemptions', '--at', '2026-12-07', '--format', 'json']);
    expect(r.code).toBe(0);
    const [first] = JSON.parse(r.stdout);
    expect(first).toMatchObject({
      id: 'EX-0001',
      status: 'active',
      expires: '2027-03-31',
      daysLeft: 114,
      controls: ['LZ.S3.2'],
      scope: { accounts: [{ id: '666666666666', name: 'data-prod' }], ous: [], stacks: ['legacy-ingest-*'], resources: ['RawBucket'] },
      file: path.join(POLICIES, 'exemptions.yaml'),
      line: 5,
    });
  });

  test('given templates, an exemption of a Guard control that covers none of their findings is unused (exit 0: another repository may need it)', () => {
    const template = path.join(ROOT, 'examples', 'templates', 'data-lake.yaml');
    const used = tarmac(['exemptions', template, '--account', 'data-prod', '--stack-name', 'legacy-ingest-eu', '--at', '2027-01-10']);
    expect(used.code).toBe(0);
    expect(used.stdout).toMatch(/^EX-0001 +active /m);
    const elsewhere = tarmac(['exemptions', template, '--account', 'data-dev', '--stack-name', 'legacy-ingest-eu', '--at', '2027-01-10', '--format', 'json']);
    expect(elsewhere.code).toBe(0);
    expect(JSON.parse(elsewhere.stdout).map((e: { id: string; status: string }) => `${e.id} ${e.status}`)).toEqual(['EX-0001 unused', 'EX-0002 expiring']);
    // An expired exemption stays expired (exit 1), whatever the templates use.
    expect(tarmac(['exemptions', template, '--at', '2027-04-01']).stdout).toMatch(/^EX-0001 +expired /m);
  });

  test('a day that is not one is a usage error', () => {
    expect(tarmac(['exemptions', '--at', '2027-02-30'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--at 2027-02-30: expected a day as YYYY-MM-DD'),
    });
  });

  test('tarmac build refuses an invalid exemption at its line, and writes nothing', () => {
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-exemptions-cli-')), 'policies');
    fs.cpSync(POLICIES, dir, { recursive: true });
    const file = path.join(dir, 'exemptions.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('controls: [LZ.S3.2]', 'controls: [LZ.S3.9]'));
    const out = path.join(path.dirname(dir), 'out');
    const r = tarmac(['build', '--policies', dir, '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:6:\\d+: unknown control LZ\\.S3\\.9`));
    expect(fs.existsSync(out)).toBe(false);
  });
});
