import { ListStackSetsCommand } from '@aws-sdk/client-cloudformation';
import { STSServiceException } from '@aws-sdk/client-sts';
import { AWS_OPERATIONS, AwsOperation, FakeAws, awsError, serviceOf } from './__tests__/fake-aws';
import { ACCOUNT_BASELINE, BILLING_STACK, DEV, PROD, billingTemplate, makeFixture, stackEvent } from './__tests__/fixture';
import {
  CommandName,
  CommandOptions,
  CommandRun,
  awsState,
  driftedWorlds,
  operationsSent,
  progressLines,
  runCommand,
  withoutIds,
} from './__tests__/run-command';

jest.mock('../build-output', () => ({ verifyBuild: jest.fn() }));

/**
 * AWS failing under plan, deploy and status: every operation the fake answers can be made to fail, as AWS's
 * services shape their errors. Throttling that passes changes nothing a person sees; a failure that stays is
 * said in one line naming the call, with the exit code the command documents, and nothing that must wait for
 * the failed step is done.
 */

const { world, keep } = driftedWorlds();

const WRITE = /^(Create|Update|Delete|Put|Attach|Detach|DetectStackSetDrift)/;
const writes = (fake: FakeAws) => fake.sent().filter((c) => WRITE.test(c.op));

const DENIED = (op: string) =>
  `AccessDenied: User: arn:aws:sts::111111111111:assumed-role/TarmacPlatformPipeline/session is not authorized to perform: cloudformation:${op} because no identity-based policy allows the cloudformation:${op} action`;

describe('the fake: every operation can fail, once, N times or always', () => {
  test('each operation it answers fails with the error injected, shaped as its service sends it', async () => {
    const fake = new FakeAws();
    keep({ fake, fixture: { remove: () => {} } });
    expect([...fake.answered.keys()].sort()).toEqual([...AWS_OPERATIONS].sort());
    const clients = fake.clients();
    const client = { cloudformation: clients.cloudFormation, s3: clients.s3, organizations: clients.organizations, ce: clients.costExplorer, sts: clients.sts };
    for (const op of AWS_OPERATIONS) {
      const Command = fake.answered.get(op)!;
      const send = () => (client[serviceOf(op)] as { send(c: unknown): Promise<unknown> }).send(new Command({}));
      fake.fail(op, 'access-denied').fail(op, 'throttling', { times: 2 });
      const denied = awsError(op, 'access-denied') as Error & { $metadata: { httpStatusCode: number } };
      const throttled = awsError(op, 'throttling') as Error & { $metadata: { httpStatusCode: number } };
      await expect(send()).rejects.toMatchObject({ name: denied.name, message: denied.message, $metadata: denied.$metadata });
      await expect(send()).rejects.toMatchObject({ name: throttled.name, $metadata: throttled.$metadata });
      await expect(send()).rejects.toMatchObject({ name: throttled.name, $metadata: throttled.$metadata });
      // Then it is answered (or refused by the fake's state, for an empty request): not by an injected failure.
      await send().catch((err) => expect([denied.name, throttled.name]).not.toContain((err as Error).name));
    }
    expect(fake.unusedFailures()).toEqual({});
  });

  test('the names and status codes are those of each service', () => {
    const shape = (op: AwsOperation, kind: 'throttling' | 'access-denied') => {
      const e = awsError(op, kind) as Error & { $metadata: { httpStatusCode: number } };
      return `${e.name} ${e.$metadata.httpStatusCode}`;
    };
    expect(
      ['ListStackInstances', 'ListPolicies', 'ListCostAllocationTags', 'GetObject', 'HeadObject', 'GetCallerIdentity'].map((op) => [
        op,
        shape(op as AwsOperation, 'throttling'),
        shape(op as AwsOperation, 'access-denied'),
      ]),
    ).toEqual([
      ['ListStackInstances', 'Throttling 400', 'AccessDenied 403'],
      ['ListPolicies', 'TooManyRequestsException 400', 'AccessDeniedException 400'],
      ['ListCostAllocationTags', 'LimitExceededException 400', 'AccessDeniedException 400'],
      ['GetObject', 'SlowDown 503', 'AccessDenied 403'],
      ['HeadObject', 'Unknown 503', 'Unknown 403'],
      ['GetCallerIdentity', 'Throttling 400', 'AccessDenied 403'],
    ]);
  });

  test('always, and only for the inputs `when` accepts; failNext keeps its order', async () => {
    const fake = new FakeAws();
    keep({ fake, fixture: { remove: () => {} } });
    const cfn = fake.clients().cloudFormation;
    const list = (Status?: 'ACTIVE' | 'DELETED') => cfn.send(new ListStackSetsCommand({ ...(Status ? { Status } : {}) }));
    fake.fail('ListStackSets', 'access-denied', { times: 'always', when: (input) => input.Status === 'DELETED' });
    for (let i = 0; i < 5; i++) await expect(list('DELETED')).rejects.toMatchObject({ name: 'AccessDenied' });
    await expect(list('ACTIVE')).resolves.toMatchObject({ Summaries: [] });
    fake.clearFailures('ListStackSets');
    await expect(list('DELETED')).resolves.toMatchObject({ Summaries: [] });
    const first = new Error('first');
    const second = new Error('second');
    fake.failNext('ListStackSets', first, second);
    await expect(list()).rejects.toBe(first);
    expect(fake.unusedFailures()).toEqual({ ListStackSets: 1 });
    await expect(list()).rejects.toBe(second);
    await expect(list()).resolves.toBeDefined();
  });
});

