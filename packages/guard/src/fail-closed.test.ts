/**
 * Regressions for every input that once passed where it must not (issue 15), on both engines: each test
 * gives the input quoted in the issue and asserts the exit code and that errors name the file and line.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Catalog, Control, InputError, loadCatalog } from '@tarmac/core';
import { checkPaths, checkSources } from './check';
import { describeEachEngine } from './engines/__tests__/each-engine';
import { GuardEngine } from './engines/engine';
import { NativeEngine } from './engines/native-engine';
import { WasmEngine } from './engines/wasm-engine';
import { CheckReport, exitCodeOf } from './findings';

const POLICIES = path.join(__dirname, '..', '..', '..', 'policies');
const catalog = loadCatalog(POLICIES);
const profile = catalog.profiles.get('prod')!;

/** Files written to a fresh directory; returns its path. */
function tree(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-fail-closed-'));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

const UNENCRYPTED_BUCKET = 'Resources:\n  B:\n    Type: AWS::S3::Bucket\n';
const blocking = (r: CheckReport) => r.findings.filter((f) => f.mode === 'enforce').map((f) => `${f.controlId} ${f.logicalId ?? ''}`.trim());
const located = (e: InputError) => `${e.location.file}:${e.location.line ?? '?'}`;

/** A copy of the catalog with one control's rule text replaced (generated rules too: their narrowed text). */
function withRule(c: Catalog, id: string, text: string): Catalog {
  return { ...c, controls: c.controls.map((x): Control => (x.id === id ? { ...x, guard: text, guardFor: x.guardFor && (() => text) } : x)) };
}

describeEachEngine((engine) => {
  const check = (paths: string[], c: Catalog = catalog, rules?: string[]) => checkPaths(paths, { catalog: c, profile, engine: engine(), rules });

  test('a rule that does not parse beside another failing rule is an error at its line, not a pass (1)', async () => {
    const versioning = catalog.controls.find((c) => c.id === 'LZ.S3.4')!;
    const broken = withRule(catalog, 'LZ.S3.4', versioning.guard.replace("Status == 'Enabled'", "Status === 'Enabled'"));
    const dir = tree({ 't.yaml': 'Resources:\n  B:\n    Type: AWS::S3::Bucket\n  Q:\n    Type: AWS::SQS::Queue\n' });
    const report = await check([dir], broken);
    expect(exitCodeOf(report)).toBe(2);
    const line = versioning.guard.split('\n').findIndex((l) => l.includes("Status == 'Enabled'")) + 1;
    expect(report.errors.map(located)).toEqual([`${versioning.guardFile}:${line}`]);
    expect(report.errors[0].message).toMatch(/Guard rule LZ\.S3\.4 (was not evaluated: it )?does not parse/);
  });

  test('the generated tag rule that does not parse names tags.yaml (1)', async () => {
    const broken = withRule(catalog, 'LZ.TAG.2', 'rule lz_mandatory_tag_values { Tags === 1 }');
    const report = await check([tree({ 't.yaml': UNENCRYPTED_BUCKET })], broken);
    expect(exitCodeOf(report)).toBe(2);
    expect(report.errors.map((e) => e.location.file)).toEqual([path.join(POLICIES, 'tags.yaml')]);
    expect(report.errors[0].message).toMatch(/LZ\.TAG\.2 .*line 1 of the rule generated from this file/);
  });

  test('a folder with a manifest.json that is not a cloud assembly is scanned (3)', async () => {
    const dir = tree({ 'infra/bad.yaml': UNENCRYPTED_BUCKET, 'infra/manifest.json': '{"name":"x","artifacts":["dist/app.zip"]}' });
    const report = await check([path.join(dir, 'infra')]);
    expect(exitCodeOf(report)).toBe(1);
    expect(blocking(report)).toContain('LZ.S3.2 B');
  });

  test('a cloud assembly that yields no stack is an error (3)', async () => {
    const dir = tree({
      'cdk.out/manifest.json': '{"version":"48.0.0","artifacts":{"Tree":{"type":"cdk:tree","properties":{"file":"tree.json"}}}}',
      'cdk.out/bad.yaml': UNENCRYPTED_BUCKET,
    });
    const report = await check([path.join(dir, 'cdk.out')]);
    expect(exitCodeOf(report)).toBe(2);
    expect(report.errors[0].message).toMatch(/cdk\.out\/manifest\.json: this cloud assembly \(cdk\.out\) has no stack templates/);
  });

  test('a named cdk.out that is not a cloud assembly (not synthesized, emptied, or a stray manifest) is an error, not a pass on nothing', async () => {
    const folders: Record<string, string>[] = [{ 'cdk.out/.keep': '' }, { 'cdk.out/manifest.json': '{"name":"x"}', 'cdk.out/bad.yaml': UNENCRYPTED_BUCKET }];
    for (const files of folders) {
      const dir = tree(files);
      const report = await check([path.join(dir, 'cdk.out')]);
      expect(exitCodeOf(report)).toBe(2);
      expect(report.errors.map((e) => e.message)).toEqual([
        `${path.join(dir, 'cdk.out')}: not a cloud assembly: no manifest.json with the CDK's shape (expected cdk synth first (a pre-commit hook listed before tarmac-check-cdk))`,
      ]);
    }
  });

  test('a template whose Resources key is escaped is found in a folder scan (4)', async () => {
    const dir = tree({ 't.json': '{"Re\\u0073ources": {"B": {"Type": "AWS::S3::Bucket"}}}' });
    const report = await check([dir]);
    expect(exitCodeOf(report)).toBe(1);
    expect(blocking(report)).toContain('LZ.S3.2 B');
  });

  test('a near miss of Resources holding resources is an error in a folder scan (4)', async () => {
    const dir = tree({
      'a.yaml': 'Resource:\n  B:\n    Type: AWS::S3::Bucket\n',
      'b.json': '{"resources": {"B": {"Type": "AWS::S3::Bucket"}}}',
      'k8s.yaml': 'kind: Deployment\nresources: {}\n',
    });
    const report = await check([dir]);
    expect(exitCodeOf(report)).toBe(2);
    expect(report.errors.map((e) => path.basename(located(e)))).toEqual(['a.yaml:1', 'b.json:1']);
    expect(report.summary.skippedBy).toEqual({ 'not a template': 1 });
  });

  test('a SAM function with an admin policy and a public URL does not pass the prod profile (6)', async () => {
    const sam = `Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      InlineCode: "def handler(e, c): pass"
      Policies:
        - Statement: [{ Effect: Allow, Action: "*", Resource: "*" }]
      FunctionUrlConfig: { AuthType: NONE }
`;
    const report = await check([tree({ 'sam.yaml': sam })]);
    expect(exitCodeOf(report)).toBe(1);
    // Expanded as SAM would: the generated role and URL fail, at the lines of what generated them.
    const failed = report.findings
      .filter((f) => f.verdict === 'fail' && f.mode === 'enforce')
      .map((f) => `${f.controlId} ${f.logicalId} ${f.resourceType} ${f.line}`);
    expect(failed).toEqual(
      expect.arrayContaining(['LZ.LAMBDA.2 FnRole AWS::IAM::Role 9', 'LZ.IAM.1 FnRole AWS::IAM::Role 9', 'LZ.LAMBDA.1 FnUrl AWS::Lambda::Url 11']),
    );
    expect(report.summary.unchecked).toBe(0);
  });

  test('AWS::Include and unknown macros are reported as not checkable, blocking under prod (6)', async () => {
    const dir = tree({
      'include.yaml': 'Resources:\n  Fn::Transform:\n    Name: AWS::Include\n    Parameters: { Location: s3://b/k.yaml }\n',
      'macro.yaml': `Transform: [AWS::LanguageExtensions, MyMacro]\n${UNENCRYPTED_BUCKET}`,
    });
    const report = await check([dir]);
    expect(exitCodeOf(report)).toBe(1);
    expect(report.summary.unchecked).toBe(2);
    const unchecked = report.findings.filter((f) => f.verdict === 'unchecked');
    expect(new Set(unchecked.map((f) => `${path.basename(f.file)}:${f.line}`))).toEqual(new Set(['include.yaml:2', 'macro.yaml:1']));
    expect(unchecked.every((f) => f.mode === 'enforce')).toBe(true);
    // The bucket the macro may change is still checked as written.
    expect(blocking(report)).toContain('LZ.S3.2 B');
  });

  test('uncheckable: warn in a profile turns unchecked findings into warnings', async () => {
    const dir = tree({ 'macro.yaml': 'Transform: MyMacro\nResources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      KmsMasterKeyId: alias/k\n' });
    const report = await checkPaths([dir], { catalog, profile: { ...profile, uncheckable: 'warn' }, engine: engine() });
    expect(report.findings.filter((f) => f.verdict === 'unchecked').length).toBeGreaterThan(0);
    expect(report.findings.filter((f) => f.verdict === 'unchecked' && f.mode === 'enforce')).toEqual([]);
  });

  test.each([
    ['a number', 'Tags: [{Key: env, Value: 1}]'],
    ['a boolean', 'Tags: [{Key: domain, Value: true}]'],
    ['a number against a pattern', 'Tags: [{Key: cost-center, Value: 4200}]'],
  ])('a tag value that is %s is judged by its string form (7)', async (_what, tags) => {
    const report = await check([tree({ 't.yaml': `Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      ${tags}\n` })]);
    expect(blocking(report)).toContain('LZ.TAG.2 Q');
  });

  test('a --rules file that reuses a catalog rule name is an error naming both files', async () => {
    const dir = tree({ 'rules/dup.guard': 'rule lz_s3_bucket_versioning_enabled { Resources exists }\n', 't.yaml': UNENCRYPTED_BUCKET });
    const report = await check([path.join(dir, 't.yaml')], catalog, [path.join(dir, 'rules')]);
    expect(exitCodeOf(report)).toBe(2);
    expect(report.errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/dup\.guard: rule lz_s3_bucket_versioning_enabled is also defined by .*bucket-versioning-enabled\.guard \(LZ\.S3\.4\)/),
    ]);
  });

  test('C1 control characters and line separators in values reach the rules as written', async () => {
    const tags =
      '[{Key: team, Value: data-platform}, {Key: project, Value: p1x}, {Key: env, Value: dev}, {Key: domain, Value: raw}, {Key: cost-center, Value: cc-42}]';
    const report = await check([
      tree({
        't.yaml': `Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      KmsMasterKeyId: alias/k\n      QueueName: "q\\x85\\x80\\u2028\\x9f"\n      Tags: ${tags}\n`,
      }),
    ]);
    expect(report.errors).toEqual([]);
    expect(exitCodeOf(report)).toBe(0);
  });

  test('a --rules file that filters by regex runs on a template of that type, though it quotes another type (8)', async () => {
    const rule = [
      'let queues = Resources.*[ Type == /AWS::SQS::Queue/ ]',
      "let buckets = Resources.*[ Type == 'AWS::S3::Bucket' ]",
      'rule queue_has_kms when %queues not empty { %queues.Properties.KmsMasterKeyId exists }',
      'rule bucket_named when %buckets not empty { %buckets.Properties.BucketName exists }',
    ].join('\n');
    const dir = tree({ 'rules/q.guard': rule, 't.yaml': 'Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties: {}\n' });
    const report = await check([path.join(dir, 't.yaml')], catalog, [path.join(dir, 'rules')]);
    expect(blocking(report)).toContain('q Q');
  });

  describe('values the template decides are judged; values a deployment decides are unknown, never silent', () => {
    const TAGS =
      '[{Key: team, Value: data-platform}, {Key: project, Value: p1x}, {Key: env, Value: dev}, {Key: domain, Value: raw}, {Key: cost-center, Value: cc-42}]';
    const queue = (properties: string, head = '') => `${head}Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties: ${properties}\n`;
    const sqs = (r: CheckReport) => r.findings.filter((f) => f.controlId === 'LZ.SQS.1').map((f) => `${f.verdict} ${f.mode}`);

    test.each([
      [
        'Fn::If with both branches failing',
        queue(`!If [C, {Tags: ${TAGS}}, {Tags: ${TAGS}}]`, 'Conditions: {C: !Equals [!Ref P, x]}\nParameters: {P: {Type: String}}\n'),
      ],
      [
        'Fn::If on a condition of literals',
        queue(`!If [Never, {KmsMasterKeyId: alias/k, Tags: ${TAGS}}, {Tags: ${TAGS}}]`, 'Conditions: {Never: !Equals [a, b]}\n'),
      ],
      ['Fn::Select over a literal list', queue(`{KmsMasterKeyId: !Select [0, [alias/aws/sqs]], Tags: ${TAGS}}`)],
      [
        'Fn::If whose branches both fail, one of them by having no properties',
        queue(`!If [C, {Tags: ${TAGS}}, !Ref AWS::NoValue]`, 'Conditions: {C: !Equals [!Ref P, x]}\nParameters: {P: {Type: String}}\n'),
      ],
    ])('%s fails and blocks', async (_name, text) => {
      const report = await check([tree({ 't.yaml': text })]);
      expect(sqs(report)).toEqual(['fail enforce']);
      expect(exitCodeOf(report)).toBe(1);
    });

    test.each([
      [
        'a Ref to a parameter whose default fails',
        queue(`{KmsMasterKeyId: !Ref Key, Tags: ${TAGS}}`, 'Parameters: {Key: {Type: String, Default: alias/aws/sqs}}\n'),
      ],
      [
        'Fn::If between a failing and a passing value',
        queue(`{KmsMasterKeyId: !If [C, alias/aws/sqs, alias/mine], Tags: ${TAGS}}`, 'Conditions: {C: !Equals [!Ref P, x]}\nParameters: {P: {Type: String}}\n'),
      ],
    ])('%s is reported unknown until deploy', async (_name, text) => {
      const report = await check([tree({ 't.yaml': text })]);
      expect(sqs(report)).toEqual(['unknown warn']);
      expect(exitCodeOf(report)).toBe(0);
    });
  });

  test('a rule that does not parse is reported once, not once per template', async () => {
    const broken = withRule(catalog, 'LZ.S3.4', 'rule lz_s3_bucket_versioning_enabled { Resources === 1 }');
    const dir = tree({ 'a.yaml': UNENCRYPTED_BUCKET, 'b.yaml': UNENCRYPTED_BUCKET, 'c.yaml': UNENCRYPTED_BUCKET });
    const report = await check([dir], broken);
    expect(report.errors).toHaveLength(1);
  });
});

