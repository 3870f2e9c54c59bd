// The budget hard guardrail's deny SCP, simulated like the SCPs of policies/scp: the repository's own
// policies/ are loaded and built, and each request is evaluated against the account's real SCP chain,
// before the budget action runs and after it has attached the budget's SCP at its target.
import * as path from 'path';
import { loadCatalog } from '@tarmac/core';
import { Budget, OrgBuild, Organization, buildOrgPolicies, chainTo, loadFinOps, loadOrgPolicies } from '@tarmac/core/org';
import { simulateOrgRequest, type PolicyLevel } from './index';

const POLICIES = path.resolve(__dirname, '..', '..', '..', 'policies');

let org: Organization;
let build: OrgBuild;
let budget: Budget;
let accountId: string;
let outsideAccountId: string;

beforeAll(async () => {
  const catalog = loadCatalog(POLICIES);
  const set = (await loadOrgPolicies(catalog))!;
  build = buildOrgPolicies(set, catalog);
  org = set.organization;
  const finops = loadFinOps(catalog, org)!;
  budget = finops.budgets.find((b) => b.hard && b.scope.tag === 'team' && b.hard.targetIds.some((id) => org.ous.some((o) => o.id === id)))!;
  const inTarget = (id: string) => chainTo(org, id).some((t) => budget.hard!.targetIds.includes(t));
  accountId = org.accounts.find((a) => inTarget(a.id))!.id;
  outsideAccountId =
    org.accounts.find((a) => !inTarget(a.id) && a.type === org.accounts.find((b) => b.id === accountId)!.type)?.id ??
    org.accounts.find((a) => !inTarget(a.id))!.id;
});

/** The SCP chain of an account as `tarmac test` builds it, plus the budget SCP at its targets once the action ran. */
function scpLevels(account: string, actionRan: boolean): PolicyLevel[] {
  return chainTo(org, account).map((targetId) => ({
    targetId,
    policies: [
      ...org.alreadyAttached
        .filter((p) => p.type === 'SERVICE_CONTROL_POLICY' && p.document && p.targetIds.includes(targetId))
        .map((p) => ({ name: p.name, document: p.document! })),
      ...build.policies
        .filter((p) => p.type === 'SERVICE_CONTROL_POLICY' && p.targetIds.includes(targetId))
        .map((p) => ({ name: p.name, document: JSON.parse(p.content) as object })),
      ...(actionRan && budget.hard!.targetIds.includes(targetId) ? [{ name: budget.hard!.policyName, document: budget.hard!.policy }] : []),
    ],
  }));
}

interface Call {
  role: string;
  team: string;
  action: string;
  resource: string;
  context?: Record<string, string>;
  account?: string;
}

async function decide(call: Call, actionRan: boolean) {
  const account = call.account ?? accountId;
  const home = org.accounts.find((a) => a.id === account)!.regions.home;
  return simulateOrgRequest({
    organizationId: org.id,
    managementAccountId: org.managementAccountId,
    accountId: account,
    principalArn: `arn:aws:iam::${account}:role/${call.role}`,
    action: call.action,
    resource: call.resource.replace('{account}', account).replace('{region}', home),
    context: { 'aws:RequestedRegion': home, [`aws:PrincipalTag/${budget.scope.tag}`]: call.team, ...call.context },
    scpLevels: scpLevels(account, actionRan),
    rcpLevels: [],
  });
}

const invokeModel = { action: 'bedrock:InvokeModel', resource: 'arn:aws:bedrock:{region}::foundation-model/anthropic.claude-3-haiku-20240307-v1:0' };
/** A launch that every other SCP allows: all mandatory tags on the request, IMDSv2 required. */
const runInstances = () => ({
  action: 'ec2:RunInstances',
  resource: 'arn:aws:ec2:{region}:{account}:instance/*',
  context: {
    'aws:RequestTag/team': budget.scope.value,
    'aws:RequestTag/project': 'customer-360',
    'aws:RequestTag/env': 'dev',
    'aws:RequestTag/domain': 'curated',
    'aws:RequestTag/cost-center': 'cc-4200',
    'ec2:MetadataHttpTokens': 'required',
  },
});

describe(`budget hard guardrail (the SCP its action attaches)`, () => {
  const teamRole = () => ({ role: 'DataEngineer', team: budget.scope.value });

  it.each([
    ['bedrock:InvokeModel', () => invokeModel],
    ['ec2:RunInstances', runInstances],
  ])('lets a team role call %s before the action runs', async (_, call) => {
    const outcome = await decide({ ...teamRole(), ...call() }, false);
    expect(outcome).toMatchObject({ decision: 'Allowed' });
  });

  it.each([
    ['bedrock:InvokeModel', () => invokeModel],
    ['ec2:RunInstances', runInstances],
  ])('denies a team role %s after the action ran, by the budget SCP', async (action, call) => {
    const outcome = await decide({ ...teamRole(), ...call() }, true);
    expect(outcome.decision).toBe('Denied');
    expect(outcome.explanation).toContain(`SCP "${budget.hard!.policyName}" statement Sid "${budget.hard!.policy.Statement[0].Sid}"`);
    expect(outcome.explanation).toContain(`denies ${action}`);
  });

  it('still lets the team role read', async () => {
    const outcome = await decide({ ...teamRole(), action: 'ec2:DescribeInstances', resource: '*' }, true);
    expect(outcome.decision).toBe('Allowed');
  });

  it('does not stop the platform pipeline role, even tagged with the team', async () => {
    const outcome = await decide({ role: org.roles.platform, team: budget.scope.value, ...invokeModel }, true);
    expect(outcome.decision).toBe('Allowed');
  });

  it('does not stop the break-glass role', async () => {
    const outcome = await decide({ role: org.roles.breakGlass, team: budget.scope.value, ...invokeModel }, true);
    expect(outcome.decision).toBe('Allowed');
  });

  it("does not stop another team's role", async () => {
    const outcome = await decide({ role: 'DataEngineer', team: 'another-team', ...invokeModel }, true);
    expect(outcome.decision).toBe('Allowed');
  });

  it('does not reach accounts outside its targets', async () => {
    const outcome = await decide({ ...teamRole(), ...invokeModel, account: outsideAccountId }, true);
    expect(outcome.decision).toBe('Allowed');
  });
});
