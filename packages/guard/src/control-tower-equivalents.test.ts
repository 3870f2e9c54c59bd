import * as fs from 'fs';
import * as path from 'path';
import { Profile, loadCatalog } from '@tarmac/core';
import { checkSources } from './check';
import { mergeControlTowerEquivalents } from './control-tower-equivalents';
import { NativeEngine } from './engines/native-engine';
import { CheckReport, Finding } from './findings';

const ROOT = path.join(__dirname, '..', '..', '..');
const catalog = loadCatalog(path.join(ROOT, 'policies'));
const prod = catalog.profiles.get('prod')!;
const DATA_LAKE = path.join(ROOT, 'examples', 'templates', 'data-lake.yaml');

async function check(file: string, text: string, profile: Profile = prod): Promise<CheckReport> {
  const engine = new NativeEngine();
  try {
    return await checkSources(
      { sources: [{ file, read: () => Buffer.from(text) }], skipped: [], errors: [] },
      { catalog, profile, engine, controlTower: true },
    );
  } finally {
    engine.dispose();
  }
}

const on = (report: CheckReport, logicalId: string) =>
  report.findings
    .filter((f) => f.logicalId === logicalId)
    .map((f) => [f.controlId, f.controlTowerIds ?? []])
    .sort();

describe('with --control-tower, the real engine on the data-lake example', () => {
  let report: CheckReport;
  beforeAll(async () => {
    report = await check('data-lake.yaml', fs.readFileSync(DATA_LAKE, 'utf8'));
  });

  test('a bucket failing LZ.S3.2 and CT.S3.PR.10 gives one finding naming both', () => {
    const kms = report.findings.filter((f) => f.logicalId === 'RawBucket' && (f.controlId === 'LZ.S3.2' || f.controlId === 'CT.S3.PR.10'));
    expect(kms).toHaveLength(1);
    expect(kms[0]).toMatchObject({ controlId: 'LZ.S3.2', origin: 'catalog', controlTowerIds: ['CT.S3.PR.10'], mode: 'enforce', severity: 'high' });
  });

  test('no Control Tower rule a catalog control covers is reported twice on a resource; the others stay', () => {
    expect(on(report, 'RawBucket')).toEqual(
      expect.arrayContaining([
        ['LZ.S3.1', ['CT.S3.PR.1']],
        ['LZ.S3.5', ['CT.S3.PR.2']],
        // No catalog control declares these: they stay Control Tower findings.
        ['CT.S3.PR.4', []],
        ['CT.S3.PR.9', []],
      ]),
    );
    for (const id of ['CT.S3.PR.1', 'CT.S3.PR.2', 'CT.S3.PR.10']) expect(report.findings.filter((f) => f.controlId === id)).toEqual([]);
  });

  test('a Control Tower failure where its catalog equivalent passed is not swallowed', () => {
    // LZ.S3.3 declares CT.S3.PR.8; the curated bucket policy meets LZ.S3.3 but not CT.S3.PR.8.
    expect(on(report, 'CuratedBucketPolicy')).toEqual([['CT.S3.PR.8', []]]);
  });

  test('the summary counts the merged findings once', () => {
    expect(report.summary.findings).toBe(report.findings.length);
    expect(report.summary.blocking).toBe(report.findings.filter((f) => f.mode === 'enforce').length);
  });
});

test('a Control Tower failure on another resource stays, even where the catalog control failed on one', async () => {
  const template = [
    'Resources:',
    '  Open:',
    '    Type: AWS::S3::BucketPolicy',
    '    Properties:',
    '      Bucket: b',
    '      PolicyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: "*", Action: "s3:GetObject", Resource: "*"}]}',
    '  TlsOnly:',
    '    Type: AWS::S3::BucketPolicy',
    '    Properties:',
    '      Bucket: c',
    '      PolicyDocument:',
    '        Version: "2012-10-17"',
    '        Statement:',
    '          - {Effect: Deny, Principal: "*", Action: "s3:*", Resource: "*", Condition: {Bool: {"aws:SecureTransport": false}}}',
  ].join('\n');
  const report = await check('policies.yaml', template);
  expect(on(report, 'Open')).toContainEqual(['LZ.S3.3', ['CT.S3.PR.8']]);
  expect(on(report, 'Open').map(([id]) => id)).not.toContain('CT.S3.PR.8');
  expect(on(report, 'TlsOnly')).toContainEqual(['CT.S3.PR.8', []]);
});

