import { Finding } from '../findings';
import { sampleFinding, sampleReport } from './__tests__/sample-report';
import { formatText } from './text';

const unchecked = (controlId: string, mode: Finding['mode']): Finding =>
  sampleFinding({
    controlId,
    title: controlId,
    verdict: 'unchecked',
    mode,
    file: 'sam.yaml',
    stack: undefined,
    logicalId: 'App',
    resourceType: 'AWS::Serverless::Application',
    path: undefined,
    line: 4,
    column: undefined,
    message: 'Not checked: App is an AWS::Serverless::Application.',
    fix: 'Check the processed template.',
    ruleName: controlId.toLowerCase(),
  });

test('what a transform hides is one line per resource, naming the controls and how many block', () => {
  const findings = ['LZ.A.1', 'LZ.A.2', 'LZ.A.3', 'LZ.A.4', 'LZ.A.5', 'LZ.A.6', 'LZ.A.7'].map((id, i) => unchecked(id, i < 5 ? 'enforce' : 'warn'));
  const report = sampleReport(findings, {
    // findings: 7 and blocking: 5 come from the findings.
    summary: { resources: 0, unchecked: 1, skipped: 2, skippedBy: { 'not a template': 1, 'excluded directory': 1 } },
  });
  const lines = formatText(report, { color: false }).trimEnd().split('\n');
  expect(lines).toEqual([
    'sam.yaml',
    'sam.yaml:4  App (AWS::Serverless::Application)  [LZ.A.1, LZ.A.2, LZ.A.3, LZ.A.4, LZ.A.5, LZ.A.6 and 1 more] not checked, blocks 5  Not checked: App is an AWS::Serverless::Application. Fix: Check the processed template.',
    'FAIL 1 template, 0 resources, 5 blocking, 2 warnings, 1 not checkable (owned by transforms Tarmac cannot expand: check the processed template, see Fix), 2 skipped (1 not a template, 1 excluded directory) in 0.01s (catalog @tarmac/example-catalog@0.1.0, native engine)',
  ]);
});

test('a finding that stands for Control Tower rules names them, and the summary names the catalog', () => {
  const finding = sampleFinding({
    file: 'data.yaml',
    stack: undefined,
    logicalId: 'Raw',
    path: undefined,
    line: 33,
    column: undefined,
    fix: undefined,
    controlTowerIds: ['CT.S3.PR.10', 'CT.S3.PR.11'],
  });
  const report = sampleReport([finding], {
    engine: { name: 'wasm', version: '1' },
    catalog: 'policies',
    evaluated: [{ file: 'data.yaml', controls: ['LZ.S3.2'] }],
    summary: { resources: 1, durationMs: 20 },
  });
  expect(formatText(report, { color: false }).trimEnd().split('\n')).toEqual([
    'data.yaml',
    'data.yaml:33  Raw (AWS::S3::Bucket)  [LZ.S3.2 (also CT.S3.PR.10, CT.S3.PR.11)] high  Bucket is not encrypted with KMS.',
    'FAIL 1 template, 1 resources, 1 blocking, 0 warnings in 0.02s (catalog policies, wasm engine)',
  ]);
});

test('a rule the compiled engine left to cfn-guard is a note before the summary', () => {
  const note = 'rule LZ.X.1 was evaluated by the native Guard engine: x.guard:3:7: not supported by the compiled Guard evaluator: \\p{Greek}';
  const report = sampleReport([], { engine: { name: 'compiled', version: 'cfn-guard 3.1.1 semantics', notes: [note] } });
  const lines = formatText(report, { color: false }).trimEnd().split('\n');
  expect(lines.slice(0, -1)).toEqual([`note ${note}`]);
  expect(lines[lines.length - 1]).toMatch(/^PASS .*compiled engine\)$/);
});
