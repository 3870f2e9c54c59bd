import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Catalog, Control } from '@tarmac/core';
import { INPUT_SHAPES, InputShape, TestCase, Verdict, missingCoverage, readTestCases, runControlTests, shapeOf } from './control-tests';
import { nativeGuardBinary } from './engines/native-binary';

// The coverage rule of `tarmac test`: every control needs a PASS, a FAIL and a SKIP case in each input shape
// (template, hook, hook typed, legacy), and a control lacking one is reported with the shape and the status.

const VERDICTS: readonly Verdict[] = ['PASS', 'FAIL', 'SKIP'];
const RULE = 'fx_bucket_versioned';

/** A small control in the catalog's style: the three entry rules and one check. */
const GUARD = `
let FX_BUCKET_TYPE = 'AWS::S3::Bucket'
let INPUT_DOCUMENT = this
let fx_template_buckets = Resources.*[ Type == %FX_BUCKET_TYPE ]
let fx_hook_buckets = Resources.*[ ResourceType == %FX_BUCKET_TYPE ]

rule ${RULE} when %fx_template_buckets not empty {
    fx_check_versioned(%fx_template_buckets.Properties)
}
rule ${RULE} when %fx_hook_buckets not empty {
    fx_check_versioned(%fx_hook_buckets.ResourceProperties)
}
rule ${RULE} when %INPUT_DOCUMENT.%FX_BUCKET_TYPE exists {
    fx_check_versioned(%INPUT_DOCUMENT.%FX_BUCKET_TYPE.resourceProperties)
}
rule fx_check_versioned(bucket) {
    %bucket {
        VersioningConfiguration.Status == 'Enabled'
    }
}
`;

/** The input of a case: a versioned bucket (PASS), an unversioned one (FAIL) or a queue (SKIP), in one shape. */
function input(shape: InputShape, verdict: Verdict): unknown {
  const type = verdict === 'SKIP' ? 'AWS::SQS::Queue' : 'AWS::S3::Bucket';
  const properties = verdict === 'PASS' ? { VersioningConfiguration: { Status: 'Enabled' } } : verdict === 'FAIL' ? { BucketName: 'b' } : {};
  const context = { TargetType: 'RESOURCE', TargetLogicalId: 'R', TargetName: type };
  switch (shape) {
    case 'template':
      return { Resources: { R: { Type: type, Properties: properties } } };
    case 'hook':
      return { HookContext: context, Resources: { R: { ResourceType: type, ResourceProperties: properties } } };
    case 'hook typed':
      return { HookContext: context, Resources: { R: { Type: type, Properties: properties } } };
    case 'legacy':
      return { [type]: { resourceProperties: properties } };
  }
}

const ALL = INPUT_SHAPES.flatMap((shape) => VERDICTS.map((verdict) => ({ shape, verdict })));

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-coverage-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A control whose test file holds one case per (shape, verdict) pair given. */
function control(id: string, pairs: readonly { shape: InputShape; verdict: Verdict }[]): Control {
  const dir = path.join(tmp, id);
  fs.mkdirSync(dir, { recursive: true });
  const guardFile = path.join(dir, 'fx.guard');
  const testFile = path.join(dir, 'fx.yaml');
  fs.writeFileSync(guardFile, GUARD);
  const cases = pairs.map(({ shape, verdict }) => ({
    name: `${shape} - ${verdict}`,
    input: input(shape, verdict),
    expectations: { rules: { [RULE]: verdict } },
  }));
  fs.writeFileSync(testFile, JSON.stringify(cases, null, 2));
  return {
    id,
    aliases: [],
    title: id,
    severity: 'low',
    rationale: 'coverage fixture',
    resourceTypes: ['AWS::S3::Bucket'],
    rule: RULE,
    message: 'Bucket is not versioned.',
    fix: 'Enable versioning.',
    frameworks: {},
    unresolved: 'warn',
    exemptible: true,
    file: path.join(dir, 'fx-meta.yaml'),
    guardFile,
    guard: GUARD,
    testFile,
  };
}

const testCase = (shape: InputShape | undefined, expected: Verdict): TestCase => ({ name: `${shape} ${expected}`, shape, expected, input: {} });

describe('missingCoverage', () => {
  test('a PASS, a FAIL and a SKIP case in every shape: nothing missing', () => {
    expect(missingCoverage(ALL.map((p) => testCase(p.shape, p.verdict)))).toEqual([]);
  });

  test.each(ALL.map((p) => [p.shape, p.verdict] as const))('without its %s %s case, exactly that one is missing', (shape, verdict) => {
    const cases = ALL.filter((p) => p.shape !== shape || p.verdict !== verdict).map((p) => testCase(p.shape, p.verdict));
    expect(missingCoverage(cases)).toEqual([`${shape}: ${verdict}`]);
  });

  test('every gap is listed, shape by shape in INPUT_SHAPES order, then PASS, FAIL, SKIP', () => {
    const cases = [testCase('template', 'PASS'), testCase('hook typed', 'FAIL'), testCase('hook typed', 'SKIP'), testCase('legacy', 'SKIP')];
    expect(missingCoverage(cases)).toEqual([
      'template: FAIL',
      'template: SKIP',
      'hook: PASS',
      'hook: FAIL',
      'hook: SKIP',
      'hook typed: PASS',
      'legacy: PASS',
      'legacy: FAIL',
    ]);
    expect(missingCoverage([])).toHaveLength(12);
  });

  test('a case in no shape covers nothing, and extra cases of a covered pair change nothing', () => {
    const cases = ALL.map((p) => testCase(p.shape, p.verdict));
    const withoutHookPass = cases.filter((c) => c.shape !== 'hook' || c.expected !== 'PASS');
    expect(missingCoverage([...withoutHookPass, testCase(undefined, 'PASS'), testCase('template', 'PASS')])).toEqual(['hook: PASS']);
  });
});

