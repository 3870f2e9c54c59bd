import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadCatalog } from '@tarmac/core';
import { catalogRules } from '../rules/catalog-rules';
import { GuardRule } from '../rules/guard-rule';
import { customRules } from '../rules/custom-rules';
import { parseTemplate } from '../template/parse-template';
import { describeEachEngine } from './__tests__/each-engine';
import { EvaluationJob } from './engine';
import { NativeEngine } from './native-engine';
import { WasmEngine } from './wasm-engine';
import { EXPECTED_WASM_VERSION } from './wasm-validate';

const KMS_RULE = path.join(__dirname, '..', '..', '..', '..', 'policies', 'controls', 's3', 'bucket-kms-encryption.guard');
const rule = (file: string): GuardRule => customRules(file, 'enforce')[0];
const template = (yaml: string, file = 't.yaml') => parseTemplate(Buffer.from(yaml), file);
const ruleFile = (name: string, text: string): GuardRule => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-rule-')), name);
  fs.writeFileSync(file, text);
  return rule(file);
};
/** A bucket encrypted with the KMS key `key` (a logical ID), as template YAML. */
const kmsBucket = (name: string, key: string) => `  ${name}:
    Type: AWS::S3::Bucket
    Properties:
      BucketEncryption:
        ServerSideEncryptionConfiguration:
          - ServerSideEncryptionByDefault: { SSEAlgorithm: aws:kms, KMSMasterKeyID: !GetAtt ${key}.Arn }
`;

const BUCKETS = `Resources:
  Key: { Type: AWS::KMS::Key }
${kmsBucket('Good', 'Key')}  Bad:
    Type: AWS::S3::Bucket
    Properties: { BucketName: raw }
`;

describeEachEngine((engine) => {
  test('reports the failing resource and nothing for the compliant one', async () => {
    const [result] = await engine().evaluate([{ template: template(BUCKETS), rules: [rule(KMS_RULE)] }]);
    expect(result.errors).toEqual([]);
    expect(result.violations.map((v) => [v.ruleName, v.logicalId])).toEqual([['lz_s3_bucket_kms_encryption', 'Bad']]);
  });

  test('a template with null properties is evaluated and does not lose the other results', async () => {
    const jobs: EvaluationJob[] = [
      { template: template('Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties: null\n', 'null.yaml'), rules: [rule(KMS_RULE)] },
      { template: template(BUCKETS), rules: [rule(KMS_RULE)] },
    ];
    const results = await engine().evaluate(jobs);
    // `Properties: null` is no encryption: the bucket FAILs, as cfn-guard 3.1.1 says; not an error, never a pass.
    expect(results.map((r) => [r.job.template.file, r.errors, r.violations.map((v) => [v.ruleName, v.logicalId, v.path])])).toEqual([
      ['null.yaml', [], [['lz_s3_bucket_kms_encryption', 'B', '/Resources/B/Properties']]],
      ['t.yaml', [], [['lz_s3_bucket_kms_encryption', 'Bad', '/Resources/Bad/Properties']]],
    ]);
  });

  test('a Guard rule that does not parse is an error naming the rule file, never a pass', async () => {
    const bad = ruleFile('broken.guard', "rule broken when Resources.*[ Type == 'AWS::S3::Bucket' ] { oops\n");
    const [result] = await engine().evaluate([{ template: template(BUCKETS), rules: [bad] }]);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0].message).toContain('broken');
  });
});

const KEY_ROTATION_BY_REFERENCE = `let INPUT_DOCUMENT = this
let buckets = Resources.*[ Type == 'AWS::S3::Bucket' ]
rule bucket_key_rotates when %buckets not empty {
    %buckets.Properties.BucketEncryption.ServerSideEncryptionConfiguration[*].ServerSideEncryptionByDefault.KMSMasterKeyID {
        'Fn::GetAtt' {
            key_rotates(%INPUT_DOCUMENT, this[0])
        }
    }
}
rule key_rotates(doc, key) {
    let k = %doc.Resources[ keys == %key ]
    %k not empty
    %k.Properties.EnableKeyRotation == true
}
`;
const REFERENCED_KEYS = `Resources:
  Rotating: { Type: AWS::KMS::Key, Properties: { EnableKeyRotation: true } }
  Static: { Type: AWS::KMS::Key, Properties: { EnableKeyRotation: false } }
  Queue: { Type: AWS::SQS::Queue, Properties: { QueueName: q } }
${kmsBucket('Good', 'Rotating')}${kmsBucket('Bad', 'Static')}`;

