import * as fs from 'fs';
import * as path from 'path';
import { CreateStackInstancesCommand, CreateStackSetCommand, DeleteStackInstancesCommand, UpdateStackSetCommand } from '@aws-sdk/client-cloudformation';
import { InputErrors } from '@tarmac/core';
import { FakeAws } from './__tests__/fake-aws';
import { ACCOUNTS, FINOPS, FINOPS_ACCOUNT, Fixture, makeFixture } from './__tests__/fixture';
import { deployAll, deployExitCode } from './deploy';
import { readDesired } from './desired';
import { planDeployment } from './plan';
import { renderPlan } from './render-plan';
import { renderStatus } from './render-report';
import { selectionOf } from './selection';
import { statusExitCode, statusOf } from './status';

// An account target (the FinOps stack set): the OU narrowed to one of its accounts by AccountFilterType INTERSECTION.
const OTHER_ACCOUNT = ACCOUNTS['ou-prod-1111'].find((a) => a !== FINOPS_ACCOUNT)!;

let fake: FakeAws;
let fixture: Fixture;
beforeEach(() => {
  fake = new FakeAws();
  fixture = makeFixture({ baselines: true });
});
afterEach(() => {
  fake.restore();
  fixture.remove();
});

const edit = (rel: string, fn: (json: any) => void) => {
  const file = path.join(fixture.dir, rel);
  const json = JSON.parse(fs.readFileSync(file, 'utf8'));
  fn(json);
  fs.writeFileSync(file, JSON.stringify(json));
};
/** The build narrows the FinOps stack set to another account of the same OU. */
const moveFinOpsTo = (account: string, name: string) => {
  edit('stacksets/stacksets.template.json', (t) => (t.Resources.FinOpsStackSet.Properties.StackInstancesGroup[0].DeploymentTargets.Accounts = [account]));
  edit('stacksets/manifest.json', (m) => (m.stackSets.find((s: { name: string }) => s.name === FINOPS).accounts = [{ id: account, name }]));
};

const plan = async () => (await planDeployment(fake.context(), readDesired(fixture.dir), selectionOf(undefined), 'eu-west-1')).plan;
const deploy = async (allowDelete = false) => {
  const { report } = await deployAll(fake.context(), readDesired(fixture.dir), {
    allowDelete,
    selection: selectionOf(undefined),
    stackTags: [],
    region: 'eu-west-1',
  });
  return { report, code: deployExitCode(report) };
};
const inputs = (command: unknown) =>
  fake.cfn
    .commandCalls(command as never)
    .map((c) => c.args[0].input as Record<string, any>)
    .filter((i) => i.StackSetName === FINOPS);

