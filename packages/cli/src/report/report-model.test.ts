import { ReportAccount, ReportModel } from './report-model';
import { exampleModel } from './__tests__/example';

// The example organization's report, built once: what each point says for each account must not drift.
let model: ReportModel;
let afterExpiry: ReportModel;
beforeAll(async () => {
  [model, afterExpiry] = await Promise.all([exampleModel(), exampleModel('2027-01-16')]);
});

const account = (name: string, m = model): ReportAccount => m.accounts.find((a) => a.name === name)!;
const control = (a: string, id: string, m = model) => account(a, m).controls.find((c) => c.id === id);
const points = (a: string, id: string, m = model) => control(a, id, m)!.points.map((p) => `${p.point}:${p.mode}`);

test('names the catalog and lists every member account of org.yaml with its OU path and profile, then the management account', () => {
  expect(model.catalog).toEqual({ name: '@tarmac/example-catalog', version: '0.1.0', label: '@tarmac/example-catalog@0.1.0' });
  expect(model.at).toBe('2026-12-01');
  expect(model.accounts.map((a) => `${a.name} ${a.id} ${a.ou} ${a.profile}`)).toEqual([
    'log-archive 222222222222 Security prod',
    'audit 333333333333 Security prod',
    'network 444444444444 Infrastructure prod',
    'finops 555555555555 Infrastructure prod',
    'data-prod 666666666666 Workloads/Prod prod',
    'ml-prod 777777777777 Workloads/Prod prod',
    'data-dev 888888888888 Workloads/Dev dev',
    'sandbox-alice 999999999999 Sandbox sandbox',
    // stacksets/guardrails.yaml gives it the prod hook (management: { profile: prod }).
    'management 111111111111 root prod',
  ]);
  expect(model.managementAccount).toMatchObject({ id: '111111111111', name: 'management', listed: true });
  expect(model.managementAccount.note).toMatch(/^listed with the Guard Hook of its own stack tarmac-guardrails-management \(profile prod, eu-west-1\)/);
  expect(account('ml-prod').regions).toEqual(['eu-west-1']);
  expect(account('ml-prod').baselines.map((b) => b.stackSet)).toEqual(['tarmac-account-baseline-prod', 'tarmac-network-baseline-prod']);
  expect(account('finops').baselines.map((b) => b.stackSet)).toEqual(['tarmac-account-baseline-prod', 'tarmac-finops-cost-data']);
  expect(account('audit').baselines.map((b) => b.stackSet)).toEqual(['tarmac-account-baseline-prod']);
});

test("ml-prod: a catalog control's points, from the commit to AWS Config", () => {
  const s3 = control('ml-prod', 'LZ.S3.2')!;
  expect(s3.status).toBe('enforce');
  expect(s3.exemptions).toEqual([]);
  expect(s3.points).toEqual([
    { point: 'pre-commit', mode: 'enforce', via: 'tarmac check --profile prod', profile: 'prod' },
    { point: 'synth', mode: 'enforce', via: '@tarmac/cdk TarmacChecks, profile prod', profile: 'prod' },
    {
      point: 'hook',
      mode: 'enforce',
      via: 'stack set tarmac-guardrails-prod, hook Tarmac::Guard::Guardrails, failure mode FAIL, regions eu-west-1, eu-central-1',
      stackSet: 'tarmac-guardrails-prod',
      hook: 'Tarmac::Guard::Guardrails',
      failureMode: 'FAIL',
      regions: ['eu-west-1', 'eu-central-1'],
    },
    {
      point: 'config',
      mode: 'detect',
      via: 'conformance pack of stack set tarmac-guardrails-prod: rule tarmac-s3-default-encryption-kms (S3_DEFAULT_ENCRYPTION_KMS), regions eu-west-1, eu-central-1',
      stackSet: 'tarmac-guardrails-prod',
      configRule: 'tarmac-s3-default-encryption-kms',
      identifier: 'S3_DEFAULT_ENCRYPTION_KMS',
      regions: ['eu-west-1', 'eu-central-1'],
    },
    {
      point: 'control-tower',
      mode: 'enforce',
      via: 'equivalent Control Tower proactive controls CT.S3.PR.10 (tarmac check --control-tower, profile prod)',
      profile: 'prod',
      controlTower: ['CT.S3.PR.10'],
    },
  ]);
});

