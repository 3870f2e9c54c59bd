import { GuardRule } from '../rules/guard-rule';
import { parseTemplate } from '../template/parse-template';
import { EvaluationJob } from './engine';
import { planRuleBatches } from './rule-batches';

const rule = (
  id: string,
  types: string[],
  text = `let r = Resources.*[ Type == '${types[0]}' ]\nrule ${id.toLowerCase()} when %r not empty { %r.Properties exists }`,
): GuardRule => ({
  id,
  origin: 'custom',
  file: `${id}.guard`,
  text,
  names: [id.toLowerCase()],
  resourceTypes: new Set(types),
  title: id,
  severity: 'high',
  message: id,
  mode: 'enforce',
  unresolved: 'warn',
});
const job = (name: string, rules: GuardRule[]): EvaluationJob => ({
  template: parseTemplate(Buffer.from(`Resources:\n  ${name}:\n    Type: AWS::S3::Bucket\n`), `${name}.yaml`),
  rules,
});
/** A template of `count` buckets and as many queues, each resource about 1 KB. */
const big = (name: string, count: number, rules: GuardRule[]): EvaluationJob => {
  const resources: Record<string, unknown> = {};
  for (let i = 0; i < count; i++) {
    resources[`B${i}`] = { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'x'.repeat(1000) } };
    resources[`Q${i}`] = { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'x'.repeat(1000) } };
  }
  return { template: parseTemplate(Buffer.from(JSON.stringify({ Resources: resources })), `${name}.json`), rules };
};

const covered = (batches: ReturnType<typeof planRuleBatches>) =>
  batches.flatMap((b) => b.rules.flatMap((r) => b.jobs.map((j) => `${j.template.file} ${r.id}`))).sort();

describe('planRuleBatches', () => {
  const a = rule('A', ['AWS::S3::Bucket']);
  const b = rule('B', ['AWS::S3::Bucket']);
  const c = rule('C', ['AWS::SQS::Queue']);

  test('rules with the same templates share one batch; every applicable pair is evaluated, none twice', () => {
    const jobs = [job('One', [a, b]), job('Two', [a, b, c]), job('Three', [c])];
    const pairs = covered(planRuleBatches(jobs));
    expect(new Set(pairs).size).toBe(pairs.length);
    expect(pairs).toEqual(expect.arrayContaining(['One.yaml A', 'One.yaml B', 'Three.yaml C', 'Two.yaml A', 'Two.yaml B', 'Two.yaml C']));
    const many = Array.from({ length: 40 }, (_, i) => rule(`M${i}`, ['AWS::SQS::Queue']));
    const apart = planRuleBatches([big('One', 20, [a, b]), big('Two', 20, [a, b, ...many]), big('Three', 20, [...many])]);
    expect(apart.find((x) => x.rules.includes(a))!.rules).toEqual([a, b]);
    expect(covered(apart)).toHaveLength(2 * 2 + 40 * 2);
    expect(new Set(covered(apart)).size).toBe(2 * 2 + 40 * 2);
  });

  test('two rule files reporting the same name never share a batch', () => {
    const twin = { ...rule('A', ['AWS::S3::Bucket']), file: 'elsewhere/A.guard' };
    const batches = planRuleBatches([job('One', [a, twin])]);
    expect(batches).toHaveLength(2);
    expect(covered(batches)).toEqual(['One.yaml A', 'One.yaml A']);
  });

  test('template sets are split at maxTemplates', () => {
    const jobs = Array.from({ length: 5 }, (_, i) => job(`T${i}`, [a]));
    expect(planRuleBatches(jobs, { maxTemplates: 2 }).map((x) => x.jobs.length)).toEqual([2, 2, 1]);
  });

  test('small groups merge when that costs less than another process; on large templates they stay apart', () => {
    const small = planRuleBatches([job('One', [a]), job('Two', [b])]);
    expect(small).toHaveLength(1);
    expect(covered(small)).toEqual(['One.yaml A', 'One.yaml B', 'Two.yaml A', 'Two.yaml B']);
    const many = Array.from({ length: 40 }, (_, i) => rule(`M${i}`, ['AWS::S3::Bucket']));
    // 40 rules on Two's 100 KB would cost far more than a process: two batches.
    const apart = planRuleBatches([big('One', 50, [a, ...many]), big('Two', 50, [b])]);
    expect(apart).toHaveLength(2);
    expect(covered(apart)).toHaveLength(42);
  });

  test('on large templates, rules reading different types get batches of their own, narrowed to those types', () => {
    const jobs = [big('One', 50, [a, b, c]), big('Two', 50, [a, b, c])];
    const batches = planRuleBatches(jobs);
    expect(batches.map((x) => [x.rules.map((r) => r.id).join(','), [...x.narrowTo!].join(',')]).sort()).toEqual([
      ['A,B', 'AWS::S3::Bucket'],
      ['C', 'AWS::SQS::Queue'],
    ]);
  });

  test('with several workers, large work is split by templates, then by rules, and still covers every pair once', () => {
    const rules = Array.from({ length: 8 }, (_, i) => rule(`R${i}`, ['AWS::S3::Bucket']));
    const jobs = [big('One', 100, rules), big('Two', 100, rules)];
    expect(planRuleBatches(jobs)).toHaveLength(1);
    const spread = planRuleBatches(jobs, { workers: 4 });
    expect(spread.length).toBeGreaterThanOrEqual(8);
    expect(spread.every((x) => x.jobs.length === 1)).toBe(true);
    expect(covered(spread)).toEqual(covered(planRuleBatches(jobs)));
    expect(new Set(covered(spread)).size).toBe(16);
    // Largest first.
    expect(spread.map((x) => x.cost)).toEqual([...spread.map((x) => x.cost)].sort((p, q) => q - p));
  });

  test('a batch is narrowed to its rules’ types only when every rule is narrowable', () => {
    const everywhere = rule('E', ['AWS::S3::Bucket'], 'let all = Resources.*\nrule e { %all exists }');
    const [narrow] = planRuleBatches([job('One', [a, c])]);
    expect([...narrow.narrowTo!].sort()).toEqual(['AWS::S3::Bucket', 'AWS::SQS::Queue']);
    const [whole] = planRuleBatches([job('One', [a, everywhere])]);
    expect(whole.narrowTo).toBeUndefined();
    // Dispatched on buckets, but it filters on bucket policies too: those must not be stubbed.
    const policies = rule(
      'P',
      ['AWS::S3::Bucket'],
      "let p = Resources.*[ Type == 'AWS::S3::BucketPolicy' ]\nrule p when %p not empty { %p.Properties exists }",
    );
    const [both] = planRuleBatches([job('One', [policies])]);
    expect([...both.narrowTo!].sort()).toEqual(['AWS::S3::Bucket', 'AWS::S3::BucketPolicy']);
  });
});
