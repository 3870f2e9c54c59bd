import { OrgTestRequest } from '../org/policy-tests';
import { requestClass, statementMatchesAction } from './request-classes';

const FULL = { name: 'FullAWSAccess', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } };
const REGION_DENY = {
  Sid: 'DenyOutsideAllowedRegions',
  Effect: 'Deny',
  NotAction: ['iam:*', 'organizations:*'],
  Resource: '*',
  Condition: { StringNotEquals: { 'aws:RequestedRegion': ['eu-west-1'] } },
};
const policy = (...Statement: object[]) => ({ name: 'tarmac-scp', document: { Version: '2012-10-17', Statement } });

const request = (account: string, action: string, extra: Partial<OrgTestRequest> = {}, root = policy(REGION_DENY)): OrgTestRequest => ({
  organizationId: 'o-a1b2c3d4e5',
  managementAccountId: '111111111111',
  accountId: account,
  principalArn: `arn:aws:iam::${account}:role/stacksets-exec-1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d`,
  action,
  resource: '*',
  resourceAccountId: account,
  context: { 'aws:RequestedRegion': 'eu-central-1', 'aws:ResourceTag/team': 'platform' },
  scpLevels: [
    { targetId: 'r-a1b2', policies: [FULL, root] },
    { targetId: account, policies: [FULL] },
  ],
  rcpLevels: [],
  ...extra,
});
const keyOf = async (r: OrgTestRequest) => (await requestClass(r)).key;

describe('statementMatchesAction', () => {
  test.each([
    [{ Action: 'ec2:*' }, 'ec2:CreateVpc', true],
    [{ Action: ['EC2:createvpc'] }, 'ec2:CreateVpc', true],
    [{ Action: 'ec2:Create?pc' }, 'ec2:CreateVpc', true],
    [{ Action: 'ec2:Create?' }, 'ec2:CreateVpc', false],
    [{ Action: 's3:*' }, 'ec2:CreateVpc', false],
    [{ Action: 'ec2:Create.pc' }, 'ec2:CreateVpc', false],
    [{ NotAction: ['iam:*'] }, 'ec2:CreateVpc', true],
    [{ NotAction: ['iam:*'] }, 'iam:CreateRole', false],
    [{}, 'ec2:CreateVpc', false],
  ])('%j and %s: %s', (statement, action, expected) => expect(statementMatchesAction(statement, action)).toBe(expected));
});

describe('requestClass', () => {
  test('two accounts with the same chain and the same action are one class', async () => {
    expect(await keyOf(request('222222222222', 'ec2:CreateVpc'))).toBe(await keyOf(request('333333333333', 'ec2:CreateVpc')));
  });

  test('an account written in a policy (a carve-out) is a class of its own', async () => {
    const carved = policy({ ...REGION_DENY, Condition: { ...REGION_DENY.Condition, StringNotEquals: { 'aws:PrincipalAccount': ['222222222222'] } } });
    expect(await keyOf(request('222222222222', 'ec2:CreateVpc', {}, carved))).not.toBe(await keyOf(request('333333333333', 'ec2:CreateVpc', {}, carved)));
  });

  test('an account ID next to a wildcard keeps every ID in the key', async () => {
    const partial = policy({ ...REGION_DENY, Condition: { StringLike: { 'aws:PrincipalAccount': ['2222*'] } } });
    expect(await keyOf(request('222222222222', 'ec2:CreateVpc', {}, partial))).not.toBe(await keyOf(request('333333333333', 'ec2:CreateVpc', {}, partial)));
  });

  test('actions of one service that match the same statements and support the same named keys are one class; other services are not', async () => {
    expect(await keyOf(request('222222222222', 'ec2:CreateVpc'))).toBe(await keyOf(request('222222222222', 'ec2:CreateSubnet')));
    expect(await keyOf(request('222222222222', 'ec2:CreateVpc'))).not.toBe(await keyOf(request('222222222222', 'sqs:CreateQueue')));
    // iam:* is outside the NotAction: different matching statements.
    expect(await keyOf(request('222222222222', 'iam:CreateRole'))).not.toBe(
      await keyOf(request('222222222222', 'iam:CreateRole', {}, policy({ ...REGION_DENY, NotAction: ['organizations:*'] }))),
    );
  });

  test('a context key no matching statement names does not split classes; one it names does', async () => {
    const a = request('222222222222', 'ec2:CreateVpc');
    expect(await keyOf(a)).toBe(await keyOf({ ...a, context: { 'aws:RequestedRegion': 'eu-central-1' } }));
    expect(await keyOf(a)).not.toBe(await keyOf({ ...a, context: { ...a.context, 'aws:RequestedRegion': 'eu-west-1' } }));
  });

  test('a named key that one action supports and another does not splits them', async () => {
    const tagged = policy({ Sid: 'NeedTeam', Effect: 'Deny', Action: 'ec2:*', Resource: '*', Condition: { Null: { 'aws:RequestTag/team': 'true' } } });
    const context = { 'aws:RequestedRegion': 'eu-west-1', 'aws:RequestTag/team': 'platform' };
    // ec2:CreateVpc supports aws:RequestTag; ec2:DescribeVpcs does not.
    expect(await keyOf(request('222222222222', 'ec2:CreateVpc', { context }, tagged))).not.toBe(
      await keyOf(request('222222222222', 'ec2:DescribeVpcs', { context }, tagged)),
    );
  });

  test('the representative keeps, per level, only the statements that match its action', async () => {
    const { representative } = await requestClass(request('222222222222', 'iam:CreateRole'));
    expect(representative.scpLevels).toEqual([
      {
        targetId: 'r-a1b2',
        policies: [{ name: 'statements-matching-the-action', document: { Version: '2012-10-17', Statement: [FULL.document.Statement[0]] } }],
      },
      {
        targetId: '222222222222',
        policies: [{ name: 'statements-matching-the-action', document: { Version: '2012-10-17', Statement: [FULL.document.Statement[0]] } }],
      },
    ]);
    const { representative: denied } = await requestClass(
      request('222222222222', 'ec2:CreateVpc', { scpLevels: [{ targetId: 'r-a1b2', policies: [policy(REGION_DENY)] }] }),
    );
    expect(denied.scpLevels[0].policies[0].document).toEqual({ Version: '2012-10-17', Statement: [REGION_DENY] });
    const { representative: none } = await requestClass(
      request('222222222222', 'iam:CreateRole', { scpLevels: [{ targetId: 'r-a1b2', policies: [policy(REGION_DENY)] }] }),
    );
    expect(none.scpLevels).toEqual([{ targetId: 'r-a1b2', policies: [] }]);
  });
});

