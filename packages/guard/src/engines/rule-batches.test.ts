import { GuardRule } from '../rules/guard-rule';
import { parseTemplate } from '../template/parse-template';
import { EvaluationJob } from './engine';
import { planRuleBatches } from './rule-batches';

const rule = (id: string, types: string[], text = `let r = Resources.*[ Type == '${types[0]}' ]\nrule ${id.toLowerCase()} when %r not empty { %r.Properties exists }`): GuardRule => ({
  id, origin: 'custom', file: `${id}.guard`, text, names: [id.toLowerCase()], resourceTypes: new Set(types),
  title: id, severity: 'high', message: id, mode: 'enforce', unresolved: 'warn',
});
const job = (name: string, rules: GuardRule[]): EvaluationJob => ({
  template: parseTemplate(Buffer.from(`Resources:\n  ${name}:\n    Type: AWS::S3::Bucket\n`), `${name}.yaml`),
  rules,
});

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
    const apart = planRuleBatches([job('One', [a, b]), job('Two', [a, b, ...many]), job('Three', [...many])]);
    expect(apart.find((x) => x.rules.includes(a))!.rules).toEqual([a, b]);
    expect(covered(apart)).toHaveLength(2 * 2 + 40 * 2);
  });

  test('two rule files reporting the same name never share a batch', () => {
    const twin = { ...rule('A', ['AWS::S3::Bucket']), file: 'elsewhere/A.guard' };
    const batches = planRuleBatches([job('One', [a, twin])]);
    expect(batches).toHaveLength(2);
    expect(covered(batches)).toEqual(['One.yaml A', 'One.yaml A']);
  });

  test('template sets are split at maxTemplates, so a big batch spreads over processes', () => {
    const jobs = Array.from({ length: 5 }, (_, i) => job(`T${i}`, [a]));
    expect(planRuleBatches(jobs, 2).map((x) => x.jobs.length)).toEqual([2, 2, 1]);
  });

  test('small groups merge when that adds few evaluations; large differences stay apart', () => {
    const many = Array.from({ length: 40 }, (_, i) => rule(`M${i}`, ['AWS::S3::Bucket']));
    const jobs = [job('One', [a, ...many]), job('Two', [b])];
    const batches = planRuleBatches(jobs);
    // B alone on Two merges with nothing cheaper than 40 wasted evaluations: two batches.
    expect(batches).toHaveLength(2);
    const small = planRuleBatches([job('One', [a]), job('Two', [b])]);
    expect(small).toHaveLength(1); // one extra evaluation each way beats a second process
    expect(covered(small)).toEqual(['One.yaml A', 'One.yaml B', 'Two.yaml A', 'Two.yaml B']);
  });

  test('a batch is narrowed to its rules’ types only when every rule is narrowable', () => {
    const everywhere = rule('E', ['AWS::S3::Bucket'], 'let all = Resources.*\nrule e { %all exists }');
    const [narrow] = planRuleBatches([job('One', [a, c])]);
    expect([...narrow.narrowTo!].sort()).toEqual(['AWS::S3::Bucket', 'AWS::SQS::Queue']);
    const [whole] = planRuleBatches([job('One', [a, everywhere])]);
    expect(whole.narrowTo).toBeUndefined();
    // Dispatched on buckets, but it filters on bucket policies too: those must not be stubbed.
    const policies = rule('P', ['AWS::S3::Bucket'], "let p = Resources.*[ Type == 'AWS::S3::BucketPolicy' ]\nrule p when %p not empty { %p.Properties exists }");
    const [both] = planRuleBatches([job('One', [policies])]);
    expect([...both.narrowTo!].sort()).toEqual(['AWS::S3::Bucket', 'AWS::S3::BucketPolicy']);
  });
});
