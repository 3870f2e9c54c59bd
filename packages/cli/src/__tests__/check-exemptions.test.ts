import { spawnSync } from 'child_process';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const BIN = path.join(ROOT, 'packages', 'cli', 'bin', 'tarmac.js');
const TEMPLATE = path.join(ROOT, 'examples', 'templates', 'data-lake.yaml');

function tarmac(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', TARMAC_POLICIES: path.join(ROOT, 'policies') },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

// EX-0001 (policies/exemptions.yaml): LZ.S3.2 on RawBucket in data-prod's legacy-ingest-* stacks, until 2027-03-31.
const EXEMPTED = ['--account', 'data-prod', '--stack-name', 'legacy-ingest-eu', '--at', '2027-01-10'];

describe('tarmac check --account --stack-name', () => {
  test('the exempted finding is reported as exempted with its ID, owner and expiry; the rest still blocks', () => {
    const r = tarmac(['check', TEMPLATE, ...EXEMPTED]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/RawBucket \(AWS::S3::Bucket\) {2}\[LZ\.S3\.2\] exempted by EX-0001 until 2027-03-31 \(data-platform@example\.com, SEC-1234\)/);
    expect(r.stdout).toMatch(/\[LZ\.S3\.1\] high/);
    expect(r.stdout).toMatch(/, 1 exempted/);
  });

  test('an account ID works like its name; JSON carries the exemption and counts it', () => {
    const r = tarmac(['check', TEMPLATE, '--account', '666666666666', '--stack-name', 'legacy-ingest-eu', '--at', '2027-01-10', '--format', 'json']);
    const json = JSON.parse(r.stdout);
    const f = json.findings.find((x: { controlId: string; logicalId: string }) => x.controlId === 'LZ.S3.2' && x.logicalId === 'RawBucket');
    expect(f.exemption).toMatchObject({ id: 'EX-0001', status: 'active', expires: '2027-03-31' });
    expect(json.summary.exempted).toBe(1);
  });

  test('after the expiry the finding blocks again and the report says the exemption lapsed', () => {
    const r = tarmac(['check', TEMPLATE, '--account', 'data-prod', '--stack-name', 'legacy-ingest-eu', '--at', '2027-04-01']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/\[LZ\.S3\.2\] high {2}Bucket is not encrypted with KMS\. Exemption EX-0001 expired after 2027-03-31/);
    expect(r.stdout).not.toMatch(/exempted/);
  });

  test('an unknown account is exit 2 with the closest name; a bad --at is exit 2', () => {
    const unknown = tarmac(['check', TEMPLATE, '--account', 'data-prd']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown account data-prd; did you mean data-prod\?/);
    const day = tarmac(['check', TEMPLATE, '--at', '2027-02-30']);
    expect(day.code).toBe(2);
    expect(day.stderr).toMatch(/--at 2027-02-30: expected a day/);
  });
});
