/**
 * The organization's permissions boundary (policies/permissions-boundary.yaml) stops privilege escalation:
 * a role capped by it, whose identity policy allows everything, is evaluated by @cloud-copilot/iam-simulate
 * (AGPL, hence here and not in @tarmac/core) with the boundary as its permissions boundary. Each denial is
 * paired with an allowed request that differs only in what the statement checks, so it cannot pass because
 * of an unrelated (or implicit) deny.
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { loadCatalog } from '@tarmac/core';
import { boundaryArn } from '@tarmac/core/org';
import { POLICIES } from '../../packages/core/src/org/__tests__/fixture';

const ACCOUNT = '666666666666';
const PRINCIPAL = `arn:aws:iam::${ACCOUNT}:role/app-deployer`;
const ALLOW_ALL = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

const boundary = loadCatalog(POLICIES).permissionsBoundary!;
const document = { Version: '2012-10-17', Statement: boundary.statements };
const ownArn = boundaryArn(boundary).replace('${aws:PrincipalAccount}', ACCOUNT);

async function decide(action: string, resource: string, context: Record<string, string> = {}): Promise<string> {
  const result = await runSimulation(
    {
      request: {
        principal: PRINCIPAL,
        action,
        resource: { resource, accountId: ACCOUNT },
        contextVariables: { 'aws:PrincipalAccount': ACCOUNT, 'aws:PrincipalArn': PRINCIPAL, ...context },
      },
      identityPolicies: [{ name: 'allow-all', policy: ALLOW_ALL }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      permissionBoundaryPolicies: [{ name: boundary.name, policy: document }],
    },
    { simulationMode: 'Strict' },
  );
  if (result.resultType === 'error') throw new Error(JSON.stringify(result.errors));
  return result.overallResult;
}

const role = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;

test('the boundary allows what identity policies grant', async () => {
  expect(await decide('s3:GetObject', 'arn:aws:s3:::data-bucket/key')).toBe('Allowed');
  expect(await decide('ec2:RunInstances', `arn:aws:ec2:eu-west-1:${ACCOUNT}:instance/*`)).toBe('Allowed');
});

test('managing the organization or the account is outside the boundary', async () => {
  expect(await decide('organizations:LeaveOrganization', '*')).toBe('ImplicitlyDenied');
  expect(await decide('account:PutAlternateContact', `arn:aws:account::${ACCOUNT}:account`)).toBe('ImplicitlyDenied');
});

test.each(['iam:CreateRole', 'iam:PutRolePermissionsBoundary', 'iam:AttachRolePolicy', 'iam:PutRolePolicy', 'iam:UpdateAssumeRolePolicy'])(
  '%s only on a role that carries this very boundary',
  async (action) => {
    expect(await decide(action, role('app-worker'), { 'iam:PermissionsBoundary': ownArn })).toBe('Allowed');
    expect(await decide(action, role('app-worker'))).toBe('ExplicitlyDenied');
    expect(await decide(action, role('app-worker'), { 'iam:PermissionsBoundary': `arn:aws:iam::${ACCOUNT}:policy/Weaker` })).toBe('ExplicitlyDenied');
  },
);

test('a user is created only with the boundary', async () => {
  const user = `arn:aws:iam::${ACCOUNT}:user/ci`;
  expect(await decide('iam:CreateUser', user, { 'iam:PermissionsBoundary': ownArn })).toBe('Allowed');
  expect(await decide('iam:CreateUser', user)).toBe('ExplicitlyDenied');
});

test('the boundary cannot be removed from a role, nor the boundary policy changed', async () => {
  expect(await decide('iam:DeleteRolePermissionsBoundary', role('app-worker'))).toBe('ExplicitlyDenied');
  expect(await decide('iam:CreatePolicyVersion', ownArn)).toBe('ExplicitlyDenied');
  expect(await decide('iam:SetDefaultPolicyVersion', ownArn)).toBe('ExplicitlyDenied');
  expect(await decide('iam:CreatePolicyVersion', `arn:aws:iam::${ACCOUNT}:policy/app-policy`)).toBe('Allowed');
});

test('platform roles under /tarmac/ cannot be edited, passed or assumed', async () => {
  for (const action of ['iam:PutRolePolicy', 'iam:PassRole', 'sts:AssumeRole']) {
    expect(await decide(action, role('tarmac/hook-execution'), { 'iam:PermissionsBoundary': ownArn })).toBe('ExplicitlyDenied');
  }
  expect(await decide('iam:PassRole', role('app-worker'))).toBe('Allowed');
  expect(await decide('sts:AssumeRole', role('app-worker'))).toBe('Allowed');
});

test('account-wide settings of the baselines cannot be weakened', async () => {
  expect(await decide('ec2:DisableEbsEncryptionByDefault', '*')).toBe('ExplicitlyDenied');
  expect(await decide('s3:PutAccountPublicAccessBlock', '*')).toBe('ExplicitlyDenied');
  expect(await decide('ec2:EnableEbsEncryptionByDefault', '*')).toBe('Allowed');
});
