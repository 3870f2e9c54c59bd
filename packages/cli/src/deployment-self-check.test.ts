import * as path from 'path';
import { InputError, loadCatalog, loadExemptions } from '@tarmac/core';
import { buildOrgPolicies, deploymentRequests, deploymentSites, loadOrgPolicies, requestClass } from '@tarmac/core/org';
import { PoliciesFixture, policiesFixtures } from '../../core/src/org/__tests__/fixture';
import { BuildOutput, buildOutput } from './build-output';
import { deploymentSelfCheck } from './deployment-self-check';
import { loadSimulator, simulate } from './org-policy-tests';

// The build proves that its own stack sets may deploy under its own SCPs (issue 20). Built once from a copy of the
// example; each case changes the policies only and rebuilds the organization policies (the templates are the same).
const TODAY = new Date('2027-01-10T00:00:00Z');
const simulator = loadSimulator()!;
const fixture = policiesFixtures({ deployment: true });
let example: BuildOutput;
let sources: PoliciesFixture;

beforeAll(async () => {
  sources = fixture();
  example = await buildOutput(sources.dir, undefined, TODAY);
}, 60_000);

/** The example's deployment under the organization policies of an edited copy of its sources (`edited`). */
let edited: PoliciesFixture;
async function withPolicies(edit: (f: PoliciesFixture) => void): Promise<BuildOutput> {
  edited = fixture();
  edit(edited);
  const catalog = loadCatalog(edited.dir);
  const set = (await loadOrgPolicies(catalog))!;
  const exemptions = loadExemptions(catalog, set.organization, set.controls, TODAY);
  return { ...example, catalog, set, org: buildOrgPolicies(set, catalog, { exemptions, today: TODAY }) };
}

const messages = (errors: readonly InputError[]) => errors.map((e) => e.message);

/** The denials of the example's deployment under its policies with one source file edited (a text replacement). */
async function deniedUnder(file: string, from: string, to: string): Promise<string[]> {
  const output = await withPolicies((f) => f.replace(file, from, to));
  return messages((await deploymentSelfCheck(output, simulator))!.denials);
}

test('the example deploys under its own SCPs and RCPs: every instance, stack and call checked, nothing unchecked', async () => {
  const check = (await deploymentSelfCheck(example, simulator))!;
  expect(messages(check.denials)).toEqual([]);
  expect(messages(check.unchecked)).toEqual([]);
  // 41 stack set instances (account x region), the Guard Hooks of the 16 guardrails instances reading their rules,
  // the report's reader role in each of the 8 member accounts x 2 regions, and, in the delegated administrator,
  // the bundle stack, deploy's calls and the report assuming each account's reader role.
  expect(check.sites).toBe(41 + 16 + 16 + 2 + 8);
  expect(check.requests).toBeGreaterThan(3000);
  // Accounts that share a chain and actions that share statements are simulated once.
  expect(check.simulations).toBeLessThan(check.requests / 10);
  expect(check.managementStacks).toEqual(['tarmac-finops-billing', 'tarmac-guardrails-management']);
}, 60_000);

test('without the StackSets execution role exempt from the region restriction, ml-prod refuses the prod stack sets in eu-central-1', async () => {
  const output = await withPolicies((f) =>
    f.replace(
      'scp/region-restriction.yaml',
      'exemptions: [platform, breakGlass, stackSetsExec, reportReader]',
      'exemptions: [platform, breakGlass, reportReader]',
    ),
  );
  const { denials } = (await deploymentSelfCheck(output, simulator))!;
  const unit = example.deployment!.units.find((u) => u.name === 'tarmac-network-baseline-prod')!;
  const stackSet = `${path.join(sources.dir, '..', 'stacksets', 'network-baseline.yaml')}:${unit.target.line}`;
  const statement = `${edited.file('scp/region-restriction.yaml')}:${edited.lineOf('scp/region-restriction.yaml', 'Sid: DenyOutsideAllowedRegions')}`;
  const network = messages(denials).find((m) => m.startsWith(`${stackSet}: stack set tarmac-network-baseline-prod would fail`))!;
  expect(network).toMatch(
    new RegExp(
      `^${esc(stackSet)}: stack set tarmac-network-baseline-prod would fail: the StackSets execution role \\(stacksets-exec-\\*\\) is denied [^()]+ and \\d+ more \\(for AWS::EC2::EIP, [^()]*\\) in ml-prod \\(777777777777\\) in eu-central-1 by DenyOutsideAllowedRegions \\(${esc(statement)}\\) \\(expected`,
    ),
  );
  // Only ml-prod narrows its regions, and only there, only in eu-central-1.
  expect(denials.every((e) => e.message.includes('ml-prod (777777777777) in eu-central-1 by DenyOutsideAllowedRegions') && !/data-prod/.test(e.message))).toBe(
    true,
  );
  expect(new Set(denials.map((e) => /stack set (\S+)/.exec(e.message)![1]))).toEqual(
    new Set(['tarmac-account-baseline-prod', 'tarmac-guardrails-prod', 'tarmac-network-baseline-prod']),
  );
}, 60_000);

