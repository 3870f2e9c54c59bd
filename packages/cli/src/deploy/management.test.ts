import { CreateStackCommand, DescribeStacksCommand, UpdateStackCommand } from '@aws-sdk/client-cloudformation';
import { CostExplorerServiceException, GetAnomalyMonitorsCommand, ListCostAllocationTagsCommand } from '@aws-sdk/client-cost-explorer';
import * as fs from 'fs';
import * as path from 'path';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { verifyBuild } from '../build-output';
import { deployCommand } from '../commands/deploy';
import { planCommand } from '../commands/plan';
import { UsageError } from '../usage-error';
import { FakeAws } from './__tests__/fake-aws';
import { BILLING_STACK, COST_TAGS, Fixture, MANAGEMENT_ACCOUNT, billingTemplate, makeFixture } from './__tests__/fixture';
import { plainProgress } from './progress';

jest.mock('../build-output', () => ({ verifyBuild: jest.fn() }));
const verify = verifyBuild as jest.MockedFunction<typeof verifyBuild>;

const TAGS = { team: 'platform', project: 'tarmac', 'cost-center': 'cc-1000' };
const DEFAULT_MONITOR = `arn:aws:ce::${MANAGEMENT_ACCOUNT}:anomalymonitor/c9e940b5-d9a9-4a0c-9b1e-2f1e6c1a8d11`;
const NOTE = 'tarmac-finops-billing: management account stack, not planned here: run `tarmac plan --management` with management-account credentials';
const FIX = (key: string) =>
  `fix, from the management account: aws ce update-cost-allocation-tags-status --cost-allocation-tags-status TagKey=${key},Status=Active`;
const accessDenied = () =>
  new CostExplorerServiceException({
    name: 'AccessDeniedException',
    $fault: 'client',
    message: 'User: arn:aws:sts::000000000000:assumed-role/Deployer/x is not authorized to perform: ce:ListCostAllocationTags',
    $metadata: { httpStatusCode: 400 },
  });

let fake: FakeAws;
let fixture: Fixture;
let stdout: string;
let stderr: string;
beforeEach(() => {
  fake = new FakeAws();
  fixture = makeFixture({ baselines: true });
  for (const key of COST_TAGS) fake.costAllocationTags.set(key, 'Active');
  stdout = '';
  stderr = '';
  jest.spyOn(process.stdout, 'write').mockImplementation((s) => ((stdout += String(s)), true));
  jest.spyOn(process.stderr, 'write').mockImplementation((s) => ((stderr += String(s)), true));
  verify.mockReset();
  verify.mockResolvedValue({ org: { organization: { deployment: { tags: TAGS } } } } as never);
});
afterEach(() => {
  jest.restoreAllMocks();
  fake.restore();
  fixture.remove();
});

const deps = () => ({ clients: fake.clients(), retry: { sleep: async () => {} }, progress: plainProgress((s) => (stderr += s)) });
const opts = () => ({ out: fixture.dir, policies: '/somewhere/policies', format: 'text' as const, at: '2027-01-10' });
const billingCalls = (command: unknown) =>
  fake.cfn.commandCalls(command as never).filter((c) => (c.args[0].input as { StackName?: string }).StackName === BILLING_STACK);
const ceInputs = () => fake.ce.commandCalls(ListCostAllocationTagsCommand).map((c) => c.args[0].input);

describe('without --management', () => {
  test('plan names the management stack and leaves it alone, in text and JSON; the tags are said to be checked with --management', async () => {
    expect(await planCommand(opts(), deps())).toBe(0);
    expect(stdout).toContain(
      [
        'Management account (left alone by this plan)',
        `  ${NOTE}`,
        '  cost allocation tags cost-center, project, team: checked by `tarmac plan --management`: cost allocation tags are managed in the management account',
      ].join('\n'),
    );
    stdout = '';
    expect(await planCommand({ ...opts(), format: 'json' }, deps())).toBe(0);
    const plan = JSON.parse(stdout);
    expect(plan.managementStacks).toEqual([{ name: BILLING_STACK, region: 'us-east-1', note: NOTE.replace(`${BILLING_STACK}: `, '') }]);
    expect(plan.costAllocationTags.keys).toEqual(COST_TAGS);
    expect(billingCalls(DescribeStacksCommand)).toHaveLength(0);
    expect(fake.ce.calls().length + fake.sts.calls().length).toBe(0);
  });

  test('deploy does not touch the management stack and says how to deploy it', async () => {
    expect(await deployCommand(opts(), deps())).toBe(0);
    expect(billingCalls(CreateStackCommand)).toHaveLength(0);
    expect(fake.stacks.has(BILLING_STACK)).toBe(false);
    expect(fake.ce.calls().length + fake.sts.calls().length).toBe(0);
    expect(stdout).toContain(
      `Not deployed here:\n  ${BILLING_STACK}: management account stack, not deployed here: run \`tarmac deploy --management\` with management-account credentials`,
    );
  });
});

