import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Aspects, CfnParameter, NestedStack, Stack, Validations } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { CompiledEngine } from '@tarmac/guard';
import { MandatoryTags } from '../mandatory-tags';
import { TarmacChecks, TarmacChecksProps } from '../tarmac-checks';
import { findingKeys, newApp, synthesize } from './synth';

const POLICIES = path.resolve(__dirname, '..', '..', '..', '..', 'policies');
const TAGS = { team: 'data', project: 'lake', env: 'prod' as const, domain: 'curated', 'cost-center': 'cc-42' };

/** An app with the checks and the mandatory tags, so findings are about the resources under test. */
function checkedApp(props: Partial<TarmacChecksProps> = {}): App {
  const app = newApp();
  Validations.of(app).addPlugins(new TarmacChecks(app, { profile: 'prod', policies: POLICIES, ...props }));
  Aspects.of(app).add(new MandatoryTags(TAGS, { policies: POLICIES }));
  return app;
}

/** A queue no prod control objects to: encrypted with a rotated customer managed key. */
function compliantQueue(stack: Stack, id: string): sqs.Queue {
  return new sqs.Queue(stack, id, { encryptionMasterKey: new kms.Key(stack, `${id}Key`, { enableKeyRotation: true }) });
}

test('a compliant app synthesizes with no Tarmac violation', () => {
  const app = checkedApp();
  compliantQueue(new Stack(app, 'Data'), 'Orders');
  const { error, tarmac } = synthesize(app);
  expect(error).toBeUndefined();
  expect(tarmac?.violations ?? []).toEqual([]);
});

test('a blocking finding fails synthesis with the construct, the control, the message and the fix', () => {
  const app = checkedApp();
  const stack = new Stack(app, 'Data');
  compliantQueue(stack, 'Orders');
  new sqs.Queue(stack, 'Plain');
  const { error, tarmac } = synthesize(app);
  expect(error?.message).toContain('LZ.SQS.1');
  expect(tarmac?.conclusion).toBe('failure');
  expect(tarmac?.violations).toEqual([
    expect.objectContaining({
      ruleName: 'LZ.SQS.1',
      severity: 'error',
      description: expect.stringContaining('[LZ.SQS.1] Queue is not encrypted with a customer managed KMS key.'),
      suggestedFix: expect.stringContaining('KmsMasterKeyId'),
      ruleMetadata: expect.objectContaining({ severity: expect.any(String), verdict: 'fail', origin: 'catalog' }),
      violatingConstructs: [
        expect.objectContaining({
          constructPath: 'Data/Plain/Resource',
          cloudFormationResource: expect.objectContaining({ logicalId: expect.stringMatching(/^Plain/), templatePath: 'Data.template.json' }),
        }),
      ],
    }),
  ]);
});

describe('acknowledgements', () => {
  function twoPlainQueues(ack: (stack: Stack, a: sqs.Queue) => void): ReturnType<typeof synthesize> {
    const app = checkedApp();
    const stack = new Stack(app, 'Data');
    const a = new sqs.Queue(stack, 'A');
    new sqs.Queue(stack, 'B');
    ack(stack, a);
    return synthesize(app);
  }

  test('on one construct, with the id the report prints, silence that one finding and keep the rest failing', () => {
    const { error, tarmac } = twoPlainQueues((_, a) => Validations.of(a).acknowledge({ id: 'Tarmac::LZ.SQS.1', reason: 'encrypted by the producer' }));
    // The other finding is still an error: one acknowledgement never turns a failing report into success.
    expect(error).toBeDefined();
    expect(tarmac?.conclusion).toBe('failure');
    expect(findingKeys(tarmac)).toEqual(['LZ.SQS.1 Data/B/Resource']);
    expect(tarmac?.suppressedViolations).toEqual([
      expect.objectContaining({
        ruleName: 'LZ.SQS.1',
        reason: 'encrypted by the producer',
        acknowledgedAt: 'Data/A',
        violatingConstructs: [expect.objectContaining({ constructPath: 'Data/A/Resource' })],
      }),
    ]);
  });

  test('on a stack, silence every finding of the control below it, and synthesis succeeds', () => {
    const { error, tarmac } = twoPlainQueues((stack) => Validations.of(stack).acknowledge({ id: 'Tarmac::LZ.SQS.1', reason: 'queues hold public data only' }));
    expect(error).toBeUndefined();
    expect(findingKeys(tarmac)).toEqual([]);
    expect(tarmac?.suppressedViolations?.flatMap((v) => v.violatingConstructs.map((c) => c.constructPath)).sort()).toEqual([
      'Data/A/Resource',
      'Data/B/Resource',
    ]);
  });

  test('a bare control ID or an unknown one silences nothing and says so', () => {
    const { tarmac } = twoPlainQueues((stack, a) => {
      Validations.of(a).acknowledge({ id: 'LZ.SQS.1', reason: 'cdk-nag habit' });
      Validations.of(stack).acknowledge({ id: 'Tarmac::LZ.SQS.9', reason: 'typo' });
    });
    expect(findingKeys(tarmac, 'error')).toEqual(['LZ.SQS.1 Data/A/Resource', 'LZ.SQS.1 Data/B/Resource']);
    const warnings = tarmac!.violations.filter((v) => v.ruleName === 'acknowledgement').map((v) => v.description);
    expect(warnings).toEqual(
      expect.arrayContaining([
        expect.stringContaining("acknowledge Tarmac controls as 'Tarmac::LZ.SQS.1'"),
        expect.stringContaining("names no control this pack evaluates; did you mean 'Tarmac::LZ.SQS.1'?"),
      ]),
    );
  });
});