describe('shapeOf: how a case is told apart', () => {
  const ctx = { TargetType: 'RESOURCE' };
  test.each([
    ['template: Resources whose entries have Type, no HookContext', { Resources: { R: { Type: 'AWS::S3::Bucket' } } }, 'template'],
    ['hook: HookContext and a resource with ResourceType', { HookContext: ctx, Resources: { R: { ResourceType: 'AWS::S3::Bucket' } } }, 'hook'],
    ['hook typed: HookContext and resources with Type', { HookContext: ctx, Resources: { R: { Type: 'AWS::S3::Bucket' } } }, 'hook typed'],
    ['legacy: only top-level keys that are resource types', { 'AWS::S3::Bucket': {} }, 'legacy'],
    ['legacy, with resourceProperties', { 'AWS::S3::Bucket': { resourceProperties: {} }, 'AWS::SQS::Queue': {} }, 'legacy'],
    ['none: ResourceType without HookContext', { Resources: { R: { ResourceType: 'AWS::S3::Bucket' } } }, undefined],
    ['none: resources with neither Type nor ResourceType', { Resources: { R: { Properties: {} } } }, undefined],
    ['none: a type key beside another key', { 'AWS::S3::Bucket': {}, Resources: 'x' }, undefined],
    ['none: an empty document', {}, undefined],
    ['none: not a map', [], undefined],
  ])('%s', (_, doc, shape) => {
    expect(shapeOf(doc)).toBe(shape);
  });
});

describe('readTestCases: each case counts for the shape of its input', () => {
  test('a complete control has twelve cases, one per shape and verdict', () => {
    const c = control('LZ.FX.COMPLETE', ALL);
    const { cases, errors } = readTestCases(c);
    expect(errors).toEqual([]);
    expect(cases.map((t) => `${t.shape}: ${t.expected}`)).toEqual(ALL.map((p) => `${p.shape}: ${p.verdict}`));
    expect(missingCoverage(cases)).toEqual([]);
  });
});

describe('runControlTests reports a control lacking a case, by name, shape and status', () => {
  const binary = nativeGuardBinary()!;

  test('runs on the real cfn-guard binary', () => expect(binary).toBeDefined());

  test('one control per missing pair, and a complete one that is not reported', async () => {
    const complete = control('LZ.FX.0', ALL);
    const gaps = ALL.map((gap, i) => ({
      gap,
      control: control(
        `LZ.FX.${i + 1}`,
        ALL.filter((p) => p !== gap),
      ),
    }));
    const catalog: Catalog = { root: tmp, controls: [complete, ...gaps.map((g) => g.control)], profiles: new Map(), tags: [] };
    const results = await runControlTests(catalog, binary);

    const byId = new Map(results.map((r) => [r.control.id, r]));
    expect(results).toHaveLength(13);
    // Every case is right on both engines: only coverage can fail these controls.
    for (const r of results) {
      expect({ id: r.control.id, failures: r.failures, errors: r.errors }).toEqual({ id: r.control.id, failures: [], errors: [] });
    }
    expect(byId.get('LZ.FX.0')!.missingCoverage).toEqual([]);
    expect(byId.get('LZ.FX.0')!.cases).toBe(12);
    for (const { gap, control: c } of gaps) {
      const r = byId.get(c.id)!;
      expect({ control: r.control.id, cases: r.cases, missing: r.missingCoverage }).toEqual({
        control: c.id,
        cases: 11,
        missing: [`${gap.shape}: ${gap.verdict}`],
      });
    }
  });

  test('a control whose cases cover one shape only lacks the nine others', async () => {
    const c = control(
      'LZ.FX.TEMPLATE.ONLY',
      ALL.filter((p) => p.shape === 'template'),
    );
    const [r] = await runControlTests({ root: tmp, controls: [c], profiles: new Map(), tags: [] }, binary);
    expect(r.control.id).toBe('LZ.FX.TEMPLATE.ONLY');
    expect(r.failures).toEqual([]);
    expect(r.missingCoverage).toEqual([
      'hook: PASS',
      'hook: FAIL',
      'hook: SKIP',
      'hook typed: PASS',
      'hook typed: FAIL',
      'hook typed: SKIP',
      'legacy: PASS',
      'legacy: FAIL',
      'legacy: SKIP',
    ]);
  });
});