/**
 * Throttling every operation the command sends, `times` times each, changes nothing the person sees: the
 * same output, exit code, progress and AWS state as without it. The unthrottled run says which operations
 * the command sends; the throttled run must have met every injected throttle, and backed off each time.
 */
async function sameThrottledAsNot(
  command: CommandName,
  options: CommandOptions,
  prepare: (fake: FakeAws) => void = () => {},
  leaveOut: readonly AwsOperation[] = [],
): Promise<{ clean: CommandRun; throttled: CommandRun; ops: AwsOperation[] }> {
  const a = await world();
  prepare(a.fake);
  const clean = await runCommand(a.fake, a.fixture, command, options);
  const ops = operationsSent(a.fake).filter((op) => !leaveOut.includes(op));
  const cleanState = awsState(a.fake);
  a.fake.restore();

  const b = await world();
  prepare(b.fake);
  b.fake.throttle(ops, 3);
  const throttled = await runCommand(b.fake, b.fixture, command, options);
  expect(b.fake.unusedFailures()).toEqual({});
  expect(throttled.code).toBe(clean.code);
  expect(withoutIds(throttled.stdout)).toBe(withoutIds(clean.stdout));
  expect(progressLines(throttled.stderr)).toEqual(progressLines(clean.stderr));
  expect(awsState(b.fake)).toEqual(cleanState);
  expect(throttled.sleeps - clean.sleeps).toBe(3 * ops.length);
  return { clean, throttled, ops };
}