describe('requestClass: statements that name resources', () => {
  const HOOK_ROLE = 'arn:aws:iam::222222222222:role/tarmac/StackSet-x-HookRole-A1B2C3D4E5F6';
  const protect = (Resource: string | string[], extra: object = {}) =>
    policy({ Sid: 'ProtectRoles', Effect: 'Deny', Action: ['iam:CreateRole'], Resource, ...extra });
  const cut = async (root: ReturnType<typeof policy>, resources?: Record<string, string[]>) => {
    const c = await requestClass(request('222222222222', 'iam:CreateRole', {}, root), resources);
    return {
      statements: c.representative.scpLevels[0].policies[0].document as { Statement: { Sid?: string; Resource?: unknown }[] },
      assumed: c.assumed,
      resources: c.resources,
    };
  };
  const sids = (c: Awaited<ReturnType<typeof cut>>) => c.statements.Statement.map((s) => s.Sid ?? 'allow');

  test("a Deny naming the request's resource is kept, for every resource; one naming others is dropped", async () => {
    const kept = await cut(protect('arn:aws:iam::*:role/tarmac/*'), { role: [HOOK_ROLE] });
    expect(kept.statements.Statement.find((s) => s.Sid === 'ProtectRoles')!.Resource).toBe('*');
    expect(kept.assumed).toEqual([]);
    expect(sids(await cut(protect(['arn:aws:iam::*:role/TarmacPlatformPipeline']), { role: [HOOK_ROLE] }))).toEqual(['allow']);
    // NotResource: applies to everything it does not list.
    expect(sids(await cut(protect(undefined as never, { Resource: undefined, NotResource: ['arn:aws:iam::*:role/tarmac/*'] }), { role: [HOOK_ROLE] }))).toEqual(
      ['allow'],
    );
    expect(sids(await cut(protect(undefined as never, { Resource: undefined, NotResource: ['arn:aws:iam::*:role/other'] }), { role: [HOOK_ROLE] }))).toEqual([
      'allow',
      'ProtectRoles',
    ]);
  });

  test("without the ARNs of the action's resource type, or with a policy variable, a Deny is taken to name them (and says so)", async () => {
    const unknown = await cut(protect('arn:aws:iam::*:role/TarmacPlatformPipeline'));
    expect(sids(unknown)).toEqual(['allow', 'ProtectRoles']);
    expect(unknown.assumed).toEqual(['ProtectRoles']);
    // ARNs of another type than the action's.
    expect((await cut(protect('arn:aws:iam::*:role/TarmacPlatformPipeline'), { policy: ['arn:aws:iam::222222222222:policy/p'] })).assumed).toEqual([
      'ProtectRoles',
    ]);
    expect(sids(await cut(protect('arn:aws:iam::${aws:PrincipalAccount}:role/tarmac/*'), { role: [HOOK_ROLE] }))).toEqual(['allow', 'ProtectRoles']);
    // Matching is case-insensitive for a Deny: more is denied, never less.
    expect(sids(await cut(protect('arn:aws:iam::*:role/TARMAC/*'), { role: [HOOK_ROLE] }))).toEqual(['allow', 'ProtectRoles']);
  });

  test('an Allow that names resources counts only when it surely names all of them', async () => {
    const allowOnly = (Resource: string) => policy({ Sid: 'AllowTarmacRoles', Effect: 'Allow', Action: 'iam:*', Resource });
    const only = async (Resource: string, resources?: Record<string, string[]>) => {
      const c = await requestClass(
        request('222222222222', 'iam:CreateRole', { scpLevels: [{ targetId: 'r-a1b2', policies: [allowOnly(Resource)] }] }),
        resources,
      );
      return c.representative.scpLevels[0].policies.length;
    };
    expect(await only('arn:aws:iam::*:role/tarmac/*', { role: [HOOK_ROLE] })).toBe(1);
    expect(await only('arn:aws:iam::*:role/TARMAC/*', { role: [HOOK_ROLE] })).toBe(0);
    expect(await only('arn:aws:iam::${aws:PrincipalAccount}:role/tarmac/*', { role: [HOOK_ROLE] })).toBe(0);
    expect(await only('arn:aws:iam::*:role/tarmac/*')).toBe(0);
  });

  test('the ARNs an action was cut for are those of its one resource type, and only if they have its format', async () => {
    expect((await cut(protect('*'), { role: [HOOK_ROLE] })).resources).toEqual([HOOK_ROLE]);
    expect((await cut(protect('*'), { role: ['arn:aws:s3:::not-a-role'] })).resources).toBeUndefined();
    // kms:CreateAlias acts on the alias and on its key.
    const alias = await requestClass(request('222222222222', 'kms:CreateAlias'), { alias: ['arn:aws:kms:eu-central-1:222222222222:alias/x'] });
    expect(alias.resources).toBeUndefined();
  });
});