test('an engine that drops a rule from its report is caught, whatever its exit code', async () => {
  // cfn-guard 3.1.1 exits 19 when another rule fails, with the unparsable file only on stderr.
  const native = new NativeEngine();
  const errors = await native.unparsableRules(
    ['rule ok_rule { Resources exists }', "rule bad_rule { Resources.*.Type === 'x' }"].map((text, i) => ({
      id: `R${i}`,
      origin: 'custom' as const,
      file: `r${i}.guard`,
      text,
      names: [i ? 'bad_rule' : 'ok_rule'],
      title: '',
      severity: 'medium' as const,
      message: '',
      mode: 'enforce' as const,
      unresolved: 'warn' as const,
    })),
  );
  expect(errors.map((e) => e.message)).toEqual([expect.stringMatching(/^r1\.guard:1:\d+: Guard rule R1 was not evaluated: it does not parse/)]);
});

test('a FIFO in a scanned folder is skipped, not read forever; named, it is an error', async () => {
  const dir = tree({ 't.yaml': UNENCRYPTED_BUCKET });
  const fifo = path.join(dir, 'pipe.yaml');
  require('child_process').execFileSync('mkfifo', [fifo]);
  const engine = new NativeEngine();
  const scanned = await checkPaths([dir], { catalog, profile, engine });
  expect(exitCodeOf(scanned)).toBe(1);
  expect(scanned.summary.skippedBy).toEqual({ 'not a regular file': 1 });
  const named = await checkPaths([fifo], { catalog, profile, engine });
  expect(named.errors.map((e) => e.message)).toEqual([`${fifo}: not a regular file (a FIFO) (expected a template file, a directory or a cdk.out folder)`]);
});

