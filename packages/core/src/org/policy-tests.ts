import { OrgBuild } from './build-org';
import { OrgControl, Organization, OrganizationalUnit, PolicyTestCase } from './model';
import { chainTo, findAccount, resolveTarget } from './targets';

/** A request to evaluate against the effective chain of organization policies (the shape @tarmac/simulate takes). */
export interface OrgTestRequest {
  organizationId: string;
  managementAccountId: string;
  accountId: string;
  principalArn: string;
  action: string;
  resource: string;
  resourceAccountId: string;
  context: Record<string, string | string[]>;
  scpLevels: PolicyLevel[];
  rcpLevels: PolicyLevel[];
  resourcePolicy?: object;
}

export interface PolicyLevel {
  targetId: string;
  policies: { name: string; document: object }[];
}

export interface OrgTest {
  readonly control: OrgControl;
  readonly test: PolicyTestCase;
  readonly request: OrgTestRequest;
}

/**
 * The principal ARN and accounts of a test case. A relative principal (role/Developer, root) lives in
 * the test's account; a full ARN names its own account, which may be outside the organization (then no
 * SCP applies to it, and the resource's account must be given); a service principal
 * (cloudtrail.amazonaws.com) acts on a resource in resourceAccount. Throws an Error saying what is missing.
 */
const SERVICE_PRINCIPAL = /^[a-z0-9.-]+\.amazonaws\.com$/;

export interface TestParties {
  principalArn: string;
  accountId: string;
  resourceAccountId: string;
  /** An AWS service principal: no SCP applies. */
  service?: boolean;
}

/** The account ID of the new account a case placed in an OU (`ou:`) comes from. */
export const NEW_ACCOUNT_ID = '000000000000';

/** The OU a case's new account sits in (`ou:`), or undefined for a case from a named account. Throws when there is no such OU. */
export function testOu(org: Organization, test: PolicyTestCase): OrganizationalUnit | undefined {
  if (test.ou === undefined) return undefined;
  const [id] = resolveTarget(org, `ou:${test.ou}`);
  return org.ous.find((o) => o.id === id);
}

export function resolveTestParties(org: Organization, test: PolicyTestCase): TestParties {
  const accountIdOf = (nameOrId: string) => findAccount(org, nameOrId)?.id ?? nameOrId;
  if (test.ou !== undefined) {
    if (test.account !== undefined) throw new Error(`the case names both account ${test.account} and ou ${test.ou}; name one`);
    testOu(org, test);
    if (test.principal.startsWith('arn:') || SERVICE_PRINCIPAL.test(test.principal))
      throw new Error(`with ou, the principal is relative to the new account in it (role/Developer, root), not ${test.principal}`);
    const principalArn = test.principal === 'root' ? `arn:aws:iam::${NEW_ACCOUNT_ID}:root` : `arn:aws:iam::${NEW_ACCOUNT_ID}:${test.principal}`;
    const resourceAccountId = test.resourceAccount === undefined ? NEW_ACCOUNT_ID : accountIdOf(test.resourceAccount);
    return { principalArn, accountId: NEW_ACCOUNT_ID, resourceAccountId };
  }
  const declared = test.account === undefined ? undefined : accountIdOf(test.account);
  let principalArn: string;
  let accountId: string;
  if (SERVICE_PRINCIPAL.test(test.principal)) {
    // An AWS service acting for itself belongs to no account: only the resource's RCPs apply.
    if (test.resourceAccount === undefined) throw new Error(`service principal ${test.principal} needs the resource's account (resourceAccount)`);
    return { principalArn: test.principal, accountId: accountIdOf(test.resourceAccount), resourceAccountId: accountIdOf(test.resourceAccount), service: true };
  }
  if (test.principal.startsWith('arn:')) {
    const m = /^arn:aws[\w-]*:(?:iam|sts)::(\d{12}):/.exec(test.principal);
    if (!m) throw new Error(`principal ${test.principal} is not an IAM or STS ARN with an account ID`);
    accountId = m[1];
    if (declared && declared !== accountId) throw new Error(`principal ${test.principal} is in account ${accountId}, not ${test.account}`);
    principalArn = test.principal;
  } else {
    if (!declared) throw new Error(`principal ${test.principal} is relative, so the test needs an account`);
    accountId = declared;
    principalArn = test.principal === 'root' ? `arn:aws:iam::${accountId}:root` : `arn:aws:iam::${accountId}:${test.principal}`;
  }
  const resourceAccountId = test.resourceAccount === undefined ? accountId : accountIdOf(test.resourceAccount);
  if (!findAccount(org, resourceAccountId))
    throw new Error(
      `resource account ${test.resourceAccount ?? accountId} is not in the organization, so no organization policy applies; name the member account that owns the resource (resourceAccount)`,
    );
  return { principalArn, accountId, resourceAccountId };
}