test('the stricter mode wins: a catalog control that only warns blocks when its Control Tower equivalent blocks', async () => {
  const lenient: Profile = { ...prod, controls: { ...prod.controls, 'LZ.S3.5': 'warn' }, controlTower: 'enforce' };
  const report = await check('data-lake.yaml', fs.readFileSync(DATA_LAKE, 'utf8'), lenient);
  expect(report.findings.filter((f) => f.logicalId === 'RawBucket' && f.controlId === 'LZ.S3.5')).toEqual([
    expect.objectContaining({ mode: 'enforce', controlTowerIds: ['CT.S3.PR.2'] }),
  ]);
});

describe('mergeControlTowerEquivalents', () => {
  const controls = [
    { id: 'LZ.S3.2', controlTower: ['CT.S3.PR.10'] },
    { id: 'LZ.X.1', controlTower: ['CT.X.PR.1', 'CT.X.PR.2'] },
  ];
  const finding = (controlId: string, overrides: Partial<Finding> = {}): Finding => ({
    controlId,
    origin: controlId.startsWith('CT.') ? 'control-tower' : 'catalog',
    title: controlId,
    severity: 'medium',
    verdict: 'fail',
    mode: 'enforce',
    file: 't.yaml',
    stack: 'S',
    logicalId: 'B',
    resourceType: 'AWS::S3::Bucket',
    line: 3,
    message: `${controlId} failed`,
    ruleName: controlId.toLowerCase(),
    ...overrides,
  });

  test('takes the most severe severity and the stricter mode, and names every rule it absorbed', () => {
    const merged = mergeControlTowerEquivalents(
      [
        finding('LZ.X.1', { severity: 'low', mode: 'warn' }),
        finding('CT.X.PR.2', { severity: 'high', mode: 'enforce' }),
        finding('CT.X.PR.1', { severity: 'medium', mode: 'warn' }),
      ],
      controls,
    );
    expect(merged).toEqual([finding('LZ.X.1', { severity: 'high', mode: 'enforce', controlTowerIds: ['CT.X.PR.1', 'CT.X.PR.2'] })]);
  });

  test('keeps the catalog severity and mode when they are the stricter', () => {
    const merged = mergeControlTowerEquivalents(
      [finding('LZ.S3.2', { severity: 'critical' }), finding('CT.S3.PR.10', { severity: 'low', mode: 'warn' })],
      controls,
    );
    expect(merged).toEqual([finding('LZ.S3.2', { severity: 'critical', mode: 'enforce', controlTowerIds: ['CT.S3.PR.10'] })]);
  });

  test.each<[string, Partial<Finding>]>([
    ['another resource', { logicalId: 'Other' }],
    ['another stack', { stack: 'T' }],
    ['another file', { file: 'u.yaml' }],
    ['another verdict (the catalog control is unknown until deploy, the Control Tower rule fails)', { verdict: 'fail' }],
  ])('a Control Tower finding on %s stays', (_name, where) => {
    const catalogFinding = finding('LZ.S3.2', where.verdict ? { verdict: 'unknown' } : {});
    const ct = finding('CT.S3.PR.10', where);
    expect(mergeControlTowerEquivalents([catalogFinding, ct], controls)).toEqual([catalogFinding, ct]);
  });

  test('a Control Tower rule the failing catalog control does not declare stays', () => {
    const input = [finding('LZ.S3.2'), finding('CT.X.PR.1')];
    expect(mergeControlTowerEquivalents(input, controls)).toEqual(input);
  });

  test('template-level findings (no logical ID) are never merged', () => {
    const input = [finding('LZ.S3.2', { logicalId: undefined }), finding('CT.S3.PR.10', { logicalId: undefined })];
    expect(mergeControlTowerEquivalents(input, controls)).toEqual(input);
  });

  test('only catalog findings absorb: a custom rule named like a catalog control does not', () => {
    const input = [finding('LZ.S3.2', { origin: 'custom' }), finding('CT.S3.PR.10')];
    expect(mergeControlTowerEquivalents(input, controls)).toEqual(input);
  });
});
