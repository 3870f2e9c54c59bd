import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Catalog, InputErrors, loadCatalog } from '@tarmac/core';
import { checkSources } from './check';
import { GuardEngine } from './engines/engine';
import { EngineChoice, createEngine } from './engines/create-engine';
import { CheckReport, Finding, exitCodeOf } from './findings';
import { Discovery } from './template/discover';

const POLICIES = path.resolve(__dirname, '..', '..', '..', 'policies');
const KMS_CONTROL = path.join('controls', 's3', 'bucket-kms-encryption.yaml');
const VERSIONING_CONTROL = path.join('controls', 's3', 'bucket-versioning-enabled.yaml');

type Json = Record<string, unknown>;

const sse = (...algorithms: unknown[]): Json => ({
  ServerSideEncryptionConfiguration: algorithms.map((SSEAlgorithm) => ({ ServerSideEncryptionByDefault: { SSEAlgorithm } })),
});
const ALL_TRUE = { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true };
const TAGS = [
  { Key: 'team', Value: 'data-platform' },
  { Key: 'project', Value: 'customer-360' },
  { Key: 'env', Value: 'prod' },
  { Key: 'domain', Value: 'raw' },
  { Key: 'cost-center', Value: 'cc-4200' },
];

/** A bucket that passes every prod control, with some properties replaced. */
const bucket = (overrides: Json): Json => ({
  Type: 'AWS::S3::Bucket',
  Properties: {
    BucketEncryption: sse('aws:kms'),
    PublicAccessBlockConfiguration: ALL_TRUE,
    VersioningConfiguration: { Status: 'Enabled' },
    LoggingConfiguration: { DestinationBucketName: 'central-access-logs', LogFilePrefix: 'b/' },
    Tags: TAGS,
    ...overrides,
  },
});

/** One template per scenario, each with a single bucket B. */
const SCENARIOS: Record<string, Json> = {
  compliant: bucket({}),
  ref: bucket({ BucketEncryption: sse({ Ref: 'Algo' }) }),
  literal: bucket({ BucketEncryption: sse('AES256') }),
  'literal-then-ref': bucket({ BucketEncryption: sse('AES256', { Ref: 'Algo' }) }),
  'ref-then-literal': bucket({ BucketEncryption: sse({ Ref: 'Algo' }, 'AES256') }),
  'ref-and-import': bucket({ BucketEncryption: sse({ Ref: 'Algo' }, { 'Fn::ImportValue': 'shared-algorithm' }) }),
  'if-at-parent': bucket({ BucketEncryption: { 'Fn::If': ['IsProd', sse('aws:kms'), { Ref: 'AWS::NoValue' }] } }),
  'flags-ref': bucket({ PublicAccessBlockConfiguration: { ...ALL_TRUE, BlockPublicAcls: { Ref: 'Flag' }, RestrictPublicBuckets: { Ref: 'Flag' } } }),
  'flags-ref-and-false': bucket({ PublicAccessBlockConfiguration: { ...ALL_TRUE, BlockPublicAcls: { Ref: 'Flag' }, BlockPublicPolicy: false } }),
  'two-rules': bucket({ BucketEncryption: sse('AES256'), PublicAccessBlockConfiguration: { ...ALL_TRUE, IgnorePublicAcls: { Ref: 'Flag' } } }),
  'versioning-ref': bucket({ VersioningConfiguration: { Status: { Ref: 'Versioning' } } }),
};

const templateOf = (resource: Json): string =>
  JSON.stringify(
    {
      Parameters: { Algo: { Type: 'String' }, Flag: { Type: 'String' }, Versioning: { Type: 'String' }, Stage: { Type: 'String' } },
      Conditions: { IsProd: { 'Fn::Equals': [{ Ref: 'Stage' }, 'prod'] } },
      Resources: { B: resource },
    },
    null,
    2,
  );

const discovery = (names: readonly string[]): Discovery => ({
  sources: names.map((name) => ({ file: `${name}.json`, read: () => Buffer.from(templateOf(SCENARIOS[name])) })),
  skipped: [],
  errors: [],
});

async function check(engine: GuardEngine, catalog: Catalog, profileName: string, names: readonly string[]): Promise<CheckReport> {
  const profile = catalog.profiles.get(profileName)!;
  const report = await checkSources(discovery(names), { catalog, profile, engine });
  expect(report.errors).toEqual([]);
  return report;
}

/** The findings of one scenario as [control, verdict, mode]. */
const verdicts = (report: CheckReport, name: string): [string, Finding['verdict'], Finding['mode']][] =>
  report.findings
    .filter((f) => f.file === `${name}.json`)
    .map((f): [string, Finding['verdict'], Finding['mode']] => [f.controlId, f.verdict, f.mode])
    .sort((a, b) => a[0].localeCompare(b[0]));

