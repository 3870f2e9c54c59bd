import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ExemptionSet, InputError, InputErrors, dayOf, loadCatalog, loadExemptionSet, profileNamed } from '@tarmac/core';
import { CheckOptions, checkPaths } from './check';
import { NativeEngine } from './engines/native-engine';
import { CheckReport, Finding, exitCodeOf } from './findings';
import { formatJunit } from './format/junit';
import { formatSarif } from './format/sarif';
import { formatText } from './format/text';

const ROOT = path.join(__dirname, '..', '..', '..');
const POLICIES = path.join(ROOT, 'policies');
const TEMPLATE = path.join(ROOT, 'examples', 'templates', 'data-lake.yaml');
const DATA_PROD = '666666666666';
const DATA_DEV = '888888888888';

// EX-0001 exempts LZ.S3.2 for RawBucket in data-prod's legacy-ingest-* stacks until 2027-03-31 (policies/exemptions.yaml).
const catalog = loadCatalog(POLICIES);
const profile = profileNamed(catalog, 'prod');
const setOn = (day: string): ExemptionSet => loadExemptionSet(catalog, dayOf(day)!)!;
const engine = new NativeEngine();
afterAll(() => engine.dispose());

const check = (paths: string[], options: Partial<CheckOptions> & { day?: string } = {}) =>
  checkPaths(paths, { catalog, profile, engine, exemptions: () => setOn(options.day ?? '2027-01-10'), ...options });
const s3kms = (r: CheckReport, logicalId = 'RawBucket') => r.findings.find((f) => f.controlId === 'LZ.S3.2' && f.logicalId === logicalId);

describe('tarmac check honours exemptions', () => {
  test('the exempted resource in the exempted account and stack is reported as exempted and does not block', async () => {
    const plain = await check([TEMPLATE]);
    const exempted = await check([TEMPLATE], { accountId: DATA_PROD, stackName: 'legacy-ingest-eu' });
    const f = s3kms(exempted)!;
    expect(f.exemption).toEqual({
      id: 'EX-0001',
      status: 'active',
      expires: '2027-03-31',
      reason: expect.stringContaining('SSE-S3'),
      owner: 'data-platform@example.com',
      ticket: 'SEC-1234',
    });
    expect(s3kms(plain)!.exemption).toBeUndefined();
    // Only that finding changes: the bucket's other findings still block.
    expect(exempted.summary.exempted).toBe(1);
    expect(exempted.summary.blocking).toBe(plain.summary.blocking - 1);
    expect(exempted.findings.filter((x) => x !== f)).toEqual(plain.findings.filter((x) => x !== s3kms(plain)));
    expect(exitCodeOf(exempted)).toBe(1);
  });

  test.each([
    ['another account', { accountId: DATA_DEV, stackName: 'legacy-ingest-eu' }],
    ['another stack', { accountId: DATA_PROD, stackName: 'ingest-eu' }],
    ['a stack name that only contains the pattern', { accountId: DATA_PROD, stackName: 'x-legacy-ingest-eu' }],
    ['no stack name', { accountId: DATA_PROD }],
    ['no account', { stackName: 'legacy-ingest-eu' }],
  ])('%s: not exempted', async (_, where) => {
    const r = await check([TEMPLATE], where);
    expect(s3kms(r)!.exemption).toBeUndefined();
    expect(r.summary.exempted).toBe(0);
  });

  test('another resource of the same control in the exempted stack is not exempted', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-exempt-'));
    const renamed = fs.readFileSync(TEMPLATE, 'utf8').replace(/^ {2}RawBucket:/m, '  RawBucket2:');
    fs.writeFileSync(path.join(dir, 't.yaml'), renamed);
    const r = await check([path.join(dir, 't.yaml')], { accountId: DATA_PROD, stackName: 'legacy-ingest-eu' });
    expect(s3kms(r, 'RawBucket2')!.exemption).toBeUndefined();
  });

  test('expiring: still exempted, and the text report says it ends soon; expired: blocks and says so', async () => {
    const where = { accountId: DATA_PROD, stackName: 'legacy-ingest-eu' };
    const expiring = await check([TEMPLATE], { ...where, day: '2027-03-31' });
    expect(s3kms(expiring)!.exemption!.status).toBe('expiring');
    expect(expiring.summary.exempted).toBe(1);
    expect(formatText(expiring, { color: false })).toMatch(/note exemption EX-0001 expires after 2027-03-31/);

    const expired = await check([TEMPLATE], { ...where, day: '2027-04-01' });
    const f = s3kms(expired)!;
    expect(f.exemption!.status).toBe('expired');
    expect(expired.summary.exempted).toBe(0);
    expect(expired.summary.blocking).toBe(expiring.summary.blocking + 1);
    expect(formatText(expired, { color: false })).toMatch(/Exemption EX-0001 expired after 2027-03-31 and no longer applies/);
  });

  test('each format says what was exempted: SARIF as an external suppression, JUnit as a passing case, text as a line', async () => {
    const r = await check([TEMPLATE], { accountId: DATA_PROD, stackName: 'legacy-ingest-eu' });
    const sarif = JSON.parse(formatSarif(r, ROOT));
    const results = sarif.runs[0].results.filter((x: { ruleId: string }) => x.ruleId === 'LZ.S3.2');
    const suppressed = results.filter((x: { suppressions?: unknown[] }) => x.suppressions);
    expect(suppressed).toHaveLength(1);
    expect(suppressed[0].suppressions[0]).toMatchObject({ kind: 'external', status: 'accepted', justification: expect.stringMatching(/^EX-0001: .*SEC-1234/) });
    expect(suppressed[0].locations[0].logicalLocations[0].name).toBe('RawBucket');

    const junit = formatJunit(r);
    const s3case = /<testcase classname="[^"]*" name="LZ\.S3\.2"[^/]*?>(.*?)<\/testcase>/s.exec(junit)![1];
    expect(s3case).not.toContain('<failure');
    expect(s3case).toContain('exempted by EX-0001 until 2027-03-31');

    expect(formatText(r, { color: false })).toMatch(/RawBucket \(AWS::S3::Bucket\) {2}\[LZ\.S3\.2[^\]]*\] exempted by EX-0001 until 2027-03-31/);
    expect(formatText(r, { color: false })).toMatch(/, 1 exempted/);
  });
});

