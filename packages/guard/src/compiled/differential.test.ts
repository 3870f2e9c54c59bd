// Seeded differential test: the compiled evaluator against native cfn-guard on every catalog control and the
// 237 Control Tower rules, over every control test input, the example templates and seeded mutants of them.
// TARMAC_DIFF_SEED=<n> replays another seed; scripts/differential-long.js runs many seeds.
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { parseTemplate } from '../template/parse-template';
import {
  CT_RULES,
  asHookInput,
  Doc,
  PairResult,
  REPO,
  RuleFile,
  describePair,
  disagreementKind,
  evaluates,
  loadRuleFiles,
  mutate,
  pairKey,
  prng,
  runDifferential,
  sameOutcome,
  seedTemplate,
  timing,
  vocabulary,
  walk,
} from './__tests__/differential';

const DEFAULT_SEED = 20261207;
const SEED = Number(process.env.TARMAC_DIFF_SEED ?? DEFAULT_SEED);
const DEFAULT_MUTANTS = 28;
const MUTANTS_PER_RULE = Number(process.env.TARMAC_DIFF_MUTANTS ?? DEFAULT_MUTANTS);
/** The named lists below are this run's: another seed or mutant count is checked for agreement only. */
const DEFAULT_RUN = SEED === DEFAULT_SEED && MUTANTS_PER_RULE === DEFAULT_MUTANTS;
const BASES_PER_RULE = 6;
const MAX_FIXTURES_PER_RULE = 10;

/**
 * Known disagreements with native cfn-guard, by `rule @ document label`, each with why. A listed pair that
 * agrees fails the test too, so the list cannot rot. Only checked on the default run (DEFAULT_RUN).
 */
const EXPECTED_DISAGREEMENTS: Record<string, string> = {};

/**
 * Pairs the evaluator refuses (UnsupportedGuard, so the rule goes to native), by `rule @ document`: no rule file is
 * refused outright, but a filter after a query part that reaches a mutated shape is, where native errors too.
 * Only checked on the default run; a listed pair that is no longer refused fails the test too.
 */
const EXPECTED_REFUSALS: string[] = [];

function fixtureDocs(): Doc[] {
  const docs: Doc[] = [];
  for (const file of walk(path.join(REPO, 'policies/controls')).filter((f) => /\/tests\/[^/]+\.ya?ml$/.test(f))) {
    const cases = (YAML.parse(fs.readFileSync(file, 'utf8')) ?? []) as { name: string; input?: unknown }[];
    for (const c of cases) docs.push({ label: `${path.relative(REPO, file)}: ${c.name}`, document: c.input ?? {} });
  }
  for (const file of walk(path.join(REPO, 'examples/templates')))
    docs.push({ label: path.relative(REPO, file), document: parseTemplate(fs.readFileSync(file), file).document });
  return docs;
}

/** Resource types a document holds: template resources and every hook input spelling. */
function typesOf(doc: unknown): Set<string> {
  const types = new Set<string>();
  const visit = (v: unknown, depth: number) => {
    if (!v || typeof v !== 'object' || depth > 4) return;
    for (const [k, x] of Object.entries(v)) {
      if ((k === 'Type' || k === 'ResourceType' || k === 'resourceType') && typeof x === 'string') types.add(x);
      visit(x, depth + 1);
    }
  };
  visit(doc, 0);
  return types;
}

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** A rule's documents: every fixture that can reach it, a seed template, and seeded mutants of them. */
function docsFor(rule: RuleFile, fixtures: readonly { doc: Doc; types: Set<string>; small: boolean }[]): Doc[] {
  const rand = prng(SEED ^ hash(rule.id));
  // Every input of the control's own test cases, the example templates, and a seeded sample of the other fixtures that reach the rule,
  // so that rules of common types do not dominate the run.
  const tests = rule.testFile ? `${path.relative(REPO, rule.testFile)}: ` : undefined;
  const own = fixtures.filter((f) => tests && f.doc.label.startsWith(tests)).map((f) => f.doc);
  const others = rule.types ? fixtures.filter((f) => !own.includes(f.doc) && [...f.types].some((t) => rule.types!.has(t))).map((f) => f.doc) : [];
  while (others.length > MAX_FIXTURES_PER_RULE) others.splice(Math.floor(rand() * others.length), 1);
  const bases: Doc[] = [...own, ...others];
  if (rule.types) bases.push({ label: `seed template of ${[...rule.types].sort().join(',')}`, document: seedTemplate(rule.types) });
  // Mutants of documents that reach the rule, when it says which do.
  const reaching = [...bases];
  // Padding from the small fixtures: a large template costs native time on every rule for few verdicts.
  const small = fixtures.filter((f) => f.small);
  while (bases.length < BASES_PER_RULE) bases.push(small[Math.floor(rand() * small.length)].doc);
  const vocab = vocabulary(rule.text);
  const mutants: Doc[] = [];
  for (let i = 0; i < MUTANTS_PER_RULE; i++) {
    const from = reaching.length ? reaching : bases;
    const base = from[Math.floor(rand() * from.length)];
    let document: unknown = base.document;
    const what: string[] = [];
    for (let n = 1 + Math.floor(rand() * 3); n > 0; n--) {
      const m = mutate(rand, document, rule.types, vocab);
      document = m.document;
      what.push(m.what);
    }
    // A quarter of the mutants reach the rule as a Guard Hook would send them, in every spelling.
    const hook = rand() < 0.25 ? asHookInput(rand, document, rule.types) : undefined;
    if (hook) {
      document = hook.document;
      what.push(hook.what);
    }
    mutants.push({ label: `mutant ${i} of ${base.label} (seed ${SEED}): ${what.join('; ')}`, document });
  }
  const examples = fixtures.filter((f) => f.doc.label.startsWith('examples/') && !bases.includes(f.doc)).map((f) => f.doc);
  return [...bases, ...examples, ...mutants];
}

