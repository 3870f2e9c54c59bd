import { LimitExceededException, ListCostAllocationTagsCommand } from '@aws-sdk/client-cost-explorer';
import { FakeAws } from './__tests__/fake-aws';
import { checkCostAllocationTags, tagCheckLines, tagsReady } from './cost-allocation-tags';

let fake: FakeAws;
beforeEach(() => (fake = new FakeAws()));
afterEach(() => fake.restore());

const requests = () => fake.ce.commandCalls(ListCostAllocationTagsCommand).map((c) => c.args[0].input);

test('no tag to check: Cost Explorer is not asked, and the check passes', async () => {
  const check = await checkCostAllocationTags(fake.context(), []);
  expect(check).toEqual({ keys: [], inactive: [] });
  expect(tagsReady(check)).toBe(true);
  expect(fake.ce.calls()).toHaveLength(0);
});

test('more than 100 keys are asked in requests of at most 100 (the API limit), every page followed', async () => {
  const keys = Array.from({ length: 150 }, (_, i) => `tag-${String(i).padStart(3, '0')}`);
  for (const k of keys) fake.costAllocationTags.set(k, 'Active');
  fake.pageSizes.ListCostAllocationTags = 60;
  const check = await checkCostAllocationTags(fake.context(), keys);
  expect(check).toEqual({ keys, inactive: [] });
  expect(requests().map((r) => [r.TagKeys?.length, r.NextToken])).toEqual([
    [100, undefined],
    [100, 'page-60'],
    [50, undefined],
  ]);
});

test('tag keys are case-sensitive: an active `Team` does not make `team` active', async () => {
  fake.costAllocationTags.set('Team', 'Active');
  const check = await checkCostAllocationTags(fake.context(), ['team']);
  expect(check.inactive).toEqual([{ key: 'team', status: 'absent' }]);
  expect(tagsReady(check)).toBe(false);
});

test('LimitExceededException (Cost Explorer’s "too many calls") is waited out', async () => {
  fake.costAllocationTags.set('team', 'Active');
  fake.failNext(
    'ListCostAllocationTags',
    new LimitExceededException({ message: 'You made too many calls in a short period of time. Try again later.', $metadata: { httpStatusCode: 400 } }),
  );
  expect(await checkCostAllocationTags(fake.context(), ['team'])).toEqual({ keys: ['team'], inactive: [] });
  expect(requests()).toHaveLength(2);
});

test('an error is the check’s result, never a pass', async () => {
  fake.failNext(
    'ListCostAllocationTags',
    ...Array.from(
      { length: 8 },
      () => new LimitExceededException({ message: 'You made too many calls in a short period of time. Try again later.', $metadata: { httpStatusCode: 400 } }),
    ),
  );
  const check = await checkCostAllocationTags(fake.context(), ['team']);
  expect(check.error).toMatch(/^ce:ListCostAllocationTags: still LimitExceededException after 8 attempts/);
  expect(tagsReady(check)).toBe(false);
  expect(tagCheckLines(check)[0]).toBe(`could not check cost allocation tags: ${check.error}`);
});
