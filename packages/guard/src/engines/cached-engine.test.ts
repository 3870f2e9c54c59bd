import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { GuardRule } from '../rules/guard-rule';
import { customRules } from '../rules/custom-rules';
import { parseTemplate } from '../template/parse-template';
import { CachedEngine } from './cached-engine';
import { EvaluationJob, GuardEngine, JobResult } from './engine';
import { NativeEngine } from './native-engine';

const POLICIES = path.join(__dirname, '..', '..', '..', '..', 'policies', 'controls', 's3');
const KMS = customRules(path.join(POLICIES, 'bucket-kms-encryption.guard'), 'enforce')[0];
const VERSIONING = customRules(path.join(POLICIES, 'bucket-versioning-enabled.guard'), 'enforce')[0];
const QUEUE_KMS = customRules(path.join(POLICIES, '..', 'sqs', 'queue-kms-encryption.guard'), 'enforce')[0];

const bucket = (name: string, versioned: boolean) =>
  `  ${name}:\n    Type: AWS::S3::Bucket\n    Properties: { VersioningConfiguration: { Status: ${versioned ? 'Enabled' : 'Suspended'} } }\n`;
const queue = (name: string, kms: boolean) =>
  `  ${name}:\n    Type: AWS::SQS::Queue\n    Properties: { ${kms ? 'KmsMasterKeyId: alias/app' : 'SqsManagedSseEnabled: true'} }\n`;
const job = (file: string, body: string, rules: GuardRule[] = [KMS, VERSIONING]): EvaluationJob => ({
  template: parseTemplate(Buffer.from(`Resources:\n${body}`), file),
  rules,
});
const verdicts = (results: JobResult[]) =>
  results.map((r) => [r.job.template.file, r.errors.length, r.violations.map((v) => `${v.rule?.id} ${v.logicalId} ${v.path}`).sort()]);

/** The real native engine, recording which templates reach it. */
class Recording implements GuardEngine {
  readonly inner = new NativeEngine();
  readonly name = this.inner.name;
  readonly version = this.inner.version;
  /** Per call: `file rule-id` for every pair evaluated. */
  evaluated: string[][] = [];
  async evaluate(jobs: readonly EvaluationJob[], onProgress?: (done: number) => void): Promise<JobResult[]> {
    this.evaluated.push(jobs.flatMap((j) => j.rules.map((r) => `${j.template.file} ${r.id}`)));
    return this.inner.evaluate(jobs, onProgress);
  }
  unparsableRules(rules: readonly GuardRule[]) {
    return this.inner.unparsableRules(rules);
  }
  dispose(): void {}
}