test('a finding in a nested stack names its construct, and an acknowledgement there silences it', () => {
  const app = checkedApp();
  const inner = new NestedStack(new Stack(app, 'Data'), 'Inner');
  const acknowledged = new sqs.Queue(inner, 'Acknowledged');
  new sqs.Queue(inner, 'Plain');
  Validations.of(acknowledged).acknowledge({ id: 'Tarmac::LZ.SQS.1', reason: 'encrypted by the producer' });
  const { tarmac } = synthesize(app);
  expect(findingKeys(tarmac)).toEqual(['LZ.SQS.1 Data/Inner/Plain/Resource']);
  expect(tarmac?.suppressedViolations?.map((v) => v.acknowledgedAt)).toEqual(['Data/Inner/Acknowledged']);
});

test('a value known only at deploy time is an unknown warning, not a pass and not a failure', () => {
  const app = checkedApp();
  const stack = new Stack(app, 'Data');
  const algorithm = new CfnParameter(stack, 'Algorithm', { default: 'aws:kms' });
  new s3.CfnBucket(stack, 'Raw', {
    bucketEncryption: { serverSideEncryptionConfiguration: [{ serverSideEncryptionByDefault: { sseAlgorithm: algorithm.valueAsString } }] },
  });
  const { tarmac } = synthesize(app);
  const kms = tarmac?.violations.filter((v) => v.ruleName === 'LZ.S3.2');
  expect(kms).toEqual([expect.objectContaining({ severity: 'warning', ruleMetadata: expect.objectContaining({ verdict: 'unknown' }) })]);
  expect(kms?.[0].description).toMatch(/only known at deploy time/);
  // The bucket's literal failures (no public access block, say) stay errors.
  expect(findingKeys(tarmac, 'error')).toContain('LZ.S3.1 Data/Raw');
});

test('controlTower adds the Control Tower proactive rules under their own IDs', () => {
  const app = checkedApp({ controlTower: true });
  new s3.Bucket(new Stack(app, 'Data'), 'Raw');
  const { tarmac } = synthesize(app);
  const ids = new Set(tarmac?.violations.map((v) => v.ruleName));
  expect([...ids].some((id) => id.startsWith('CT.S3.PR.'))).toBe(true);
  expect(ids.has('LZ.S3.1')).toBe(true);
});

test('an unknown profile is refused when the pack is created, naming the profiles there are', () => {
  expect(() => new TarmacChecks(newApp(), { profile: 'production', policies: POLICIES })).toThrow(
    /policies\/profiles: unknown profile 'production' \(expected one of dev, prod, sandbox\)/,
  );
});

