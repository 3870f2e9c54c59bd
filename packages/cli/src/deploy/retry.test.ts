import { OperationInProgressException } from '@aws-sdk/client-cloudformation';
import { cfnError } from './__tests__/fake-aws';
import { isThrottle } from './aws-errors';
import { sameDocument } from './canonical-json';
import { liveProgress, plainProgress } from './progress';
import { DEFAULT_RETRY, RetriesExhausted, backoffMs, withOperationId } from './retry';

const busy = () => new OperationInProgressException({ message: 'Another Operation on StackSet is in progress', $metadata: { httpStatusCode: 409 } });

describe('withOperationId', () => {
  test('a new operation ID per attempt, backing off exponentially between them', async () => {
    const waits: number[] = [];
    const ids: string[] = [];
    const policy = { ...DEFAULT_RETRY, sleep: async (ms: number) => void waits.push(ms) };
    const { operationId } = await withOperationId('UpdateStackSet x', policy, async (id) => {
      ids.push(id);
      if (ids.length < 4) throw busy();
    });
    expect(ids).toHaveLength(4);
    expect(new Set(ids).size).toBe(4);
    expect(operationId).toBe(ids[3]);
    // Jitter keeps each wait between half and all of base × 2^attempt.
    waits.forEach((ms, attempt) => {
      const ceiling = DEFAULT_RETRY.baseMs * 2 ** attempt;
      expect(ms).toBeGreaterThanOrEqual(ceiling / 2);
      expect(ms).toBeLessThanOrEqual(ceiling);
    });
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

test('backoff is capped', () => {
  expect(backoffMs(DEFAULT_RETRY, 20)).toBeLessThanOrEqual(DEFAULT_RETRY.maxMs);
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
