import * as path from 'path';
import { customRules } from './rules/custom-rules';
import { findingsFrom } from './findings';
import { parseTemplate } from './template/parse-template';

const KMS_RULE = path.join(__dirname, '..', '..', '..', 'policies', 'controls', 's3', 'bucket-kms-encryption.guard');
const template = parseTemplate(Buffer.from('Resources:\n  Raw:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: raw\n'), 't.yaml');
const rules = customRules(KMS_RULE, 'enforce');

test('a violation becomes a finding with the resource, its type and the line of the path', () => {
  const { findings, errors } = findingsFrom({
    job: { template, rules },
    violations: [{ ruleName: 'lz_s3_bucket_kms_encryption', logicalId: 'Raw', path: '/Resources/Raw/Properties' }],
    errors: [],
  });
  expect(errors).toEqual([]);
  expect(findings).toEqual([expect.objectContaining({ logicalId: 'Raw', resourceType: 'AWS::S3::Bucket', line: 4, mode: 'enforce', path: 'Properties' })]);
});

test('a violation of a rule name no selected rule declares is an error, not dropped', () => {
  const { findings, errors } = findingsFrom({ job: { template, rules }, violations: [{ ruleName: 'someone_elses_rule', logicalId: 'Raw' }], errors: [] });
  expect(findings).toEqual([]);
  expect(errors.map((e) => e.message)).toEqual([expect.stringMatching(/^t\.yaml: the Guard engine reported rule someone_elses_rule/)]);
});
