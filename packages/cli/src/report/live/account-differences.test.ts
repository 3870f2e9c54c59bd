import { resolveCatalog } from '@tarmac/core';
import { POLICIES, exampleModel } from '../__tests__/example';
import type { ReportAccount, ReportExemption, ReportModel } from '../report-model';
import { accountDifferences } from './account-differences';
import { guardRuleControls } from './expectations';
import type { LiveAccount, LiveRegion } from './model';

let model: ReportModel;
beforeAll(async () => {
  model = await exampleModel();
});
const ruleControls = guardRuleControls(resolveCatalog({ policies: POLICIES, packages: false }));
const account = (name: string): ReportAccount => model.accounts.find((a) => a.name === name)!;
const FSBP = 'arn:aws:securityhub:eu-west-1::standards/aws-foundational-security-best-practices/v/1.0.0';
const CIS = 'arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0';
const HOOK = 'Tarmac::Guard::Guardrails';

/** A region as the reader role finds it when everything the build deploys is there and nothing is wrong. */
const healthy = (region: string, overrides: Partial<LiveRegion> = {}): LiveRegion => ({
  region,
  hooks: [{ typeName: HOOK, present: true }],
  conformancePack: { name: 'tarmac-prod', found: true, nonCompliant: [] },
  hookFailures: [],
  securityHubStandards: [FSBP, CIS],
  errors: [],
  ...overrides,
});
const live = (a: ReportAccount, ...regions: LiveRegion[]): LiveAccount => ({ id: a.id, regions });
const kinds = (d: { findings: { kind: string }[] }) => d.findings.map((f) => f.kind);

test('a healthy account has no difference', () => {
  const a = account('data-prod');
  expect(accountDifferences(a, live(a, healthy('eu-west-1'), healthy('eu-central-1')), ruleControls)).toEqual({ findings: [], blocked: [], exempted: 0 });
});

test('a role that cannot be assumed is one not-read finding for the account, with the reason', () => {
  const a = account('data-prod');
  const d = accountDifferences(
    a,
    { id: a.id, error: 'Cannot assume arn:aws:iam::666666666666:role/tarmac/TarmacReportReader: AccessDenied', regions: [] },
    ruleControls,
  );
  expect(d.findings).toEqual([expect.objectContaining({ kind: 'not-read', account: a.id, message: expect.stringContaining('AccessDenied') })]);
});

test('every region error, absent hook, absent pack and missing standard is a finding naming the account and region', () => {
  const a = account('data-prod');
  const d = accountDifferences(
    a,
    live(
      a,
      healthy('eu-west-1', { errors: ['GetEnabledStandards: AccessDeniedException'], hooks: [{ typeName: HOOK, present: false }] }),
      healthy('eu-central-1', { conformancePack: { name: 'tarmac-prod', found: false, nonCompliant: [] }, securityHubStandards: [FSBP] }),
    ),
    ruleControls,
  );
  expect(d.findings.map((f) => `${f.kind} ${f.region} ${f.subject}`)).toEqual([
    'not-read eu-west-1 data-prod',
    `hook-missing eu-west-1 ${HOOK}`,
    'conformance-pack-missing eu-central-1 tarmac-prod',
    'security-hub-standards eu-central-1 Security Hub',
  ]);
  // The hook's controls are those whose hook point names it.
  expect(d.findings[1].controls).toContain('LZ.S3.2');
  expect(d.findings[3].message).toContain('lacks CIS AWS Foundations Benchmark');
  expect(accountDifferences(a, live(a, healthy('eu-west-1', { securityHubStandards: null })), ruleControls).findings.map((f) => f.message)).toEqual([
    `Security Hub is not enabled in data-prod (${a.id}) eu-west-1, although its profile (prod) turns it on`,
  ]);
});

