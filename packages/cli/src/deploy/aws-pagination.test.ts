import { FakeAws, PAGED, PAGED_OPERATIONS, PagedOperation } from './__tests__/fake-aws';
import { BILLING_STACK, billingTemplate, stackEvent } from './__tests__/fixture';
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
 * Pagination of every listing call plan, deploy and status make: the same command on two identical
 * organizations, one answering every list in a single page, the other one item per page. The output, the
 * exit code, the progress and what AWS holds afterwards must be the same: a page dropped or read twice
 * would change a count, a plan line or an instance row. Each run also shows that the lists it relies on
 * really came in several pages, and that the engine asked for the pages after the first.
 */

const { world } = driftedWorlds();

/** Requests that carried a token: the engine asked for a page after the first. */
const followed = (fake: FakeAws, op: PagedOperation) => fake.sent().filter((c) => c.op === op && c.input[PAGED[op].token] !== undefined).length;

interface Compared {
  unpaged: CommandRun;
  paged: CommandRun;
  fake: FakeAws;
}

/**
 * Runs the command on an unpaged and a paged (page size 1) organization prepared alike by `prepare`, one
 * after the other (aws-sdk-client-mock mocks the client classes: one fake answers at a time); expects the
 * same output, exit code, progress and resulting AWS state.
 */
async function samePagedAsUnpaged(command: CommandName, options: CommandOptions, prepare: (fake: FakeAws) => void = () => {}): Promise<Compared> {
  const a = await world();
  prepare(a.fake);
  a.fake.pageSize = Infinity;
  const unpaged = await runCommand(a.fake, a.fixture, command, options);
  const unpagedState = awsState(a.fake);
  // The unpaged run really had one page per list.
  expect([...a.fake.cutPages.keys()]).toEqual([]);
  a.fake.restore();

  const b = await world();
  prepare(b.fake);
  b.fake.pageSize = 1;
  const paged = await runCommand(b.fake, b.fixture, command, options);
  expect(paged.code).toBe(unpaged.code);
  expect(withoutIds(paged.stdout)).toBe(withoutIds(unpaged.stdout));
  expect(progressLines(paged.stderr)).toEqual(progressLines(unpaged.stderr));
  expect(awsState(b.fake)).toEqual(unpagedState);
  return { unpaged, paged, fake: b.fake };
}

/**
 * Each of `ops` was answered in more than one page, and each page that said there was more was asked for
 * (`firstOnly`: read to the first page only, by design; `untilFound`: read until what is looked for is found,
 * checked by the test); no other list the command sent came in pages.
 */
function expectPagedThrough(
  fake: FakeAws,
  ops: readonly PagedOperation[],
  { firstOnly = [], untilFound = [] }: { firstOnly?: readonly PagedOperation[]; untilFound?: readonly PagedOperation[] } = {},
): void {
  const cut = (op: PagedOperation) => fake.cutPages.get(op) ?? 0;
  expect(ops.map((op) => ({ op, several: cut(op) > 0, everyPageAskedFor: followed(fake, op) === cut(op) }))).toEqual(
    ops.map((op) => ({ op, several: true, everyPageAskedFor: true })),
  );
  expect(firstOnly.map((op) => ({ op, several: cut(op) > 0, followed: followed(fake, op) }))).toEqual(
    firstOnly.map((op) => ({ op, several: true, followed: 0 })),
  );
  // DescribeStacks by name is one stack: one page.
  const sent = operationsSent(fake).filter((op): op is PagedOperation => (PAGED_OPERATIONS as string[]).includes(op));
  expect(sent.filter((op) => cut(op) && ![...ops, ...firstOnly, ...untilFound].includes(op))).toEqual([]);
}

