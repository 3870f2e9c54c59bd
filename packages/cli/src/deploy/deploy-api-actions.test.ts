import { DEPLOY_API_ACTIONS } from '@tarmac/core/org';
import { AwsOperation, serviceOf } from './__tests__/fake-aws';
import { FakeAws } from './__tests__/fake-aws';
import { COST_TAGS, makeFixture } from './__tests__/fixture';
import { driftedWorlds, operationsSent, runCommand } from './__tests__/run-command';

jest.mock('../build-output', () => ({ verifyBuild: jest.fn() }));

/**
 * `tarmac build` proves that the pipeline role may make the API calls of plan, deploy and status in the
 * delegated administrator account (DEPLOY_API_ACTIONS, in @tarmac/core). That list must be what they send: a
 * call it lacks would go unchecked against the SCPs.
 */

const { world, keep } = driftedWorlds();

/** The IAM action that authorizes an operation: its own name, except where the API reference names another. */
const actionOf = (op: AwsOperation) => (op === 'HeadObject' ? 's3:GetObject' : `${serviceOf(op)}:${op}`);

// No IAM permission is needed (and no SCP can deny) sts:GetCallerIdentity, per its API reference.
const UNAUTHORIZED = ['sts:GetCallerIdentity'];
// Read for a stack operation that failed (its reasons), which these runs do not have: aws-failures.test.ts has them.
const ON_FAILURE = ['cloudformation:DescribeStackEvents'];

test('DEPLOY_API_ACTIONS is exactly what a first deploy, then plan, deploy --allow-delete and status --drift call in the delegated administrator account', async () => {
  const sent = new Set<string>();
  const fresh = { fake: new FakeAws(), fixture: makeFixture({ baselines: true }) };
  keep(fresh);
  for (const key of COST_TAGS) fresh.fake.costAllocationTags.set(key, 'Active');
  expect((await runCommand(fresh.fake, fresh.fixture, 'deploy')).code).toBe(0);
  for (const op of operationsSent(fresh.fake)) sent.add(actionOf(op));
  fresh.fake.restore();
  for (const [command, options] of [
    ['plan', {}],
    ['deploy', { allowDelete: true }],
    ['status', { drift: true }],
  ] as const) {
    const { fake, fixture } = await world();
    const run = await runCommand(fake, fixture, command, options);
    expect(run.stderr).not.toMatch(/error/i);
    for (const op of operationsSent(fake)) sent.add(actionOf(op));
    fake.restore();
  }
  expect(sent.has('organizations:CreatePolicy') && sent.has('s3:PutObject') && sent.has('cloudformation:DeleteStackSet')).toBe(true);
  expect([...sent, ...ON_FAILURE].filter((a) => !UNAUTHORIZED.includes(a)).sort()).toEqual([...DEPLOY_API_ACTIONS].sort());
});
