import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CreateStackCommand, CreateStackInstancesCommand, CreateStackSetCommand } from '@aws-sdk/client-cloudformation';
import { InputErrors } from '@tarmac/core';
import { StackSetsManifest, loadOrganization } from '@tarmac/core/org';
import { buildOutput, writeBuildOutput } from '../build-output';
import { deployCommand } from '../commands/deploy';
import { planCommand } from '../commands/plan';
import { FakeAws, paramMap } from './__tests__/fake-aws';
import { plainProgress } from './progress';

// Acceptance (issues 5 and 6): the example organization as `tarmac build` writes it, planned and deployed against
// AWS stubbed at the SDK client boundary. No mock of the build: deploy verifies the real directory.
const POLICIES = path.resolve(__dirname, '..', '..', '..', '..', 'policies');
const org = loadOrganization(path.join(POLICIES, 'org.yaml'));
const accountsByOu = Object.fromEntries(org.ous.map((ou) => [ou.id, org.accounts.filter((a) => a.ouId === ou.id).map((a) => a.id)]));
const account = (name: string) => org.accounts.find((a) => a.name === name)!.id;
const BILLING_STACK = 'tarmac-finops-billing';
const MANAGEMENT_HOOK = 'tarmac-guardrails-management';
// Exemptions are judged on a fixed day (EX-0001 in force until 2027-03-31), never on the clock's.
const TODAY = '2027-01-10';

let out: string;
let manifest: StackSetsManifest;
let fake: FakeAws;
let stdout: string;
let stderr: string;
beforeAll(async () => {
  out = fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-example-deploy-'));
  writeBuildOutput(out, await buildOutput(POLICIES, undefined, new Date(`${TODAY}T00:00:00Z`)));
  manifest = JSON.parse(fs.readFileSync(path.join(out, 'stacksets', 'manifest.json'), 'utf8'));
});
afterAll(() => fs.rmSync(out, { recursive: true, force: true }));
beforeEach(() => {
  fake = new FakeAws(accountsByOu);
  fake.callerAccount = org.managementAccountId;
  fake.stackOutputs = { RulesKeyArn: 'arn:aws:kms:eu-west-1:333333333333:key/1234abcd-12ab-34cd-56ef-1234567890ab', BundleBucketName: 'b', LogBucketName: 'l' };
  stdout = '';
  stderr = '';
  jest.spyOn(process.stdout, 'write').mockImplementation((s) => ((stdout += String(s)), true));
  jest.spyOn(process.stderr, 'write').mockImplementation((s) => ((stderr += String(s)), true));
});
afterEach(() => {
  jest.restoreAllMocks();
  fake?.restore();
});

const deps = () => ({ clients: fake.clients(), retry: { sleep: async () => {} }, progress: plainProgress((s) => (stderr += s)) });
const opts = () => ({ out, policies: POLICIES, format: 'text' as const, at: TODAY });
const unitsOf = (kind: string) => manifest.stackSets.filter((s) => s.kind === kind);

test("the build has the baselines in wave 0, the guardrails in wave 1, the management account's stacks and the cost allocation tags", () => {
  expect(unitsOf('guardrails').map((s) => s.wave)).toEqual(unitsOf('guardrails').map(() => 1));
  for (const kind of ['account', 'network', 'finops']) expect(unitsOf(kind).length > 0 && unitsOf(kind).every((s) => s.wave === 0)).toBe(true);
  expect(unitsOf('finops').map((s) => s.accounts)).toEqual([[{ id: account('finops'), name: 'finops' }]]);
  expect(manifest.managementStacks).toEqual([
    expect.objectContaining({ name: BILLING_STACK, region: 'us-east-1' }),
    // stacksets/guardrails.yaml: management: { profile: prod }, in org.yaml's home region.
    expect.objectContaining({ name: MANAGEMENT_HOOK, region: org.regions.home }),
  ]);
  expect(manifest.costAllocationTags).toEqual(['cost-center', 'domain', 'project', 'team']);
});