describe('an account target', () => {
  test('plan: its accounts, and accounts × regions instances (not the OU’s account count)', async () => {
    const p = await plan();
    const finops = p.stackSets.find((s) => s.name === FINOPS)!;
    expect(finops).toMatchObject({
      kind: 'finops',
      wave: 0,
      instances: 1,
      accounts: [{ id: FINOPS_ACCOUNT, name: 'finops' }],
      addTargets: [{ ous: ['ou-prod-1111'], accounts: [FINOPS_ACCOUNT], regions: ['us-east-1'] }],
    });
    expect(finops).not.toHaveProperty('profile');
    expect(renderPlan(p)).toContain(
      [
        '  + tarmac-finops-finops  finops baseline  create  1 account × 1 region = 1 instance',
        `      accounts: finops (${FINOPS_ACCOUNT}), narrowed from Workloads/Prod (ou-prod-1111)`,
        '      regions: us-east-1',
      ].join('\n'),
    );
  });

  test('deploy: CreateStackInstances narrows the OU with AccountFilterType INTERSECTION, and only that account gets an instance', async () => {
    const { code } = await deploy();
    expect(code).toBe(0);
    const [create] = inputs(CreateStackInstancesCommand);
    expect(create.DeploymentTargets).toEqual({ OrganizationalUnitIds: ['ou-prod-1111'], Accounts: [FINOPS_ACCOUNT], AccountFilterType: 'INTERSECTION' });
    expect(create.Regions).toEqual(['us-east-1']);
    expect(inputs(CreateStackInstancesCommand)).toHaveLength(1);
    // Created without auto-deployment: an account joining the OU later gets no FinOps stack of its own.
    expect(inputs(CreateStackSetCommand).map((c) => c.AutoDeployment)).toEqual([{ Enabled: false }]);
    expect(fake.stackSets.get(FINOPS)!.instances.map((i) => [i.Account, i.Region, i.OrganizationalUnitId])).toEqual([
      [FINOPS_ACCOUNT, 'us-east-1', 'ou-prod-1111'],
    ]);
  });

  test('after a deploy it is unchanged: the OU’s other account is not a missing instance', async () => {
    await deploy();
    const finops = (await plan()).stackSets.find((s) => s.name === FINOPS)!;
    expect(finops).toMatchObject({ action: 'unchanged', addTargets: [], removeTargets: [] });
    expect(renderPlan(await plan())).toContain(
      ['  = tarmac-finops-finops  finops baseline  unchanged  1 account × 1 region = 1 instance', `      accounts: finops (${FINOPS_ACCOUNT})`].join('\n'),
    );
  });

  test('moved to another account: the new one created and the old one deleted (with --allow-delete), each by INTERSECTION', async () => {
    await deploy();
    fake.cfn.resetHistory();
    moveFinOpsTo(OTHER_ACCOUNT, 'finops-2');
    const p = (await plan()).stackSets.find((s) => s.name === FINOPS)!;
    expect(p).toMatchObject({ action: 'update', needsAllowDelete: true });
    expect(p.addTargets).toEqual([{ ous: ['ou-prod-1111'], accounts: [OTHER_ACCOUNT], regions: ['us-east-1'] }]);
    expect(p.removeTargets).toEqual([{ ous: ['ou-prod-1111'], accounts: [FINOPS_ACCOUNT], regions: ['us-east-1'] }]);
    expect(renderPlan(await plan())).toContain(
      [`      + instances: finops-2 (${OTHER_ACCOUNT}) in us-east-1`, `      - instances: ${FINOPS_ACCOUNT} in us-east-1 (needs --allow-delete)`].join('\n'),
    );

    const { code } = await deploy(true);
    expect(code).toBe(0);
    expect(inputs(CreateStackInstancesCommand).map((c) => c.DeploymentTargets)).toEqual([
      { OrganizationalUnitIds: ['ou-prod-1111'], Accounts: [OTHER_ACCOUNT], AccountFilterType: 'INTERSECTION' },
    ]);
    expect(inputs(DeleteStackInstancesCommand).map((c) => [c.DeploymentTargets, c.Regions, c.RetainStacks])).toEqual([
      [{ OrganizationalUnitIds: ['ou-prod-1111'], Accounts: [FINOPS_ACCOUNT], AccountFilterType: 'INTERSECTION' }, ['us-east-1'], false],
    ]);
    expect(fake.stackSets.get(FINOPS)!.instances.map((i) => i.Account)).toEqual([OTHER_ACCOUNT]);
  });

  test('a template change updates the staying account only, named with its OU and INTERSECTION', async () => {
    await deploy();
    fake.cfn.resetHistory();
    edit(
      'stacksets/stacksets.template.json',
      (t) => (t.Resources.FinOpsStackSet.Properties.TemplateBody = JSON.stringify({ Resources: { Changed: { Type: 'AWS::S3::Bucket' } } })),
    );
    expect((await deploy()).code).toBe(0);
    const [update] = inputs(UpdateStackSetCommand);
    expect(update.DeploymentTargets).toEqual({ OrganizationalUnitIds: ['ou-prod-1111'], Accounts: [FINOPS_ACCOUNT], AccountFilterType: 'INTERSECTION' });
    expect(update.Regions).toEqual(['us-east-1']);
  });

  test('status: the kind and the accounts; an account of the target without its instance is exit 1', async () => {
    await deploy();
    let stackSets = await statusOf(fake.context(), readDesired(fixture.dir), { drift: false });
    expect(statusExitCode(stackSets, false)).toBe(0);
    const text = renderStatus(stackSets, false);
    expect(text).toMatch(
      new RegExp(`^tarmac-finops-finops +finops +ACTIVE +CREATE SUCCEEDED \\S+ +1/1 current\\n  accounts: finops \\(${FINOPS_ACCOUNT}\\)$`, 'm'),
    );
    // Wave 0 first: the baselines are listed before the guardrails.
    expect(stackSets.map((s) => [s.name, s.kind, s.wave])).toEqual([
      ['tarmac-baselines-prod', 'account', 0],
      [FINOPS, 'finops', 0],
      ['tarmac-guardrails-prod', 'guardrails', 1],
      ['tarmac-guardrails-dev', 'guardrails', 1],
    ]);

    // INTERSECTION with an account outside the OU succeeds and deploys nothing: status is where it shows.
    fake.stackSets.get(FINOPS)!.instances = [];
    stackSets = await statusOf(fake.context(), readDesired(fixture.dir), { drift: false });
    expect(statusExitCode(stackSets, false)).toBe(1);
    expect(stackSets.find((s) => s.name === FINOPS)!.errors).toEqual([
      `no instance in account finops (${FINOPS_ACCOUNT}) us-east-1: is the account in the OU the build names for it? (tarmac deploy creates it)`,
    ]);
  });
});