/** A copy of the real catalog, with `unresolved: <policy>` appended to the given control files. */
function catalogCopy(edits: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-unresolved-'));
  fs.cpSync(POLICIES, root, { recursive: true });
  for (const [file, policy] of Object.entries(edits)) fs.appendFileSync(path.join(root, file), `unresolved: ${policy}\n`);
  return root;
}

const catalog = loadCatalog(POLICIES);

test('the real catalog defaults every control to unresolved: warn', () => {
  expect(catalog.controls.find((c) => c.id === 'LZ.S3.2')?.unresolved).toBe('warn');
  expect(new Set(catalog.controls.map((c) => c.unresolved))).toEqual(new Set(['warn']));
});

describe.each<[EngineChoice]>([['native'], ['wasm']])('%s engine, profile prod', (choice) => {
  let engine: GuardEngine;
  let report: CheckReport;
  beforeAll(async () => {
    engine = createEngine(choice);
    report = await check(engine, catalog, 'prod', Object.keys(SCENARIOS));
  });
  afterAll(() => engine?.dispose());

  test('the engine is the one asked for', () => {
    expect(report.engine.name).toBe(choice);
  });

  test('the base bucket passes every control (the scenarios below change one thing)', () => {
    expect(verdicts(report, 'compliant')).toEqual([]);
  });

  test('SSEAlgorithm {"Ref": "Algo"}: LZ.S3.2 is unknown and warns', () => {
    expect(verdicts(report, 'ref')).toEqual([['LZ.S3.2', 'unknown', 'warn']]);
    const finding = report.findings.find((f) => f.file === 'ref.json')!;
    expect(finding).toMatchObject({
      logicalId: 'B',
      resourceType: 'AWS::S3::Bucket',
      path: 'Properties.BucketEncryption.ServerSideEncryptionConfiguration.0.ServerSideEncryptionByDefault.SSEAlgorithm',
    });
  });

  test('SSEAlgorithm AES256: LZ.S3.2 fails and blocks', () => {
    expect(verdicts(report, 'literal')).toEqual([['LZ.S3.2', 'fail', 'enforce']]);
  });

  test('a literal failure next to a Ref fails, whichever comes first', () => {
    expect(verdicts(report, 'literal-then-ref')).toEqual([['LZ.S3.2', 'fail', 'enforce']]);
    expect(verdicts(report, 'ref-then-literal')).toEqual([['LZ.S3.2', 'fail', 'enforce']]);
  });

  test('every failing path an intrinsic (a Ref and an Fn::ImportValue): unknown', () => {
    expect(verdicts(report, 'ref-and-import')).toEqual([['LZ.S3.2', 'unknown', 'warn']]);
  });

  test('an Fn::If at the parent property BucketEncryption: unknown', () => {
    expect(verdicts(report, 'if-at-parent')).toEqual([['LZ.S3.2', 'unknown', 'warn']]);
  });

  test('a rule that reads several paths: two Refs are unknown, a Ref and a literal false fail', () => {
    expect(verdicts(report, 'flags-ref')).toEqual([['LZ.S3.1', 'unknown', 'warn']]);
    expect(verdicts(report, 'flags-ref-and-false')).toEqual([['LZ.S3.1', 'fail', 'enforce']]);
  });

  test('two rules on one bucket get their own verdicts', () => {
    expect(verdicts(report, 'two-rules')).toEqual([
      ['LZ.S3.1', 'unknown', 'warn'],
      ['LZ.S3.2', 'fail', 'enforce'],
    ]);
  });

  test('unknown findings do not block: the summary counts only enforce findings', () => {
    const blocking = report.findings.filter((f) => f.mode === 'enforce');
    expect(report.summary.blocking).toBe(blocking.length);
    expect(blocking.every((f) => f.verdict === 'fail')).toBe(true);
    expect(report.findings.some((f) => f.verdict === 'unknown')).toBe(true);
  });

  test('a run whose only failures are unknown exits 0; a literal failure exits 1', async () => {
    expect(exitCodeOf(await check(engine, catalog, 'prod', ['ref', 'if-at-parent', 'flags-ref']))).toBe(0);
    expect(exitCodeOf(await check(engine, catalog, 'prod', ['ref', 'literal']))).toBe(1);
  });
});