test('plan on an empty organization creates every stack set by wave, naming its OUs or accounts and instances, and leaves the billing stack alone', async () => {
  expect(await planCommand(opts(), deps())).toBe(0);
  expect(stdout).toMatch(/^ {2}\+ hooks\/guardrails\/[0-9a-f]{64}\.zip +prod enforce +new version will be uploaded$/m);
  expect(stdout).toMatch(/^ {2}\+ tarmac-guardrails-prod +guardrails \(prod\) +create +3 OUs × 2 regions = 12 instances$/m);
  expect(stdout).toMatch(/^ {6}Workloads\/Prod \(ou-a1b2-44444444\) +2$/m);
  expect(stdout).toMatch(/^ {2}\+ SCP +tarmac-scp-root-1 +create; attach r-a1b2$/m);
  const [finops] = unitsOf('finops');
  expect(stdout).toContain(
    `  + ${finops.name}  finops baseline  create  1 account × ${finops.regions.length} region${finops.regions.length === 1 ? '' : 's'} = ${finops.regions.length} instance`,
  );
  expect(stdout).toContain(`      accounts: finops (${account('finops')}), narrowed from Infrastructure (ou-a1b2-22222222)`);
  expect(stdout.indexOf('Stack sets, wave 0')).toBeGreaterThan(-1);
  expect(stdout.indexOf(unitsOf('account')[0].name)).toBeLessThan(stdout.indexOf('Stack sets, wave 1'));
  expect(stdout).toContain(
    `  ${BILLING_STACK}: management account stack, not planned here: run \`tarmac plan --management\` with management-account credentials`,
  );
  expect(fake.cfn.commandCalls(CreateStackSetCommand)).toHaveLength(0);
  expect(fake.ce.calls()).toHaveLength(0);
});