describe('throttling that passes: retried, and nothing a person sees changes', () => {
  // HeadObject is left out: see the test.failing below.
  test('tarmac plan', async () => {
    const { ops, clean } = await sameThrottledAsNot('plan', {}, () => {}, ['HeadObject']);
    expect(clean.code).toBe(0);
    expect(ops).toEqual(
      expect.arrayContaining([
        'DescribeStacks',
        'GetTemplate',
        'ListPolicies',
        'DescribePolicy',
        'ListTargetsForPolicy',
        'DescribeStackSet',
        'ListStackInstances',
        'ListStackSets',
      ]),
    );
  });

  test('tarmac deploy --allow-delete', async () => {
    const { ops, clean } = await sameThrottledAsNot('deploy', { allowDelete: true }, () => {}, ['HeadObject']);
    expect(clean.code).toBe(0);
    expect(ops).toEqual(
      expect.arrayContaining([
        'UpdateStack',
        'DescribeStacks',
        'UpdatePolicy',
        'DetachPolicy',
        'DeletePolicy',
        'UpdateStackSet',
        'CreateStackInstances',
        'DeleteStackInstances',
        'DeleteStackSet',
        'DescribeStackSetOperation',
        'ListStackSetOperationResults',
      ]),
    );
  });

  test('tarmac status --drift', async () => {
    const { ops } = await sameThrottledAsNot('status', { drift: true });
    expect(ops).toEqual(
      expect.arrayContaining([
        'DescribeStackSet',
        'ListStackSetOperations',
        'DetectStackSetDrift',
        'DescribeStackSetOperation',
        'ListStackSetOperationResults',
        'ListStackInstances',
      ]),
    );
  });

  test('tarmac plan --management and deploy --management (a stack that fails: its events read through throttling)', async () => {
    await sameThrottledAsNot('plan', { management: true });
    const { ops, clean } = await sameThrottledAsNot('deploy', { management: true }, (f) => {
      f.stacks.set(BILLING_STACK, { status: 'CREATE_COMPLETE', template: billingTemplate(500), outputs: {}, region: 'us-east-1' });
      f.stackFinal = 'UPDATE_ROLLBACK_COMPLETE';
      f.stackEvents = [
        stackEvent(BILLING_STACK, 'TeamBudget', 'AWS::Budgets::Budget', 'UPDATE_FAILED', 'Budget amount invalid', 2),
        stackEvent(BILLING_STACK, BILLING_STACK, 'AWS::CloudFormation::Stack', 'UPDATE_IN_PROGRESS', 'User Initiated', 1),
      ];
    });
    expect(clean.code).toBe(1);
    expect(clean.stdout).toContain('TeamBudget (AWS::Budgets::Budget) UPDATE_FAILED: Budget amount invalid');
    expect(ops).toEqual(expect.arrayContaining(['GetCallerIdentity', 'ListCostAllocationTags', 'DescribeStacks', 'UpdateStack', 'DescribeStackEvents']));
  });

  // Fails today: S3 answers a throttled HEAD with 503 and no body, which the SDK names `Unknown`; isThrottle
  // (aws-errors.ts) goes by name or "rate exceeded", so the engine does not back off on it and plan exits 2.
  test('a throttled HeadObject (503, no body) is retried too', async () => {
    const { fake, fixture } = await world();
    fake.fail('HeadObject', 'throttling');
    expect((await runCommand(fake, fixture, 'plan')).code).toBe(0);
  });
});