test('a Guard rule that does not parse fails synthesis: an engine error is never a pass', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-bad-rule-'));
  const rule = path.join(dir, 'broken.guard');
  fs.writeFileSync(
    rule,
    "let queues = Resources.*[ Type == 'AWS::SQS::Queue' ]\nrule broken when %queues not empty { %queues.Properties.KmsMasterKeyId == }\n",
  );
  const app = checkedApp({ rules: [rule] });
  compliantQueue(new Stack(app, 'Data'), 'Orders');
  const { error, tarmac } = synthesize(app);
  expect(error).toBeDefined();
  expect(tarmac?.conclusion).toBe('failure');
  expect(JSON.stringify(tarmac)).toContain('broken.guard');
});

test("cdk-nag's construct-walking entry point refuses instead of passing", () => {
  const app = newApp();
  const pack = new TarmacChecks(app, { profile: 'prod', policies: POLICIES });
  expect(() => pack.validateScope(new Stack(app, 'Data'))).toThrow(/evaluates synthesized templates/);
});

describe('verdict cache in the cloud assembly', () => {
  /** The same app each time, synthesized into `outdir`; `fixed` encrypts the second queue with the first one's key. */
  function synthInto(outdir: string, fixed: boolean, props: Partial<TarmacChecksProps> = {}) {
    const app = new App({ outdir });
    Validations.of(app).addPlugins(new TarmacChecks(app, { profile: 'prod', policies: POLICIES, ...props }));
    Aspects.of(app).add(new MandatoryTags(TAGS, { policies: POLICIES }));
    const stack = new Stack(app, 'Data');
    const orders = compliantQueue(stack, 'Orders');
    new sqs.Queue(stack, 'Plain', fixed ? { encryptionMasterKey: orders.encryptionMasterKey } : {});
    return synthesize(app);
  }

  /** Per call of the engine under the cache, what reached it: `template rule-id` for every pair it evaluated. */
  function recordEngine(): string[][] {
    const evaluated: string[][] = [];
    const evaluateSync = CompiledEngine.prototype.evaluateSync;
    jest.spyOn(CompiledEngine.prototype, 'evaluateSync').mockImplementation(function (this: CompiledEngine, jobs, onProgress) {
      evaluated.push(jobs.flatMap((j) => j.rules.map((r) => `${path.basename(j.template.file)} ${r.id}`)));
      return evaluateSync.call(this, jobs, onProgress);
    });
    return evaluated;
  }
  afterEach(() => jest.restoreAllMocks());

  test('a synth into the same cdk.out reuses verdicts, and still sees what changed', () => {
    const evaluated = recordEngine();
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-cdk-cache-'));
    const first = synthInto(outdir, false);
    expect(findingKeys(first.tarmac)).toEqual(['LZ.SQS.1 Data/Plain/Resource']);
    const everyRule = ['LZ.KMS.1', 'LZ.SQS.1', 'LZ.TAG.1', 'LZ.TAG.2'];
    expect(evaluated).toEqual([everyRule.map((id) => `Data.template.json ${id}`)]);
    const cache = path.join(outdir, '.tarmac-cache');
    const stored = fs.readdirSync(cache);
    expect(stored).toHaveLength(everyRule.length); // one entry per rule on the one template

    // Unchanged: every verdict comes from the cache, the engine is not called at all.
    const again = synthInto(outdir, false);
    expect(evaluated).toHaveLength(1);
    const summary = (r: typeof first) =>
      r.tarmac?.violations.map((v) => [v.ruleName, v.severity, v.description, v.violatingConstructs.map((c) => c.cloudFormationResource)]);
    expect(summary(again)).toEqual(summary(first));
    expect(fs.readdirSync(cache).sort()).toEqual(stored.sort());

    // The queue edited: the rules reading queues run again; the key rule's verdict is still the cached one.
    const fixed = synthInto(outdir, true);
    expect(evaluated[1]).toEqual(['LZ.SQS.1', 'LZ.TAG.1', 'LZ.TAG.2'].map((id) => `Data.template.json ${id}`));
    expect(evaluated).toHaveLength(2);
    expect(fixed.error).toBeUndefined();
    expect(findingKeys(fixed.tarmac)).toEqual([]);
  });

  test('cache: false stores nothing', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-cdk-cache-'));
    expect(findingKeys(synthInto(outdir, false, { cache: false }).tarmac)).toEqual(['LZ.SQS.1 Data/Plain/Resource']);
    expect(fs.existsSync(path.join(outdir, '.tarmac-cache'))).toBe(false);
  });
});
