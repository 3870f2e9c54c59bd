/**
 * Acceptance cases for the default organization policy set (policies/), written independently of the test
 * cases inside the policy files: other accounts, principals, resources and regions. Every case runs against
 * the policies exactly as `tarmac build` produces them (loadCatalog -> loadOrgPolicies -> buildOrgPolicies)
 * and the effective SCP/RCP chain orgTests derives for the account, evaluated by @tarmac/simulate.
 *
 * Denials assert the Sid that denies, so a case cannot pass because of an unrelated deny (or an implicit
 * one); allowances come paired with a denial of the same request for a principal the exemption does not
 * cover, so they cannot pass because the statement is missing altogether.
 */
import { Catalog, loadCatalog } from '@tarmac/core';
import { OrgBuild, OrgControl, OrgTestRequest, PolicyTestCase, buildOrgPolicies, loadOrgPolicies, orgTests } from '@tarmac/core/org';
import { simulateOrgRequest } from '@tarmac/simulate';
import { POLICIES, PoliciesFixture } from '../../packages/core/src/org/__tests__/fixture';

/** A request as a policy file's test case would describe it; `expect` is asserted here instead. */
interface Case {
  account?: string;
  principal: string;
  action: string;
  resource?: string;
  resourceAccount?: string;
  context?: Record<string, string | string[]>;
}

interface Built {
  catalog: Catalog;
  build: OrgBuild;
}

async function buildPolicies(dir: string): Promise<Built> {
  const catalog = loadCatalog(dir);
  const set = await loadOrgPolicies(catalog);
  if (!set) throw new Error(`no org.yaml in ${dir}`);
  return { catalog, build: buildOrgPolicies(set, catalog) };
}

/** A control that carries only our test cases, so orgTests builds their requests like it builds the policy files' own. */
function syntheticControl(tests: PolicyTestCase[]): OrgControl {
  return {
    id: 'ACCEPTANCE.1',
    title: 'acceptance cases',
    severity: 'high',
    rationale: 'independent acceptance cases',
    type: 'SERVICE_CONTROL_POLICY',
    targets: [],
    frameworks: {},
    related: [],
    references: [],
    tests,
    file: __filename,
    exemptions: [],
    statements: [],
  };
}

function requestFor(build: OrgBuild, c: Case): OrgTestRequest {
  const test: PolicyTestCase = {
    name: `${c.principal} ${c.action}`,
    account: c.account,
    principal: c.principal,
    action: c.action,
    resource: c.resource ?? '*',
    resourceAccount: c.resourceAccount,
    context: c.context ?? {},
    expect: 'Allowed',
  };
  const [t] = orgTests(build, [syntheticControl([test])]);
  return t.request;
}

const simulate = (build: OrgBuild, c: Case) => simulateOrgRequest(requestFor(build, c));

