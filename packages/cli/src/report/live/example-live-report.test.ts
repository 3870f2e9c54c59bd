import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadOrganization } from '@tarmac/core/org';
import { buildOutput, writeBuildOutput } from '../../build-output';
import { deployCommand } from '../../commands/deploy';
import { reportCommand } from '../../commands/report';
import { FakeAws } from '../../deploy/__tests__/fake-aws';
import { plainProgress } from '../../deploy/progress';
import { CIS, FSBP, FakeAccounts, hookArn } from './__tests__/fake-accounts';
import { createAccountClientFactory } from './account-clients';
import { LIVE_FINDING_KINDS, LiveFinding, LiveReport } from './model';

// Acceptance (issue 19): the example organization built, deployed into AWS stubbed at the SDK client boundary
// (Organizations, StackSets and S3 from the delegated administrator; each account's reader role), then
// `tarmac report --live`: nothing differs after a clean deploy; each kind of difference, made in AWS, is found.
const POLICIES = path.resolve(__dirname, '..', '..', '..', '..', '..', 'policies');
const org = loadOrganization(path.join(POLICIES, 'org.yaml'));
const id = (name: string) => (name === 'management' ? org.managementAccountId : org.accounts.find((a) => a.name === name)!.id);
const ouId = (p: string) => org.ous.find((o) => o.path === p)!.id;
const BUILT = '2027-01-10';
const SINCE = '2027-01-01';

let out: string;
let fake: FakeAws;
let accounts: FakeAccounts;
beforeAll(async () => {
  out = fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-live-report-'));
  writeBuildOutput(out, await buildOutput(POLICIES, undefined, new Date(`${BUILT}T00:00:00Z`)));
});
afterAll(() => fs.rmSync(out, { recursive: true, force: true }));
beforeEach(async () => {
  ({ fake, accounts } = await deployedOrganization());
});
afterEach(() => {
  accounts.restore();
  fake.restore();
});