test('excluded directories are skipped when found, said in the summary, and checked when named', async () => {
  const dir = tree({ 'node_modules/x/t.yaml': UNENCRYPTED_BUCKET, '.git/t.yaml': UNENCRYPTED_BUCKET, 'ok/t.json': '{"x": 1}' });
  const engine = new NativeEngine();
  const scanned = await checkPaths([dir], { catalog, profile, engine });
  expect(exitCodeOf(scanned)).toBe(0);
  expect(scanned.summary.skippedBy).toEqual({ 'excluded directory': 2, 'not a template': 1 });
  const named = await checkPaths([path.join(dir, 'node_modules')], { catalog, profile, engine });
  expect(exitCodeOf(named)).toBe(1);
});

test("a scan skips what only isn't a template, and refuses what may be a broken one", async () => {
  const dir = tree({
    'tsconfig.json': '{\n  // comments\n  "compilerOptions": {}\n}\n',
    'k8s.yaml': 'kind: Deployment\n---\nkind: Service\n',
    'broken.yaml': 'Resources:\n  B: [unclosed\n',
  });
  const report = await checkPaths([dir], { catalog, profile, engine: new NativeEngine() });
  expect(report.summary.skippedBy).toEqual({ 'not a single JSON or YAML document': 2 });
  expect(report.errors.map((e) => path.basename(e.location.file))).toEqual(['broken.yaml']);
});