describe('CachedEngine', () => {
  let dir: string;
  let recording: Recording;
  let engine: CachedEngine;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-cache-'));
    recording = new Recording();
    engine = new CachedEngine(recording, dir);
  });

  test('an unchanged template is answered from the cache with the same violations; after an edit, only the rules reading it run', async () => {
    const jobs = [job('a.yaml', bucket('A', false)), job('b.yaml', bucket('B', true))];
    const first = await engine.evaluate(jobs);
    expect(recording.evaluated[0]).toHaveLength(4);
    expect(verdicts(first)).toEqual([
      ['a.yaml', 0, ['bucket-kms-encryption A /Resources/A/Properties', 'bucket-versioning-enabled A /Resources/A/Properties/VersioningConfiguration/Status']],
      ['b.yaml', 0, ['bucket-kms-encryption B /Resources/B/Properties']],
    ]);

    const again = [job('a.yaml', bucket('A', false)), job('b.yaml', bucket('B', false))];
    const progress: number[] = [];
    const second = await engine.evaluate(again, (done) => progress.push(done));
    expect(recording.evaluated[1]).toEqual(['b.yaml bucket-kms-encryption', 'b.yaml bucket-versioning-enabled']);
    expect(verdicts(second)[0]).toEqual(verdicts(first)[0]);
    expect(second[0].violations.map((v) => v.rule)).toEqual(expect.arrayContaining(again[0].rules));
    expect(verdicts(second)[1][2]).toContain('bucket-versioning-enabled B /Resources/B/Properties/VersioningConfiguration/Status');
    expect(progress.at(-1)).toBe(2);
  });

  test('editing one resource type re-evaluates only the rules that read it', async () => {
    const rules = [KMS, VERSIONING, QUEUE_KMS];
    const before = await engine.evaluate([job('app.yaml', bucket('Data', true) + queue('Jobs', false), rules)]);
    const after = await engine.evaluate([job('app.yaml', bucket('Data', true) + queue('Jobs', true), rules)]);
    expect(recording.evaluated[1]).toEqual(['app.yaml queue-kms-encryption']);
    expect(verdicts(before)[0][2]).toEqual(['bucket-kms-encryption Data /Resources/Data/Properties', 'queue-kms-encryption Jobs /Resources/Jobs/Properties']);
    expect(verdicts(after)[0][2]).toEqual(['bucket-kms-encryption Data /Resources/Data/Properties']);
  });

  test('a rule whose text changed is a miss, never the old verdict; the other rules still hit', async () => {
    await engine.evaluate([job('a.yaml', bucket('A', false))]);
    const fewer = await engine.evaluate([job('a.yaml', bucket('A', false), [KMS])]);
    expect(verdicts(fewer)[0][2]).toEqual(['bucket-kms-encryption A /Resources/A/Properties']);
    expect(recording.evaluated).toHaveLength(1);
    const edited = { ...VERSIONING, text: VERSIONING.text.replace("Status == 'Enabled'", "Status in ['Enabled', 'Suspended']") };
    const relaxed = await engine.evaluate([job('a.yaml', bucket('A', false), [KMS, edited])]);
    expect(recording.evaluated[1]).toEqual(['a.yaml bucket-versioning-enabled']);
    expect(verdicts(relaxed)[0][2]).toEqual(['bucket-kms-encryption A /Resources/A/Properties']);
  });

  test('an unreadable or foreign entry is a miss and is evaluated again', async () => {
    const jobs = [job('a.yaml', bucket('A', false))];
    const first = await engine.evaluate(jobs);
    const entries = fs.readdirSync(dir);
    expect(entries).toHaveLength(2);
    const entry = entries.find((e) => fs.readFileSync(path.join(dir, e), 'utf8').includes('lz_s3_bucket_kms_encryption'))!;
    const foreign = [
      '[{"ruleName":"lz_s3_bucket_kms',
      '[{"ruleName":"some_other_rule"}]',
      '{}',
      // Ill-typed fields: each would crash (paths.filter is not a function) or mislead the findings.
      '[{"ruleName":"lz_s3_bucket_kms_encryption","paths":"abc"}]',
      '[{"ruleName":"lz_s3_bucket_kms_encryption","paths":[1]}]',
      '[{"ruleName":"lz_s3_bucket_kms_encryption","logicalId":{"x":1}}]',
      '[{"ruleName":"lz_s3_bucket_kms_encryption","path":7}]',
      '[{"ruleName":"lz_s3_bucket_kms_encryption","message":null}]',
      '[{"ruleName":"lz_s3_bucket_kms_encryption","rule":{"id":"LZ.X"}}]',
      '[null]',
    ];
    for (const content of foreign) {
      fs.writeFileSync(path.join(dir, entry), content);
      expect(verdicts(await engine.evaluate(jobs))).toEqual(verdicts(first));
      expect(recording.evaluated.at(-1)).toEqual(['a.yaml bucket-kms-encryption']); // the other rule's entry still hits
    }
    expect(recording.evaluated).toHaveLength(1 + foreign.length);
  });

  test('results are matched to their templates whatever order the engine returns them in; a missing one is an error', async () => {
    const jobs = [job('a.yaml', bucket('A', false)), job('b.yaml', bucket('B', true))];
    const expected = verdicts(await new NativeEngine().evaluate(jobs));
    const answering = (reorder: (results: JobResult[]) => JobResult[]): GuardEngine => ({
      name: recording.name,
      version: recording.version,
      evaluate: async (js) => reorder(await recording.inner.evaluate(js)),
      unparsableRules: async () => [],
      dispose: () => undefined,
    });
    expect(
      verdicts(
        await new CachedEngine(
          answering((r) => r.reverse()),
          dir,
        ).evaluate(jobs),
      ),
    ).toEqual(expected);
    const dropping = new CachedEngine(
      answering((r) => r.slice(1)),
      fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-cache-')),
    );
    await expect(dropping.evaluate(jobs)).rejects.toThrow(/returned no result for a\.yaml/);
  });

  test('a result with errors is not stored', async () => {
    const broken = { ...KMS, file: 'broken.guard', text: 'rule lz_s3_bucket_kms_encryption { Resources.*[ Type == ' };
    const jobs = [job('a.yaml', bucket('A', false), [broken])];
    const [result] = await engine.evaluate(jobs);
    expect(result.errors).toHaveLength(1);
    expect(fs.readdirSync(dir)).toEqual([]);
    await engine.evaluate(jobs);
    expect(recording.evaluated).toHaveLength(2);
  });

  test('entries unused for a week are removed; used ones are kept', async () => {
    await engine.evaluate([job('a.yaml', bucket('A', false))]);
    const stale = path.join(dir, 'stale.json');
    fs.writeFileSync(stale, '[]');
    const weekAgo = new Date(Date.now() - 8 * 24 * 3600 * 1000);
    fs.utimesSync(stale, weekAgo, weekAgo);
    const used = fs.readdirSync(dir).filter((f) => f !== 'stale.json');
    for (const f of used) fs.utimesSync(path.join(dir, f), weekAgo, weekAgo);
    await engine.evaluate([job('a.yaml', bucket('A', false))]);
    expect(fs.readdirSync(dir).sort()).toEqual(used.sort());
  });
});