/**
 * Small named cases, each on both engines: the failing attributions they pin are stated too, so a change on
 * either side is seen. Inline rules use the resource Role; `file` names a real rule file instead.
 */
const NAMED_CASES: { name: string; rules: string | { file: string }; document: unknown; failing: string[] }[] = [
  {
    // A filter on a scalar after `[*]` opens no Filter record (eval_context.rs query_retrieval_with_converter,
    // Filter on a non-map, non-list value): the failed call of element 0 is reported in the `empty` clause.
    name: 'filter on scalars: the elements the filter dropped are reported too',
    rules:
      'rule admin(a) { %a == /Admin$/ or %a.Sub == /Admin$/ }\n' +
      'rule r { let arns = Resources.*.Properties.Arns[*]\n let admins = %arns[ admin(this) ]\n %admins empty }',
    document: { Resources: { Role: { Type: 'T', Properties: { Arns: ['a', 'xAdmin'] } } } },
    failing: ['/Resources/Role/Properties/Arns/0', '/Resources/Role/Properties/Arns/1'],
  },
  {
    name: 'filter on maps of a list: each element has its own Filter record, nothing leaks',
    rules: 'rule admin(a) { %a == /Admin$/ }\n' + 'rule r { let admins = Resources.*.Properties.Arns[ admin(Name) ]\n %admins empty }',
    document: { Resources: { Role: { Type: 'T', Properties: { Arns: [{ Name: 'a' }, { Name: 'xAdmin' }] } } } },
    failing: ['/Resources/Role/Properties/Arns/1'],
  },
  {
    // eval_parameterized_rule_call resolves its arguments before the call's record opens: a dropped element's
    // failure is the container's, reported when the rule fails even though the call itself passed.
    name: 'filter on scalars in a rule argument: reported with the container',
    rules:
      'rule admin(a) { %a == /Admin$/ }\nrule has(x) { %x exists }\n' +
      'rule r { has(Resources.*.Properties.Arns[*][ admin(this) ])\n Resources.*.Properties.Other == 1 }',
    document: { Resources: { Role: { Type: 'T', Properties: { Arns: ['a', 'xAdmin'], Other: 2 } } } },
    failing: ['/Resources/Role/Properties/Arns/0', '/Resources/Role/Properties/Other'],
  },
  {
    name: 'filter on scalars in a rule argument of a passing `or`: dropped with the Disjunction record',
    rules:
      'rule admin(a) { %a == /Admin$/ }\nrule has(x) { %x exists }\n' +
      'rule r { has(Resources.*.Properties.Arns[*][ admin(this) ]) or Resources.*.Properties.Other == 2\n Resources.*.Properties.Other == 1 }',
    document: { Resources: { Role: { Type: 'T', Properties: { Arns: ['a', 'xAdmin'], Other: 2 } } } },
    failing: ['/Resources/Role/Properties/Other'],
  },
  {
    name: 'LZ.LAMBDA.2: AdministratorAccess second in ManagedPolicyArns',
    rules: { file: 'policies/controls/lambda/execution-role-not-admin.guard' },
    document: {
      Resources: {
        Role: {
          Type: 'AWS::IAM::Role',
          Properties: {
            AssumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
            ManagedPolicyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess', 'arn:aws:iam::aws:policy/AdministratorAccess'],
          },
        },
      },
    },
    failing: ['/Resources/Role/Properties/ManagedPolicyArns/0', '/Resources/Role/Properties/ManagedPolicyArns/1'],
  },
  ...[null, 'x', 0, ['a'], [{ Engine: 'mysql' }]].map((properties) => ({
    // `%rds_db_instance [filter_engine(this)]` on a scalar Properties: the same unrecorded filter, so the failed
    // filter_engine call names /Resources/Good/Properties; a list's elements are filtered in records of their own.
    name: `ct-rds-pr-14: next to a failing instance, Properties ${JSON.stringify(properties)}`,
    rules: { file: path.join(CT_RULES, 'rds/ct-rds-pr-14.guard') },
    document: {
      Resources: {
        Good: { Type: 'AWS::RDS::DBInstance', Properties: properties },
        Bad: { Type: 'AWS::RDS::DBInstance', Properties: { Engine: 'oracle-se2', DeletionProtection: false } },
      },
    },
    failing: [
      '/Resources/Bad/Properties',
      ...(properties === null || !Array.isArray(properties) ? ['/Resources/Good/Properties'] : []),
      ...(Array.isArray(properties) && typeof properties[0] === 'object' ? ['/Resources/Good/Properties/0'] : []),
    ],
  })),
];

