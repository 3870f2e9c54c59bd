import { DetectStackSetDriftCommand } from '@aws-sdk/client-cloudformation';
import { FakeAws } from './__tests__/fake-aws';
import { DEV, Fixture, PROD, makeFixture } from './__tests__/fixture';
import { deployAll } from './deploy';
import { readDesired } from './desired';
import { renderStatus } from './render-report';
import { selectionOf } from './selection';
import { statusExitCode, statusOf } from './status';

let fake: FakeAws;
let fixture: Fixture;
beforeEach(async () => {
  fake = new FakeAws();
  fixture = makeFixture();
  await deployAll(fake.context(), readDesired(fixture.dir), { allowDelete: false, selection: selectionOf(undefined), stackTags: [] });
  fake.cfn.resetHistory();
});
afterEach(() => {
  fake.restore();
  fixture.remove();
});

async function status(drift = false) {
  const stackSets = await statusOf(fake.context(), readDesired(fixture.dir), { drift });
  return { stackSets, code: statusExitCode(stackSets, drift), text: renderStatus(stackSets, drift) };
}

describe('status', () => {
  test('every instance CURRENT: exit 0, each account and region listed with the last operation', async () => {
    const { code, text } = await status();
    expect(code).toBe(0);
    expect(text).toMatch(/^STACK SET +KIND +STATUS +LAST OPERATION +INSTANCES$/m);
    expect(text).toMatch(/^tarmac-guardrails-prod +guardrails +ACTIVE +CREATE SUCCEEDED \S+ +6\/6 current$/m);
    expect(text).toMatch(/^ {2}STACK SET +ACCOUNT +REGION +OU +STATUS +DETAILED STATUS +RESULT +REASON$/m);
    expect(text).toMatch(/^ {2}tarmac-guardrails-dev +300000000001 +eu-west-1 +ou-dev-3333 +CURRENT +SUCCEEDED +ok$/m);
    expect(fake.cfn.commandCalls(DetectStackSetDriftCommand)).toHaveLength(0);
  });

  test('an OUTDATED instance with a failure: exit 1, with its status, detailed status and reason', async () => {
    const i = fake.stackSets.get(PROD)!.instances.find((x) => x.Account === '200000000002' && x.Region === 'eu-central-1')!;
    Object.assign(i, { Status: 'OUTDATED', StackInstanceStatus: { DetailedStatus: 'FAILED' }, StatusReason: 'Hook creation failed: AccessDenied' });
    const { code, text } = await status();
    expect(code).toBe(1);
    expect(text).toMatch(/^tarmac-guardrails-prod +guardrails +ACTIVE +CREATE SUCCEEDED \S+ +5\/6 current, 1 FAILED$/m);
    expect(text).toMatch(
      /^ {2}tarmac-guardrails-prod +200000000002 +eu-central-1 +ou-prod-1111 +OUTDATED +FAILED +FAILED +Hook creation failed: AccessDenied$/m,
    );
  });

  test('a suspended account does not make status fail', async () => {
    const i = fake.stackSets.get(DEV)!.instances[0];
    Object.assign(i, { Status: 'OUTDATED', StackInstanceStatus: { DetailedStatus: 'SKIPPED_SUSPENDED_ACCOUNT' } });
    expect((await status()).code).toBe(0);
  });

  test('a built stack set that is not deployed: exit 1', async () => {
    fake.stackSets.delete(DEV);
    const { code, text } = await status();
    expect(code).toBe(1);
    expect(text).toMatch(/^tarmac-guardrails-dev +guardrails +NOT DEPLOYED$/m);
  });

  test('--drift: detects drift on every stack set (its own operation ID, as the delegated admin) and reports each instance', async () => {
    fake.drift = (account, region) => (account === '200000000003' && region === 'eu-west-1' ? 'DRIFTED' : 'IN_SYNC');
    const { code, text, stackSets } = await status(true);
    expect(code).toBe(1);
    const calls = fake.cfn.commandCalls(DetectStackSetDriftCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => [c.StackSetName, c.CallAs]).sort()).toEqual([
      [DEV, 'DELEGATED_ADMIN'],
      [PROD, 'DELEGATED_ADMIN'],
    ]);
    expect(calls[0].OperationId).not.toBe(calls[1].OperationId);
    expect(stackSets.find((s) => s.name === PROD)!.drift).toMatchObject({ action: 'DetectStackSetDrift', status: 'SUCCEEDED' });
    expect(text).toMatch(/^ {2}STACK SET +ACCOUNT +REGION +OU +STATUS +DETAILED STATUS +DRIFT +RESULT +REASON$/m);
    expect(text).toMatch(/^ {2}tarmac-guardrails-prod +200000000003 +eu-west-1 +ou-prod-2222 +CURRENT +SUCCEEDED +DRIFTED +ok$/m);
    expect(text).toMatch(/^ {2}tarmac-guardrails-dev +300000000001 +eu-west-1 +ou-dev-3333 +CURRENT +SUCCEEDED +IN_SYNC +ok$/m);
  });

  test('--drift with every instance IN_SYNC: exit 0', async () => {
    expect((await status(true)).code).toBe(0);
  });
});