/** The example deployed by `tarmac deploy` and `tarmac deploy --management`, with the tree and AWS's own policies around it. */
async function deployedOrganization(): Promise<{ fake: FakeAws; accounts: FakeAccounts }> {
  const fake = new FakeAws(Object.fromEntries(org.ous.map((ou) => [ou.id, org.accounts.filter((a) => a.ouId === ou.id).map((a) => a.id)])));
  fake.callerAccount = org.managementAccountId;
  fake.stackOutputs = { RulesKeyArn: 'arn:aws:kms:eu-west-1:333333333333:key/1234abcd-12ab-34cd-56ef-1234567890ab', BundleBucketName: 'b', LogBucketName: 'l' };
  for (const key of ['cost-center', 'domain', 'project', 'team']) fake.costAllocationTags.set(key, 'Active');
  const quiet = { clients: fake.clients(), retry: { sleep: async () => {} }, progress: plainProgress(() => {}) };
  const opts = { out, policies: POLICIES, format: 'text' as const, at: BUILT };
  const silence = [jest.spyOn(process.stdout, 'write').mockImplementation(() => true), jest.spyOn(process.stderr, 'write').mockImplementation(() => true)];
  try {
    expect(await deployCommand(opts, quiet)).toBe(0);
    expect(await deployCommand({ ...opts, management: true }, quiet)).toBe(0);
  } finally {
    silence.forEach((s) => s.mockRestore());
  }
  // Organizations: the tree of org.yaml (the management account under the root), AWS's allow-all policies
  // everywhere and Control Tower's SCP where org.yaml's alreadyAttached says.
  fake.tree.rootId = org.rootId;
  fake.tree.ous.push(...org.ous.map((o) => ({ id: o.id, name: o.name, parentId: o.parentId })));
  fake.tree.accounts.push(...org.accounts.map((a) => ({ id: a.id, name: a.name, parentId: a.ouId ?? org.rootId })));
  fake.tree.accounts.push({ id: org.managementAccountId, name: 'management', parentId: org.rootId });
  const everywhere = [org.rootId, ...org.ous.map((o) => o.id), ...org.accounts.map((a) => a.id), org.managementAccountId];
  fake.addManagedPolicy('SERVICE_CONTROL_POLICY', 'FullAWSAccess', everywhere);
  fake.addManagedPolicy('RESOURCE_CONTROL_POLICY', 'RCPFullAWSAccess', everywhere);
  fake.addPolicy('SERVICE_CONTROL_POLICY', 'aws-guardrails-mandatory', '{}', [ouId('Security'), ouId('Infrastructure'), ouId('Workloads')]);

  // Each account as its reader role sees it: what the deployed templates activate, where their instances are.
  const accounts = new FakeAccounts({ sts: fake.sts, cloudformation: fake.cfn });
  const activate = (account: string, region: string, templateBody: string) => {
    const r = accounts.region(account, region);
    for (const resource of Object.values(JSON.parse(templateBody).Resources as Record<string, { Type: string; Properties: Record<string, string> }>)) {
      if (resource.Type === 'AWS::CloudFormation::GuardHook')
        r.hooks[resource.Properties.Alias] = { arn: hookArn(account, region, resource.Properties.Alias), invocations: [] };
      if (resource.Type === 'AWS::Config::ConformancePack') r.packs[resource.Properties.ConformancePackName] = [];
      if (resource.Type === 'AWS::SecurityHub::Hub')
        r.standards = [
          { arn: FSBP, status: 'READY' },
          { arn: CIS, status: 'READY' },
        ];
    }
  };
  for (const { set, instances } of fake.stackSets.values()) for (const i of instances) activate(i.Account!, i.Region!, set.TemplateBody!);
  const management = fake.stacks.get('tarmac-guardrails-management')!;
  activate(org.managementAccountId, management.region!, management.template);
  accounts.pageSize = () => 100;
  // The report runs as the delegated administrator, whom the reader roles trust.
  fake.callerAccount = id('audit');
  return { fake, accounts };
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}
async function report(format: 'json' | 'markdown' | 'csv' | 'html' = 'json', at = BUILT): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const spies = [
    jest.spyOn(process.stdout, 'write').mockImplementation((s) => ((stdout += String(s)), true)),
    jest.spyOn(process.stderr, 'write').mockImplementation((s) => ((stderr += String(s)), true)),
  ];
  try {
    const code = await reportCommand(
      { policies: POLICIES, format, live: true, build: out, at, since: SINCE },
      {
        clients: fake.clients(),
        retry: { sleep: async () => {} },
        progress: plainProgress((s) => (stderr += s)),
        accountClients: createAccountClientFactory(),
        now: new Date('2027-01-10T12:00:00Z'),
      },
    );
    return { code, stdout, stderr };
  } finally {
    spies.forEach((s) => s.mockRestore());
  }
}
const liveOf = (run: Run): LiveReport => JSON.parse(run.stdout).live;
const line = (f: LiveFinding) => `${f.kind} ${f.account ?? '-'} ${f.region ?? '-'} ${f.subject}`;

test('after a clean deploy AWS matches the intended state: no difference, every account read, exit 0', async () => {
  const run = await report();
  expect(run.stderr).not.toMatch(/error/i);
  // Progress (on a terminal; here the test's plain display): accounts as they are read.
  expect(run.stderr).toContain(`accounts: ${org.accounts.length + 1} of ${org.accounts.length + 1} read through their reader role\n`);
  const live = liveOf(run);
  expect(live.findings).toEqual([]);
  expect(run.code).toBe(0);
  expect(live.accounts.map((a) => [a.id, a.read, a.findings])).toEqual([...org.accounts.map((a) => [a.id, true, 0]), [org.managementAccountId, true, 0]]);
  // Security Hub where the account baseline turns it on: dev and prod, not sandbox.
  expect(live.accounts.find((a) => a.id === id('data-dev'))!.securityHubStandards).toEqual([FSBP, CIS]);
  expect(live.accounts.find((a) => a.id === id('sandbox-alice'))!.securityHubStandards).toBeUndefined();
  // Every member account was read through its reader role, in every region of its stack sets; the management account in its stack's.
  const assumed = new Set(accounts.calls.filter((c) => c.op === 'AssumeRole').map((c) => c.account));
  expect(assumed).toEqual(new Set([...org.accounts.map((a) => a.id), org.managementAccountId]));
  expect(new Set(accounts.calls.filter((c) => c.op === 'DescribeType' && c.account === id('ml-prod')).map((c) => c.region))).toEqual(
    new Set(['eu-west-1', 'eu-central-1']),
  );
  expect(new Set(accounts.calls.filter((c) => c.op === 'DescribeType' && c.account === org.managementAccountId).map((c) => c.region))).toEqual(
    new Set([org.regions.home]),
  );
  const md = await report('markdown');
  expect(md.stdout).toContain('no difference from the intended state; 0 deployments blocked by Guard Hooks.');
});

