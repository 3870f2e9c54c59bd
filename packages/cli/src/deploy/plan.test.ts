import { CloudFormationServiceException } from '@aws-sdk/client-cloudformation';
import { FakeAws } from './__tests__/fake-aws';
import { ACCOUNTS, BUNDLE_STACK, DEV, Fixture, PROD, instanceTemplate, makeFixture } from './__tests__/fixture';
import { deployAll } from './deploy';
import { readDesired } from './desired';
import { planDeployment } from './plan';
import { renderPlan } from './render-plan';
import { selectionOf } from './selection';

let fake: FakeAws;
let fixture: Fixture;
beforeEach(() => {
  fake = new FakeAws();
  fixture = makeFixture();
});
afterEach(() => {
  fake.restore();
  fixture.remove();
});

const plan = async (dir = fixture.dir) => (await planDeployment(fake.context(), readDesired(dir), selectionOf(undefined), 'eu-west-1')).plan;

/** Only reads: every command sent is a Describe, Get, List or Head. */
function expectNoWrites() {
  const names = [...fake.cfn.calls(), ...fake.s3.calls(), ...fake.org.calls()].map((c) => c.args[0].constructor.name);
  expect(names.length).toBeGreaterThan(0);
  expect(names.filter((n) => !/^(Describe|Get|List|Head)/.test(n))).toEqual([]);
}

describe('plan for a fresh organization', () => {
  test('everything is to be created, with OUs, account counts and instance counts', async () => {
    const p = await plan();
    expectNoWrites();
    expect(p.bundles.map((b) => b.action)).toEqual(['upload', 'upload']);
    expect(p.stacks).toEqual([{ name: BUNDLE_STACK, region: 'eu-west-1', action: 'create' }]);
    expect(p.policies.map((x) => [x.name, x.action, x.attach])).toEqual([
      ['tarmac-scp-root-1', 'create', ['r-root']],
      ['tarmac-tag-lz-tag-1', 'create', ['ou-dev-3333', 'ou-prod-1111']],
    ]);
    expect(p.stackSets.map((s) => [s.name, s.action, s.instances])).toEqual([
      [PROD, 'create', 6],
      [DEV, 'create', 1],
    ]);
    expect(p.removals).toBe(0);

    const text = renderPlan(p);
    expect(text).toContain(
      'Plan for organization o-abc123: delegated administrator platform (111111111111) in eu-west-1, calling StackSets as DELEGATED_ADMIN',
    );
    expect(text).toMatch(
      /^Rule bundles \(s3:\/\/tarmac-rule-bundles-111111111111-eu-west-1\)\n {2}\+ hooks\/guardrails\/[0-9a-f]{64}\.zip +prod enforce +new version will be uploaded$/m,
    );
    expect(text).toMatch(/^Stacks\n {2}\+ tarmac-rule-bundles +eu-west-1 +create$/m);
    expect(text).toMatch(/^ {2}\+ SCP +tarmac-scp-root-1 +create; attach r-root$/m);
    expect(text).toContain(
      [
        'Stack sets, wave 1: guardrails',
        '  + tarmac-guardrails-prod  guardrails (prod)  create  2 OUs × 2 regions = 6 instances',
        '      OU                             ACCOUNTS',
        '      Workloads/Prod (ou-prod-1111)  2',
        '      Security (ou-prod-2222)        1',
        '      regions: eu-west-1, eu-central-1',
      ].join('\n'),
    );
    expect(text).toMatch(/^7 to create, 0 to update, 0 to delete, 0 unchanged$/m);
  });
});