test("a non-compliant resource names the controls of its rule (Config's conformance-pack suffix and all) and, for a partial exemption, says what it exempts", () => {
  const a = account('data-prod');
  const rule = 'tarmac-s3-default-encryption-kms-conformance-pack-a1b2c3d4e';
  const d = accountDifferences(
    a,
    live(
      a,
      healthy('eu-west-1', {
        conformancePack: { name: 'tarmac-prod', found: true, nonCompliant: [{ rule, resourceType: 'AWS::S3::Bucket', resourceId: 'raw-bucket-1' }] },
      }),
    ),
    ruleControls,
  );
  expect(d.findings).toHaveLength(1);
  expect(d.findings[0]).toMatchObject({ kind: 'noncompliant-resource', region: 'eu-west-1', subject: 'AWS::S3::Bucket raw-bucket-1', controls: ['LZ.S3.2'] });
  // EX-0001 exempts stacks legacy-ingest-* and RawBucket in data-prod: it may or may not be this bucket.
  expect(d.findings[0].message).toContain(
    '(EX-0001 exempts data-prod; stacks legacy-ingest-*; resources RawBucket: if that covers raw-bucket-1, this is expected)',
  );
  // A rule of another name is not taken for it.
  const other = accountDifferences(
    a,
    live(
      a,
      healthy('eu-west-1', {
        conformancePack: {
          name: 'tarmac-prod',
          found: true,
          nonCompliant: [{ rule: 'tarmac-s3-default-encryption-kms2', resourceType: 'AWS::S3::Bucket', resourceId: 'b' }],
        },
      }),
    ),
    ruleControls,
  );
  expect(other.findings[0].controls).toBeUndefined();
});

test('an exemption in force for the whole account covers its non-compliant resources; the same resource elsewhere is a finding', () => {
  const base = account('data-prod');
  const whole: ReportExemption = { id: 'EX-9', status: 'active', expires: '2027-12-31', scope: 'data-prod', wholeAccount: true, owner: 'o', reason: 'r' };
  const a: ReportAccount = { ...base, controls: base.controls.map((c) => (c.id === 'LZ.S3.2' ? { ...c, exemptions: [whole] } : c)) };
  const region = healthy('eu-west-1', {
    conformancePack: {
      name: 'tarmac-prod',
      found: true,
      nonCompliant: [{ rule: 'tarmac-s3-default-encryption-kms-conformance-pack-x', resourceType: 'AWS::S3::Bucket', resourceId: 'b' }],
    },
  });
  expect(accountDifferences(a, live(a, region), ruleControls)).toEqual({ findings: [], blocked: [], exempted: 1 });
  expect(kinds(accountDifferences(base, live(base, region), ruleControls))).toEqual(['noncompliant-resource']);
});

test('a FAIL-mode hook failure is a blocked deployment; a WARN-mode one let a failing resource through and is a finding', () => {
  const a = account('sandbox-alice');
  const failure = (failureMode: string) => ({
    hookResultId: `r-${failureMode}`,
    typeName: HOOK,
    invokedAt: '2026-12-01T10:00:00.000Z',
    targetType: 'RESOURCE',
    targetId: 'Bucket',
    failureMode,
    failedRules: [{ name: 'lz_s3_bucket_kms_encryption', message: 'no KMS key' }],
  });
  const d = accountDifferences(
    a,
    live(a, healthy('eu-west-1', { hookFailures: [failure('FAIL'), failure('WARN')], securityHubStandards: undefined })),
    ruleControls,
  );
  expect(d.blocked).toEqual([
    { account: a.id, region: 'eu-west-1', typeName: HOOK, invokedAt: '2026-12-01T10:00:00.000Z', target: 'RESOURCE Bucket', controls: ['LZ.S3.2'] },
  ]);
  expect(d.findings).toEqual([
    expect.objectContaining({
      kind: 'noncompliant-resource',
      subject: 'RESOURCE Bucket',
      controls: ['LZ.S3.2'],
      message: expect.stringContaining('(FailureMode WARN) failing lz_s3_bucket_kms_encryption'),
    }),
  ]);
});

test('a Guard rule is found by its control ID (the bundle file) or by a rule its file defines; an unknown name by nothing', () => {
  expect(ruleControls('LZ.S3.2')).toEqual(['LZ.S3.2']);
  expect(ruleControls('lz.s3.2.guard')).toEqual(['LZ.S3.2']);
  expect(ruleControls('lz_s3_bucket_kms_encryption')).toEqual(['LZ.S3.2']);
  expect(ruleControls('no_such_rule')).toEqual([]);
});