describe('native engine', () => {
  const engine = new NativeEngine();

  test('a rule that follows a reference to a resource of a type it does not name sees that resource whole', async () => {
    const byReference = ruleFile('key-rotation.guard', KEY_ROTATION_BY_REFERENCE);
    expect(byReference.resourceTypes).toEqual(new Set(['AWS::S3::Bucket'])); // the keys are reached only by reference
    const [result] = await engine.evaluate([{ template: template(REFERENCED_KEYS), rules: [byReference] }]);
    expect(result.errors).toEqual([]);
    // Bad's key fails its check; a stubbed Rotating key would fail Good too.
    expect(result.violations.map((v) => v.logicalId)).toEqual(['Static']);
  });

  test('rules merged into one process report only on the templates they were dispatched to', async () => {
    // Fails on any template without a bucket: only dispatch keeps it off the queue template.
    const needsBucket = ruleFile('needs-bucket.guard', "rule needs_bucket { Resources.*[ Type == 'AWS::S3::Bucket' ] not empty }\n");
    const queueRule = ruleFile(
      'queue-named.guard',
      "let q = Resources.*[ Type == 'AWS::SQS::Queue' ]\nrule queue_named when %q not empty { %q.Properties.QueueName exists }\n",
    );
    const bucket = template('Resources:\n  B: { Type: AWS::S3::Bucket }\n', 'bucket.yaml');
    const queue = template('Resources:\n  Q: { Type: AWS::SQS::Queue, Properties: { QueueName: q } }\n', 'queue.yaml');
    const results = await engine.evaluate([
      { template: bucket, rules: [needsBucket] },
      { template: queue, rules: [queueRule] },
    ]);
    expect(results.map((r) => [r.errors, r.violations])).toEqual([
      [[], []],
      [[], []],
    ]);
  });

  test('two rule files with the same rule name: each violation names the file that reported it', async () => {
    const strict = ruleFile(
      'strict.guard',
      "let b = Resources.*[ Type == 'AWS::S3::Bucket' ]\nrule same_name when %b not empty { %b.Properties.BucketName exists }\n",
    );
    const lenient = {
      ...ruleFile('lenient.guard', "let b = Resources.*[ Type == 'AWS::S3::Bucket' ]\nrule same_name when %b not empty { %b.Type exists }\n"),
      id: 'LENIENT',
    };
    const [result] = await engine.evaluate([{ template: template('Resources:\n  B: { Type: AWS::S3::Bucket }\n'), rules: [lenient, strict] }]);
    expect(result.violations.map((v) => [v.rule?.file, v.logicalId])).toEqual([[strict.file, 'B']]);
  });

  test('a tag rule narrowed to the template’s types gives the verdicts of the full rule', async () => {
    const catalog = loadCatalog(path.join(__dirname, '..', '..', '..', '..', 'policies'));
    const tagRules = catalogRules(catalog, catalog.profiles.get('prod')!).filter((r) => r.id.startsWith('LZ.TAG'));
    const tagged = template(`Resources:
  Tagged:
    Type: AWS::SQS::Queue
    Properties:
      Tags: [{ Key: team, Value: data }, { Key: project, Value: lake }, { Key: env, Value: qa }, { Key: domain, Value: raw }, { Key: cost-center, Value: cc-42 }]
  Untagged: { Type: AWS::S3::Bucket, Properties: { BucketName: raw } }
  Mapped: { Type: AWS::SSM::Parameter, Properties: { Type: String, Value: v, Tags: { team: data } } }
`);
    const verdicts = async (rules: GuardRule[]) => {
      const [result] = await engine.evaluate([{ template: tagged, rules }]);
      expect(result.errors).toEqual([]);
      return result.violations.map((v) => `${v.ruleName} ${v.logicalId}`).sort();
    };
    const narrowed = await verdicts(tagRules);
    expect(narrowed).toEqual(['lz_mandatory_tag_values Tagged', 'lz_mandatory_tags Mapped', 'lz_mandatory_tags Untagged']);
    expect(await verdicts(tagRules.map((r) => ({ ...r, textFor: undefined })))).toEqual(narrowed);
    expect(tagRules[0].textFor!(tagged.types).length).toBeLessThan(tagRules[0].text.length / 10);
  });
});

test('the WebAssembly engine is the pinned @aws/cloudformation-validate version', () => {
  const engine = new WasmEngine();
  expect(engine.version).toBe(EXPECTED_WASM_VERSION);
});

test('the native engine is cfn-guard 3.1.1', () => {
  expect(new NativeEngine().version).toBe('3.1.1');
});