type ChainPolicyType = 'SERVICE_CONTROL_POLICY' | 'RESOURCE_CONTROL_POLICY';

/**
 * The policies of one type in force at each target of a chain (root first): those attached outside Tarmac whose
 * text is known (FullAWSAccess, RCPFullAWSAccess) and those the build attaches.
 */
export function policyLevelsAt(build: OrgBuild, chain: readonly string[], type: ChainPolicyType): PolicyLevel[] {
  const org = build.organization;
  return chain.map((targetId) => ({
    targetId,
    policies: [
      ...org.alreadyAttached
        .filter((p) => p.type === type && p.document && p.targetIds.includes(targetId))
        .map((p) => ({ name: p.name, document: p.document! })),
      ...build.policies
        .filter((p) => p.type === type && p.targetIds.includes(targetId))
        .map((p) => ({ name: p.name, document: JSON.parse(p.content) as object })),
    ],
  }));
}

/**
 * The chain of an account in the organization (the management account has one too, and the simulator applies
 * AWS's exemption for it); none for a principal outside the organization.
 */
export function policyLevels(build: OrgBuild, accountId: string, type: ChainPolicyType): PolicyLevel[] {
  let byAccount = levelsOf.get(build);
  if (!byAccount) levelsOf.set(build, (byAccount = new Map()));
  const key = `${type} ${accountId}`;
  let levels = byAccount.get(key);
  if (!levels) {
    levels = findAccount(build.organization, accountId) ? policyLevelsAt(build, chainTo(build.organization, accountId), type) : [];
    byAccount.set(key, levels);
  }
  return levels;
}

/**
 * The chains already made, per build (shared: never mutated): the same array for every request of an account, so the deployment
 * self-check parses each policy once per account and its per-chain caches (request-classes) hit.
 */
const levelsOf = new WeakMap<OrgBuild, Map<string, PolicyLevel[]>>();

/** Every test case of every control, with the chains of built policies that apply to it. */
export function orgTests(build: OrgBuild, controls: readonly OrgControl[]): OrgTest[] {
  const org = build.organization;
  return controls.flatMap((control) =>
    control.tests.map((test): OrgTest => {
      const { principalArn, accountId, resourceAccountId, service } = resolveTestParties(org, test);
      const ou = testOu(org, test);
      // The new account of an `ou:` case gets the OU's chain and, at its own level, only what is attached to every
      // member account (AWS's FullAWSAccess unless org.yaml says otherwise): no account or account-type target.
      const levels = (id: string, type: ChainPolicyType): PolicyLevel[] =>
        ou && id === NEW_ACCOUNT_ID
          ? [
              ...policyLevelsAt(build, chainTo(org, ou.id), type),
              {
                targetId: NEW_ACCOUNT_ID,
                policies: org.alreadyAttached
                  .filter((p) => p.type === type && p.document && org.accounts.every((a) => p.targetIds.includes(a.id)))
                  .map((p) => ({ name: p.name, document: p.document! })),
              },
            ]
          : policyLevels(build, id, type);
      const crossAccount = service || accountId !== resourceAccountId;
      return {
        control,
        test,
        request: {
          organizationId: org.id,
          managementAccountId: org.managementAccountId,
          accountId,
          principalArn,
          action: test.action,
          resource: test.resource,
          resourceAccountId,
          context: {
            'aws:RequestedRegion': ou ? ou.regions.home : homeRegionOf(org, accountId),
            ...Object.fromEntries(Object.entries(test.context).map(([k, v]) => [k, typeof v === 'string' ? v : [...v]])),
          },
          scpLevels: service ? [] : levels(accountId, 'SERVICE_CONTROL_POLICY'),
          rcpLevels: levels(resourceAccountId, 'RESOURCE_CONTROL_POLICY'),
          // Guardrails are under test, not grants: a cross-account resource policy is assumed to allow the call.
          resourcePolicy: crossAccount
            ? {
                Version: '2012-10-17',
                Statement: [
                  { Effect: 'Allow', Principal: service ? { Service: principalArn } : { AWS: principalArn }, Action: test.action, Resource: test.resource },
                ],
              }
            : undefined,
        },
      };
    }),
  );
}

function homeRegionOf(org: Organization, accountId: string): string {
  return org.accounts.find((a) => a.id === accountId)?.regions.home ?? org.regions.home;
}