describe('plan after a deploy', () => {
  async function deployed() {
    await deployAll(fake.context(), readDesired(fixture.dir), { allowDelete: false, selection: selectionOf(undefined), stackTags: [] });
    fake.cfn.resetHistory();
    fake.s3.resetHistory();
    fake.org.resetHistory();
  }

  test('nothing to do when AWS matches the build', async () => {
    await deployed();
    const p = await plan();
    expectNoWrites();
    expect(p.bundles.every((b) => b.action === 'unchanged' && b.versionId)).toBe(true);
    expect([...p.stacks, ...p.policies, ...p.stackSets].map((x) => x.action)).toEqual(['unchanged', 'unchanged', 'unchanged', 'unchanged', 'unchanged']);
    expect(renderPlan(p)).toMatch(/^0 to create, 0 to update, 0 to delete, 7 unchanged$/m);
  });

  test('changes and removals: what changed, and each removal marked as needing --allow-delete', async () => {
    await deployed();
    fixture.remove();
    fixture = makeFixture({ devTemplate: instanceTemplate('Tarmac::Guard::Changed') });
    fake.stacks.get(BUNDLE_STACK)!.template = '{"Resources":{}}';
    const prod = fake.stackSets.get(PROD)!;
    prod.set.Parameters = prod.set.Parameters!.map((x) => (x.ParameterKey === 'RulesVersion' ? { ...x, ParameterValue: 'v-old' } : x));
    prod.set.AutoDeployment = { Enabled: false };
    // An OU the build dropped, a region the build added elsewhere.
    const dev = fake.stackSets.get(DEV)!;
    dev.set.OrganizationalUnitIds = [...dev.set.OrganizationalUnitIds!, 'ou-old-9999'];
    dev.instances.push({ ...dev.instances[0], Account: ACCOUNTS['ou-old-9999'][0], OrganizationalUnitId: 'ou-old-9999' });
    prod.instances = prod.instances.filter((i) => !(i.OrganizationalUnitId === 'ou-prod-2222' && i.Region === 'eu-central-1'));
    fake.addStackSet('tarmac-guardrails-old', { ous: ['ou-old-9999'], regions: ['eu-west-1'] });
    fake.addStackSet('someone-elses', { ous: ['ou-old-9999'], regions: ['eu-west-1'] });
    const scp = [...fake.policies.values()].find((x) => x.name === 'tarmac-scp-root-1')!;
    scp.content = '{"Version":"2012-10-17","Statement":[]}';
    fake.addPolicy('TAG_POLICY', 'tarmac-tag-removed-1', '{}', ['ou-old-9999']);
    [...fake.policies.values()].find((x) => x.name === 'tarmac-tag-lz-tag-1')!.targets.add('ou-old-9999');

    const p = await plan();
    expectNoWrites();
    expect(p.removals).toBe(4);
    expect(p.stacks[0].action).toBe('update');
    const prodPlan = p.stackSets.find((s) => s.name === PROD)!;
    expect(prodPlan.changes.map((c) => c.field)).toEqual(['parameter RulesVersion', 'auto-deployment']);
    expect(prodPlan.addTargets).toEqual([{ ous: ['ou-prod-2222'], regions: ['eu-central-1'] }]);
    expect(p.stackSets.map((s) => s.name)).not.toContain('someone-elses');

    const text = renderPlan(p);
    expect(text).toMatch(/^ {2}~ tarmac-rule-bundles +eu-west-1 +template changed$/m);
    expect(text).toMatch(/^ {2}~ SCP +tarmac-scp-root-1 +content changed$/m);
    expect(text).toMatch(/^ {2}~ TAG +tarmac-tag-lz-tag-1 +detach ou-old-9999 \(needs --allow-delete\)$/m);
    expect(text).toMatch(/^ {2}- TAG +tarmac-tag-removed-1 +delete; detach ou-old-9999 \(needs --allow-delete\)$/m);
    const version = fake.objects.get(fixture.bundles[0].key)!.versionId;
    expect(text).toContain(
      [
        '  ~ tarmac-guardrails-prod  guardrails (prod)  update  2 OUs × 2 regions = 6 instances',
        `      parameter RulesVersion: v-old → ${version}`,
        '      auto-deployment: disabled → enabled',
        '      + instances: Security (ou-prod-2222) in eu-central-1',
        '  ~ tarmac-guardrails-dev  guardrails (dev)  update  1 OU × 1 region = 1 instance',
        '      template changed',
        '      - instances: ou-old-9999 in eu-west-1 (needs --allow-delete)',
        '',
        'Stack sets the build no longer has',
        '  - tarmac-guardrails-old  delete the stack set and its 1 instance (needs --allow-delete)',
        '      - instances: ou-old-9999 in eu-west-1',
      ].join('\n'),
    );
    expect(text).toMatch(/^0 to create, 5 to update, 2 to delete, 2 unchanged; 4 removals need --allow-delete$/m);
  });

  test('a bundle not uploaded yet: its parameter shows the new version to come', async () => {
    await deployed();
    fake.objects.delete(fixture.bundles[1].key);
    const p = await plan();
    expect(p.bundles[1]).toMatchObject({ action: 'upload', note: 'new version will be uploaded' });
    expect(p.stackSets.find((s) => s.name === DEV)!.changes).toEqual([
      { field: 'parameter RulesVersion', from: expect.any(String), to: `(new version of ${fixture.bundles[1].key})` },
    ]);
  });

  test('a stack that cannot be updated is reported', async () => {
    fake.stacks.set(BUNDLE_STACK, { status: 'ROLLBACK_COMPLETE', template: '{}', outputs: {} });
    const p = await plan();
    expect(p.stacks[0]).toMatchObject({ action: 'blocked', status: 'ROLLBACK_COMPLETE' });
    expect(renderPlan(p)).toMatch(/^ {2}! tarmac-rule-bundles +eu-west-1 +blocked +the stack is ROLLBACK_COMPLETE and cannot be updated/m);
  });

  test('an AWS error while reading is thrown with the operation named', async () => {
    fake.failNext(
      'ListPolicies',
      new CloudFormationServiceException({
        name: 'AccessDeniedException',
        $fault: 'client',
        message: 'You don’t have permissions to access this resource.',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    await expect(plan()).rejects.toThrow(
      'organizations:ListPolicies SERVICE_CONTROL_POLICY failed: AccessDeniedException: You don’t have permissions to access this resource.',
    );
  });
});