describe('pagination, page size 1: the same as one page', () => {
  test('tarmac plan: ListStackSets, ListStackInstances, ListPolicies, ListTargetsForPolicy', async () => {
    const { unpaged, fake } = await samePagedAsUnpaged('plan', {});
    expect(unpaged.code).toBe(0);
    // The plan sees everything the drift put there: an item on a later page would be missing otherwise.
    expect(unpaged.stdout).toMatch(/^ {2}- tarmac-guardrails-old +delete the stack set and its 4 instances \(needs --allow-delete\)$/m);
    expect(unpaged.stdout).toMatch(/^ {2}- tarmac-guardrails-older +delete the stack set and its 1 instance \(needs --allow-delete\)$/m);
    expect(unpaged.stdout).toMatch(/^ {2}- TAG +tarmac-tag-removed-1 +delete; detach ou-dev-3333, ou-old-9999 \(needs --allow-delete\)$/m);
    expect(unpaged.stdout).toMatch(/^ {2}~ SCP +tarmac-scp-root-1 +content changed$/m);
    expectPagedThrough(fake, ['ListStackSets', 'ListStackInstances', 'ListPolicies', 'ListTargetsForPolicy']);
  });

  test('tarmac deploy --allow-delete: and ListStackSetOperationResults of every operation', async () => {
    const { unpaged, fake } = await samePagedAsUnpaged('deploy', { allowDelete: true });
    expect(unpaged.code).toBe(0);
    expect(unpaged.stdout).toMatch(/^stack set +tarmac-guardrails-old +delete +ok *$/m);
    expect(unpaged.stdout).toMatch(/^policy +tarmac-tag-removed-1 +delete +ok +detached from ou-dev-3333; detached from ou-old-9999; deleted$/m);
    expect(unpaged.stderr).toMatch(/^tarmac-guardrails-old: DeleteStackInstances succeeded \(4\/4 instances done\)$/m);
    expect(fake.stackSets.has('tarmac-guardrails-old')).toBe(false);
    expect(fake.stackSets.has('someone-elses')).toBe(true);
    expectPagedThrough(fake, ['ListStackSets', 'ListStackInstances', 'ListPolicies', 'ListTargetsForPolicy', 'ListStackSetOperationResults']);
  });

  test('tarmac deploy --allow-delete with an instance failing within the tolerance: its reason read from a later page, removals held back', async () => {
    const { unpaged, fake } = await samePagedAsUnpaged('deploy', { allowDelete: true }, (f) => {
      f.operations = ({ stackSet, action }) =>
        stackSet === 'tarmac-guardrails-prod' && action === 'UPDATE'
          ? {
              instance: (account, region) =>
                account === '200000000003' && region === 'eu-west-1'
                  ? { Status: 'OUTDATED', DetailedStatus: 'FAILED', StatusReason: 'Hook failed to update: quota exceeded' }
                  : undefined,
            }
          : {};
    });
    expect(unpaged.code).toBe(1);
    expect(unpaged.stdout).toMatch(
      /^ {2}tarmac-guardrails-prod +200000000003 +eu-west-1 +ou-prod-2222 +OUTDATED +FAILED +FAILED +Hook failed to update: quota exceeded$/m,
    );
    // A guardrail the build dropped stays until everything the build has deployed.
    expect(unpaged.stdout).toMatch(/^stack set +tarmac-guardrails-old +not attempted +FAILED *$/m);
    expect(unpaged.stdout).toMatch(/^ {2}tarmac-guardrails-old: not attempted: tarmac-guardrails-prod did not deploy; /m);
    expect(fake.stackSets.has('tarmac-guardrails-old')).toBe(true);
    expectPagedThrough(fake, ['ListStackSets', 'ListStackInstances', 'ListPolicies', 'ListTargetsForPolicy', 'ListStackSetOperationResults']);
  });

  test('tarmac status --drift: ListStackInstances, ListStackSetOperationResults; ListStackSetOperations read to its newest', async () => {
    const { unpaged, fake } = await samePagedAsUnpaged('status', { drift: true }, (f) => {
      f.drift = (account, region) => (account === '200000000001' && region === 'eu-central-1' ? 'DRIFTED' : 'IN_SYNC');
    });
    expect(unpaged.code).toBe(1);
    // The last operation is the second deploy's update, not the first deploy's create.
    expect(unpaged.stdout).toMatch(/^tarmac-guardrails-prod +guardrails +ACTIVE +UPDATE SUCCEEDED \S+ +5\/5 current$/m);
    expect(unpaged.stdout).toMatch(/^ {2}tarmac-guardrails-prod +200000000001 +eu-central-1 +ou-prod-1111 +CURRENT +SUCCEEDED +DRIFTED +ok$/m);
    // ListStackSetOperations: the engine reads the first page only, which holds the newest operation (AWS
    // lists newest first, as the fake does); the history had more pages, and the status is the same as unpaged.
    expectPagedThrough(fake, ['ListStackInstances', 'ListStackSetOperationResults'], { firstOnly: ['ListStackSetOperations'] });
  });

  test('tarmac plan --management: ListCostAllocationTags', async () => {
    const { unpaged, fake } = await samePagedAsUnpaged('plan', { management: true }, (f) => f.costAllocationTags.set('team', 'Inactive'));
    expect(unpaged.code).toBe(1);
    expect(unpaged.stdout).toMatch(/^Cost allocation tags not active \(1 of 3\)/m);
    expectPagedThrough(fake, ['ListCostAllocationTags']);
  });

  test('tarmac deploy --management with a stack that rolls back: DescribeStackEvents back to the start of the update', async () => {
    const { unpaged, fake } = await samePagedAsUnpaged('deploy', { management: true }, (f) => {
      f.stacks.set(BILLING_STACK, { status: 'CREATE_COMPLETE', template: billingTemplate(500), outputs: {}, region: 'us-east-1' });
      f.stackFinal = 'UPDATE_ROLLBACK_COMPLETE';
      // Newest first, back past the start of this update to the previous one.
      f.stackEvents = [
        stackEvent(BILLING_STACK, BILLING_STACK, 'AWS::CloudFormation::Stack', 'UPDATE_ROLLBACK_COMPLETE', undefined, 8),
        stackEvent(BILLING_STACK, 'TeamBudget', 'AWS::Budgets::Budget', 'UPDATE_COMPLETE', undefined, 7),
        stackEvent(
          BILLING_STACK,
          BILLING_STACK,
          'AWS::CloudFormation::Stack',
          'UPDATE_ROLLBACK_IN_PROGRESS',
          'The following resource(s) failed to update: [TeamBudget]',
          6,
        ),
        stackEvent(BILLING_STACK, 'TeamBudget', 'AWS::Budgets::Budget', 'UPDATE_FAILED', 'Budget amount must be a multiple of 100', 5),
        stackEvent(BILLING_STACK, 'BudgetActionRole', 'AWS::IAM::Role', 'UPDATE_FAILED', 'Resource update cancelled', 4),
        stackEvent(BILLING_STACK, 'TeamBudget', 'AWS::Budgets::Budget', 'UPDATE_IN_PROGRESS', undefined, 3),
        stackEvent(BILLING_STACK, BILLING_STACK, 'AWS::CloudFormation::Stack', 'UPDATE_IN_PROGRESS', 'User Initiated', 2),
        stackEvent(BILLING_STACK, 'Old', 'AWS::S3::Bucket', 'CREATE_FAILED', 'an older failure that is not this update’s', 1),
      ];
    });
    expect(unpaged.code).toBe(1);
    expect(unpaged.stdout).toContain(
      'stack tarmac-finops-billing ended UPDATE_ROLLBACK_COMPLETE:\n    TeamBudget (AWS::Budgets::Budget) UPDATE_FAILED: Budget amount must be a multiple of 100',
    );
    expect(unpaged.stdout).not.toContain('an older failure');
    expectPagedThrough(fake, ['ListCostAllocationTags'], { untilFound: ['DescribeStackEvents'] });
    // Events back to the one that started the update (the 7th, newest first), and no page beyond it.
    expect(fake.cutPages.get('DescribeStackEvents')).toBe(7);
    expect(followed(fake, 'DescribeStackEvents')).toBe(6);
  });
});