describe('reading an account target from the build', () => {
  const errorsOf = () => {
    try {
      readDesired(fixture.dir);
    } catch (err) {
      if (err instanceof InputErrors) return err.errors.map((e) => e.message);
      throw err;
    }
    return [];
  };

  test('the template’s accounts and filter are read as the target', () => {
    const finops = readDesired(fixture.dir).stackSets.find((s) => s.name === FINOPS)!;
    expect(finops.targets).toEqual([{ ous: ['ou-prod-1111'], accounts: [FINOPS_ACCOUNT], regions: ['us-east-1'] }]);
    expect(finops).toMatchObject({ kind: 'finops', wave: 0, accounts: [{ id: FINOPS_ACCOUNT, name: 'finops' }] });
  });

  test('a filter Tarmac does not build, or accounts the manifest does not list, are input errors naming the file', () => {
    edit(
      'stacksets/stacksets.template.json',
      (t) => (t.Resources.FinOpsStackSet.Properties.StackInstancesGroup[0].DeploymentTargets.AccountFilterType = 'DIFFERENCE'),
    );
    expect(errorsOf()).toEqual([
      expect.stringMatching(
        /stacksets\.template\.json: FinOpsStackSet \(tarmac-finops-finops\): DeploymentTargets has AccountFilterType DIFFERENCE with 1 account\(s\) \(expected OrganizationalUnitIds alone, or with Accounts and AccountFilterType INTERSECTION\)/,
      ),
    ]);

    fixture.remove();
    fixture = makeFixture({ baselines: true });
    edit('stacksets/manifest.json', (m) => (m.stackSets.find((s: { name: string }) => s.name === FINOPS).accounts = [{ id: OTHER_ACCOUNT, name: 'x' }]));
    expect(errorsOf()).toEqual([
      expect.stringMatching(
        new RegExp(
          `FinOpsStackSet \\(tarmac-finops-finops\\): DeploymentTargets narrow to accounts \\[${FINOPS_ACCOUNT}\\], the manifest says \\[${OTHER_ACCOUNT}\\]`,
        ),
      ),
    ]);
  });

  test('a manifest without kind and wave, or without the management lists, is refused: never read as "nothing there"', () => {
    edit('stacksets/manifest.json', (m) => {
      delete m.stackSets[0].wave;
      delete m.managementStacks;
      delete m.costAllocationTags;
    });
    expect(errorsOf()).toEqual([
      expect.stringMatching(/manifest\.json: has no managementStacks list/),
      expect.stringMatching(/manifest\.json: has no costAllocationTags list of tag keys/),
      expect.stringMatching(/ProdStackSet \(tarmac-guardrails-prod\): the manifest gives kind "guardrails" and wave undefined/),
    ]);
  });
});