test('a source the check cannot read fails the run, never passes it', async () => {
  const report = await checkSources(
    { sources: [{ file: 'gone.yaml', read: () => fs.readFileSync('/nonexistent/gone.yaml') }], skipped: [], errors: [] },
    { catalog, profile, engine: new NativeEngine() },
  );
  expect(report.errors.map((e) => e.message)).toEqual(['gone.yaml: cannot read file: ENOENT']);
});

test('a failed `a or b` is judged by its first alternative on both engines, so their verdicts agree', async () => {
  const rule = [
    "let lts = Resources.*[ Type == 'AWS::EC2::LaunchTemplate' ]",
    'rule intrinsic_first when %lts not empty { %lts.Properties.MetadataOptions { HttpTokens == "required" or HttpEndpoint == "disabled" } }',
    'rule literal_first when %lts not empty { %lts.Properties.MetadataOptions { HttpEndpoint == "disabled" or HttpTokens == "required" } }',
  ].join('\n');
  const dir = tree({
    'rules/or.guard': rule,
    't.yaml':
      'Parameters: {T: {Type: String}}\nResources:\n  LT:\n    Type: AWS::EC2::LaunchTemplate\n    Properties: {MetadataOptions: {HttpTokens: !Ref T}}\n',
  });
  const verdicts = async (engine: GuardEngine) => {
    const report = await checkPaths([path.join(dir, 't.yaml')], { catalog, profile, engine, rules: [path.join(dir, 'rules')] });
    engine.dispose();
    return report.findings
      .filter((f) => f.origin === 'custom')
      .map((f) => `${f.ruleName} ${f.verdict}`)
      .sort();
  };
  const native = await verdicts(new NativeEngine());
  expect(native).toEqual(['intrinsic_first unknown', 'literal_first fail']);
  expect(await verdicts(new WasmEngine())).toEqual(native);
});

