import { CreateStackSetCommand } from '@aws-sdk/client-cloudformation';
import { FakeAws } from './__tests__/fake-aws';
import { ACCOUNT_BASELINE, DEV, FINOPS, Fixture, PROD, makeFixture } from './__tests__/fixture';
import { deployAll, deployExitCode } from './deploy';
import { readDesired } from './desired';
import { planDeployment } from './plan';
import { plainProgress } from './progress';
import { renderPlan } from './render-plan';
import { renderDeployReport } from './render-report';
import { selectionOf } from './selection';

// The fixture lists the guardrails (wave 1) before the baselines (wave 0), as a build may: order comes from the wave.
const WAVE_0 = [ACCOUNT_BASELINE, FINOPS];
const WAVE_1 = [PROD, DEV];

let fake: FakeAws;
let fixture: Fixture;
let warnings: string;
beforeEach(() => {
  fake = new FakeAws();
  fixture = makeFixture({ baselines: true });
  warnings = '';
});
afterEach(() => {
  fake.restore();
  fixture.remove();
});

async function deploy() {
  const progress = plainProgress((s) => (warnings += s.startsWith('warning:') ? s : ''));
  const { report } = await deployAll(fake.context(progress), readDesired(fixture.dir), {
    allowDelete: false,
    selection: selectionOf(undefined),
    stackTags: [],
    region: 'eu-west-1',
  });
  return { report, code: deployExitCode(report), text: renderDeployReport(report) };
}

/** The stack set each CloudFormation call is about, in the order they were sent, from the first write on (the plan reads every stack set first). */
const stackSetCalls = () => {
  const calls = fake.cfn
    .calls()
    .map((c) => ({ command: c.args[0].constructor.name, stackSet: (c.args[0].input as { StackSetName?: string }).StackSetName }))
    .filter((c) => c.stackSet);
  return calls.slice(calls.findIndex((c) => c.command === 'CreateStackSetCommand'));
};

describe('deploy waves', () => {
  test('every wave 0 stack set is created, its operations waited for to SUCCEEDED and its instances read, before any wave 1 call', async () => {
    const { code, report } = await deploy();
    expect(code).toBe(0);
    const calls = stackSetCalls();
    const lastWave0 = Math.max(...calls.flatMap((c, i) => (WAVE_0.includes(c.stackSet!) ? [i] : [])));
    const firstWave1 = Math.min(...calls.flatMap((c, i) => (WAVE_1.includes(c.stackSet!) ? [i] : [])));
    expect(lastWave0).toBeLessThan(firstWave1);
    // The last wave 0 calls are the reads after the operations ended.
    expect(calls.slice(0, firstWave1).filter((c) => c.command === 'DescribeStackSetOperationCommand').length).toBe(2 * 2);
    expect(calls[lastWave0].command).toBe('ListStackInstancesCommand');
    expect(report.stackSets.map((s) => [s.name, s.wave])).toEqual([
      [ACCOUNT_BASELINE, 0],
      [FINOPS, 0],
      [PROD, 1],
      [DEV, 1],
    ]);
  });

  test('a failed wave 0 stack set stops the deploy before wave 1: exit 1, saying why, and no wave 1 call at all', async () => {
    fake.operations = ({ stackSet }) =>
      stackSet === ACCOUNT_BASELINE
        ? {
            status: 'FAILED',
            statusReason: 'The Operation failed because the failure tolerance was exceeded',
            instance: () => ({ Status: 'OUTDATED', DetailedStatus: 'FAILED', StatusReason: 'ManagedPolicy TarmacWorkloadBoundary: Access Denied' }),
          }
        : {};
    const { code, report, text } = await deploy();
    expect(code).toBe(1);
    expect(stackSetCalls().filter((c) => WAVE_1.includes(c.stackSet!))).toEqual([]);
    expect(fake.cfn.commandCalls(CreateStackSetCommand).map((c) => c.args[0].input.StackSetName)).toEqual(WAVE_0);
    // The other wave 0 stack set is deployed all the same.
    expect(report.stackSets.find((s) => s.name === FINOPS)).toMatchObject({ action: 'create', errors: [] });
    const why = `not attempted: wave 0 did not complete (${ACCOUNT_BASELINE} failed); wave 1 waits for it because the hooks' execution role carries the permissions boundary the account baseline creates`;
    for (const name of WAVE_1) expect(report.stackSets.find((s) => s.name === name)).toMatchObject({ action: 'not attempted', errors: [why] });
    expect(text).toContain(`${PROD}: ${why}`);
    expect(text).toMatch(/^stack set +tarmac-guardrails-prod +not attempted +FAILED$/m);
    expect(warnings).toBe(`warning: stopping after wave 0: ${ACCOUNT_BASELINE} failed, so no stack set of a later wave is started\n`);
  });

  test('an instance that failed within the tolerance also holds wave 1 back: its account would get a hook without the boundary', async () => {
    fake.operations = ({ stackSet }) =>
      stackSet === ACCOUNT_BASELINE
        ? {
            instance: (account, region) =>
              account === '200000000003' && region === 'eu-west-1' ? { Status: 'OUTDATED', DetailedStatus: 'FAILED', StatusReason: 'quota' } : undefined,
          }
        : {};
    const { code, report } = await deploy();
    expect(code).toBe(1);
    expect(report.stackSets.filter((s) => WAVE_1.includes(s.name)).map((s) => s.action)).toEqual(['not attempted', 'not attempted']);
  });

  test('--only a wave 1 stack set deploys it alone: waves order what is selected, they select nothing', async () => {
    const { report } = await deployAll(fake.context(), readDesired(fixture.dir), { allowDelete: false, selection: selectionOf([DEV]), stackTags: [] });
    expect(deployExitCode(report)).toBe(0);
    expect(report.stackSets.map((s) => s.name)).toEqual([DEV]);
  });
});

test('plan lists the stack sets by wave, with their kind', async () => {
  const { plan } = await planDeployment(fake.context(), readDesired(fixture.dir), selectionOf(undefined), 'eu-west-1');
  expect(plan.stackSets.map((s) => [s.name, s.kind, s.wave])).toEqual([
    [ACCOUNT_BASELINE, 'account', 0],
    [FINOPS, 'finops', 0],
    [PROD, 'guardrails', 1],
    [DEV, 'guardrails', 1],
  ]);
  const text = renderPlan(plan);
  const headers = text.split('\n').filter((l) => l.startsWith('Stack sets'));
  expect(headers).toEqual(['Stack sets, wave 0: baselines, deployed and completed before wave 1 starts', 'Stack sets, wave 1: guardrails']);
  expect(text).toMatch(/^ {2}\+ tarmac-baselines-prod +account baseline \(prod\) +create +2 OUs × 2 regions = 6 instances$/m);
  expect(text.indexOf(ACCOUNT_BASELINE)).toBeLessThan(text.indexOf('Stack sets, wave 1'));
});
