import { simulateOrgRequest, SimulationInputError, type OrgSimulationRequest, type PolicyLevel } from './index';

const ORG = 'o-abc123def4';
const MGMT = '000000000000';
const MEMBER = '111111111111';
const DATA = '222222222222';
const EXTERNAL = '999999999999';
const ROOT = 'r-ab12';
const OU = 'ou-ab12-workloads';

const doc = (...Statement: object[]) => ({ Version: '2012-10-17', Statement });
const FULL = { name: 'FullAWSAccess', document: doc({ Effect: 'Allow', Action: '*', Resource: '*' }) };
const level = (targetId: string, ...policies: PolicyLevel['policies']): PolicyLevel => ({ targetId, policies });
/** root > workloads OU > member account, FullAWSAccess everywhere plus `rootExtras` at the root. */
const chain = (account = MEMBER, ...rootExtras: PolicyLevel['policies']) => [level(ROOT, FULL, ...rootExtras), level(OU, FULL), level(account, FULL)];

const request = (overrides: Partial<OrgSimulationRequest>): OrgSimulationRequest => ({
  organizationId: ORG,
  managementAccountId: MGMT,
  accountId: MEMBER,
  principalArn: `arn:aws:iam::${MEMBER}:role/app/dev`,
  action: 's3:GetObject',
  resource: 'arn:aws:s3:::app-bucket/key.txt',
  context: {},
  scpLevels: chain(),
  rcpLevels: [],
  ...overrides,
});