test('without the StackSets execution role exempt from the protect SCP, the baselines cannot update or remove what they created', async () => {
  const denied = await deniedUnder('scp/protect-security-services.yaml', 'exemptions: [platform, stackSetsExec]', 'exemptions: [platform]');
  expect(denied).toContainEqual(
    expect.stringMatching(
      /stack set tarmac-account-baseline-dev would fail: .* is denied guardduty:DeleteDetector, guardduty:UpdateDetector \(for AWS::GuardDuty::Detector\) in data-dev \(888888888888\) in eu-west-1, eu-central-1 by ProtectGuardDuty \(.*protect-security-services\.yaml:\d+\)/,
    ),
  );
  expect(denied).toContainEqual(expect.stringMatching(/is denied securityhub:DisableSecurityHub \(for AWS::SecurityHub::Hub\) .* by ProtectSecurityHub/));
}, 60_000);

test('without the reader role exempt from the region restriction, tarmac report --live could not read what the stack sets deploy in ml-prod eu-central-1', async () => {
  const denied = await deniedUnder(
    'scp/region-restriction.yaml',
    'exemptions: [platform, breakGlass, stackSetsExec, reportReader]',
    'exemptions: [platform, breakGlass, stackSetsExec]',
  );
  expect(denied).toEqual([
    expect.stringMatching(
      /\/stacksets\/account-baseline\.yaml:\d+: the reads of tarmac report --live would fail: the report's reader role \(TarmacReportReader\) is denied cloudformation:DescribeType, cloudformation:GetHookResult, cloudformation:ListHookResults, securityhub:GetEnabledStandards \(for tarmac report --live\) in ml-prod \(777777777777\) in eu-central-1 by DenyOutsideAllowedRegions/,
    ),
  ]);
}, 60_000);

test('an RCP that keeps the delegated administrator from assuming the reader role is found before deploying', async () => {
  const denied = await deniedUnder(
    'rcp/data-perimeter.yaml',
    'statements:\n',
    'statements:\n  - Sid: NoOneAssumesTheReader\n    Effect: Deny\n    Principal: "*"\n    Action: sts:AssumeRole\n    Resource: "arn:aws:iam::*:role/tarmac/TarmacReportReader"\n',
  );
  expect(denied).toContainEqual(
    expect.stringMatching(/tarmac report --live in data-prod would fail: .* is denied sts:AssumeRole \(for tarmac report --live\) .* by NoOneAssumesTheReader/),
  );
}, 60_000);

test('without its exemption from LZ.SCP.12, the untagged execution role cannot create the hook role with the platform tags', async () => {
  const denied = await deniedUnder('scp/protect-principal-cost-tags.yaml', 'exemptions: [platform, stackSetsExec]', 'exemptions: [platform]');
  expect(denied).toContainEqual(
    expect.stringMatching(
      /stack set tarmac-guardrails-sandbox would fail: .* is denied iam:CreateRole, iam:TagRole \(for AWS::IAM::Role\) in sandbox-alice \(999999999999\) in eu-west-1, eu-central-1 by UntaggedPrincipalsSetNoTeam \(.*protect-principal-cost-tags\.yaml:\d+\), UntaggedPrincipalsSetNoProject/,
    ),
  );
  // Nor the account baseline's report reader role (the check takes it for present in every region, condition or not).
  expect(denied).toContainEqual(
    expect.stringMatching(
      /stack set tarmac-account-baseline-sandbox would fail: .* is denied iam:CreateRole, iam:TagRole \(for AWS::IAM::Role\) in sandbox-alice \(999999999999\) in eu-west-1.* by UntaggedPrincipalsSetNoTeam/,
    ),
  );
}, 60_000);