describe('a failure that does not go away', () => {
  test('plan: ListStackInstances refused for one stack set: exit 2, one line naming the call, nothing printed or written', async () => {
    const { fake, fixture } = await world();
    fake.fail('ListStackInstances', 'access-denied', { times: 'always', when: (input) => input.StackSetName === DEV });
    const run = await runCommand(fake, fixture, 'plan');
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`tarmac: cloudformation:ListStackInstances ${DEV} failed: ${DENIED('ListStackInstances')}\n`);
    expect(run.stdout).toBe('');
    expect(writes(fake)).toEqual([]);
    // Not retried: AccessDenied does not pass.
    expect(fake.sent().filter((c) => c.op === 'ListStackInstances' && c.input.StackSetName === DEV)).toHaveLength(1);
  });

  test('plan: the second page of ListTargetsForPolicy throttled for good: exit 2 after 8 attempts, not a shorter target list', async () => {
    const { fake, fixture } = await world();
    fake.pageSize = 1;
    fake.fail('ListTargetsForPolicy', 'throttling', { times: 'always', when: (input) => input.NextToken !== undefined });
    const run = await runCommand(fake, fixture, 'plan');
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'tarmac: organizations:ListTargetsForPolicy tarmac-tag-lz-tag-1 failed: organizations:ListTargetsForPolicy tarmac-tag-lz-tag-1: still TooManyRequestsException after 8 attempts (You have sent too many requests in too short a period of time. The quota helps protect against denial-of-service attacks. Try again later.)\n',
    );
    expect(run.stdout).toBe('');
    expect(fake.sent().filter((c) => c.op === 'ListTargetsForPolicy' && c.input.NextToken)).toHaveLength(8);
    expect(writes(fake)).toEqual([]);
  });

  test('deploy: ListPolicies refused while reading AWS: exit 2, and nothing at all was changed', async () => {
    const { fake, fixture } = await world();
    fake.fail('ListPolicies', 'access-denied', { times: 'always' });
    const run = await runCommand(fake, fixture, 'deploy', { allowDelete: true });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'tarmac: organizations:ListPolicies SERVICE_CONTROL_POLICY failed: AccessDeniedException: You don’t have permissions to access this resource.\n',
    );
    expect(run.stdout).toBe('');
    expect(writes(fake)).toEqual([]);
  });

  test('deploy to a fresh organization: the bundle stack cannot be created: exit 1, no bundle uploaded, no stack set started', async () => {
    const fake = new FakeAws();
    const fixture = makeFixture();
    keep({ fake, fixture });
    fake.fail('CreateStack', 'access-denied', { times: 'always' });
    const run = await runCommand(fake, fixture, 'deploy');
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`Failures:\n  tarmac-rule-bundles: cloudformation:CreateStack tarmac-rule-bundles failed: ${DENIED('CreateStack')}\n`);
    expect(run.stdout).toMatch(/^bundle +hooks\/guardrails\/\S+ +not attempted +FAILED/m);
    expect(run.stdout).toContain(`  ${PROD}: not attempted: a stack it needs failed\n`);
    expect(writes(fake).filter((c) => c.op === 'PutObject' || /StackSet|StackInstances/.test(c.op))).toEqual([]);
    // The organization policies do not need the stack: they are deployed.
    expect([...fake.policies.values()].map((p) => p.name).sort()).toEqual(['tarmac-scp-root-1', 'tarmac-tag-lz-tag-1']);
  });

  test('deploy: the results of a wave 0 operation cannot be read: exit 1, wave 0 failed, and nothing of wave 1 or after it is done', async () => {
    const { fake, fixture } = await world();
    // The drift left a baseline parameter changed, so wave 0 has an update to make.
    const baseline = fake.stackSets.get(ACCOUNT_BASELINE)!;
    baseline.set.Parameters = baseline.set.Parameters!.map((p) => ({ ...p, ParameterValue: 'older' }));
    fake.fail('ListStackSetOperationResults', 'access-denied', { times: 'always', when: (input) => input.StackSetName === ACCOUNT_BASELINE });
    const run = await runCommand(fake, fixture, 'deploy');
    expect(run.code).toBe(1);
    expect(withoutIds(run.stdout)).toContain(
      `Failures:\n  ${ACCOUNT_BASELINE}: cloudformation:ListStackSetOperationResults ${ACCOUNT_BASELINE} <id> failed: ${DENIED('ListStackSetOperationResults')}\n`,
    );
    expect(run.stdout).toMatch(/^stack set +tarmac-guardrails-prod +not attempted +FAILED/m);
    expect(run.stderr).toContain(`warning: stopping after wave 0: ${ACCOUNT_BASELINE} failed, so no stack set of a later wave is started\n`);
    expect(fake.sent().filter((c) => WRITE.test(c.op) && [PROD, DEV].includes(c.input.StackSetName))).toEqual([]);
  });

  // Fails today: deployAll removes the stack sets the build no longer has after the waves, also when wave 0
  // failed and wave 1 was held back (deploy.ts: `removals` after the wave loop, whatever `blockedBy` says), so
  // an old guardrails stack set is deleted while the one that replaces it was never deployed.
  test('deploy --allow-delete: a failed wave 0 holds back the removal of stack sets the build dropped', async () => {
    const { fake, fixture } = await world();
    const baseline = fake.stackSets.get(ACCOUNT_BASELINE)!;
    baseline.set.Parameters = baseline.set.Parameters!.map((p) => ({ ...p, ParameterValue: 'older' }));
    fake.fail('ListStackSetOperationResults', 'access-denied', { times: 'always', when: (input) => input.StackSetName === ACCOUNT_BASELINE });
    const run = await runCommand(fake, fixture, 'deploy', { allowDelete: true });
    expect(run.code).toBe(1);
    expect(fake.sent().filter((c) => ['DeleteStackInstances', 'DeleteStackSet'].includes(c.op) && /^tarmac-guardrails-old/.test(c.input.StackSetName))).toEqual(
      [],
    );
    expect(fake.stackSets.has('tarmac-guardrails-old')).toBe(true);
  });

  test('deploy --allow-delete: instances of a dropped stack set whose deletion results cannot be read: the stack set is not deleted', async () => {
    const { fake, fixture } = await world();
    fake.fail('ListStackSetOperationResults', 'access-denied', { times: 'always', when: (input) => input.StackSetName === 'tarmac-guardrails-old' });
    const run = await runCommand(fake, fixture, 'deploy', { allowDelete: true });
    expect(run.code).toBe(1);
    expect(withoutIds(run.stdout)).toContain(
      `  tarmac-guardrails-old: cloudformation:ListStackSetOperationResults tarmac-guardrails-old <id> failed: ${DENIED('ListStackSetOperationResults')}\n`,
    );
    expect(run.stdout).toMatch(/^stack set +tarmac-guardrails-old +delete +FAILED/m);
    expect(fake.sent().filter((c) => c.op === 'DeleteStackSet' && c.input.StackSetName === 'tarmac-guardrails-old')).toEqual([]);
    // The other one goes as it should.
    expect(fake.stackSets.has('tarmac-guardrails-older')).toBe(false);
  });

  test('deploy: a policy whose detach keeps being refused is not deleted', async () => {
    const { fake, fixture } = await world();
    fake.fail('DetachPolicy', 'access-denied', { times: 'always', when: (input) => input.TargetId === 'ou-dev-3333' });
    const run = await runCommand(fake, fixture, 'deploy', { allowDelete: true });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      '  tarmac-tag-removed-1: detached from ou-old-9999; detach tarmac-tag-removed-1 from ou-dev-3333: organizations:DetachPolicy tarmac-tag-removed-1 ou-dev-3333 failed: AccessDeniedException: You don’t have permissions to access this resource.\n',
    );
    expect(fake.sent().filter((c) => c.op === 'DeletePolicy' && fake.policies.get(c.input.PolicyId)?.name === 'tarmac-tag-removed-1')).toEqual([]);
    expect([...fake.policies.values()].map((p) => p.name)).toContain('tarmac-tag-removed-1');
  });

  test('status: ListStackSetOperations refused for one stack set: exit 2, one line naming the call, nothing printed', async () => {
    const { fake, fixture } = await world();
    fake.fail('ListStackSetOperations', 'access-denied', { times: 'always', when: (input) => input.StackSetName === PROD });
    const run = await runCommand(fake, fixture, 'status');
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`tarmac: cloudformation:ListStackSetOperations ${PROD} failed: ${DENIED('ListStackSetOperations')}\n`);
    expect(run.stdout).toBe('');
    expect(writes(fake)).toEqual([]);
  });

  test('status --drift: drift detection throttled for good on one stack set: exit 1, that stack set says why, the others are reported', async () => {
    const { fake, fixture } = await world();
    fake.fail('DetectStackSetDrift', 'throttling', { times: 'always', when: (input) => input.StackSetName === PROD });
    const run = await runCommand(fake, fixture, 'status', { drift: true });
    expect(run.code).toBe(1);
    expect(fake.sent().filter((c) => c.op === 'DetectStackSetDrift' && c.input.StackSetName === PROD)).toHaveLength(8);
    expect(run.stdout).toContain(
      `cloudformation:DetectStackSetDrift ${PROD} failed: DetectStackSetDrift ${PROD}: still Throttling after 8 attempts (Rate exceeded)`,
    );
    expect(run.stdout).toMatch(/^ {2}tarmac-guardrails-dev +300000000001 +eu-west-1 +ou-dev-3333 +CURRENT +SUCCEEDED +IN_SYNC +ok$/m);
  });

  test('deploy --management: Cost Explorer refuses: exit 1, refused before any stack is touched', async () => {
    const { fake, fixture } = await world();
    fake.fail('ListCostAllocationTags', 'access-denied', { times: 'always' });
    const run = await runCommand(fake, fixture, 'deploy', { management: true });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('could not check cost allocation tags: ce:ListCostAllocationTags failed: AccessDeniedException: User: ');
    expect(run.stdout).toContain('Refused: the cost allocation tags could not be checked, so nothing was deployed. Nothing was changed.');
    expect(fake.sent().filter((c) => c.op.endsWith('Stack') || c.op === 'DescribeStacks')).toEqual([]);
  });

  test('deploy --management: the credentials have expired: exit 2, one line, nothing read or changed', async () => {
    const { fake, fixture } = await world();
    fake.fail(
      'GetCallerIdentity',
      new STSServiceException({
        name: 'ExpiredToken',
        $fault: 'client',
        message: 'The security token included in the request is expired',
        $metadata: { httpStatusCode: 403 },
      }),
      { times: 'always' },
    );
    const run = await runCommand(fake, fixture, 'deploy', { management: true });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('tarmac: sts:GetCallerIdentity failed: ExpiredToken: The security token included in the request is expired\n');
    expect(run.stdout).toBe('');
    expect(fake.sent().map((c) => c.op)).toEqual(['GetCallerIdentity']);
  });
});