/** Every Sid an explanation names, so a case can require that exactly the expected statement denies. */
const sidsIn = (explanation: string) => [...new Set([...explanation.matchAll(/Sid "([^"]+)"/g)].map((m) => m[1]))].sort();

/** IAM action wildcard match (case-insensitive, * and ?). */
function globMatches(pattern: string, value: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 'i').test(value);
}

/** The NotAction entries of every DenyOutsideAllowedRegions statement in a request's SCP chain. */
function regionStatementExemptions(request: OrgTestRequest): string[] {
  const statements = request.scpLevels.flatMap((l) =>
    l.policies.flatMap((p) => [(p.document as { Statement: unknown }).Statement].flat() as { Sid?: string; NotAction?: string | string[] }[]),
  );
  return statements.filter((s) => s.Sid === 'DenyOutsideAllowedRegions').flatMap((s) => [s.NotAction ?? []].flat());
}

/** The Sid the mandatory-tag statement gets for a key: cost-center -> DenyCreateWithoutTagCostCenter. */
const tagSid = (key: string) =>
  `DenyCreateWithoutTag${key
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('')}`;

// Loaded at collection time (it is synchronous) so the mandatory tag keys can name test cases.
const catalog: Catalog = loadCatalog(POLICIES);
let build: OrgBuild;
let accountId: (name: string) => string;

beforeAll(async () => {
  ({ build } = await buildPolicies(POLICIES));
  accountId = (name) => {
    const org = build.organization;
    const id = name === org.managementAccountName ? org.managementAccountId : org.accounts.find((a) => a.name === name)?.id;
    if (!id) throw new Error(`no account ${name} in org.yaml`);
    return id;
  };
});

/** A valid value for each mandatory tag (the tag policy's values or example), keyed aws:RequestTag/<key>. */
function requestTags(omit?: string): Record<string, string> {
  return Object.fromEntries(catalog.tags.filter((t) => t.key !== omit).map((t) => [`aws:RequestTag/${t.key}`, t.values?.[0] ?? t.example ?? 'x']));
}

const PROD_ACCOUNTS = ['data-prod', 'ml-prod'];
/** Three kinds of workload principal: a plain role, an IAM user (full ARN) and a role with a path. */
const DEVELOPERS: { kind: string; principal: (account: string) => string }[] = [
  { kind: 'role/Developer', principal: () => 'role/Developer' },
  { kind: 'IAM user', principal: (account) => `arn:aws:iam::${accountId(account)}:user/dev.alice` },
  { kind: 'role with a path', principal: () => 'role/teams/data/Engineer' },
];
const developerMatrix = PROD_ACCOUNTS.flatMap((account) => DEVELOPERS.map((d) => ({ account, kind: d.kind, principal: d.principal })));

describe('developers in prod accounts (data-prod, ml-prod) are held by the root guardrails', () => {
  const denied: { what: string; sid: string; request: (account: string) => Omit<Case, 'account' | 'principal'> }[] = [
    { what: 'leave the organization', sid: 'DenyLeaveOrganization', request: () => ({ action: 'organizations:LeaveOrganization' }) },
    {
      what: 'stop CloudTrail logging',
      sid: 'ProtectCloudTrail',
      request: (a) => ({
        action: 'cloudtrail:StopLogging',
        resource: `arn:aws:cloudtrail:eu-west-1:${accountId(a)}:trail/management-events`,
        context: { 'aws:RequestedRegion': 'eu-west-1' },
      }),
    },
    {
      what: 'delete the GuardDuty detector',
      sid: 'ProtectGuardDuty',
      request: (a) => ({
        action: 'guardduty:DeleteDetector',
        resource: `arn:aws:guardduty:eu-west-1:${accountId(a)}:detector/0a1b2c3d4e5f60718293a4b5c6d7e8f9`,
      }),
    },
  ];

  describe.each(developerMatrix)('$kind in $account', ({ account, principal }) => {
    it.each(denied)('cannot $what (denied by $sid)', async ({ sid, request }) => {
      const outcome = await simulate(build, { account, principal: principal(account), ...request(account) });
      expect(outcome.decision).toBe('Denied');
      expect(sidsIn(outcome.explanation)).toEqual([sid]);
    });

    it.each(['us-east-1', 'ap-southeast-2'])('cannot run a fully tagged IMDSv2 instance in %s: only the region statement denies', async (region) => {
      const runInstances = (r: string) =>
        simulate(build, {
          account,
          principal: principal(account),
          action: 'ec2:RunInstances',
          resource: `arn:aws:ec2:${r}:${accountId(account)}:instance/*`,
          context: { 'aws:RequestedRegion': r, 'ec2:MetadataHttpTokens': 'required', ...requestTags() },
        });
      const outside = await runInstances(region);
      expect(outside.decision).toBe('Denied');
      expect(sidsIn(outside.explanation)).toEqual(['DenyOutsideAllowedRegions']);
      // The very same launch in the account's home region passes, so nothing but the region decided.
      const home = build.organization.accounts.find((a) => a.name === account)!.regions.home;
      expect((await runInstances(home)).decision).toBe('Allowed');
    });
  });
});

describe('an account that narrows its regions in org.yaml (ml-prod: eu-west-1 only)', () => {
  const launch = (region: string) =>
    simulate(build, {
      account: 'ml-prod',
      principal: 'role/Developer',
      action: 'ec2:RunInstances',
      resource: `arn:aws:ec2:${region}:${accountId('ml-prod')}:instance/*`,
      context: { 'aws:RequestedRegion': region, 'ec2:MetadataHttpTokens': 'required', ...requestTags() },
    });

  it('org.yaml gives ml-prod a narrower region list than the organization', () => {
    const mlProd = build.organization.accounts.find((a) => a.name === 'ml-prod')!;
    expect(mlProd.regions.allowed).toEqual(['eu-west-1']);
    expect(build.organization.regions.allowed).toContain('eu-central-1');
  });

  // The narrowing only bites because region-restriction.yaml also targets account:ml-prod; the build
  // refuses a narrowing that no SCP enforces (region-narrowing.ts).
  it('a fully tagged IMDSv2 launch in eu-central-1 (allowed for the organization, not for ml-prod) is denied', async () => {
    const outcome = await launch('eu-central-1');
    expect(outcome.decision).toBe('Denied');
    expect(sidsIn(outcome.explanation)).toEqual(['DenyOutsideAllowedRegions']);
  });
});

describe('IAM and STS stay callable from any region (global services exempted from the region deny)', () => {
  const REGIONS = ['us-east-1', 'ap-southeast-2', 'sa-east-1'];
  const calls: { action: string; resource: (account: string) => string }[] = [
    { action: 'iam:CreateRole', resource: (a) => `arn:aws:iam::${accountId(a)}:role/teams/data/etl-runner` },
    { action: 'iam:ListRoles', resource: () => '*' },
    { action: 'sts:AssumeRole', resource: (a) => `arn:aws:iam::${accountId(a)}:role/reporting-reader` },
    { action: 'sts:GetCallerIdentity', resource: () => '*' },
  ];
  const cases = developerMatrix.flatMap((d) => REGIONS.flatMap((region) => calls.map((c) => ({ ...d, region, ...c }))));

  it.each(cases)('$kind in $account: $action from $region is allowed', async ({ account, principal, region, action, resource }) => {
    const request = requestFor(build, {
      account,
      principal: principal(account),
      action,
      resource: resource(account),
      context: { 'aws:RequestedRegion': region },
    });
    expect((await simulateOrgRequest(request)).decision).toBe('Allowed');
    // iam-simulate, like AWS, allows sts:GetCallerIdentity whatever the policies say, so the decision alone
    // cannot fail for it: require the built region statement itself to exempt each call as well.
    expect(regionStatementExemptions(request).some((pattern) => globMatches(pattern, action))).toBe(true);
  });

  // The control for the cases above: the same principals are region-restricted for a regional call from those regions.
  it.each(developerMatrix.flatMap((d) => REGIONS.map((region) => ({ ...d, region }))))(
    '$kind in $account: a regional call (ec2:DescribeInstances) from $region is denied by the region statement',
    async ({ account, principal, region }) => {
      const outcome = await simulate(build, {
        account,
        principal: principal(account),
        action: 'ec2:DescribeInstances',
        context: { 'aws:RequestedRegion': region },
      });
      expect(outcome.decision).toBe('Denied');
      expect(sidsIn(outcome.explanation)).toEqual(['DenyOutsideAllowedRegions']);
    },
  );
});

describe('the platform pipeline role manages security services; developers cannot', () => {
  const actions: { action: string; sid: string; resource: (account: string) => string }[] = [
    { action: 'cloudtrail:StopLogging', sid: 'ProtectCloudTrail', resource: (a) => `arn:aws:cloudtrail:eu-west-1:${accountId(a)}:trail/security-lake` },
    { action: 'cloudtrail:UpdateTrail', sid: 'ProtectCloudTrail', resource: (a) => `arn:aws:cloudtrail:eu-west-1:${accountId(a)}:trail/security-lake` },
    {
      action: 'guardduty:DeleteDetector',
      sid: 'ProtectGuardDuty',
      resource: (a) => `arn:aws:guardduty:eu-west-1:${accountId(a)}:detector/f0e1d2c3b4a5968778695a4b3c2d1e0f`,
    },
    { action: 'securityhub:DisableSecurityHub', sid: 'ProtectSecurityHub', resource: (a) => `arn:aws:securityhub:eu-west-1:${accountId(a)}:hub/default` },
    {
      action: 'access-analyzer:DeleteAnalyzer',
      sid: 'ProtectAccessAnalyzer',
      resource: (a) => `arn:aws:access-analyzer:eu-west-1:${accountId(a)}:analyzer/org-unused-access`,
    },
    { action: 'macie2:DisableMacie', sid: 'ProtectMacie', resource: () => '*' },
  ];
  const cases = ['data-prod', 'data-dev'].flatMap((account) => actions.map((a) => ({ account, ...a })));

  it.each(cases)('role/TarmacPlatformPipeline can $action in $account', async ({ account, action, resource }) => {
    const outcome = await simulate(build, { account, principal: 'role/TarmacPlatformPipeline', action, resource: resource(account) });
    expect(outcome.decision).toBe('Allowed');
  });

  it.each(cases)('role/teams/data/Engineer cannot $action in $account (denied by $sid)', async ({ account, action, sid, resource }) => {
    const outcome = await simulate(build, { account, principal: 'role/teams/data/Engineer', action, resource: resource(account) });
    expect(outcome.decision).toBe('Denied');
    expect(sidsIn(outcome.explanation)).toEqual([sid]);
  });

  it('a role that only ends with the pipeline role name (path prefix) is not exempt', async () => {
    const outcome = await simulate(build, {
      account: 'data-dev',
      principal: 'role/impostor/TarmacPlatformPipeline',
      action: 'cloudtrail:StopLogging',
      resource: `arn:aws:cloudtrail:eu-west-1:${accountId('data-dev')}:trail/security-lake`,
    });
    expect(outcome.decision).toBe('Denied');
    expect(sidsIn(outcome.explanation)).toEqual(['ProtectCloudTrail']);
  });
});

describe('create calls need every mandatory tag from tags.yaml (Workloads and Sandbox OUs)', () => {
  const creates: { action: string; resource: (account: string) => string; context?: Record<string, string> }[] = [
    { action: 'sqs:CreateQueue', resource: (a) => `arn:aws:sqs:eu-west-1:${accountId(a)}:ingest-events` },
    { action: 'dynamodb:CreateTable', resource: (a) => `arn:aws:dynamodb:eu-west-1:${accountId(a)}:table/feature-store` },
    { action: 'lambda:CreateFunction', resource: (a) => `arn:aws:lambda:eu-west-1:${accountId(a)}:function:score-model` },
    { action: 'ec2:RunInstances', resource: (a) => `arn:aws:ec2:eu-west-1:${accountId(a)}:instance/*`, context: { 'ec2:MetadataHttpTokens': 'required' } },
  ];
  const accounts = [
    { account: 'ml-prod', principal: 'role/teams/ml/Trainer' },
    { account: 'sandbox-alice', principal: 'role/Developer' },
  ];

  it('tags.yaml declares mandatory tags to loop over', () => {
    expect(catalog.tags.length).toBeGreaterThan(0);
  });

  describe.each(accounts)('$principal in $account', ({ account, principal }) => {
    it.each(creates)('$action with every mandatory tag is allowed', async ({ action, resource, context }) => {
      const outcome = await simulate(build, { account, principal, action, resource: resource(account), context: { ...context, ...requestTags() } });
      expect(outcome.decision).toBe('Allowed');
    });

    const missingOne = catalog.tags.flatMap(({ key }) => creates.map((c) => ({ key, sid: tagSid(key), ...c })));
    it.each(missingOne)('$action without the $key tag is denied by $sid', async ({ key, sid, action, resource, context }) => {
      const outcome = await simulate(build, { account, principal, action, resource: resource(account), context: { ...context, ...requestTags(key) } });
      expect(outcome.decision).toBe('Denied');
      expect(sidsIn(outcome.explanation)).toEqual([sid]);
    });
  });
});

describe('principals SCPs do not govern', () => {
  const scpDenied: { action: string; sid: string; resource: (account: string) => string; context?: Record<string, string> }[] = [
    { action: 'organizations:LeaveOrganization', sid: 'DenyLeaveOrganization', resource: () => '*' },
    { action: 'cloudtrail:StopLogging', sid: 'ProtectCloudTrail', resource: (a) => `arn:aws:cloudtrail:eu-west-1:${accountId(a)}:trail/org-trail` },
    { action: 'lightsail:CreateInstances', sid: 'DenyUnusedServices', resource: () => '*' },
    {
      action: 'sqs:CreateQueue',
      sid: 'DenyOutsideAllowedRegions',
      resource: (a) => `arn:aws:sqs:us-west-2:${accountId(a)}:untagged`,
      context: { 'aws:RequestedRegion': 'us-west-2' },
    },
  ];

  it.each(scpDenied)('a management account principal can $action (SCPs do not apply there)', async ({ action, resource, context }) => {
    const outcome = await simulate(build, {
      account: 'management',
      principal: 'role/ops/OrganizationOperator',
      action,
      resource: resource('management'),
      context,
    });
    expect(outcome.decision).toBe('Allowed');
    expect(outcome.explanation).toContain('management account: SCPs do not apply');
  });

  it.each(scpDenied)('the same principal name in member account data-prod cannot $action ($sid)', async ({ action, sid, resource, context }) => {
    const outcome = await simulate(build, {
      account: 'data-prod',
      principal: 'role/ops/OrganizationOperator',
      action,
      resource: resource('data-prod'),
      context,
    });
    expect(outcome.decision).toBe('Denied');
    expect(sidsIn(outcome.explanation)).toContain(sid);
  });

  const recorder = (a: string) => `arn:aws:config:eu-west-1:${accountId(a)}:configuration-recorder/default/0a1b2c3d4e5f6a7b`;
  it('the AWS Config service-linked role in data-prod can StopConfigurationRecorder', async () => {
    const outcome = await simulate(build, {
      account: 'data-prod',
      principal: 'role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig',
      action: 'config:StopConfigurationRecorder',
      resource: recorder('data-prod'),
    });
    expect(outcome.decision).toBe('Allowed');
    expect(outcome.explanation).toContain('service-linked role: SCPs do not apply');
  });

  it('a developer in data-prod cannot StopConfigurationRecorder (ProtectConfig)', async () => {
    const outcome = await simulate(build, {
      account: 'data-prod',
      principal: 'role/Developer',
      action: 'config:StopConfigurationRecorder',
      resource: recorder('data-prod'),
    });
    expect(outcome.decision).toBe('Denied');
    expect(sidsIn(outcome.explanation)).toEqual(['ProtectConfig']);
  });
});

describe('an account moved to the Suspended OU (org.yaml modified in a copy of policies/)', () => {
  const SUSPENDED_ACCOUNT = { id: '123123123123', name: 'retired-analytics', type: 'dev' };
  const fixture = new PoliciesFixture();
  let suspended: OrgBuild;

  beforeAll(async () => {
    fixture.edit('org.yaml', (doc) => {
      const ous = doc.toJS().ous as { name: string; accounts?: unknown[] }[];
      const index = ous.findIndex((o) => o.name === 'Suspended');
      if (index < 0) throw new Error('org.yaml has no top-level Suspended OU');
      doc.setIn(['ous', index, 'accounts'], doc.createNode([...(ous[index].accounts ?? []), SUSPENDED_ACCOUNT]));
    });
    suspended = await fixture.build();
  });

  afterAll(() => fixture.remove());

  it('the modified org places the account under the Suspended OU', () => {
    const account = suspended.organization.accounts.find((a) => a.id === SUSPENDED_ACCOUNT.id);
    const ou = suspended.organization.ous.find((o) => o.id === account?.ouId);
    expect(ou?.path).toBe('Suspended');
  });

  it.each(['role/Developer', 'role/TarmacPlatformPipeline'])('%s there cannot even s3:ListAllMyBuckets (DenyAllInSuspended)', async (principal) => {
    const outcome = await simulate(suspended, { account: SUSPENDED_ACCOUNT.name, principal, action: 's3:ListAllMyBuckets' });
    expect(outcome.decision).toBe('Denied');
    expect(sidsIn(outcome.explanation)).toEqual(['DenyAllInSuspended']);
  });

  it('role/TarmacBreakGlass there can s3:ListAllMyBuckets', async () => {
    const outcome = await simulate(suspended, { account: SUSPENDED_ACCOUNT.name, principal: 'role/TarmacBreakGlass', action: 's3:ListAllMyBuckets' });
    expect(outcome.decision).toBe('Allowed');
  });
});

describe('RCP data perimeter around data-prod resources', () => {
  const OTHER_ORG_PRINCIPAL = 'arn:aws:iam::210987654321:role/vendor/IngestBot';
  const dataProd = () => accountId('data-prod');
  const reads: { action: string; resource: () => string }[] = [
    { action: 's3:GetObject', resource: () => 'arn:aws:s3:::acme-data-prod-exports/2026/11/orders.csv' },
    { action: 'sqs:SendMessage', resource: () => `arn:aws:sqs:eu-central-1:${dataProd()}:partner-inbox` },
    { action: 'kms:Decrypt', resource: () => `arn:aws:kms:eu-central-1:${dataProd()}:key/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b` },
    { action: 'secretsmanager:GetSecretValue', resource: () => `arn:aws:secretsmanager:eu-central-1:${dataProd()}:secret:partner/api-key-Q1w2E3` },
  ];

  it.each(reads)('a principal of another organization (o-otherorg123) cannot $action on a data-prod resource', async ({ action, resource }) => {
    const outcome = await simulate(build, {
      principal: OTHER_ORG_PRINCIPAL,
      action,
      resource: resource(),
      resourceAccount: 'data-prod',
      context: { 'aws:PrincipalOrgID': 'o-otherorg123', 'aws:RequestedRegion': 'eu-central-1' },
    });
    expect(outcome.decision).toBe('Denied');
    expect(sidsIn(outcome.explanation)).toEqual(['EnforceOrgIdentities']);
  });

  it.each(reads)('a principal in data-dev can $action on the same data-prod resource', async ({ action, resource }) => {
    const outcome = await simulate(build, {
      account: 'data-dev',
      principal: 'role/teams/data/Engineer',
      action,
      resource: resource(),
      resourceAccount: 'data-prod',
      context: { 'aws:RequestedRegion': 'eu-central-1' },
    });
    expect(outcome.decision).toBe('Allowed');
  });

  // A service principal acts for itself: only the resource account's RCPs apply (no SCP chain).
  describe('an AWS service principal (cloudtrail.amazonaws.com) delivering to a data-prod bucket', () => {
    const BUCKET = 'acme-data-prod-trail';
    function serviceRequest(sourceOrgId: string): OrgTestRequest {
      const OBJECT = `arn:aws:s3:::${BUCKET}/AWSLogs/${dataProd()}/CloudTrail/eu-west-1/2026/11/23/log.json.gz`;
      return requestFor(build, {
        principal: 'cloudtrail.amazonaws.com',
        action: 's3:PutObject',
        resource: OBJECT,
        resourceAccount: 'data-prod',
        context: {
          'aws:SourceOrgID': sourceOrgId,
          'aws:SourceAccount': dataProd(),
          'aws:SourceArn': `arn:aws:cloudtrail:eu-west-1:${dataProd()}:trail/org-trail`,
        },
      });
    }

    it('gets no SCP chain and the built RCP chain of data-prod', () => {
      const request = serviceRequest(build.organization.id);
      expect(request.scpLevels).toEqual([]);
      expect(request.rcpLevels.flatMap((l) => l.policies.map((p) => p.name)).some((n) => n.startsWith('tarmac-rcp-'))).toBe(true);
    });

    it('is allowed with aws:SourceOrgID of this organization and aws:SourceAccount set', async () => {
      const outcome = await simulateOrgRequest(serviceRequest(build.organization.id));
      expect(outcome.decision).toBe('Allowed');
    });

    it("is denied with another organization's aws:SourceOrgID (confused deputy)", async () => {
      const outcome = await simulateOrgRequest(serviceRequest('o-otherorg123'));
      expect(outcome.decision).toBe('Denied');
      expect(sidsIn(outcome.explanation)).toEqual(['EnforceConfusedDeputyProtection']);
    });
  });
});
