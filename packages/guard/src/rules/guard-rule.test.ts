import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { loadCatalog } from '@tarmac/core';
import { nativeGuardBinary } from '../engines/native-binary';
import { readsResourcesOnlyByType, typesReadBy } from '../engines/narrow-document';
import { parseTemplate } from '../template/parse-template';
import { catalogDispatchProblems, catalogRules } from './catalog-rules';
import { controlTowerDispatch, controlTowerRules } from './control-tower-rules';
import { customRules } from './custom-rules';
import { deriveResourceTypes, ruleApplies } from './guard-rule';
import { analyzeRule } from './rule-analysis';

const FIXTURES = path.join(__dirname, '__fixtures__', 'dispatch');
const POLICIES = path.resolve(__dirname, '..', '..', '..', '..', 'policies');

/** The `# expect:` line of a fixture: its types, or undefined for `every template`. */
function expectedTypes(file: string): string[] | undefined {
  const m = /^# expect: (.*)$/m.exec(fs.readFileSync(file, 'utf8'));
  if (!m) throw new Error(`${file} has no # expect: line`);
  return m[1].trim() === 'every template'
    ? undefined
    : m[1]
        .split(',')
        .map((t) => t.trim())
        .sort();
}

const fixtures = fs
  .readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.guard'))
  .sort();

/** Every control on. */
const everything = {
  name: 'all',
  description: '',
  default: 'enforce' as const,
  controls: {},
  controlTower: 'off' as const,
  uncheckable: 'enforce' as const,
  file: 'all.yaml',
};

describe('deriveResourceTypes', () => {
  test.each(fixtures)('%s', (name) => {
    const file = path.join(FIXTURES, name);
    const [rule] = customRules(file, 'enforce');
    const expected = expectedTypes(file);
    expect(rule.resourceTypes && [...rule.resourceTypes].sort()).toEqual(expected);
  });

  test('a rule that filters queues by pattern applies to a queue-only template, where cfn-guard fails it', () => {
    const [rule] = customRules(path.join(FIXTURES, 'regex-type-filter.guard'), 'enforce');
    const template = parseTemplate(Buffer.from('Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties: {}\n'), 'queue.yaml');
    expect(ruleApplies(rule, template.types)).toBe(true);
    const bin = nativeGuardBinary();
    if (!bin) return;
    const run = spawnSync(bin, ['validate', '--payload', '--structured', '--show-summary', 'none', '--output-format', 'json'], {
      input: JSON.stringify({ rules: [rule.text], data: [JSON.stringify(template.document)] }),
      encoding: 'utf8',
    });
    const [report] = JSON.parse(run.stdout) as { not_compliant: { Rule: { name: string } }[] }[];
    expect(report.not_compliant.map((e) => e.Rule.name)).toEqual(['fx_queue_encrypted']);
  });

  test('comments, strings, messages and regex literals are not code', () => {
    const text = [
      "let buckets = Resources.*[ Type == 'AWS::S3::Bucket' ] # Resources.* and 'AWS::SQS::Queue' here are a comment",
      'rule r when %buckets not empty {',
      "    %buckets.Properties.BucketName == /Resources\\.\\*|AWS::SQS::Queue/ << Outputs.* 'AWS::EC2::Instance' >>",
      '    %buckets.Properties.Description != \'Resources.*[ Type == "AWS::SNS::Topic" ] # not a comment\'',
      '}',
    ].join('\n');
    expect([...deriveResourceTypes(text)!]).toEqual(['AWS::S3::Bucket']);
    expect(readsResourcesOnlyByType(text)).toBe(true);
  });

  test('a rule with no type filter runs everywhere', () => {
    expect(deriveResourceTypes('rule r { Parameters.Env.AllowedValues exists }')).toBeUndefined();
  });
});

describe('narrowing and dispatch read one analysis', () => {
  test('every Control Tower rule and catalog rule is understood: narrowable, and its types derived', () => {
    const problems: string[] = [];
    for (const rule of controlTowerRules('enforce')) {
      const analysis = analyzeRule(rule.text);
      if (analysis.narrowingBlockers.length) problems.push(`${rule.id}: not narrowable: ${analysis.narrowingBlockers.join('; ')}`);
      if (!deriveResourceTypes(rule.text)) problems.push(`${rule.id}: types not derived: ${analysis.dispatchBlockers.join('; ')}`);
    }
    const catalog = loadCatalog(POLICIES);
    for (const c of catalog.controls) {
      const analysis = analyzeRule(c.guard);
      if (analysis.narrowingBlockers.length) problems.push(`${c.id}: not narrowable: ${analysis.narrowingBlockers.join('; ')}`);
    }
    // Generated rules are narrowed on their resourceTypes without analysis: the analysis must agree.
    for (const r of catalogRules(catalog, everything).filter((x) => x.generated)) {
      const outside = [...analyzeRule(r.text).filterTypes].filter((t) => !r.resourceTypes!.has(t));
      if (outside.length || typesReadBy(r) !== r.resourceTypes) problems.push(`${r.id}: generated, but filters on ${outside.join(', ')}`);
    }
    expect(problems).toEqual([]);
  });
});

