import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CreateStackInstancesCommand, CreateStackSetCommand } from '@aws-sdk/client-cloudformation';
import { InputErrors } from '@tarmac/core';
import { loadOrganization } from '@tarmac/core/org';
import { buildOutput, writeBuildOutput } from '../build-output';
import { deployCommand } from '../commands/deploy';
import { planCommand } from '../commands/plan';
import { FakeAws, paramMap } from './__tests__/fake-aws';
import { plainProgress } from './progress';

// Acceptance (issue 5): the example organization as `tarmac build` writes it, planned and deployed against
// AWS stubbed at the SDK client boundary. No mock of the build: deploy verifies the real directory.
const POLICIES = path.resolve(__dirname, '..', '..', '..', '..', 'policies');
const org = loadOrganization(path.join(POLICIES, 'org.yaml'));
const accountsByOu = Object.fromEntries(org.ous.map((ou) => [ou.id, org.accounts.filter((a) => a.ouId === ou.id).map((a) => a.id)]));
const account = (name: string) => org.accounts.find((a) => a.name === name)!.id;

let out: string;
let fake: FakeAws;
let stdout: string;
let stderr: string;
beforeAll(async () => {
  out = fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-example-deploy-'));
  writeBuildOutput(out, await buildOutput(POLICIES));
});
afterAll(() => fs.rmSync(out, { recursive: true, force: true }));
beforeEach(() => {
  fake = new FakeAws(accountsByOu);
  fake.stackOutputs = { RulesKeyArn: 'arn:aws:kms:eu-west-1:333333333333:key/1234abcd-12ab-34cd-56ef-1234567890ab', BundleBucketName: 'b', LogBucketName: 'l' };
  stdout = '';
  stderr = '';
  jest.spyOn(process.stdout, 'write').mockImplementation((s) => ((stdout += String(s)), true));
  jest.spyOn(process.stderr, 'write').mockImplementation((s) => ((stderr += String(s)), true));
});
afterEach(() => {
  jest.restoreAllMocks();
  fake.restore();
});

const deps = () => ({ clients: fake.clients(), retry: { sleep: async () => {} }, progress: plainProgress((s) => (stderr += s)) });
const opts = () => ({ out, policies: POLICIES, format: 'text' as const });

test('plan on an empty organization creates every stack set, naming its OUs and instances', async () => {
  expect(await planCommand(opts(), deps())).toBe(0);
  expect(stdout).toMatch(/^ {2}\+ hooks\/guardrails\/[0-9a-f]{64}\.zip +prod enforce +new version will be uploaded$/m);
  expect(stdout).toMatch(/^ {2}\+ tarmac-guardrails-prod +create +3 OUs × 2 regions = 12 instances$/m);
  expect(stdout).toMatch(/^ {6}Workloads\/Prod \(ou-a1b2-44444444\) +2$/m);
  expect(stdout).toMatch(/^ {2}\+ SCP +tarmac-scp-root-1 +create; attach r-a1b2$/m);
  expect(fake.cfn.commandCalls(CreateStackSetCommand)).toHaveLength(0);
});

test('deploy creates each stack set as delegated administrator with the uploaded bundle versions pinned, and reports each instance', async () => {
  // One suspended account (skipped, not a failure) and one failed instance within tolerance (exit 1, named).
  fake.operations = ({ stackSet }) => ({
    instance: (acct, region) => {
      if (stackSet === 'tarmac-guardrails-prod' && acct === account('log-archive')) return { Status: 'OUTDATED', DetailedStatus: 'SKIPPED_SUSPENDED_ACCOUNT' };
      if (stackSet === 'tarmac-guardrails-dev' && region === 'eu-central-1') return { Status: 'OUTDATED', DetailedStatus: 'FAILED', StatusReason: 'Hook role creation failed: policy TarmacWorkloadBoundary does not exist' };
      return undefined;
    },
  });
  expect(await deployCommand(opts(), deps())).toBe(1);

  const manifest = JSON.parse(fs.readFileSync(path.join(out, 'stacksets', 'manifest.json'), 'utf8'));
  const creates = fake.cfn.commandCalls(CreateStackSetCommand).map((c) => c.args[0].input);
  expect(creates.map((c) => c.StackSetName).sort()).toEqual(['tarmac-guardrails-dev', 'tarmac-guardrails-prod', 'tarmac-guardrails-sandbox']);
  for (const create of creates) {
    expect(create).toMatchObject({ CallAs: 'DELEGATED_ADMIN', PermissionModel: 'SERVICE_MANAGED', AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false } });
    const unit = manifest.stackSets.find((s: { name: string }) => s.name === create.StackSetName);
    // Every hook's RuleLocation pins the VersionId S3 gave its bundle on upload.
    const hooks = Object.values(JSON.parse(create.TemplateBody!).Resources as Record<string, { Type: string; Properties: { RuleLocation: { Uri: string; VersionId: { Ref: string } } } }>).filter((r) => r.Type === 'AWS::CloudFormation::GuardHook');
    expect(hooks.length).toBe(unit.bundles.length);
    for (const { Properties: { RuleLocation } } of hooks) {
      const key = RuleLocation.Uri.replace(/^s3:\/\/[^/]+\//, '');
      expect(unit.bundles).toContain(key);
      expect(paramMap(create.Parameters)[RuleLocation.VersionId.Ref]).toBe(fake.objects.get(key)!.versionId);
    }
    expect(paramMap(create.Parameters).RulesKeyArn).toBe(fake.stackOutputs.RulesKeyArn);
    expect(JSON.parse(create.TemplateBody!)).toEqual(JSON.parse(fs.readFileSync(path.join(out, unit.instanceTemplate), 'utf8')));
  }
  const prodInstances = fake.cfn.commandCalls(CreateStackInstancesCommand).map((c) => c.args[0].input).filter((i) => i.StackSetName === 'tarmac-guardrails-prod');
  expect(prodInstances.flatMap((i) => i.DeploymentTargets!.OrganizationalUnitIds!).sort()).toEqual(['ou-a1b2-11111111', 'ou-a1b2-22222222', 'ou-a1b2-44444444']);
  expect(new Set(prodInstances.flatMap((i) => i.Regions))).toEqual(new Set(['eu-west-1', 'eu-central-1']));

  expect(stdout).toMatch(new RegExp(`tarmac-guardrails-dev +${account('data-dev')} +eu-central-1 .*FAILED.*TarmacWorkloadBoundary`));
  expect(stdout).toMatch(new RegExp(`tarmac-guardrails-prod +${account('log-archive')} +eu-west-1 .*SKIPPED_SUSPENDED_ACCOUNT`));
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