test('ml-prod: organization policies along its chain, by the control they enforce (aliases and related ones included)', () => {
  expect(points('ml-prod', 'LZ.EC2.2')).toEqual([
    'pre-commit:enforce',
    'synth:enforce',
    'hook:enforce',
    'scp:enforce',
    'declarative:enforce',
    'config:detect',
    'control-tower:enforce',
  ]);
  const ec2 = control('ml-prod', 'LZ.EC2.2')!;
  expect(ec2.points.filter((p) => p.policy).map((p) => [p.point, p.policy, p.policyControl, p.relation, p.attachedAt])).toEqual([
    ['scp', 'tarmac-scp-root-1', 'LZ.SCP.5', 'alias', ['root']],
    ['declarative', 'tarmac-declarative-ec2-lz-dec-1', 'LZ.DEC.1', 'related', ['root']],
  ]);
  // Its own SCP attached to the account, beside the root's.
  expect(control('ml-prod', 'LZ.SCP.3')!.points.map((p) => p.via)).toEqual([
    'SCP tarmac-scp-root-1 attached at root',
    'SCP tarmac-scp-account-ml-prod-1 attached at account:ml-prod',
  ]);
  expect(control('data-prod', 'LZ.SCP.3')!.points).toHaveLength(1);
  expect(points('ml-prod', 'LZ.TAG.1')).toEqual(['pre-commit:enforce', 'synth:enforce', 'hook:enforce', 'scp:enforce', 'tag-policy:enforce', 'config:detect']);
  expect(control('ml-prod', 'LZ.TAG.1')!.points.find((p) => p.point === 'scp')!.attachedAt).toEqual(['ou:Workloads']);
  expect(points('ml-prod', 'LZ.RCP.1')).toEqual(['rcp:enforce']);
  expect(points('ml-prod', 'LZ.DEC.2')).toEqual(['declarative:enforce']);
  // An alias is never a row of its own; a policy attached to no account's chain (Suspended) is in no account.
  expect(model.controls.map((c) => c.id)).not.toContain('LZ.SCP.5');
  expect(model.accounts.flatMap((a) => a.controls.map((c) => c.id))).not.toContain('LZ.SCP.11');
  // The Security and Infrastructure OUs are outside the mandatory-tags SCP's targets.
  expect(points('audit', 'LZ.TAG.1')).not.toContain('scp:enforce');
  expect(account('ml-prod').controls).toHaveLength(61);
});

test('profiles: dev warns through the advisory hook, the sandbox target fails nothing', () => {
  const devLogging = control('data-dev', 'LZ.S3.5')!;
  expect(devLogging.status).toBe('warn');
  expect(devLogging.points.find((p) => p.point === 'hook')).toMatchObject({
    mode: 'warn',
    failureMode: 'WARN',
    hook: 'Tarmac::Guard::GuardrailsAdvisory',
    stackSet: 'tarmac-guardrails-dev',
  });
  expect(points('data-dev', 'LZ.S3.2').slice(0, 3)).toEqual(['pre-commit:enforce', 'synth:enforce', 'hook:enforce']);
  const sandbox = control('sandbox-alice', 'LZ.S3.2')!;
  expect(sandbox.points.find((p) => p.point === 'hook')).toMatchObject({ mode: 'warn', failureMode: 'WARN', stackSet: 'tarmac-guardrails-sandbox' });
  expect(control('sandbox-alice', 'LZ.TAG.1')!.points.find((p) => p.point === 'scp')!.attachedAt).toEqual(['ou:Sandbox']);
});

test('exemptions in force show for the accounts they cover only; an org policy carve-out makes that point exempt', () => {
  const exempted = model.accounts.flatMap((a) =>
    a.controls.filter((c) => c.exemptions.length).map((c) => `${a.name} ${c.id} ${c.status} ${c.exemptions.map((e) => e.id)}`),
  );
  expect(exempted).toEqual(['data-prod LZ.S3.2 partly-exempt EX-0001', 'data-dev LZ.SCP.6 exempt EX-0002']);
  expect(control('data-prod', 'LZ.S3.2')!.exemptions[0]).toEqual({
    id: 'EX-0001',
    status: 'active',
    expires: '2027-03-31',
    scope: 'data-prod; stacks legacy-ingest-*; resources RawBucket',
    wholeAccount: false,
    owner: 'data-platform@example.com',
    reason: "The vendor's loader writes with SSE-S3 only; the loader is replaced in Q2 (KMS then).",
    ticket: 'SEC-1234',
  });
  expect(control('data-dev', 'LZ.SCP.6')!.points).toEqual([
    expect.objectContaining({
      point: 'scp',
      mode: 'exempt',
      carvedOutBy: ['EX-0002'],
      via: 'SCP tarmac-scp-root-1 attached at root; this account is carved out by EX-0002',
    }),
  ]);
  // The carve-out is of the policy's statements: the catalog controls it is related to lose that point in data-dev only.
  expect(control('data-dev', 'LZ.RDS.1')!.points.find((p) => p.point === 'scp')!.mode).toBe('exempt');
  expect(control('data-prod', 'LZ.RDS.1')!.points.find((p) => p.point === 'scp')!.mode).toBe('enforce');
  expect(control('data-dev', 'LZ.RDS.1')!.status).toBe('enforce');
});