describe('plan --management', () => {
  test('every tag active: the stack planned in us-east-1, tags asked by key (UserDefined, every page), nothing written: exit 0', async () => {
    expect(await planCommand({ ...opts(), management: true }, deps())).toBe(0);
    expect(fake.sts.commandCalls(GetCallerIdentityCommand)).toHaveLength(1);
    // Three keys, two per page: the second page is asked for with the first page's token.
    expect(ceInputs()).toEqual([
      { TagKeys: COST_TAGS, Type: 'UserDefined', NextToken: undefined },
      { TagKeys: COST_TAGS, Type: 'UserDefined', NextToken: 'page-2' },
    ]);
    const describes = billingCalls(DescribeStacksCommand);
    expect(describes).toHaveLength(1);
    expect(await FakeAws.regionOf(describes[0])).toBe('us-east-1');
    // Only the management stack: no stack set, bundle or policy is read.
    expect(fake.cfn.calls().map((c) => [c.args[0].constructor.name, (c.args[0].input as { StackName?: string }).StackName])).toEqual([
      ['DescribeStacksCommand', BILLING_STACK],
    ]);
    expect(fake.s3.calls().length + fake.org.calls().length).toBe(0);
    expect(stdout).toContain(`Plan for the management account ${MANAGEMENT_ACCOUNT}`);
    expect(stdout).toContain('Cost allocation tags: all active (cost-center, project, team)');
    // No API says whether IAM principal tags are active for cost allocation: named, with where to confirm, and not a failure.
    expect(stdout).toContain(
      [
        'IAM principal tags the Bedrock cost queries group by: team (not checked)',
        '  AWS activates tags of IAM users and roles for cost allocation apart from resource tags, and ListCostAllocationTags does not',
        '  say whether they are: confirm them in the Billing and Cost Management console, Cost allocation tags, or the queries return nothing.',
      ].join('\n'),
    );
    expect(stdout).toMatch(/^Management stacks\n {2}\+ tarmac-finops-billing +us-east-1 +create$/m);
    expect(stdout).toMatch(/^1 to create, 0 to update, 0 unchanged$/m);
  });

  test('an Inactive tag and one Cost Explorer does not list: exit 1, each with the command that activates it', async () => {
    fake.costAllocationTags.set('project', 'Inactive');
    fake.costAllocationTags.delete('team');
    expect(await planCommand({ ...opts(), management: true }, deps())).toBe(1);
    expect(stdout).toContain('Cost allocation tags not active (2 of 3): budgets and anomaly monitors filtering on them count nothing');
    expect(stdout).toContain(`  ! project: Inactive\n      ${FIX('project')}`);
    expect(stdout).toMatch(
      / {2}! team: not listed by Cost Explorer: no resource has carried it yet.*\n {6}fix, from the management account: aws ce update-cost-allocation-tags-status --cost-allocation-tags-status TagKey=team,Status=Active/,
    );
    expect(stdout).not.toContain('TagKey=cost-center');
    expect(stdout).toContain('Activation takes up to 24 hours and applies to costs from then on');
    expect(stdout).toMatch(/; 2 cost allocation tags not active: deploy --management refuses without --allow-inactive-tags$/m);
    stdout = '';
    expect(await planCommand({ ...opts(), management: true, format: 'json' }, deps())).toBe(1);
    expect(JSON.parse(stdout).costAllocationTags.inactive).toEqual([
      { key: 'project', status: 'Inactive' },
      { key: 'team', status: 'absent' },
    ]);
  });

  test('AccessDenied from Cost Explorer is not a pass: "could not check cost allocation tags", exit 1', async () => {
    fake.failNext('ListCostAllocationTags', accessDenied());
    expect(await planCommand({ ...opts(), management: true }, deps())).toBe(1);
    expect(stdout).toContain(
      'could not check cost allocation tags: ce:ListCostAllocationTags failed: AccessDeniedException: User: arn:aws:sts::000000000000:assumed-role/Deployer/x is not authorized to perform: ce:ListCostAllocationTags',
    );
    expect(stdout).not.toContain('all active');
    expect(stdout).toMatch(/cost allocation tags not checked: deploy --management refuses$/m);
  });

  test("AWS's own SERVICE monitor collides with the stack's: named with its ARN and the line that adopts it, found on a later page, exit 1", async () => {
    fake.pageSizes.GetAnomalyMonitors = 1;
    fake.anomalyMonitors.push(
      // The stack's own monitors (an update): not collisions.
      {
        MonitorName: 'tarmac-services',
        MonitorArn: `arn:aws:ce::${MANAGEMENT_ACCOUNT}:anomalymonitor/ours-1`,
        MonitorType: 'DIMENSIONAL',
        MonitorDimension: 'SERVICE',
      },
      { MonitorName: 'team-spend', MonitorArn: `arn:aws:ce::${MANAGEMENT_ACCOUNT}:anomalymonitor/custom-1`, MonitorType: 'CUSTOM' },
      { MonitorName: 'Default-Services-Monitor', MonitorArn: DEFAULT_MONITOR, MonitorType: 'DIMENSIONAL', MonitorDimension: 'SERVICE' },
    );
    expect(await planCommand({ ...opts(), management: true }, deps())).toBe(1);
    expect(stdout).toContain(
      [
        `! anomaly monitor tarmac-services: AWS already has the SERVICE monitor Default-Services-Monitor (${DEFAULT_MONITOR}) and allows one per dimension, so creating it fails and rolls back the billing stack`,
        `    fix: adopt it with \`adopt: ${DEFAULT_MONITOR}\` on that monitor in policies/finops/anomaly-detection.yaml, or delete it in the Cost Anomaly Detection console`,
      ].join('\n'),
    );
    expect(stdout).not.toContain('anomaly monitor tarmac-cost-centers');
    expect(stdout).toMatch(/^1 to create, 0 to update, 0 unchanged; 1 anomaly monitor collision: deploy --management refuses$/m);
    expect(fake.ce.commandCalls(GetAnomalyMonitorsCommand).map((c) => c.args[0].input.NextPageToken === undefined)).toEqual([true, false, false]);
    stdout = '';
    expect(await planCommand({ ...opts(), management: true, format: 'json' }, deps())).toBe(1);
    expect(JSON.parse(stdout).anomalyMonitors).toEqual({
      collisions: [{ monitor: 'tarmac-services', dimension: 'SERVICE', existing: { name: 'Default-Services-Monitor', arn: DEFAULT_MONITOR } }],
    });
  });

  test('monitors that could not be listed are not a pass: exit 1', async () => {
    fake.fail('GetAnomalyMonitors', 'access-denied', { times: 'always' });
    expect(await planCommand({ ...opts(), management: true }, deps())).toBe(1);
    expect(stdout).toMatch(/^could not check the anomaly monitors: ce:GetAnomalyMonitors failed: AccessDeniedException: /m);
    expect(stdout).toMatch(/; anomaly monitors not checked: deploy --management refuses$/m);
  });

  test('credentials of another account are refused before anything is read', async () => {
    fake.callerAccount = '111111111111';
    const run = planCommand({ ...opts(), management: true }, deps());
    await expect(run).rejects.toThrow(UsageError);
    await expect(planCommand({ ...opts(), management: true }, deps())).rejects.toThrow(
      '--management needs credentials of the management account 000000000000; these are of account 111111111111 (arn:aws:sts::111111111111:assumed-role/TarmacPlatformPipeline/session). Nothing was read or changed.',
    );
    expect(fake.ce.calls().length + fake.cfn.calls().length).toBe(0);
  });
});