test('a Deny that names resources is checked against the ARNs the stack sets will create, not passed as "some other resource"', async () => {
  // iam-simulate with Resource '*' answers Allowed when a Deny names only some resources: the check uses the ARNs.
  const denied = await deniedUnder(
    'scp/protect-platform-roles.yaml',
    '    Resource: ["{{roles.platform}}", "{{roles.breakGlass}}", "{{roles.stackSetsExec}}"]',
    '    Resource: ["{{roles.platform}}", "{{roles.breakGlass}}", "{{roles.stackSetsExec}}", "arn:aws:iam::*:role/tarmac/*"]',
  );
  // The guardrails' hook role has the path /tarmac/, and so has the account baseline's report reader role.
  expect(denied).toContainEqual(
    expect.stringMatching(
      /stack set tarmac-guardrails-dev would fail: the StackSets execution role \(stacksets-exec-\*\) is denied iam:AttachRolePolicy, iam:CreateRole, iam:DeleteRole, iam:DeleteRolePermissionsBoundary and \d+ more \(for AWS::IAM::Role\) in data-dev \(888888888888\) in eu-west-1, eu-central-1 by ProtectPlatformRoles \(.*protect-platform-roles\.yaml:\d+\) \(expected/,
    ),
  );
  expect(denied).toContainEqual(
    expect.stringMatching(/stack set tarmac-account-baseline-dev would fail: .* is denied iam:AttachRolePolicy, iam:CreateRole, .* by ProtectPlatformRoles/),
  );
  // LZ.SCP.13 without its StackSets exemption: the account baselines cannot create the reader role; the guardrails'
  // unnamed hook roles are other ARNs.
  const reader = await deniedUnder('scp/protect-report-reader.yaml', 'exemptions: [platform, stackSetsExec]', 'exemptions: [platform]');
  expect(new Set(reader.map((m) => /stack set (\S+)/.exec(m)![1]))).toEqual(
    new Set(['tarmac-account-baseline-dev', 'tarmac-account-baseline-prod', 'tarmac-account-baseline-sandbox']),
  );
}, 60_000);

test("the hooks read their rules from the delegated administrator's bucket under its RCPs: a data perimeter that shuts the organization out shuts the hooks out", async () => {
  const denied = await deniedUnder('rcp/data-perimeter.yaml', 'aws:PrincipalOrgID: "{{org.id}}"', 'aws:PrincipalOrgID: "o-zzzzzzzzzz"');
  expect(denied).toContainEqual(
    expect.stringMatching(
      /the Guard Hooks of stack set tarmac-guardrails-dev would fail: the Guard Hook execution role is denied kms:Decrypt, kms:GenerateDataKey, s3:GetObject, s3:GetObjectVersion and 2 more \(for reading the rule bundles and writing reports\) in data-dev \(888888888888\) in eu-west-1, eu-central-1 by EnforceOrgIdentities \(.*data-perimeter\.yaml:\d+\)/,
    ),
  );
}, 60_000);

test('a resource type without known handler permissions fails the build as not checkable', async () => {
  const files = new Map(example.files);
  const file = example.stackSets!.stackSets.find((s) => s.name === 'tarmac-guardrails-dev')!.instanceTemplate;
  const template = JSON.parse(String(files.get(file)));
  template.Resources.Extra = { Type: 'Custom::Thing', Properties: { ServiceToken: 'arn:aws:lambda:eu-west-1:888888888888:function:x' } };
  files.set(file, JSON.stringify(template));
  const { unchecked } = (await deploymentSelfCheck({ ...example, files }, simulator))!;
  expect(messages(unchecked)).toEqual([
    expect.stringMatching(
      /guardrails\.yaml:\d+: stack set tarmac-guardrails-dev deploys Custom::Thing \(Extra\), whose CloudFormation handler permissions Tarmac does not know/,
    ),
  ]);
}, 60_000);

test('without the simulator the check refuses, naming the package and the way around it', async () => {
  await expect(deploymentSelfCheck(example, undefined)).rejects.toThrow(
    /needs the optional package @tarmac\/simulate .* \(expected npm i -D @tarmac\/simulate, or --skip-self-check/,
  );
});

// A class is simulated once, cut to the statements that match its action: that must decide like the full request, on
// each resource it acts on where their ARNs are known, and never less strictly where they are not.
test('seeded: the class representative decides as the full request does (example and a denying variant)', async () => {
  const variant = await withPolicies((f) =>
    f.replace(
      'scp/region-restriction.yaml',
      'exemptions: [platform, breakGlass, stackSetsExec, reportReader]',
      'exemptions: [platform, breakGlass, reportReader]',
    ),
  );
  let seed = 20_261_207;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const decided = (outcomes: Awaited<ReturnType<typeof simulate>>[]) => ({
    decision: outcomes.some((o) => o.decision === 'Denied') ? 'Denied' : 'Allowed',
    deniedBy: [...new Set(outcomes.flatMap((o) => o.deniedBy ?? []))].sort(),
  });
  let denied = 0;
  let onArns = 0;
  for (const output of [example, variant]) {
    const sites = deploymentSites(output.org, output.deployment!, output.stackSets!, output.files);
    const { requests } = deploymentRequests(output.org, sites, output.set.organization.deployment!.tags);
    for (const r of requests.filter(() => random() < 0.02)) {
      const cls = await requestClass(r.request, r.resources);
      const cut = decided([await simulate(simulator, cls.representative)]);
      const arns = cls.resources?.length ? cls.resources : undefined;
      const full = decided(await Promise.all((arns ?? ['*']).map((resource) => simulate(simulator, { ...r.request, resource }))));
      const what = [r.action, r.request.accountId, arns ?? '*'];
      if (arns) onArns++;
      if (arns || cut.decision === full.decision) expect([...what, cut]).toEqual([...what, full]);
      // Unknown ARNs: a Deny that names resources is taken to name them.
      else expect([...what, cut.decision]).toEqual([...what, 'Denied']);
      if (full.decision === 'Denied') denied++;
    }
  }
  expect(denied).toBeGreaterThan(0);
  expect(onArns).toBeGreaterThan(0);
}, 120_000);

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