test('an expired exemption is in force nowhere and carves nothing out', () => {
  expect(afterExpiry.accounts.flatMap((a) => a.controls.flatMap((c) => c.exemptions.map((e) => `${a.name} ${c.id} ${e.id}`)))).toEqual([
    'data-prod LZ.S3.2 EX-0001',
  ]);
  expect(control('data-dev', 'LZ.SCP.6', afterExpiry)!).toMatchObject({ status: 'enforce', points: [expect.objectContaining({ mode: 'enforce' })] });
});

test('the management account: the hook of its own stack, and no SCP, RCP, Config or profile point', () => {
  const management = account('management');
  expect(management).toMatchObject({ id: '111111111111', management: true, ou: 'root', profile: 'prod', regions: ['eu-west-1'], baselines: [] });
  expect(control('management', 'LZ.S3.2')).toEqual({
    id: 'LZ.S3.2',
    status: 'enforce',
    exemptions: [],
    points: [
      {
        point: 'hook',
        mode: 'enforce',
        via: 'stack tarmac-guardrails-management in the management account (tarmac deploy --management), hook Tarmac::Guard::Guardrails, failure mode FAIL, region eu-west-1',
        stack: 'tarmac-guardrails-management',
        hook: 'Tarmac::Guard::Guardrails',
        failureMode: 'FAIL',
        regions: ['eu-west-1'],
      },
    ],
  });
  expect(new Set(management.controls.flatMap((c) => c.points.map((p) => p.point)))).toEqual(new Set(['hook']));
  // Every control the prod hook enforces in a prod member account, and only those.
  const hooked = (name: string) =>
    account(name)
      .controls.filter((c) => c.points.some((p) => p.point === 'hook'))
      .map((c) => c.id);
  expect(management.controls.map((c) => c.id)).toEqual(hooked('audit'));
  expect(control('management', 'LZ.SCP.3')).toBeUndefined();
  expect(control('management', 'LZ.RCP.1')).toBeUndefined();
  expect(model.frameworks['nist-800-53-r5'].requirements.find((r) => r.id === 'SC-28')!.controls.find((c) => c.id === 'LZ.S3.2')!.accounts).toContain(
    'management',
  );
});

test('without a management hook stack, the management account is not listed and the gap is stated', async () => {
  const gap = await exampleModel(undefined, { withoutManagementHook: true });
  expect(gap.accounts.map((a) => a.name)).not.toContain('management');
  expect(gap.managementAccount).toMatchObject({ id: '111111111111', name: 'management', listed: false });
  expect(gap.managementAccount.note).toMatch(/^not listed: SCPs and RCPs do not apply .* so no Guard Hook runs there/);
});

test('frameworks: which controls cover which requirement, in which accounts; no requirement list, no uncovered list', () => {
  expect(Object.keys(model.frameworks)).toEqual(['cis-aws-3.0', 'gdpr', 'nist-800-53-r5', 'pci-dss-4.0']);
  expect(model.frameworks.gdpr.requirements.map((r) => `${r.id}: ${r.controls.map((c) => c.id)}`)).toEqual([
    'Art. 28: LZ.DEC.2',
    'Art. 32: LZ.RCP.1',
    'Art. 44: LZ.SCP.3',
  ]);
  expect(model.frameworks.gdpr.uncovered).toBeNull();
  expect(model.frameworks.gdpr.note).toMatch(/no list of this framework's requirements/);
  const sc28 = model.frameworks['nist-800-53-r5'].requirements.find((r) => r.id === 'SC-28')!;
  expect(sc28.controls.map((c) => c.id)).toContain('LZ.S3.2');
  expect(sc28.controls.find((c) => c.id === 'LZ.SCP.6')!.accounts).toHaveLength(8);
  // An alias's mappings are its control's (LZ.SCP.5 maps CM-2; LZ.EC2.2 itself does not).
  const ec2 = model.controls.find((c) => c.id === 'LZ.EC2.2')!;
  expect(ec2.aliases).toEqual(['LZ.SCP.5']);
  expect(ec2.frameworks['nist-800-53-r5']).toContain('CM-2');
});