test('an SCP exemption that expired since the last deploy shows as the deployed policy that still carves it out', async () => {
  // EX-0002 (LZ.SCP.6 in data-dev) was in force when the organization was built and deployed, and ends on 2027-01-15.
  const live = liveOf(await report('json', '2027-02-01'));
  expect(live.findings).toEqual([
    expect.objectContaining({ kind: 'policy-changed', controls: expect.arrayContaining(['LZ.SCP.6']), fix: expect.stringContaining('tarmac build') }),
  ]);
});

/** One difference of every kind, each made in AWS as someone outside Tarmac (or AWS itself) would make it. */
function breakEverything(): void {
  // Organizations
  fake.tree.accounts.find((a) => a.id === id('sandbox-alice'))!.parentId = ouId('Workloads/Dev');
  fake.addPolicy('SERVICE_CONTROL_POLICY', 'legacy-deny-regions', '{}', [id('data-prod')]);
  const policies = [...fake.policies.values()];
  const tagPolicy = policies.find((p) => p.type === 'TAG_POLICY' && p.name.startsWith('tarmac-'))!;
  fake.policies.delete(tagPolicy.id);
  const rootScp = policies.find((p) => p.name === 'tarmac-scp-root-1')!;
  rootScp.content = rootScp.content.replace('"Deny"', '"Allow"');
  const rcp = policies.find((p) => p.type === 'RESOURCE_CONTROL_POLICY' && p.name.startsWith('tarmac-'))!;
  rcp.targets.delete([...rcp.targets][0]);
  // StackSets
  fake.stackSets.delete('tarmac-network-baseline-sandbox');
  const prod = fake.stackSets.get('tarmac-guardrails-prod')!;
  prod.instances = prod.instances.filter((i) => !(i.Account === id('data-prod') && i.Region === 'eu-central-1'));
  const dev = fake.stackSets.get('tarmac-account-baseline-dev')!.instances.find((i) => i.Account === id('data-dev') && i.Region === 'eu-west-1')!;
  Object.assign(dev, {
    Status: 'OUTDATED',
    StackInstanceStatus: { DetailedStatus: 'FAILED' },
    StatusReason: 'Resource handler returned message: "Access Denied"',
  });
  // In the accounts
  delete accounts.region(id('ml-prod'), 'eu-central-1').hooks['Tarmac::Guard::Guardrails'];
  delete accounts.region(id('network'), 'eu-west-1').packs['tarmac-prod'];
  accounts.region(id('data-prod'), 'eu-west-1').packs['tarmac-prod'].push({
    rule: 'tarmac-s3-default-encryption-kms-conformance-pack-k3x9q2',
    resourceType: 'AWS::S3::Bucket',
    resourceId: 'ingest-raw-2027',
    compliance: 'NON_COMPLIANT',
  });
  accounts.region(id('data-dev'), 'eu-central-1').standards = [{ arn: FSBP, status: 'READY' }];
  accounts.denied.add(id('finops'));
  // Guard Hook results: the sandbox's WARN hook let an unencrypted bucket through; prod's FAIL hook blocked one.
  const invocation = (n: number, failureMode: 'FAIL' | 'WARN') => ({
    id: `0e5f1c2a-0000-4000-8000-00000000000${n}`,
    status: 'HOOK_COMPLETE_FAILED' as const,
    invokedAt: new Date('2027-01-09T08:00:00Z'),
    targetId: `arn:aws:cloudformation:eu-west-1:000000000000:stack/app-${n}/1`,
    failed: [{ name: 'lz_s3_bucket_kms_encryption', message: 'BucketEncryption does not use aws:kms' }],
    failureMode,
  });
  const sandboxHooks = accounts.region(id('sandbox-alice'), 'eu-west-1').hooks;
  Object.values(sandboxHooks)[0].invocations.push(invocation(1, 'WARN'));
  accounts.region(id('data-prod'), 'eu-west-1').hooks['Tarmac::Guard::Guardrails'].invocations.push(invocation(2, 'FAIL'));
}