describe('a cdk.out says where its stacks deploy', () => {
  /** A cloud assembly of the example template as stack `name`, deployed to `environment`. */
  function assembly(stackName: string, environment: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-assembly-'));
    const yaml = fs.readFileSync(TEMPLATE, 'utf8');
    // The assembly holds JSON templates; the YAML parses into it through the check's own reader.
    fs.writeFileSync(path.join(dir, 'Ingest.template.yaml'), yaml);
    fs.writeFileSync(
      path.join(dir, 'manifest.json'),
      JSON.stringify({
        version: '36.0.0',
        artifacts: {
          Ingest: { type: 'aws:cloudformation:stack', environment, displayName: 'App/Ingest', properties: { templateFile: 'Ingest.template.yaml', stackName } },
        },
      }),
    );
    return dir;
  }

  test('a stack with an environment in the exempted account and a matching name: exempted without --account', async () => {
    const r = await check([assembly('legacy-ingest-eu', `aws://${DATA_PROD}/eu-west-1`)]);
    expect(s3kms(r)!.exemption?.id).toBe('EX-0001');
  });

  test('an environment-agnostic stack, or one in another account, is not exempted', async () => {
    expect(s3kms(await check([assembly('legacy-ingest-eu', 'aws://unknown-account/unknown-region')]))!.exemption).toBeUndefined();
    expect(s3kms(await check([assembly('legacy-ingest-eu', `aws://${DATA_DEV}/eu-west-1`)]))!.exemption).toBeUndefined();
    // The stack's own name counts, not --stack-name.
    expect(s3kms(await check([assembly('ingest', `aws://${DATA_PROD}/eu-west-1`)], { stackName: 'legacy-ingest-eu' }))!.exemption).toBeUndefined();
  });

  test('exemptions that cannot be read are an error where an account is known, never a check without them', async () => {
    const broken = () => {
      throw new InputErrors([new InputError({ file: 'exemptions.yaml', line: 3 }, 'unknown account data-prd')]);
    };
    const r = await check([assembly('legacy-ingest-eu', `aws://${DATA_PROD}/eu-west-1`)], { exemptions: broken });
    expect(exitCodeOf(r)).toBe(2);
    expect(r.errors.map((e) => e.message)).toContain('exemptions.yaml:3: unknown account data-prd');
  });

  test('--account naming another account than the stack environment is an error, never a guess', async () => {
    const r = await check([assembly('legacy-ingest-eu', `aws://${DATA_PROD}/eu-west-1`)], { accountId: DATA_DEV });
    expect(exitCodeOf(r)).toBe(2);
    expect(r.errors.map((e) => e.message).join('\n')).toMatch(/deploys to account 666666666666 \(its environment\), not 888888888888 \(--account\)/);
  });
});

describe('fail closed: a target that differs in any way from the exemption is never exempted (seeded)', () => {
  // Mulberry32: the same cases on every run.
  let seed = 0x5eed17;
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const mutate = (s: string) => {
    const i = Math.floor(random() * (s.length + 1));
    const c = 'aZ9-_.*x'[Math.floor(random() * 8)];
    const kind = Math.floor(random() * 3);
    return kind === 0
      ? s.slice(0, i) + c + s.slice(i)
      : kind === 1 && s.length
        ? s.slice(0, Math.max(0, i - 1)) + s.slice(i)
        : s.slice(0, i) + c + s.slice(i + 1);
  };

  test('200 mutated accounts, stack names and logical IDs', async () => {
    const report = await check([TEMPLATE], { accountId: DATA_PROD, stackName: 'legacy-ingest-eu' });
    const base = s3kms(report)!;
    const { exemptFindings } = await import('./exempt-findings');
    const set = setOn('2027-01-10');
    let mutants = 0;
    for (let i = 0; i < 200; i++) {
      const which = Math.floor(random() * 3);
      const target = { accountId: DATA_PROD, stackName: 'legacy-ingest-eu', logicalId: 'RawBucket' };
      const key = (['accountId', 'stackName', 'logicalId'] as const)[which];
      const changed = mutate(target[key]);
      // A mutant that still matches the exemption's scope (a longer stack name under legacy-ingest-*) is not a miss.
      const stillInScope = key === 'stackName' ? /^legacy-ingest-.*$/s.test(changed) : changed === target[key];
      if (stillInScope) continue;
      mutants++;
      const finding: Finding = { ...base, exemption: undefined, logicalId: key === 'logicalId' ? changed : base.logicalId };
      const [out] = exemptFindings(
        [finding],
        () => ({ accountId: key === 'accountId' ? changed : target.accountId, stackName: key === 'stackName' ? changed : target.stackName }),
        set,
        catalog,
      );
      expect({ target: { ...target, [key]: changed }, exemption: out.exemption }).toEqual({ target: { ...target, [key]: changed }, exemption: undefined });
    }
    expect(mutants).toBeGreaterThan(100);
  });
});