describe('the fake pages as AWS does', () => {
  test('a token is good only for the request it was handed out for', async () => {
    const { fake } = await world();
    fake.pageSize = 1;
    const cfn = fake.clients().cloudFormation;
    const { ListStackInstancesCommand } = await import('@aws-sdk/client-cloudformation');
    const first = await cfn.send(new ListStackInstancesCommand({ StackSetName: 'tarmac-guardrails-prod', CallAs: 'DELEGATED_ADMIN' }));
    expect(first.Summaries).toHaveLength(1);
    expect(first.NextToken).toBeDefined();
    const second = await cfn.send(
      new ListStackInstancesCommand({ StackSetName: 'tarmac-guardrails-prod', CallAs: 'DELEGATED_ADMIN', NextToken: first.NextToken }),
    );
    expect(second.Summaries?.[0]).not.toEqual(first.Summaries?.[0]);
    await expect(
      cfn.send(new ListStackInstancesCommand({ StackSetName: 'tarmac-guardrails-dev', CallAs: 'DELEGATED_ADMIN', NextToken: first.NextToken })),
    ).rejects.toMatchObject({ name: 'ValidationError', $metadata: { httpStatusCode: 400 } });
    // MaxResults caps a page below the fake's page size.
    fake.pageSize = 10;
    const capped = await cfn.send(new ListStackInstancesCommand({ StackSetName: 'tarmac-guardrails-prod', CallAs: 'DELEGATED_ADMIN', MaxResults: 2 }));
    expect(capped.Summaries).toHaveLength(2);
  });
});