describe('compiled Guard evaluator: named cases against native cfn-guard', () => {
  let results: PairResult[] = [];

  beforeAll(async () => {
    results = await runDifferential(
      NAMED_CASES.map((c, i) => {
        const file = typeof c.rules === 'string' ? `named-${i}.guard` : path.resolve(REPO, c.rules.file);
        const text = typeof c.rules === 'string' ? c.rules : fs.readFileSync(file, 'utf8');
        return { rule: { id: c.name, file, text }, docs: [{ label: c.name, document: c.document }] };
      }),
    );
  }, 60000);

  test.each(NAMED_CASES.map((c, i) => [c.name, i] as const))('%s', (_name, i) => {
    const r = results[i];
    expect(r.compiled).toEqual(r.native);
    const failing = typeof r.native === 'string' ? [] : r.native.failures.flatMap((f) => /\[([^\]]*)\]/.exec(f)![1].split(' ')).filter(Boolean);
    expect(failing.sort()).toEqual([...NAMED_CASES[i].failing].sort());
  });
});

describe('compiled Guard evaluator: differential against native cfn-guard', () => {
  let results: PairResult[] = [];

  beforeAll(
    async () => {
      const started = Date.now();
      const fixtures = fixtureDocs().map((doc) => ({ doc, types: typesOf(doc.document), small: JSON.stringify(doc.document).length < 2000 }));
      const rules = loadRuleFiles();
      results = await runDifferential(rules.map((rule) => ({ rule, docs: docsFor(rule, fixtures) })));
      const evaluated = results.filter((r) => evaluates(r.native)).length;
      const refused = results.filter((r) => r.compiled === 'REFUSED').length;
      const disagreements = results.filter((r) => r.compiled !== 'REFUSED' && !sameOutcome(r.native, r.compiled)).length;
      console.log(
        `differential (seed ${SEED}): ${rules.length} rule files, ${fixtures.length} fixtures, ${results.length} pairs, ${evaluated} evaluated (not all SKIP), ` +
          `${results.filter((r) => r.native === 'ERROR').length} native errors, ${refused} refused, ${disagreements} disagreements, ${Date.now() - started} ms (native ${timing.nativeMs} ms, compiled ${timing.compiledMs} ms summed over workers)`,
      );
      for (const r of results.filter((x) => x.compiled === 'REFUSED')) console.log(`refused: ${describePair(r)}`);
      const kinds = new Map<string, number>();
      for (const r of results.filter((x) => x.compiled !== 'REFUSED' && !sameOutcome(x.native, x.compiled)))
        kinds.set(disagreementKind(r), (kinds.get(disagreementKind(r)) ?? 0) + 1);
      console.log(`disagreements by kind: ${JSON.stringify(Object.fromEntries(kinds))}`);
      if (process.env.TARMAC_DIFF_PROFILE) console.log(JSON.stringify(timing.perRule.sort((a, b) => b.ms - a.ms).slice(0, 25)));
    },
    Math.max(120000, MUTANTS_PER_RULE * 8000),
  );

  test('at least 5,000 pairs evaluate something', () => {
    expect(results.filter((r) => evaluates(r.native)).length).toBeGreaterThanOrEqual(5000);
  });

  // A refused pair is not a wrong verdict (the rule goes to native cfn-guard), so other runs only print them.
  test('the refused pairs are exactly the listed ones', () => {
    if (DEFAULT_RUN)
      expect(
        results
          .filter((r) => r.compiled === 'REFUSED')
          .map(pairKey)
          .sort(),
      ).toEqual([...EXPECTED_REFUSALS].sort());
  });

  test('every pair has the same statuses and failing attributions on both engines, except the listed ones', () => {
    const wrong = results.filter((r) => r.compiled !== 'REFUSED' && !sameOutcome(r.native, r.compiled));
    const unexpected = wrong.filter((r) => !(pairKey(r) in EXPECTED_DISAGREEMENTS)).map(describePair);
    expect(unexpected.slice(0, 20)).toEqual([]);
    if (DEFAULT_RUN) {
      const seen = new Set(wrong.map(pairKey));
      expect(Object.keys(EXPECTED_DISAGREEMENTS).filter((k) => !seen.has(k))).toEqual([]);
    }
  });
});