describe('deploy --management', () => {
  test('creates the management stack in us-east-1 with the platform tags and the capability its named role needs: exit 0', async () => {
    expect(await deployCommand({ ...opts(), management: true }, deps())).toBe(0);
    const [create] = billingCalls(CreateStackCommand);
    expect(await FakeAws.regionOf(create)).toBe('us-east-1');
    expect(create.args[0].input).toMatchObject({
      StackName: BILLING_STACK,
      Capabilities: ['CAPABILITY_NAMED_IAM'],
      Tags: Object.entries(TAGS).map(([Key, Value]) => ({ Key, Value })),
    });
    expect(JSON.parse((create.args[0].input as { TemplateBody: string }).TemplateBody)).toEqual(JSON.parse(billingTemplate()));
    expect(fake.stacks.get(BILLING_STACK)).toMatchObject({ region: 'us-east-1', status: 'CREATE_COMPLETE' });
    // Nothing of the org-wide deployment.
    expect(fake.cfn.calls().filter((c) => (c.args[0].input as { StackSetName?: string }).StackSetName)).toEqual([]);
    expect(fake.s3.calls().length + fake.org.calls().length).toBe(0);
    expect(stdout).toMatch(/^management stack +tarmac-finops-billing +created +ok +us-east-1$/m);
  });

  test('a changed billing stack is updated in us-east-1', async () => {
    fake.stacks.set(BILLING_STACK, { status: 'CREATE_COMPLETE', template: billingTemplate(500), outputs: {}, region: 'us-east-1' });
    expect(await deployCommand({ ...opts(), management: true }, deps())).toBe(0);
    const [update] = billingCalls(UpdateStackCommand);
    expect(await FakeAws.regionOf(update)).toBe('us-east-1');
    expect(billingCalls(CreateStackCommand)).toHaveLength(0);
    expect(stdout).toMatch(/^management stack +tarmac-finops-billing +updated +ok/m);
  });

  test('an inactive tag: refused before any change, exit 1, with the fix', async () => {
    fake.costAllocationTags.set('team', 'Inactive');
    expect(await deployCommand({ ...opts(), management: true }, deps())).toBe(1);
    expect(billingCalls(CreateStackCommand).length + billingCalls(UpdateStackCommand).length).toBe(0);
    expect(stdout).toContain(FIX('team'));
    expect(stdout).toContain(
      'Refused: cost allocation tag(s) not active: team; activate them (below), or deploy with --allow-inactive-tags. Nothing was changed.',
    );
  });

  test('--allow-inactive-tags: warns and deploys', async () => {
    fake.costAllocationTags.set('team', 'Inactive');
    expect(await deployCommand({ ...opts(), management: true, allowInactiveTags: true }, deps())).toBe(0);
    expect(stderr).toContain(
      'warning: deploying with cost allocation tag(s) not active (--allow-inactive-tags): team; budgets and anomaly monitors filtering on them count nothing until they are activated',
    );
    expect(billingCalls(CreateStackCommand)).toHaveLength(1);
    expect(stdout).toContain(FIX('team'));
  });

  test('a check that failed refuses, --allow-inactive-tags or not: an unchecked tag is not an inactive one', async () => {
    fake.failNext('ListCostAllocationTags', accessDenied(), accessDenied());
    expect(await deployCommand({ ...opts(), management: true }, deps())).toBe(1);
    expect(await deployCommand({ ...opts(), management: true, allowInactiveTags: true }, deps())).toBe(1);
    expect(billingCalls(CreateStackCommand)).toHaveLength(0);
    expect(stdout).toContain('could not check cost allocation tags: ce:ListCostAllocationTags failed: AccessDeniedException');
    expect(stdout).toContain('Refused: the cost allocation tags could not be checked, so nothing was deployed. Nothing was changed.');
  });

  test('a monitor AWS already has refuses before any change; once adopted in the build, it deploys', async () => {
    fake.anomalyMonitors.push({
      MonitorName: 'Default-Services-Monitor',
      MonitorArn: DEFAULT_MONITOR,
      MonitorType: 'DIMENSIONAL',
      MonitorDimension: 'SERVICE',
    });
    expect(await deployCommand({ ...opts(), management: true }, deps())).toBe(1);
    expect(billingCalls(CreateStackCommand)).toHaveLength(0);
    expect(stdout).toContain(`! anomaly monitor tarmac-services: AWS already has the SERVICE monitor Default-Services-Monitor (${DEFAULT_MONITOR})`);
    expect(stdout).toContain(
      'Refused: anomaly monitor(s) tarmac-services would collide with monitors AWS already has; adopt or delete those (above). Nothing was changed.',
    );
    // The build adopts it: the manifest no longer lists tarmac-services among the monitors it creates.
    const manifest = path.join(fixture.dir, 'stacksets', 'manifest.json');
    const m = JSON.parse(fs.readFileSync(manifest, 'utf8'));
    fs.writeFileSync(manifest, JSON.stringify({ ...m, anomalyMonitors: m.anomalyMonitors.filter((x: { name: string }) => x.name !== 'tarmac-services') }));
    stdout = '';
    expect(await deployCommand({ ...opts(), management: true }, deps())).toBe(0);
    expect(billingCalls(CreateStackCommand)).toHaveLength(1);
  });

  test('a stack that fails is exit 1 with its reason', async () => {
    fake.stackFinal = 'ROLLBACK_COMPLETE';
    expect(await deployCommand({ ...opts(), management: true, format: 'json' }, deps())).toBe(1);
    const out = JSON.parse(stdout);
    expect(out.exitCode).toBe(1);
    expect(out.report.stacks).toEqual([{ name: BILLING_STACK, action: 'failed', ok: false, detail: `stack ${BILLING_STACK} ended ROLLBACK_COMPLETE` }]);
  });

  test('flags that do not go together are usage errors before anything is read', async () => {
    await expect(deployCommand({ ...opts(), allowInactiveTags: true }, deps())).rejects.toThrow('--allow-inactive-tags applies only with --management');
    await expect(deployCommand({ ...opts(), management: true, only: ['bundles'] }, deps())).rejects.toThrow(
      '--only selects parts of the org-wide deployment; --management deploys the management account stacks only',
    );
    expect(verify).not.toHaveBeenCalled();
  });
});