test('a rule that declares no name is never taken as evaluated: its report cannot show it', async () => {
  const nameless = {
    id: 'R0',
    origin: 'custom' as const,
    file: 'r0.guard',
    text: 'rule hidden { Resources exists }',
    names: [],
    title: '',
    severity: 'medium' as const,
    message: '',
    mode: 'enforce' as const,
    unresolved: 'warn' as const,
  };
  expect((await new NativeEngine().unparsableRules([nameless])).map((e) => e.message)).toEqual([
    expect.stringMatching(/^r0\.guard: Guard rule R0 was not evaluated/),
  ]);
});

test('a WebAssembly load failure that names no rule, and does not happen again, is still an error', async () => {
  const engine = new WasmEngine();
  const lib = (engine as unknown as { lib: { CompositeEngine: new (c: unknown) => unknown } }).lib;
  let failures = 1;
  const Real = lib.CompositeEngine;
  (engine as unknown as { lib: object }).lib = {
    ...lib,
    CompositeEngine: class {
      constructor(config: unknown) {
        if (failures-- > 0) throw new Error('RuntimeError: unreachable');
        return new Real(config) as object;
      }
    },
  };
  const dir = tree({ 't.yaml': UNENCRYPTED_BUCKET });
  const report = await checkPaths([dir], { catalog, profile, engine });
  engine.dispose();
  expect(exitCodeOf(report)).toBe(2);
  expect(report.errors.map((e) => e.message)).toEqual([expect.stringMatching(/the Guard rules could not be loaded: Error: RuntimeError: unreachable/)]);
});