test('each kind of difference made in AWS is found, named with its account, region and fix; the report is still complete, exit 1', async () => {
  breakEverything();
  // After EX-0001 (2027-03-31) and EX-0002 (2027-01-15) expired: the deployed bundles still carry them.
  const run = await report('json', '2027-04-15');
  expect(run.code).toBe(1);
  const live = liveOf(run);
  expect(new Set(live.findings.map((f) => f.kind))).toEqual(new Set(LIVE_FINDING_KINDS));
  const lines = live.findings.map(line);
  expect(lines).toEqual(
    expect.arrayContaining([
      `account-placement ${id('sandbox-alice')} - account:sandbox-alice`,
      `policy-outside-tarmac ${id('data-prod')} - legacy-deny-regions`,
      `stack-set-missing - - tarmac-network-baseline-sandbox`,
      `instance-missing ${id('data-prod')} eu-central-1 tarmac-guardrails-prod`,
      `instance-not-current ${id('data-dev')} eu-west-1 tarmac-account-baseline-dev`,
      `hook-missing ${id('ml-prod')} eu-central-1 Tarmac::Guard::Guardrails`,
      `conformance-pack-missing ${id('network')} eu-west-1 tarmac-prod`,
      `noncompliant-resource ${id('data-prod')} eu-west-1 AWS::S3::Bucket ingest-raw-2027`,
      `security-hub-standards ${id('data-dev')} eu-central-1 Security Hub`,
      `not-read ${id('finops')} - finops`,
    ]),
  );
  const only = (kind: string) => live.findings.filter((f) => f.kind === kind);
  expect(only('account-placement')[0].message).toBe(
    `account sandbox-alice (${id('sandbox-alice')}) is in ou:Workloads/Dev in AWS; org.yaml places it in ou:Sandbox, so it gets another OU's policies and stack sets`,
  );
  expect(only('policy-missing').map((f) => f.subject)).toHaveLength(1);
  expect(only('policy-changed').map((f) => f.subject)).toEqual(['tarmac-scp-root-1']);
  expect(only('attachment-missing').map((f) => f.subject)).toEqual([expect.stringMatching(/^tarmac-rcp-/)]);
  expect(only('expired-exemption-deployed').map((f) => f.message)).toEqual(
    expect.arrayContaining([expect.stringContaining('still carries exemption EX-0001 of LZ.S3.2, which expired after 2027-03-31')]),
  );
  expect(only('instance-not-current')[0].message).toContain('is OUTDATED (FAILED): Resource handler returned message: "Access Denied"');
  expect(only('noncompliant-resource').map((f) => f.controls)).toEqual([['LZ.S3.2'], ['LZ.S3.2']]);
  expect(only('noncompliant-resource')[1].message).toMatch(
    /^Guard Hook \S+ let STACK arn:aws:cloudformation:eu-west-1:000000000000:stack\/app-1\/1 through in sandbox-alice/,
  );
  expect(only('not-read')[0].message).toContain(`Cannot assume arn:aws:iam::${id('finops')}:role/tarmac/TarmacReportReader: AccessDenied`);
  // The FAIL-mode hook did its job: listed as blocked, not as a difference.
  expect(live.blocked).toEqual([expect.objectContaining({ account: id('data-prod'), region: 'eu-west-1', controls: ['LZ.S3.2'] })]);
  // Every finding says how to fix it; the accounts' counts add up to the findings that name an account.
  for (const f of live.findings) expect(f.fix).not.toBe('');
  expect(live.accounts.reduce((n, a) => n + a.findings, 0)).toBe(live.findings.filter((f) => f.account).length);
  // The rest of the report is unchanged by --live.
  expect(JSON.parse(run.stdout).accounts).toHaveLength(org.accounts.length + 1);

  // Every format carries them.
  const md = await report('markdown', '2027-04-15');
  expect(md.code).toBe(1);
  expect(md.stdout).toContain('## Live: what AWS says');
  expect(md.stdout).toMatch(/\| security-hub-standards \| data-dev \(888888888888\) \| eu-central-1 \| Security Hub \|/);
  const csv = await report('csv', '2027-04-15');
  const rows = csv.stdout.split('\r\n').filter((r) => r.includes(',difference,live:'));
  expect(rows).toHaveLength(live.findings.length);
  expect(rows).toContainEqual(expect.stringMatching(/^777777777777,ml-prod,Workloads\/Prod,prod,.*,difference,live:hook-missing,eu-central-1,/));
  const html = await report('html', '2027-04-15');
  expect(html.stdout).toContain('<section id="live"><h2>Live: what AWS says</h2>');
  expect(html.stdout.match(/<tr class="diff" data-kind="/g)).toHaveLength(live.findings.length);
});

test('throttled on every kind of call and answered one item per page, the findings are the same', async () => {
  breakEverything();
  const plain = liveOf(await report('json', '2027-04-15'))
    .findings.map(line)
    .sort();
  accounts.restore();
  fake.restore();
  ({ fake, accounts } = await deployedOrganization());
  breakEverything();
  fake.pageSize = 1;
  accounts.pageSize = () => 1;
  fake.throttle(
    ['ListRoots', 'ListOrganizationalUnitsForParent', 'ListAccountsForParent', 'ListPolicies', 'ListTargetsForPolicy', 'DescribePolicy', 'ListStackInstances'],
    2,
  );
  for (const op of ['AssumeRole', 'DescribeType', 'ListHookResults', 'GetHookResult', 'GetConformancePackComplianceDetails', 'GetEnabledStandards'] as const)
    accounts.fail(op, 'throttle', { times: 2 });
  const run = await report('json', '2027-04-15');
  expect(liveOf(run).findings.map(line).sort()).toEqual(plain);
  expect(fake.unusedFailures()).toEqual({});
  expect(fake.cutPages.get('ListAccountsForParent')).toBeGreaterThan(0);
});

test('Organizations refusing the delegated administrator is one not-read finding; StackSets and every account are still reported', async () => {
  fake.fail('ListRoots', 'access-denied');
  const run = await report();
  expect(run.code).toBe(1);
  const live = liveOf(run);
  expect(live.findings).toEqual([
    expect.objectContaining({
      kind: 'not-read',
      subject: 'organization',
      message: expect.stringMatching(/^the organization \(tree and policies\) could not be read: .*AccessDeniedException/),
    }),
  ]);
  expect(live.accounts.every((a) => a.read)).toBe(true);
});

test('credentials of another account are refused before anything is read: exit 2, nothing written', async () => {
  fake.callerAccount = org.managementAccountId;
  await expect(report()).rejects.toThrow(
    `--live reads AWS as the delegated administrator audit (${id('audit')}), whom the reader roles trust; these are credentials of account ${org.managementAccountId}`,
  );
  expect(fake.sent().map((c) => c.op)).not.toContain('ListRoots');
  expect(accounts.calls).toEqual([]);
});

test('a policy type listed without a single policy still misses what org.yaml declares attached there', async () => {
  // Every RCP gone (Tarmac's and AWS's RCPFullAWSAccess): listed fine, but empty, which is not "could not be read".
  for (const [key, p] of fake.policies) if (p.type === 'RESOURCE_CONTROL_POLICY') fake.policies.delete(key);
  const findings = liveOf(await report()).findings;
  expect(findings.filter((f) => f.kind === 'attachment-missing' && f.subject === 'RCPFullAWSAccess')).toHaveLength(1 + org.ous.length + org.accounts.length);
  expect(findings.filter((f) => f.kind === 'policy-missing').map((f) => f.subject)).toEqual([expect.stringMatching(/^tarmac-rcp-/)]);
  expect(findings.some((f) => f.kind === 'not-read')).toBe(false);
});

test('StackSets throttling past every retry is a not-read finding, not an empty list of stack sets', async () => {
  fake.fail('DescribeStackSet', 'throttling', { times: 'always' });
  const live = liveOf(await report());
  expect(live.findings.map((f) => `${f.kind} ${f.subject}`)).toEqual(['not-read stack sets', 'not-read rule bundles']);
  expect(live.findings.some((f) => f.kind === 'stack-set-missing')).toBe(false);
});
