import { OperationInProgressException } from '@aws-sdk/client-cloudformation';
import { cfnError } from './__tests__/fake-aws';
import { isThrottle } from './aws-errors';
import { sameDocument } from './canonical-json';
import { liveProgress, plainProgress } from './progress';
import { DEFAULT_RETRY, RetriesExhausted, backoffMs, withOperationId } from './retry';

const busy = () => new OperationInProgressException({ message: 'Another Operation on StackSet is in progress', $metadata: { httpStatusCode: 409 } });

describe('withOperationId', () => {
  afterEach(() => jest.restoreAllMocks());

  test('a new operation ID per attempt, backing off exponentially between them', async () => {
    const waits: number[] = [];
    const ids: string[] = [];
    jest.spyOn(Math, 'random').mockReturnValue(0.25);
    const policy = { ...DEFAULT_RETRY, sleep: async (ms: number) => void waits.push(ms) };
    const { operationId } = await withOperationId('UpdateStackSet x', policy, async (id) => {
      ids.push(id);
      if (ids.length < 4) throw busy();
    });
    expect(ids).toHaveLength(4);
    expect(new Set(ids).size).toBe(4);
    expect(operationId).toBe(ids[3]);
    // base × 2^attempt halved, plus the random share (a quarter) of the other half: 2 s × 2^attempt × 5/8.
    expect(waits).toEqual([1250, 2500, 5000]);
  });

  test('other errors are not retried', async () => {
    let calls = 0;
    const err = cfnError('ValidationError', 'Template format error');
    const run = withOperationId('x', { ...DEFAULT_RETRY, sleep: async () => {} }, async () => {
      calls++;
      throw err;
    });
    await expect(run).rejects.toBe(err);
    expect(calls).toBe(1);
  });

  test('gives up after the limit with the last error', async () => {
    const run = withOperationId('CreateStackInstances s', { ...DEFAULT_RETRY, attempts: 3, sleep: async () => {} }, async () => {
      throw busy();
    });
    await expect(run).rejects.toThrow(RetriesExhausted);
    await expect(run).rejects.toThrow(
      'CreateStackInstances s: still OperationInProgressException after 3 attempts (Another Operation on StackSet is in progress)',
    );
  });
});

describe('backoffMs', () => {
  afterEach(() => jest.restoreAllMocks());
  /** The backoff of attempts 0 to 6 and 20 with Math.random returning `random`. */
  const backoffs = (random: number) => {
    jest.spyOn(Math, 'random').mockReturnValue(random);
    return [0, 1, 2, 3, 4, 5, 6, 20].map((attempt) => backoffMs(DEFAULT_RETRY, attempt));
  };

  test('half of base × 2^attempt, plus a random share of the other half; the ceiling stops at maxMs', () => {
    // DEFAULT_RETRY: base 2 s, max 60 s; the ceiling doubles 2, 4, 8, 16, 32 s, then 60 s from attempt 5 on.
    expect(backoffs(0)).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
    expect(backoffs(0.5)).toEqual([1_500, 3_000, 6_000, 12_000, 24_000, 45_000, 45_000, 45_000]);
    expect(backoffs(0.999_999)).toEqual([2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000]);
  });

  test('a policy of its own: its base and cap', () => {
    jest.spyOn(Math, 'random').mockReturnValue(0.5);
    const policy = { ...DEFAULT_RETRY, baseMs: 100, maxMs: 500 };
    expect([0, 1, 2, 3, 10].map((attempt) => backoffMs(policy, attempt))).toEqual([75, 150, 300, 375, 375]);
  });
});

test('throttling as each service says it', () => {
  expect(isThrottle(cfnError('Throttling', 'Rate exceeded'))).toBe(true);
  expect(isThrottle(cfnError('ThrottlingException', 'slow down'))).toBe(true);
  expect(isThrottle(cfnError('TooManyRequestsException', 'too many'))).toBe(true);
  expect(isThrottle(cfnError('ValidationError', 'Template format error'))).toBe(false);
});

test('documents compare by meaning, not key order or whitespace', () => {
  expect(sameDocument('{"a":1,"b":[1,{"c":2,"d":3}]}', '{ "b": [1, {"d":3, "c":2}], "a": 1 }')).toBe(true);
  expect(sameDocument('{"a":1}', '{"a":2}')).toBe(false);
  expect(sameDocument('a: 1\n', 'a: 1')).toBe(true);
});

test('plain progress: one line per change of state', () => {
  let out = '';
  const p = plainProgress((s) => (out += s));
  p.update('tarmac-x', 'UpdateStackSet running');
  p.update('tarmac-x', 'UpdateStackSet running');
  p.done('tarmac-x', 'update: done');
  p.warn('careful');
  expect(out).toBe('tarmac-x: UpdateStackSet running\ntarmac-x: update: done\nwarning: careful\n');
});

test('live progress: one line per item, redrawn in place, with the time elapsed', () => {
  let out = '';
  let now = 0;
  const p = liveProgress({ write: (s: string) => (out += s) }, () => now);
  p.update('tarmac-a', 'UpdateStackSet running, 1/6 instances done');
  now = 12_000;
  p.update('tarmac-a', 'UpdateStackSet running, 4/6 instances done');
  p.done('tarmac-a', 'update: done');
  p.stop();
  const frames = out.split('\x1b[1A');
  expect(frames.length).toBeGreaterThan(2);
  expect(frames[1]).toMatch(/^\x1b\[2K. tarmac-a {2}UpdateStackSet running, 4\/6 instances done {2}12s\n$/);
  expect(frames[frames.length - 1]).toBe('\x1b[2K  tarmac-a  update: done\n');
});