describe('controlTowerRules', () => {
  test('the dispatch shipped in data/ is the analysis of the installed rules (else: node scripts/generate-control-tower-dispatch.js)', () => {
    const shipped = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'data', 'control-tower-dispatch.json'), 'utf8'));
    expect(shipped).toEqual(controlTowerDispatch());
  });

  test('loads the 237 rules, each dispatched on at least the types its metadata declares', () => {
    const rules = controlTowerRules('enforce');
    expect(rules).toHaveLength(237);
    for (const r of rules) {
      const metaFile = r.file.replace(`${path.sep}cfn-guard${path.sep}`, `${path.sep}metadata${path.sep}`).replace(/\.guard$/, '.metadata.json');
      const declared = (JSON.parse(fs.readFileSync(metaFile, 'utf8')) as { EvaluatedResourceTypes: string[] }).EvaluatedResourceTypes;
      expect([r.id, declared.every((t) => r.resourceTypes?.has(t))]).toEqual([r.id, true]);
    }
  });
});

describe('catalogRules', () => {
  const catalog = loadCatalog(POLICIES);

  test('the shipped catalog loads with every control on', () => {
    expect(catalogRules(catalog, everything).length).toBe(catalog.controls.length);
  });

  test('the shipped catalog has no dispatch problems', () => {
    expect(catalogDispatchProblems(catalog)).toEqual([]);
  });

  test('metadata that lists fewer types than the rule filters on is an error naming the metadata file', () => {
    const control = catalog.controls.find((c) => c.id === 'LZ.S3.2')!;
    const broken = { ...catalog, controls: [{ ...control, resourceTypes: ['AWS::SQS::Queue'] }] };
    const errors = catalogDispatchProblems(broken).map((x) => x.message);
    const line =
      fs
        .readFileSync(control.file, 'utf8')
        .split('\n')
        .findIndex((l) => l.startsWith('resourceTypes')) + 1;
    expect(errors).toEqual([
      expect.stringContaining(`${control.file}:${line}:1: LZ.S3.2: its rule filters on AWS::S3::Bucket, which resourceTypes does not list`),
    ]);
    expect(errors[0]).toMatch(
      /expected resourceTypes listing every type the rule in .*bucket-kms-encryption\.guard filters on: AWS::SQS::Queue, AWS::S3::Bucket/,
    );
  });

  test('a rule that can fail on templates without its types is an error naming the metadata file', () => {
    const control = catalog.controls.find((c) => c.id === 'LZ.S3.2')!;
    const guard = `${control.guard}\nrule lz_outputs_exported { Outputs.*.Export exists }\n`;
    const broken = { ...catalog, controls: [{ ...control, guard }] };
    expect(catalogDispatchProblems(broken).map((e) => e.message)).toEqual([
      expect.stringMatching(
        /bucket-kms-encryption\.yaml:\d+:1: LZ\.S3\.2: its rule can fail on templates without any of its resourceTypes \(rule lz_outputs_exported/,
      ),
    ]);
  });
});

describe('fixtures', () => {
  test('every fixture but unreadable.guard parses in cfn-guard: the shapes are real Guard', () => {
    const bin = nativeGuardBinary();
    if (!bin) return;
    const valid = fixtures.filter((f) => f !== 'unreadable.guard');
    const rules = valid.map((f) => customRules(path.join(FIXTURES, f), 'enforce')[0]);
    const run = spawnSync(bin, ['validate', '--payload', '--structured', '--show-summary', 'none', '--output-format', 'json'], {
      input: JSON.stringify({ rules: rules.map((r) => r.text), data: ['{"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}'] }),
      encoding: 'utf8',
    });
    const [report] = JSON.parse(run.stdout) as { compliant: string[]; not_applicable: string[]; not_compliant: { Rule: { name: string } }[] }[];
    const seen = new Set([...report.compliant, ...report.not_applicable, ...report.not_compliant.map((e) => e.Rule.name)]);
    expect(rules.filter((r) => !r.names.every((n) => seen.has(n))).map((r) => r.id)).toEqual([]);
  });
});
