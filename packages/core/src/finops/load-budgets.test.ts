import { loadCatalog } from '../catalog/load-catalog';
import { buildOrgPolicies } from '../org/build-org';
import { loadOrgPolicies } from '../org/load-org-policies';
import { loadOrganization } from '../org/load-org';
import { roleArnPattern } from '../org/target-values';
import { PoliciesFixture } from '../org/__tests__/fixture';
import { BUDGETS, errorAt, finops, finopsErrors } from './__tests__/finops-fixture';
import { checkBudgetAttachments } from './budget-quotas';

describe('budgets.yaml', () => {
  let fx: PoliciesFixture;
  beforeEach(() => (fx = new PoliciesFixture()));
  afterEach(() => fx.remove());
  const errors = () => finopsErrors(fx);
  const file = () => fx.file(BUDGETS);
  const line = (text: string) => fx.lineOf(BUDGETS, text);

  describe('the example organization', () => {
    it('has budgets for two teams and three projects, with defaults filled in', () => {
      const build = finops(fx)!;
      expect(build.budgets.filter((b) => b.scope.tag === 'team').map((b) => b.scope.value)).toEqual(['data-platform', 'ml-research']);
      expect(build.budgets.filter((b) => b.scope.tag === 'project').map((b) => b.scope.value)).toEqual(['customer-360', 'churn-model', 'fraud-detection']);
      const ml = build.budgets.find((b) => b.name === 'team-ml-research')!;
      expect(ml.soft).toEqual({ actualPercent: 70, forecastPercent: 100 });
      expect(ml.hard).toMatchObject({ approval: 'AUTOMATIC', thresholdPercent: 100, targetIds: ['999999999999'], policyName: 'TarmacBudget-team-ml-research' });
      const dp = build.budgets.find((b) => b.name === 'team-data-platform')!;
      expect(dp.soft).toEqual({ actualPercent: 80, forecastPercent: 100 });
      expect(dp.hard).toMatchObject({ approval: 'MANUAL', targetRefs: ['ou:Workloads/Dev'], targetIds: ['ou-a1b2-55555555'] });
      expect(dp.line).toBe(line('name: team-data-platform'));
      expect(build.notifications.topics.map((t) => t.name)).toEqual(['cost-alerts']);
      expect(build.budgets.every((b) => b.currency === 'USD')).toBe(true);
    });

    it('writes the deny SCP with the exemptions compiled as the SCPs of policies/scp compile them', async () => {
      const budget = finops(fx)!.budgets.find((b) => b.name === 'team-data-platform')!;
      const [statement] = budget.hard!.policy.Statement;
      expect(statement).toMatchObject({ Sid: 'DenyNewSpendTeamDataPlatform', Effect: 'Deny', Resource: '*' });
      expect(statement.Condition!.StringEquals).toEqual({ 'aws:PrincipalTag/team': 'data-platform' });
      expect(statement.Action).toContain('bedrock:InvokeModel');
      // region-restriction.yaml exempts the same roles (exemptions: [platform, breakGlass]): same ArnNotLike.
      const catalog = loadCatalog(fx.dir);
      const built = buildOrgPolicies((await loadOrgPolicies(catalog))!, catalog);
      const regions = built.policies
        .filter((p) => p.type === 'SERVICE_CONTROL_POLICY')
        .flatMap((p) => (JSON.parse(p.content) as { Statement: { Sid: string; Condition?: Record<string, unknown> }[] }).Statement)
        .find((s) => s.Sid === 'DenyOutsideAllowedRegions')!;
      // The same form as the region restriction's, whose exemptions add the StackSets execution roles.
      expect((regions.Condition!.ArnNotLike as Record<string, string[]>)['aws:PrincipalArn']).toEqual(
        expect.arrayContaining((statement.Condition!.ArnNotLike as Record<string, string[]>)['aws:PrincipalArn']),
      );
      const org = loadOrganization(fx.file('org.yaml'));
      expect(statement.Condition!.ArnNotLike).toEqual({ 'aws:PrincipalArn': [roleArnPattern(org.roles.platform), roleArnPattern(org.roles.breakGlass)] });
      expect(budget.hard!.content).toBe(JSON.stringify(budget.hard!.policy));
    });
  });

  describe('schema', () => {
    it('refuses an unknown key', () => {
      fx.replace(BUDGETS, '    amount: 9000', '    amount: 9000\n    owner: someone');
      errorAt(errors(), file(), line('owner: someone'), "unknown key 'owner'");
    });
    it('refuses an amount that is not positive', () => {
      fx.replace(BUDGETS, 'amount: 9000', 'amount: 0');
      errorAt(errors(), file(), line('amount: 0'), 'must be > 0');
    });
    it('refuses a percentage out of range', () => {
      fx.replace(BUDGETS, 'soft: { actualPercent: 70', 'soft: { actualPercent: 0');
      errorAt(errors(), file(), line('actualPercent: 0'), 'actualPercent', 'must be > 0');
    });
    it('refuses a malformed e-mail address', () => {
      fx.replace(BUDGETS, 'finops: finops@example.com', 'finops: finops.example.com');
      errorAt(errors(), file(), line('finops: finops.example.com'), 'finops.example.com');
    });
    it('refuses a currency that is not an ISO code', () => {
      fx.replace(BUDGETS, 'currency: USD', 'currency: usd');
      errorAt(errors(), file(), line('currency: usd'), '"usd"', '^[A-Z]{3}$');
    });
    it('refuses budget names AWS Budgets would refuse', () => {
      fx.replace(BUDGETS, 'name: project-churn-model', 'name: "project:churn"');
      fx.replace(BUDGETS, 'name: project-fraud-detection', `name: ${'f'.repeat(94)}`);
      const all = errors();
      errorAt(all, file(), line('name: "project:churn"'), 'project:churn');
      errorAt(all, file(), line(`name: ${'f'.repeat(94)}`), 'more than 93 characters');
    });
  });

  describe('scope', () => {
    it('refuses a tag that is not a mandatory tag, listing them', () => {
      fx.replace(BUDGETS, 'scope: { tag: project, value: churn-model }', 'scope: { tag: projet, value: churn-model }');
      const e = errorAt(errors(), file(), line('tag: projet'), 'projet', 'did you mean project?');
      expect(e.expected).toContain('team, project, env, domain, cost-center');
    });
    it('refuses a value the tag does not allow', () => {
      fx.replace(BUDGETS, 'value: churn-model', 'value: Churn_Model');
      errorAt(errors(), file(), line('value: Churn_Model'), 'Churn_Model', 'matching');
    });
  });

  describe('notify', () => {
    it('refuses an unknown target, suggesting the closest', () => {
      fx.replace(BUDGETS, 'notify: [cost-alerts, finops]', 'notify: [cost-alerts, finopps]');
      errorAt(errors(), file(), line('notify: [cost-alerts, finopps]'), 'unknown notification target finopps', 'did you mean finops?');
    });
    it('refuses more than one SNS topic per budget notification', () => {
      fx.replace(BUDGETS, '  emails:', '    chat-two: { description: second channel }\n  emails:');
      fx.replace(BUDGETS, 'notify: [cost-alerts, finops]', 'notify: [cost-alerts, chat-two]');
      errorAt(errors(), file(), line('notify: [cost-alerts, chat-two]'), '2 topics', 'at most 1 SNS topic');
    });
    it('refuses more than ten e-mail addresses per budget notification', () => {
      const names = Array.from({ length: 11 }, (_, i) => `person-${i}`);
      fx.replace(BUDGETS, '    ml-lead: ml-lead@example.com', names.map((n) => `    ${n}: ${n}@example.com`).join('\n') + '\n    ml-lead: ml-lead@example.com');
      fx.replace(BUDGETS, 'notify: [cost-alerts, finops]', `notify: [${names.join(', ')}]`);
      errorAt(errors(), file(), line('notify: [person-0'), '11 e-mails', '10 e-mail addresses');
    });
    it('refuses a topic declared twice, and an address under two names', () => {
      fx.replace(BUDGETS, '  emails:', '    cost-alerts: { description: again }\n  emails:');
      errorAt(errors(), file(), line('cost-alerts: { description: again }'), 'duplicate key');
      fx.replace(BUDGETS, '    cost-alerts: { description: again }\n', '');
      fx.replace(BUDGETS, 'ml-lead: ml-lead@example.com', 'ml-lead: ml-lead@example.com\n    ml-boss: ML-Lead@example.com');
      errorAt(errors(), file(), line('ml-boss:'), 'ML-Lead@example.com is already named ml-lead');
    });
    it('refuses a name that is both a topic and an e-mail', () => {
      fx.replace(BUDGETS, 'finops: finops@example.com', 'finops: finops@example.com\n    cost-alerts: alerts@example.com');
      errorAt(errors(), file(), line('cost-alerts: alerts@example.com'), 'both a topic and an e-mail');
    });
  });

  describe('hard guardrail', () => {
    it('refuses the root: a budget must not deny the whole organization', () => {
      fx.replace(BUDGETS, '"ou:Workloads/Dev"', 'root');
      errorAt(errors(), file(), line('targets: [root]'), 'whole organization');
    });
    it('refuses an OU that does not exist, suggesting the closest', () => {
      fx.replace(BUDGETS, '"ou:Workloads/Dev"', '"ou:Workloads/Deev"');
      errorAt(errors(), file(), line('ou:Workloads/Deev'), 'no OU at path Workloads/Deev', 'did you mean Workloads/Dev?');
    });
    it('refuses targets other than accounts and OUs', () => {
      fx.replace(BUDGETS, '"account:sandbox-alice"', '"type:sandbox"');
      errorAt(errors(), file(), line('type:sandbox'), 'type:sandbox is not understood');
    });
    it('refuses one account listed twice, by name and by ID', () => {
      fx.replace(BUDGETS, '"account:sandbox-alice"', '"account:sandbox-alice", "account:999999999999"');
      errorAt(errors(), file(), line('"account:999999999999"'), 'account:sandbox-alice is listed twice');
    });
    it('refuses the management account, which SCPs do not reach', () => {
      fx.replace(BUDGETS, '"account:sandbox-alice"', '"account:management"');
      errorAt(errors(), file(), line('account:management'), 'no member account named management');
    });
    it('refuses a misspelt deny action at its line', () => {
      fx.replace(BUDGETS, '    - glue:StartJobRun', '    - glue:StartJobRuns');
      errorAt(errors(), file(), line('glue:StartJobRuns'), 'unknown action glue:StartJobRuns', 'did you mean glue:StartJobRun?');
    });
    it('refuses an unknown service in a deny action', () => {
      fx.replace(BUDGETS, '    - ecs:RunTask', '    - ecz:RunTask');
      errorAt(errors(), file(), line('ecz:RunTask'), 'unknown service ecz');
    });
    it('refuses a hard guardrail when no deny actions are listed', () => {
      fx.edit(BUDGETS, (doc) => doc.deleteIn(['defaults', 'denyActions']));
      const all = errors();
      errorAt(all, file(), line('    hard:'), 'team-data-platform', 'no new-spend actions');
    });
    it('refuses an exemption that is not an org.yaml role', () => {
      fx.replace(BUDGETS, 'exemptions: [platform, breakGlass]', 'exemptions: [platform, breakglass]');
      errorAt(errors(), file(), line('exemptions: [platform, breakglass]'), 'no role breakglass');
    });
    it('refuses a deny SCP over the size quota, at the budget', () => {
      fx.replace('org.yaml', 'SERVICE_CONTROL_POLICY: { maxSize: 10240', 'SERVICE_CONTROL_POLICY: { maxSize: 600');
      errorAt(errors(), file(), line('name: team-data-platform'), 'TarmacBudget-team-data-platform', 'at most 600');
    });
    it('refuses an action whose target would exceed the SCP attachment quota', () => {
      // FullAWSAccess plus the budget SCP on ou:Workloads/Dev: two policies.
      fx.replace('org.yaml', 'SERVICE_CONTROL_POLICY: { maxSize: 10240, maxAttached: 10 }', 'SERVICE_CONTROL_POLICY: { maxSize: 10240, maxAttached: 1 }');
      errorAt(errors(), file(), line('"ou:Workloads/Dev"'), 'team-data-platform', 'ou:Workloads/Dev would have 2 SCPs', 'FullAWSAccess', 'at most 1');
    });
    it('counts every budget SCP aimed at the same target', () => {
      fx.replace(BUDGETS, '"account:sandbox-alice"', '"ou:Workloads/Dev"');
      fx.replace('org.yaml', 'SERVICE_CONTROL_POLICY: { maxSize: 10240, maxAttached: 10 }', 'SERVICE_CONTROL_POLICY: { maxSize: 10240, maxAttached: 2 }');
      const all = errors();
      errorAt(all, file(), line('"ou:Workloads/Dev"'), 'team-data-platform', '3 SCPs', 'TarmacBudget-team-ml-research');
    });
    it("counts Tarmac's own SCPs once they are built (checkBudgetAttachments)", async () => {
      fx.replace(BUDGETS, '"account:sandbox-alice"', '"ou:Sandbox"');
      const catalog = loadCatalog(fx.dir);
      const org = loadOrganization(fx.file('org.yaml'));
      const sandbox = org.ous.find((o) => o.path === 'Sandbox')!.id;
      const ours = buildOrgPolicies((await loadOrgPolicies(catalog))!, catalog).policies.filter(
        (p) => p.type === 'SERVICE_CONTROL_POLICY' && p.targetIds.includes(sandbox),
      );
      expect(ours.length).toBeGreaterThan(0);
      // Fill ou:Sandbox so the organization policies alone fit exactly; the budget SCP is one too many.
      const max = org.quotas.SERVICE_CONTROL_POLICY.maxAttached;
      const extra = Array.from({ length: max - ours.length - 1 }, (_, i) => `  - { name: extra-${i}, type: SERVICE_CONTROL_POLICY, targets: ["ou:Sandbox"] }`);
      fx.replace('org.yaml', 'alreadyAttached:\n', `alreadyAttached:\n${extra.join('\n')}\n`);
      const build = finops(fx)!; // without Tarmac's SCPs the budget fits
      const catalog2 = loadCatalog(fx.dir);
      const orgBuild = buildOrgPolicies((await loadOrgPolicies(catalog2))!, catalog2);
      const problems = checkBudgetAttachments(build, orgBuild);
      expect(problems).toHaveLength(1);
      errorAt(problems, file(), line('"ou:Sandbox"'), 'team-ml-research', `${max + 1} SCPs`, ours[0].name);
    });
  });

  it('refuses two budgets with the same name, at the second', () => {
    fx.replace(BUDGETS, 'name: project-churn-model', 'name: project-customer-360 # twice');
    errorAt(
      errors(),
      file(),
      line('name: project-customer-360 # twice'),
      'budget project-customer-360 is already defined',
      `line ${line('name: project-customer-360')}`,
    );
  });
});
