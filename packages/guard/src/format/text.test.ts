import { CheckReport, Finding } from '../findings';
import { formatText } from './text';

const unchecked = (controlId: string, mode: Finding['mode']): Finding => ({
  controlId,
  origin: 'catalog',
  title: controlId,
  severity: 'high',
  verdict: 'unchecked',
  mode,
  file: 'sam.yaml',
  logicalId: 'App',
  resourceType: 'AWS::Serverless::Application',
  line: 4,
  message: 'Not checked: App is an AWS::Serverless::Application.',
  fix: 'Check the processed template.',
  ruleName: controlId.toLowerCase(),
});

test('what a transform hides is one line per resource, naming the controls and how many block', () => {
  const findings = ['LZ.A.1', 'LZ.A.2', 'LZ.A.3', 'LZ.A.4', 'LZ.A.5', 'LZ.A.6', 'LZ.A.7'].map((id, i) => unchecked(id, i < 5 ? 'enforce' : 'warn'));
  const report: CheckReport = {
    findings,
    errors: [],
    engine: { name: 'native', version: '3.1.1' },
    catalog: '@tarmac/example-catalog@0.1.0',
    evaluated: [],
    summary: {
      files: 1,
      templates: 1,
      resources: 0,
      findings: 7,
      blocking: 5,
      unchecked: 1,
      skipped: 2,
      skippedBy: { 'not a template': 1, 'excluded directory': 1 },
      durationMs: 5,
    },
  };
  const lines = formatText(report, { color: false }).trimEnd().split('\n');
  expect(lines).toEqual([
    'sam.yaml',
    'sam.yaml:4  App (AWS::Serverless::Application)  [LZ.A.1, LZ.A.2, LZ.A.3, LZ.A.4, LZ.A.5, LZ.A.6 and 1 more] not checked, blocks 5  Not checked: App is an AWS::Serverless::Application. Fix: Check the processed template.',
    'FAIL 1 template, 0 resources, 5 blocking, 2 warnings, 1 not checkable (owned by transforms Tarmac cannot expand: check the processed template, see Fix), 2 skipped (1 not a template, 1 excluded directory) in 0.01s (catalog @tarmac/example-catalog@0.1.0, native engine)',
  ]);
});

test('a finding that stands for Control Tower rules names them, and the summary names the catalog', () => {
  const finding: Finding = {
    controlId: 'LZ.S3.2',
    origin: 'catalog',
    title: 'S3 buckets are encrypted with a KMS key',
    severity: 'high',
    verdict: 'fail',
    mode: 'enforce',
    file: 'data.yaml',
    logicalId: 'Raw',
    resourceType: 'AWS::S3::Bucket',
    line: 33,
    message: 'Bucket is not encrypted with KMS.',
    ruleName: 'lz_s3_bucket_kms_encryption',
    controlTowerIds: ['CT.S3.PR.10', 'CT.S3.PR.11'],
  };
  const report: CheckReport = {
    findings: [finding],
    errors: [],
    engine: { name: 'wasm', version: '1' },
    catalog: 'policies',
    evaluated: [{ file: 'data.yaml', controls: ['LZ.S3.2'] }],
    summary: { files: 1, templates: 1, resources: 1, findings: 1, blocking: 1, unchecked: 0, skipped: 0, skippedBy: {}, durationMs: 20 },
  };
  expect(formatText(report, { color: false }).trimEnd().split('\n')).toEqual([
    'data.yaml',
    'data.yaml:33  Raw (AWS::S3::Bucket)  [LZ.S3.2 (also CT.S3.PR.10, CT.S3.PR.11)] high  Bucket is not encrypted with KMS.',
    'FAIL 1 template, 1 resources, 1 blocking, 0 warnings in 0.02s (catalog policies, wasm engine)',
  ]);
});