describe('a control that says unresolved: fail', () => {
  let root: string;
  let strict: Catalog;
  let engine: GuardEngine;
  beforeAll(() => {
    root = catalogCopy({ [KMS_CONTROL]: 'fail', [VERSIONING_CONTROL]: 'fail' });
    strict = loadCatalog(root);
    engine = createEngine('native');
  });
  afterAll(() => {
    engine?.dispose();
    fs.rmSync(root, { recursive: true, force: true });
  });

  test('is loaded as such; the other controls keep warn', () => {
    const byId = new Map(strict.controls.map((c) => [c.id, c.unresolved]));
    expect(byId.get('LZ.S3.2')).toBe('fail');
    expect(byId.get('LZ.S3.4')).toBe('fail');
    expect(byId.get('LZ.S3.1')).toBe('warn');
  });

  test.each<[EngineChoice]>([['native'], ['wasm']])('keeps enforce for an unknown verdict (%s engine)', async (choice) => {
    const e = createEngine(choice);
    try {
      const report = await check(e, strict, 'prod', ['ref', 'if-at-parent', 'flags-ref', 'literal']);
      expect(verdicts(report, 'ref')).toEqual([['LZ.S3.2', 'unknown', 'enforce']]);
      expect(verdicts(report, 'if-at-parent')).toEqual([['LZ.S3.2', 'unknown', 'enforce']]);
      // LZ.S3.1 still says warn.
      expect(verdicts(report, 'flags-ref')).toEqual([['LZ.S3.1', 'unknown', 'warn']]);
      expect(verdicts(report, 'literal')).toEqual([['LZ.S3.2', 'fail', 'enforce']]);
      expect(report.summary.blocking).toBe(3);
      expect(exitCodeOf(report)).toBe(1);
    } finally {
      e.dispose();
    }
  });

  test('keeps the control’s own mode: a control that warns under the profile still warns', async () => {
    const report = await check(engine, strict, 'dev', ['versioning-ref', 'ref']);
    expect(verdicts(report, 'versioning-ref')).toEqual([['LZ.S3.4', 'unknown', 'warn']]);
    expect(verdicts(report, 'ref')).toEqual([['LZ.S3.2', 'unknown', 'enforce']]);
  });

  test('under the default policy the same versioning Ref warns in prod too', async () => {
    const report = await check(engine, catalog, 'prod', ['versioning-ref']);
    expect(verdicts(report, 'versioning-ref')).toEqual([['LZ.S3.4', 'unknown', 'warn']]);
  });
});

test('an unknown unresolved value is refused with the file and line', () => {
  const root = catalogCopy({});
  try {
    const file = path.join(root, KMS_CONTROL);
    const line = fs.readFileSync(file, 'utf8').split('\n').length; // the line the append lands on
    fs.appendFileSync(file, 'unresolved: maybe\n');
    let thrown: unknown;
    try {
      loadCatalog(root);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(InputErrors);
    const problem = (thrown as InputErrors).errors.find((e) => e.message.includes('unresolved'));
    expect(problem?.location).toEqual(expect.objectContaining({ file, line }));
    expect(problem?.message).toMatch(/'unresolved' has value "maybe" \(expected one of: warn, fail\)/);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

/** Checks one YAML template under the prod profile with the native engine. */
async function checkYaml(file: string, text: string): Promise<CheckReport> {
  const engine = createEngine('native');
  try {
    return await checkSources(
      { sources: [{ file, read: () => Buffer.from(text) }], skipped: [], errors: [] },
      { catalog, profile: catalog.profiles.get('prod')!, engine },
    );
  } finally {
    engine.dispose();
  }
}

const bucketWithAlgorithms = (logicalId: string, ...algorithms: string[]) =>
  [
    'Resources:',
    `  ${logicalId}:`,
    '    Type: AWS::S3::Bucket',
    '    Properties:',
    '      BucketEncryption:',
    '        ServerSideEncryptionConfiguration:',
    ...algorithms.map((a) => `          - ServerSideEncryptionByDefault: { SSEAlgorithm: ${a} }`),
  ].join('\n');

test('a failure points at the literal that blocks, not at an intrinsic beside it', async () => {
  const report = await checkYaml('mixed.yaml', bucketWithAlgorithms('Raw', '!Ref Algo', 'AES256'));
  expect(report.findings.find((f) => f.controlId === 'LZ.S3.2' && f.logicalId === 'Raw')).toMatchObject({ verdict: 'fail', mode: 'enforce', line: 8 });
});

test('a resource whose logical ID is Condition keeps its literal failures', async () => {
  const report = await checkYaml('named.yaml', bucketWithAlgorithms('Condition', 'AES256'));
  expect(report.findings.filter((f) => f.controlId === 'LZ.S3.2')).toEqual([expect.objectContaining({ verdict: 'fail', mode: 'enforce' })]);
});