describe('SCP chain', () => {
  it('allows when FullAWSAccess is attached at every level', async () => {
    const outcome = await simulateOrgRequest(request({}));
    expect(outcome.decision).toBe('Allowed');
    expect(outcome.explanation).toContain(`every SCP level allows (${ROOT} > ${OU} > ${MEMBER})`);
  });

  it('lets a Deny at the root win over the Allows below it', async () => {
    const denyLeave = { name: 'DenyLeaveOrg', document: doc({ Sid: 'DenyLeave', Effect: 'Deny', Action: 'organizations:LeaveOrganization', Resource: '*' }) };
    const outcome = await simulateOrgRequest(request({ action: 'organizations:LeaveOrganization', resource: '*', scpLevels: chain(MEMBER, denyLeave) }));
    expect(outcome).toEqual({
      decision: 'Denied',
      explanation: `SCP "DenyLeaveOrg" statement Sid "DenyLeave" at ${ROOT} denies organizations:LeaveOrganization`,
    });
  });

  it('denies implicitly when a level has no Allow (account level with only a Deny policy)', async () => {
    const denyOnly = { name: 'DenyTerminate', document: doc({ Effect: 'Deny', Action: 'ec2:TerminateInstances', Resource: '*' }) };
    const outcome = await simulateOrgRequest(request({ scpLevels: [level(ROOT, FULL), level(OU, FULL), level(MEMBER, denyOnly)] }));
    expect(outcome.decision).toBe('Denied');
    expect(outcome.explanation).toContain(`no SCP at ${MEMBER} allows s3:GetObject`);
    expect(outcome.explanation).not.toContain(ROOT);
  });

  it('region restriction with NotAction exempts global services only', async () => {
    const regions = {
      name: 'RegionRestriction',
      document: doc({
        Sid: 'DenyOutsideApprovedRegions',
        Effect: 'Deny',
        NotAction: ['iam:*', 'organizations:*', 'sts:*', 'support:*', 'route53:*', 'cloudfront:*'],
        Resource: '*',
        Condition: { StringNotEquals: { 'aws:RequestedRegion': ['eu-west-1', 'eu-central-1'] } },
      }),
    };
    const base = request({ scpLevels: chain(MEMBER, regions), context: { 'aws:RequestedRegion': 'ap-southeast-2' } });
    const createRole = await simulateOrgRequest({ ...base, action: 'iam:CreateRole', resource: `arn:aws:iam::${MEMBER}:role/app-role` });
    expect(createRole.decision).toBe('Allowed');

    const instance = `arn:aws:ec2:ap-southeast-2:${MEMBER}:instance/i-0123456789abcdef0`;
    const runInstances = await simulateOrgRequest({ ...base, action: 'ec2:RunInstances', resource: instance });
    expect(runInstances.decision).toBe('Denied');
    expect(runInstances.explanation).toContain('Sid "DenyOutsideApprovedRegions" at r-ab12');

    const inApprovedRegion = await simulateOrgRequest({
      ...base,
      action: 'ec2:RunInstances',
      context: { 'aws:RequestedRegion': 'eu-west-1' },
      resource: instance.replace('ap-southeast-2', 'eu-west-1'),
    });
    expect(inApprovedRegion.decision).toBe('Allowed');
  });

  it('exempts platform roles via ArnNotLike aws:PrincipalArn (filled in from principalArn)', async () => {
    const protectIam = {
      name: 'ProtectIam',
      document: doc({
        Sid: 'OnlyPlatformWritesIam',
        Effect: 'Deny',
        Action: ['iam:CreateRole', 'iam:AttachRolePolicy'],
        Resource: '*',
        Condition: { ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/platform/*' } },
      }),
    };
    const base = request({ action: 'iam:CreateRole', resource: `arn:aws:iam::${MEMBER}:role/new-role`, scpLevels: chain(MEMBER, protectIam) });
    const platform = await simulateOrgRequest({ ...base, principalArn: `arn:aws:iam::${MEMBER}:role/platform/deployer` });
    expect(platform.decision).toBe('Allowed');
    const developer = await simulateOrgRequest(base);
    expect(developer.decision).toBe('Denied');
    expect(developer.explanation).toContain('Sid "OnlyPlatformWritesIam"');
  });

  it('tag-on-create: Null aws:RequestTag/team denies without the tag and allows with it', async () => {
    const requireTeam = {
      name: 'RequireTeamTag',
      document: doc({
        Sid: 'DenyUntaggedInstances',
        Effect: 'Deny',
        Action: 'ec2:RunInstances',
        Resource: 'arn:aws:ec2:*:*:instance/*',
        Condition: { Null: { 'aws:RequestTag/team': 'true' } },
      }),
    };
    const base = request({
      action: 'ec2:RunInstances',
      resource: `arn:aws:ec2:eu-west-1:${MEMBER}:instance/i-0123456789abcdef0`,
      scpLevels: chain(MEMBER, requireTeam),
    });
    const untagged = await simulateOrgRequest(base);
    expect(untagged.decision).toBe('Denied');
    expect(untagged.explanation).toContain('Sid "DenyUntaggedInstances"');
    const tagged = await simulateOrgRequest({ ...base, context: { 'aws:RequestTag/team': 'payments' } });
    expect(tagged.decision).toBe('Allowed');
  });
});

describe('AWS exemptions', () => {
  const denyAll = { name: 'DenyAll', document: doc({ Sid: 'DenyEverything', Effect: 'Deny', Action: '*', Resource: '*' }) };

  it('SCPs do not affect the management account', async () => {
    const scpLevels = [level(ROOT, FULL, denyAll), level(MGMT, FULL)];
    const mgmt = await simulateOrgRequest(
      request({ accountId: MGMT, principalArn: `arn:aws:iam::${MGMT}:role/admin`, resource: 'arn:aws:s3:::mgmt-bucket/k', scpLevels }),
    );
    expect(mgmt).toEqual({ decision: 'Allowed', explanation: expect.stringContaining('management account: SCPs do not apply') });
    // The same chain on a member account denies.
    const member = await simulateOrgRequest(request({ scpLevels: [level(ROOT, FULL, denyAll), level(MEMBER, FULL)] }));
    expect(member.decision).toBe('Denied');
  });

  it('SCPs do not affect service-linked roles', async () => {
    const slr = await simulateOrgRequest(
      request({
        principalArn: `arn:aws:iam::${MEMBER}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`,
        scpLevels: chain(MEMBER, denyAll),
      }),
    );
    expect(slr).toEqual({ decision: 'Allowed', explanation: expect.stringContaining('service-linked role: SCPs do not apply') });
    expect((await simulateOrgRequest(request({ scpLevels: chain(MEMBER, denyAll) }))).decision).toBe('Denied');
  });

  it('SCPs do not govern AWS service principals (the resource policy still has to allow them)', async () => {
    const base = request({
      principalArn: 'cloudtrail.amazonaws.com',
      accountId: DATA,
      action: 's3:PutObject',
      resource: `arn:aws:s3:::trail-bucket/AWSLogs/${MEMBER}/log.json.gz`,
      scpLevels: chain(DATA, denyAll),
    });
    const bucketPolicy = doc({
      Effect: 'Allow',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 's3:PutObject',
      Resource: 'arn:aws:s3:::trail-bucket/AWSLogs/*',
    });
    const allowed = await simulateOrgRequest({ ...base, resourcePolicy: bucketPolicy });
    expect(allowed).toEqual({ decision: 'Allowed', explanation: expect.stringContaining('AWS service principal: SCPs do not apply') });
    expect((await simulateOrgRequest(base)).decision).toBe('Denied');
  });
});

describe('RCP data perimeter', () => {
  const perimeter = {
    name: 'DataPerimeter',
    document: doc({
      Sid: 'EnforceOrgIdentities',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: '*',
      Condition: {
        StringNotEqualsIfExists: { 'aws:PrincipalOrgID': ORG },
        BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' },
      },
    }),
  };
  const bucketPolicy = doc({
    Effect: 'Allow',
    Principal: { AWS: [`arn:aws:iam::${MEMBER}:root`, `arn:aws:iam::${EXTERNAL}:root`] },
    Action: 's3:GetObject',
    Resource: 'arn:aws:s3:::data-bucket/*',
  });
  const base = request({
    resource: 'arn:aws:s3:::data-bucket/report.csv',
    resourceAccountId: DATA,
    resourcePolicy: bucketPolicy,
    rcpLevels: [level(ROOT, perimeter), level(DATA)],
  });
  const outsider = { accountId: EXTERNAL, principalArn: `arn:aws:iam::${EXTERNAL}:role/partner`, scpLevels: [] };

  it('denies a principal outside the organization (no org, or another org)', async () => {
    const noOrg = await simulateOrgRequest({ ...base, ...outsider });
    expect(noOrg).toEqual({ decision: 'Denied', explanation: `RCP "DataPerimeter" statement Sid "EnforceOrgIdentities" at ${ROOT} denies s3:GetObject` });
    const otherOrg = await simulateOrgRequest({ ...base, ...outsider, context: { 'aws:PrincipalOrgID': 'o-other00000' } });
    expect(otherOrg.decision).toBe('Denied');
  });

  it('allows a principal from the organization (cross-account, granted by the bucket policy)', async () => {
    const outcome = await simulateOrgRequest(base);
    expect(outcome.decision).toBe('Allowed');
    expect(outcome.explanation).toContain(`no RCP denies (${ROOT} > ${DATA})`);
  });

  it('RCPs do not affect resources in the management account', async () => {
    const outcome = await simulateOrgRequest({ ...base, ...outsider, resourceAccountId: MGMT, rcpLevels: [level(ROOT, perimeter), level(MGMT)] });
    expect(outcome).toEqual({ decision: 'Allowed', explanation: expect.stringContaining('resource in the management account: RCPs do not apply') });
  });

  it('RCPs do not affect service-linked roles', async () => {
    const denyS3 = { name: 'DenyS3', document: doc({ Sid: 'NoS3', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*' }) };
    const sameAccount = { accountId: DATA, scpLevels: chain(DATA), resourcePolicy: undefined, rcpLevels: [level(ROOT, denyS3), level(DATA)] };
    const slr = await simulateOrgRequest({
      ...base,
      ...sameAccount,
      principalArn: `arn:aws:iam::${DATA}:role/aws-service-role/backup.amazonaws.com/AWSServiceRoleForBackup`,
    });
    expect(slr).toEqual({ decision: 'Allowed', explanation: expect.stringContaining('service-linked role: RCPs do not apply') });
    const role = await simulateOrgRequest({ ...base, ...sameAccount, principalArn: `arn:aws:iam::${DATA}:role/app/dev` });
    expect(role.decision).toBe('Denied');
  });

  it('adds RCPFullAWSAccess itself: a level holding only a Deny does not deny implicitly', async () => {
    const denyHttp = {
      name: 'DenyHttp',
      document: doc({ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    };
    const outcome = await simulateOrgRequest({ ...base, context: { 'aws:SecureTransport': 'true' }, rcpLevels: [level(ROOT, denyHttp), level(DATA)] });
    expect(outcome.decision).toBe('Allowed');
  });
});

describe('bad input is an error, never a decision', () => {
  it('throws on a malformed policy', async () => {
    const bad = { name: 'Broken', document: doc({ Effect: 'Permit', Action: 's3:*', Resource: '*' }) };
    await expect(simulateOrgRequest(request({ scpLevels: chain(MEMBER, bad) }))).rejects.toThrow(/SCP "Broken" Statement\[0\]\.Effect/);
    // Even where SCPs don't apply.
    await expect(
      simulateOrgRequest(request({ accountId: MGMT, principalArn: `arn:aws:iam::${MGMT}:role/admin`, scpLevels: chain(MGMT, bad) })),
    ).rejects.toThrow(SimulationInputError);
  });

  it('throws when the context overrides aws:PrincipalArn with another principal', async () => {
    const spoofed = request({ context: { 'aws:PrincipalArn': `arn:aws:iam::${MEMBER}:role/platform/deployer` } });
    await expect(simulateOrgRequest(spoofed)).rejects.toThrow(SimulationInputError);
    // Restating the same ARN is fine.
    const same = request({ context: { 'aws:PrincipalArn': `arn:aws:iam::${MEMBER}:role/app/dev` } });
    expect((await simulateOrgRequest(same)).decision).toBe('Allowed');
  });

  it('throws on a context value the condition cannot parse, and on an array for a single-valued key', async () => {
    const httpsOnly = {
      name: 'HttpsOnly',
      document: doc({ Effect: 'Deny', Action: '*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    };
    const scpLevels = chain(MEMBER, httpsOnly);
    await expect(simulateOrgRequest(request({ scpLevels, context: { 'aws:SecureTransport': 'maybe' } }))).rejects.toThrow(/'maybe' is not a boolean/);
    await expect(simulateOrgRequest(request({ scpLevels, context: { 'aws:SecureTransport': ['true', 'false'] } }))).rejects.toThrow(/single-valued/);
  });

  it('throws on an unknown action, a session ARN, or a principal in another account than accountId', async () => {
    await expect(simulateOrgRequest(request({ action: 's3:GetObjekt' }))).rejects.toThrow(/invalid\.action/);
    await expect(simulateOrgRequest(request({ principalArn: `arn:aws:sts::${MEMBER}:assumed-role/dev/session` }))).rejects.toThrow(SimulationInputError);
    await expect(simulateOrgRequest(request({ principalArn: `arn:aws:iam::${DATA}:role/dev` }))).rejects.toThrow(/accountId/);
  });
});
