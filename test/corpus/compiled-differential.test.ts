// The compiled evaluator against native cfn-guard on every template of ../shared/corpus with every catalog
// control and the 237 Control Tower rules: identical statuses per rule and identical failing resources.
import * as fs from 'fs';
import * as path from 'path';
import { discoverTemplates, parseTemplate } from '@tarmac/guard';
import {
  Doc,
  PairResult,
  describePair,
  evaluates,
  loadRuleFiles,
  pairKey,
  runDifferential,
  sameOutcome,
} from '../../packages/guard/src/compiled/__tests__/differential';

const ROOT = path.resolve(__dirname, '..', '..');
const CORPUS = path.resolve(ROOT, '..', 'shared', 'corpus', 'templates');

/** Known disagreements, by `rule @ template`: a listed pair that agrees fails the test too. */
const EXPECTED_DISAGREEMENTS: Record<string, string> = {};

const run = fs.existsSync(CORPUS) ? describe : describe.skip;

run('compiled Guard evaluator: differential on the real-world corpus', () => {
  let results: PairResult[] = [];

  beforeAll(async () => {
    const started = Date.now();
    const docs: Doc[] = discoverTemplates([CORPUS]).sources.map((s) => ({
      label: path.relative(CORPUS, s.file),
      document: parseTemplate(s.read(), s.file).document,
    }));
    const rules = loadRuleFiles();
    results = await runDifferential(rules.map((rule) => ({ rule, docs })));
    console.log(
      `corpus differential: ${rules.length} rule files x ${docs.length} templates = ${results.length} pairs, ${results.filter((r) => evaluates(r.native)).length} evaluated, ` +
        `${results.filter((r) => r.native === 'ERROR').length} native errors, ${results.filter((r) => r.compiled === 'REFUSED').length} refused, ` +
        `${results.filter((r) => !sameOutcome(r.native, r.compiled)).length} disagreements, ${Date.now() - started} ms`,
    );
  }, 600000);

  test('the corpus is there and rules evaluate on it', () => {
    expect(results.filter((r) => evaluates(r.native)).length).toBeGreaterThan(100);
  });

  test('no rule file is refused', () => {
    expect([...new Set(results.filter((r) => r.compiled === 'REFUSED').map((r) => r.rule.id))]).toEqual([]);
  });

  test('identical statuses and failing resources on every template, except the listed pairs', () => {
    const wrong = results.filter((r) => !sameOutcome(r.native, r.compiled));
    expect(
      wrong
        .filter((r) => !(pairKey(r) in EXPECTED_DISAGREEMENTS))
        .map(describePair)
        .slice(0, 20),
    ).toEqual([]);
    const seen = new Set(wrong.map(pairKey));
    expect(Object.keys(EXPECTED_DISAGREEMENTS).filter((k) => !seen.has(k))).toEqual([]);
  });
});
