import * as path from 'path';
import { loadCatalog } from './load-catalog';
import { MandatoryTag } from './model';
import { tagValueProblem } from './tag-values';

const POLICIES = path.resolve(__dirname, '..', '..', '..', '..', 'policies');

describe('tagValueProblem with hand-written tags', () => {
  const env: MandatoryTag = { key: 'env', description: 'stage', values: ['dev', 'staging', 'prod'] };
  const costCenter: MandatoryTag = { key: 'cost-center', description: 'cc', pattern: '^cc-[0-9]{2,6}$', example: 'cc-4200' };
  const noExample: MandatoryTag = { key: 'team', description: 'team', pattern: '^[a-z]+$' };

  test('an allowed value has no problem', () => {
    expect(tagValueProblem(env, 'prod')).toBeUndefined();
    expect(tagValueProblem(env, 'dev')).toBeUndefined();
  });

  test('a value outside the list names the allowed values', () => {
    expect(tagValueProblem(env, 'qa')).toBe('expected one of dev, staging, prod');
  });

  test('values are compared exactly: case and surrounding space matter', () => {
    expect(tagValueProblem(env, 'Prod')).toBe('expected one of dev, staging, prod');
    expect(tagValueProblem(env, ' prod')).toBe('expected one of dev, staging, prod');
    expect(tagValueProblem(env, '')).toBe('expected one of dev, staging, prod');
  });

  test('a value that matches the pattern has no problem', () => {
    expect(tagValueProblem(costCenter, 'cc-42')).toBeUndefined();
    expect(tagValueProblem(costCenter, 'cc-123456')).toBeUndefined();
  });

  test('a value that does not match names the pattern and the example', () => {
    expect(tagValueProblem(costCenter, 'cc-1')).toBe('expected a value matching ^cc-[0-9]{2,6}$ (for example cc-4200)');
    expect(tagValueProblem(costCenter, 'CC-42')).toBe('expected a value matching ^cc-[0-9]{2,6}$ (for example cc-4200)');
    expect(tagValueProblem(costCenter, 'cc-1234567')).toBe('expected a value matching ^cc-[0-9]{2,6}$ (for example cc-4200)');
  });

  test('without an example the message is only the pattern', () => {
    expect(tagValueProblem(noExample, 'Data')).toBe('expected a value matching ^[a-z]+$');
    expect(tagValueProblem(noExample, 'data')).toBeUndefined();
  });

  test('a tag with both values and a pattern needs both', () => {
    const both: MandatoryTag = { key: 'tier', description: 'tier', values: ['gold', 'g0ld'], pattern: '^[a-z]+$' };
    expect(tagValueProblem(both, 'gold')).toBeUndefined();
    expect(tagValueProblem(both, 'silver')).toBe('expected one of gold, g0ld');
    expect(tagValueProblem(both, 'g0ld')).toBe('expected a value matching ^[a-z]+$');
  });
});

describe('tagValueProblem with the catalog’s mandatory tags', () => {
  const tags = new Map(loadCatalog(POLICIES).tags.map((t) => [t.key, t]));
  const problem = (key: string, value: string) => tagValueProblem(tags.get(key)!, value);

  test.each([
    ['team', 'data-platform'],
    ['project', 'customer-360'],
    ['env', 'staging'],
    ['domain', 'inference'],
    ['cost-center', 'cc-4200'],
  ])('%s=%s is allowed', (key, value) => {
    expect(problem(key, value)).toBeUndefined();
  });

  test.each([
    ['team', 'Data_Platform', /^expected a value matching .+ \(for example data-platform\)$/],
    ['team', 'data-', /^expected a value matching/],
    ['project', 'x', /^expected a value matching .+ \(for example customer-360\)$/],
    ['env', 'production', /^expected one of dev, staging, prod$/],
    ['domain', 'gold', /^expected one of raw, curated, serving, inference, platform$/],
    ['cost-center', '4200', /^expected a value matching \^cc-\[0-9\]\{2,6\}\$ \(for example cc-4200\)$/],
  ])('%s=%s is refused', (key, value, expected) => {
    expect(problem(key, value)).toMatch(expected);
  });

  test('every example in tags.yaml is itself an allowed value', () => {
    for (const t of tags.values()) if (t.example !== undefined) expect([t.key, tagValueProblem(t, t.example)]).toEqual([t.key, undefined]);
  });
});