test('deploy creates the baselines first, then each guardrails stack set with the uploaded bundle versions pinned, and reports each instance', async () => {
  // One suspended account (skipped, not a failure) and one failed instance within tolerance (exit 1, named).
  fake.operations = ({ stackSet }) => ({
    instance: (acct, region) => {
      if (stackSet === 'tarmac-guardrails-prod' && acct === account('log-archive')) return { Status: 'OUTDATED', DetailedStatus: 'SKIPPED_SUSPENDED_ACCOUNT' };
      if (stackSet === 'tarmac-guardrails-dev' && region === 'eu-central-1')
        return { Status: 'OUTDATED', DetailedStatus: 'FAILED', StatusReason: 'Hook role creation failed: policy TarmacWorkloadBoundary does not exist' };
      return undefined;
    },
  });
  expect(await deployCommand(opts(), deps())).toBe(1);

  const creates = fake.cfn.commandCalls(CreateStackSetCommand).map((c) => c.args[0].input);
  expect(creates.map((c) => c.StackSetName).sort()).toEqual(manifest.stackSets.map((s) => s.name).sort());
  // Wave 0 (every baseline) is created before wave 1 (every guardrails stack set).
  const waveOf = (name: string) => manifest.stackSets.find((s) => s.name === name)!.wave;
  expect(creates.map((c) => waveOf(c.StackSetName!))).toEqual([...creates.map((c) => waveOf(c.StackSetName!))].sort());
  for (const create of creates) {
    expect(create).toMatchObject({ CallAs: 'DELEGATED_ADMIN', PermissionModel: 'SERVICE_MANAGED' });
    const unit = manifest.stackSets.find((s) => s.name === create.StackSetName)!;
    expect(JSON.parse(create.TemplateBody!)).toEqual(JSON.parse(fs.readFileSync(path.join(out, unit.instanceTemplate), 'utf8')));
    if (unit.kind !== 'guardrails') continue;
    // Every hook's RuleLocation pins the VersionId S3 gave its bundle on upload.
    const hooks = Object.values(
      JSON.parse(create.TemplateBody!).Resources as Record<string, { Type: string; Properties: { RuleLocation: { Uri: string; VersionId: { Ref: string } } } }>,
    ).filter((r) => r.Type === 'AWS::CloudFormation::GuardHook');
    expect(hooks.length).toBe(unit.bundles.length);
    for (const {
      Properties: { RuleLocation },
    } of hooks) {
      const key = RuleLocation.Uri.replace(/^s3:\/\/[^/]+\//, '');
      expect(unit.bundles).toContain(key);
      expect(paramMap(create.Parameters)[RuleLocation.VersionId.Ref]).toBe(fake.objects.get(key)!.versionId);
    }
    expect(paramMap(create.Parameters).RulesKeyArn).toBe(fake.stackOutputs.RulesKeyArn);
  }
  const instances = fake.cfn.commandCalls(CreateStackInstancesCommand).map((c) => c.args[0].input);
  const prodInstances = instances.filter((i) => i.StackSetName === 'tarmac-guardrails-prod');
  expect(prodInstances.flatMap((i) => i.DeploymentTargets!.OrganizationalUnitIds!).sort()).toEqual([
    'ou-a1b2-11111111',
    'ou-a1b2-22222222',
    'ou-a1b2-44444444',
  ]);
  expect(new Set(prodInstances.flatMap((i) => i.Regions))).toEqual(new Set(['eu-west-1', 'eu-central-1']));
  // The FinOps stack set reaches the finops account alone, through its OU.
  const [finops] = unitsOf('finops');
  expect(instances.filter((i) => i.StackSetName === finops.name).map((i) => i.DeploymentTargets)).toEqual([
    { OrganizationalUnitIds: ['ou-a1b2-22222222'], Accounts: [account('finops')], AccountFilterType: 'INTERSECTION' },
  ]);
  expect(fake.stackSets.get(finops.name)!.instances.map((i) => i.Account)).toEqual(finops.regions.map(() => account('finops')));
  // The billing stack is the management account's: not deployed from here.
  expect(fake.cfn.commandCalls(CreateStackCommand).map((c) => c.args[0].input.StackName)).not.toContain(BILLING_STACK);

  expect(stdout).toMatch(new RegExp(`tarmac-guardrails-dev +${account('data-dev')} +eu-central-1 .*FAILED.*TarmacWorkloadBoundary`));
  expect(stdout).toMatch(new RegExp(`tarmac-guardrails-prod +${account('log-archive')} +eu-west-1 .*SKIPPED_SUSPENDED_ACCOUNT`));
});

/** The bundle the management account's hook pins, as the manifest maps its RulesVersionId. */
const managementBundle = () => (manifest.managementParameters![MANAGEMENT_HOOK].RulesVersionId as { bundle: string }).bundle;
const createsOf = (name: string) => fake.cfn.commandCalls(CreateStackCommand).filter((c) => c.args[0].input.StackName === name);
/** The org-wide deploy (delegated administrator) that uploads the bundles; its own outcome is not the point here. */
const uploadBundles = async () => {
  await deployCommand(opts(), deps());
  stdout = '';
  stderr = '';
};

test('plan --management and deploy --management: the billing stack in us-east-1, the hook stack with the uploaded bundle pinned', async () => {
  for (const key of manifest.costAllocationTags) fake.costAllocationTags.set(key, 'Active');
  await uploadBundles();
  const before = fake.cfn.calls().length;
  expect(await planCommand({ ...opts(), management: true }, deps())).toBe(0);
  expect(stdout).toMatch(/^ {2}\+ tarmac-finops-billing +us-east-1 +create$/m);
  expect(stdout).toMatch(/^ {2}\+ tarmac-guardrails-management +eu-west-1 +create$/m);
  stdout = '';
  expect(await deployCommand({ ...opts(), management: true }, deps())).toBe(0);
  const [create] = createsOf(BILLING_STACK);
  expect(await FakeAws.regionOf(create)).toBe('us-east-1');
  expect(JSON.parse(create.args[0].input.TemplateBody!)).toEqual(JSON.parse(fs.readFileSync(path.join(out, manifest.managementStacks[0].template), 'utf8')));

  // The management account's hook: a plain stack in the home region, its VersionId the one S3 gave the bundle on
  // upload, its key the one the bundle is encrypted with (HeadObject), never an output of the delegated admin's stack.
  const [hook] = createsOf(MANAGEMENT_HOOK);
  expect(await FakeAws.regionOf(hook)).toBe('eu-west-1');
  const input = hook.args[0].input;
  expect(JSON.parse(input.TemplateBody!)).toEqual(JSON.parse(fs.readFileSync(path.join(out, manifest.managementStacks[1].template), 'utf8')));
  expect(Buffer.byteLength(input.TemplateBody!)).toBe(manifest.managementStacks[1].templateBytes);
  expect(paramMap(input.Parameters)).toEqual({ RulesVersionId: fake.objects.get(managementBundle())!.versionId, RulesKeyArn: fake.kmsKeyArn });
  // The report reader role has a fixed name (TarmacReportReader).
  expect(input.Capabilities).toEqual(['CAPABILITY_NAMED_IAM']);
  expect(fake.stacks.get(MANAGEMENT_HOOK)).toMatchObject({ region: 'eu-west-1', status: 'CREATE_COMPLETE' });
  expect(stdout).toMatch(/^management stack +tarmac-guardrails-management +created +ok +eu-west-1$/m);
  // Nothing of the org-wide deployment from the management account: the bundles are read, never written.
  const management = fake.cfn.calls().slice(before);
  expect(management.filter((c) => (c.args[0].input as { StackSetName?: string }).StackSetName)).toEqual([]);
});

test('deploy --management before the bundles are uploaded: the hook stack is not attempted, with the reason, exit 1', async () => {
  for (const key of manifest.costAllocationTags) fake.costAllocationTags.set(key, 'Active');
  expect(await planCommand({ ...opts(), management: true }, deps())).toBe(1);
  expect(stdout).toMatch(/^ {2}! tarmac-guardrails-management +eu-west-1 +blocked/m);
  expect(stdout).toContain(`RulesVersionId: s3://${manifest.bundleBucket}/${managementBundle()} has not been uploaded: run tarmac deploy`);
  stdout = '';
  expect(await deployCommand({ ...opts(), management: true, format: 'json' }, deps())).toBe(1);
  const report = JSON.parse(stdout).report;
  expect(report.stacks).toEqual([
    { name: BILLING_STACK, action: 'created', ok: true, detail: 'us-east-1' },
    {
      name: MANAGEMENT_HOOK,
      action: 'not attempted',
      ok: false,
      detail: `RulesVersionId: s3://${manifest.bundleBucket}/${managementBundle()} has not been uploaded: run tarmac deploy (delegated administrator credentials) first, which uploads the bundles this stack pins`,
    },
  ]);
  // Never created with an empty or guessed VersionId.
  expect(createsOf(MANAGEMENT_HOOK)).toHaveLength(0);
  expect(fake.stacks.has(MANAGEMENT_HOOK)).toBe(false);
});

test('deploy --management refuses to pin a bundle object that holds other bytes, or one S3 reports no key for', async () => {
  for (const key of manifest.costAllocationTags) fake.costAllocationTags.set(key, 'Active');
  fake.objects.set(managementBundle(), { versionId: 'v-other', sha256: '0'.repeat(64) });
  expect(await deployCommand({ ...opts(), management: true }, deps())).toBe(1);
  expect(stdout).toContain(`has sha256 ${'0'.repeat(64)}, not`);
  const sha256 = manifest.bundles.find((b) => b.key === managementBundle())!.sha256;
  fake.objects.set(managementBundle(), { versionId: 'v-right', sha256 });
  fake.kmsKeyArn = undefined;
  stdout = '';
  expect(await deployCommand({ ...opts(), management: true }, deps())).toBe(1);
  expect(stdout).toContain('RulesKeyArn: s3://');
  expect(stdout).toContain('reports no KMS key ARN');
  expect(createsOf(MANAGEMENT_HOOK)).toHaveLength(0);
});

test('deploy --management refuses while a tag the budgets filter on is not active', async () => {
  for (const key of manifest.costAllocationTags) fake.costAllocationTags.set(key, key === 'team' ? 'Inactive' : 'Active');
  expect(await deployCommand({ ...opts(), management: true }, deps())).toBe(1);
  expect(stdout).toContain('aws ce update-cost-allocation-tags-status --cost-allocation-tags-status TagKey=team,Status=Active');
  expect(fake.cfn.commandCalls(CreateStackCommand)).toHaveLength(0);
});

test('deploy refuses a build directory edited after `tarmac build`, before asking AWS anything', async () => {
  const file = path.join(out, 'stacksets', 'instances', 'tarmac-guardrails-prod.template.json');
  const original = fs.readFileSync(file);
  fs.writeFileSync(file, original.toString().replace('"FailureMode": "FAIL"', '"FailureMode": "WARN"'));
  try {
    const refusal = deployCommand(opts(), deps());
    await expect(refusal).rejects.toThrow(InputErrors);
    await expect(refusal).rejects.toThrow(`${file}: differs from what the sources build`);
    expect(fake.cfn.calls().length + fake.s3.calls().length + fake.org.calls().length).toBe(0);
  } finally {
    fs.writeFileSync(file, original);
  }
});

test('deploy --management when the bundle bucket denies the read: not attempted with the error, the billing stack still deployed', async () => {
  for (const key of manifest.costAllocationTags) fake.costAllocationTags.set(key, 'Active');
  fake.fail('HeadObject', 'access-denied', { times: 'always' });
  expect(await deployCommand({ ...opts(), management: true, format: 'json' }, deps())).toBe(1);
  const [billing, hook] = JSON.parse(stdout).report.stacks;
  expect(billing).toMatchObject({ name: BILLING_STACK, ok: true });
  expect(hook).toMatchObject({ name: MANAGEMENT_HOOK, action: 'not attempted', ok: false });
  expect(hook.detail).toMatch(
    new RegExp(
      `^RulesVersionId: s3://${manifest.bundleBucket}/\\S+ could not be read \\(s3:HeadObject .*; access denied: the bundle bucket lets the management account read the bundles`,
    ),
  );
  expect(createsOf(MANAGEMENT_HOOK)).toHaveLength(0);
});
