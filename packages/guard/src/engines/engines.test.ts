import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { GuardRule } from '../rules/guard-rule';
import { customRules } from '../rules/custom-rules';
import { parseTemplate } from '../template/parse-template';
import { EvaluationJob, GuardEngine } from './engine';
import { NativeEngine } from './native-engine';
import { WasmEngine } from './wasm-engine';
import { EXPECTED_WASM_VERSION } from './wasm-validate';

const KMS_RULE = path.join(__dirname, '..', '..', '..', '..', 'policies', 'controls', 's3', 'bucket-kms-encryption.guard');
const rule = (file: string): GuardRule => customRules(file, 'enforce')[0];
const template = (yaml: string, file = 't.yaml') => parseTemplate(Buffer.from(yaml), file);

const BUCKETS = `Resources:
  Key: { Type: AWS::KMS::Key }
  Good:
    Type: AWS::S3::Bucket
    Properties:
      BucketEncryption:
        ServerSideEncryptionConfiguration:
          - ServerSideEncryptionByDefault: { SSEAlgorithm: aws:kms, KMSMasterKeyID: !GetAtt Key.Arn }
  Bad:
    Type: AWS::S3::Bucket
    Properties: { BucketName: raw }
`;

describe.each([
  ['native', () => new NativeEngine()],
  ['wasm', () => new WasmEngine()],
])('%s engine', (_name, make: () => GuardEngine) => {
  let engine: GuardEngine;
  beforeAll(() => {
    engine = make();
  });
  afterAll(() => engine.dispose());

  test('reports the failing resource and nothing for the compliant one', async () => {
    const [result] = await engine.evaluate([{ template: template(BUCKETS), rules: [rule(KMS_RULE)] }]);
    expect(result.error).toBeUndefined();
    expect(result.violations.map((v) => [v.ruleName, v.logicalId])).toEqual([['lz_s3_bucket_kms_encryption', 'Bad']]);
  });

  test('a template with null properties is evaluated and does not lose the other results', async () => {
    const jobs: EvaluationJob[] = [
      { template: template('Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties: null\n', 'null.yaml'), rules: [rule(KMS_RULE)] },
      { template: template(BUCKETS), rules: [rule(KMS_RULE)] },
    ];
    const results = await engine.evaluate(jobs);
    // Either a located error or the FAIL: never a silent pass.
    const first = results[0];
    expect(first.error ? first.error.location.file : first.violations.map((v) => v.logicalId).join()).toBe(first.error ? 'null.yaml' : 'B');
    expect(results[1].violations.map((v) => v.logicalId)).toEqual(['Bad']);
  });

  test('a Guard rule that does not parse is an error naming the rule file, never a pass', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-bad-rule-'));
    const bad = path.join(dir, 'broken.guard');
    fs.writeFileSync(bad, "rule broken when Resources.*[ Type == 'AWS::S3::Bucket' ] { oops\n");
    const [result] = await engine.evaluate([{ template: template(BUCKETS), rules: [rule(bad)] }]);
    expect(result.error).toBeDefined();
    expect(result.error!.message).toContain('broken');
  });
});

test('the WebAssembly engine is the pinned @aws/cloudformation-validate version', () => {
  const engine = new WasmEngine();
  expect(engine.version).toBe(EXPECTED_WASM_VERSION);
});

test('the native engine is cfn-guard 3.1.1', () => {
  expect(new NativeEngine().version).toBe('3.1.1');
});
