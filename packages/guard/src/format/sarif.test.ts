import * as fs from 'fs';
import * as path from 'path';
import Ajv, { ValidateFunction } from 'ajv';
import { InputError, loadCatalog } from '@tarmac/core';
import { checkSources } from '../check';
import { NativeEngine } from '../engines/native-engine';
import { CheckReport, Finding } from '../findings';
import { sampleFinding, sampleReport } from './__tests__/sample-report';
import { catalogPackage, formatSarif } from './sarif';

const ROOT = path.join(__dirname, '..', '..', '..', '..');
const GUARD_VERSION = (JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;

/**
 * The SARIF 2.1.0 JSON Schema our `$schema` names (json.schemastore.org/sarif-2.1.0.json, JSON Schema draft-07),
 * as the `schemastore` package ships it offline. Formats are checked too, not only shapes.
 */
function sarifValidator(): ValidateFunction {
  const file = path.join(path.dirname(require.resolve('schemastore/package.json')), 'schemas', 'json', 'sarif-2.1.0.json');
  const { $schema: _draft, ...schema } = JSON.parse(fs.readFileSync(file, 'utf8')) as { $schema: string };
  // unicodeRegExp off: the schema's `language` pattern has a stray `]`, legal only outside Unicode mode.
  const ajv = new Ajv({ allErrors: true, unicodeRegExp: false });
  ajv.addFormat('uri', (s: string) => URL.canParse(s));
  ajv.addFormat('uri-reference', (s: string) => !/\s/.test(s) && URL.canParse(s, 'file:///'));
  ajv.addFormat('date-time', (s: string) => !Number.isNaN(Date.parse(s)));
  return ajv.compile(schema);
}

/** The sample finding with a fix that holds Markdown characters, a rationale and a reference. */
const finding = (overrides: Partial<Finding>): Finding =>
  sampleFinding({
    fix: 'Set SSEAlgorithm to aws:kms [see *docs*].',
    rationale: 'Keys the organization controls.',
    helpUri: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html',
    ...overrides,
  });

const sarifOf = (r: CheckReport, cwd = '/repo') => JSON.parse(formatSarif(r, cwd));
const fingerprints = (r: CheckReport, cwd = '/repo') =>
  sarifOf(r, cwd).runs[0].results.map((x: { partialFingerprints: Record<string, string> }) => x.partialFingerprints['tarmac/v1']);

describe('SARIF 2.1.0 for code scanning', () => {
  const CT = finding({
    controlId: 'CT.S3.PR.1',
    origin: 'control-tower',
    severity: 'medium',
    logicalId: 'Logs',
    line: 40,
    ruleName: 's3_bucket_level_public_access_prohibited_check',
    helpUri: 'https://docs.aws.amazon.com/controltower/latest/controlreference/s3-rules.html#ct-s3-pr-1-description',
    rationale: 'BPA.',
  });
  const sample = sampleReport(
    [
      finding({ controlTowerIds: ['CT.S3.PR.10'] }),
      CT,
      finding({
        controlId: 'custom',
        origin: 'custom',
        title: 'x',
        mode: 'warn',
        file: 'dir with space/t#1.yaml',
        stack: undefined,
        logicalId: undefined,
        line: undefined,
        column: undefined,
        path: undefined,
        rationale: undefined,
        helpUri: undefined,
        fix: undefined,
      }),
    ],
    { errors: [new InputError({ file: 'broken.yaml', line: 2 }, 'duplicate key'), new InputError({ file: 'missing.json' }, 'cannot read file: ENOENT')] },
  );

  test('is valid against the SARIF 2.1.0 schema, for a sample and for a real check of the examples', async () => {
    const validate = sarifValidator();
    expect(validate(sarifOf(sample))).toBe(true);
    const catalog = loadCatalog(path.join(ROOT, 'policies'));
    const engine = new NativeEngine();
    const file = path.join(ROOT, 'examples', 'templates', 'data-lake.yaml');
    let real: CheckReport;
    try {
      real = await checkSources(
        { sources: [{ file, read: () => fs.readFileSync(file) }], skipped: [], errors: [] },
        { catalog, profile: catalog.profiles.get('prod')!, engine, controlTower: true },
      );
    } finally {
      engine.dispose();
    }
    const sarif = JSON.parse(formatSarif(real, ROOT));
    expect(validate(sarif) || validate.errors).toBe(true);
    expect(sarif.runs[0].results.length).toBe(real.findings.length);
    // The schema catches what is wrong, so passing it means something.
    sarif.runs[0].results[0].level = 'fatal';
    expect(validate(sarif)).toBe(false);
  });

  test('an exempted finding is a suppressed result (external, accepted, with the justification); an expired exemption suppresses nothing', () => {
    const exemption = { id: 'EX-0001', expires: '2027-03-31', reason: 'Vendor loader.', owner: 'data@example.com', ticket: 'SEC-1' };
    const report = sampleReport([
      finding({ exemption: { ...exemption, status: 'active' } }),
      finding({ logicalId: 'Other', exemption: { ...exemption, status: 'expired' } }),
    ]);
    const sarif = sarifOf(report);
    expect(sarifValidator()(sarif)).toBe(true);
    const [exempted, lapsed] = sarif.runs[0].results;
    expect(exempted.suppressions).toEqual([
      {
        kind: 'external',
        status: 'accepted',
        justification: 'EX-0001: Vendor loader. (data@example.com, SEC-1, until 2027-03-31)',
        properties: { exemption: 'EX-0001', expires: '2027-03-31' },
      },
    ]);
    expect(lapsed.suppressions).toBeUndefined();
    expect(lapsed.properties.exemption.status).toBe('expired');
  });

  test('names the tool by its package version, and the catalog as a property and an extension', () => {
    const { tool } = sarifOf(sample).runs[0];
    expect(tool.driver).toMatchObject({
      name: 'tarmac',
      version: GUARD_VERSION,
      semanticVersion: GUARD_VERSION,
      informationUri: expect.stringMatching(/^https:\/\//),
    });
    expect(tool.driver.properties).toEqual({ catalog: '@tarmac/example-catalog@0.1.0' });
    expect(tool.extensions).toEqual([{ name: '@tarmac/example-catalog', version: '0.1.0' }]);
    // A catalog without catalog.yaml is named by its directory: a property, not a package.
    const local = sarifOf(sampleReport([], { catalog: '/work/policies' })).runs[0].tool;
    expect(local.driver.properties).toEqual({ catalog: '/work/policies' });
    expect(local.extensions).toBeUndefined();
  });

  test.each<[string, { name: string; version: string } | undefined]>([
    ['@tarmac/example-catalog@0.1.0', { name: '@tarmac/example-catalog', version: '0.1.0' }],
    ['acme-controls@2.3.4-rc.1', { name: 'acme-controls', version: '2.3.4-rc.1' }],
    ['@tarmac/example-catalog', undefined],
    ['policies', undefined],
    ['/tmp/a@b/policies', undefined],
    ['/home/me/policies@1.0.0', undefined],
  ])('catalog label %s as a package: %j', (label, expected) => {
    expect(catalogPackage(label)).toEqual(expected);
  });

  test('each rule describes the control: why (fullDescription), where to read more (helpUri), and the fix as text and Markdown', () => {
    const rules = sarifOf(sample).runs[0].tool.driver.rules;
    expect(rules.map((r: { id: string }) => r.id)).toEqual(['CT.S3.PR.1', 'custom', 'LZ.S3.2']);
    const lz = rules[2];
    expect(lz).toMatchObject({
      shortDescription: { text: 'S3 buckets are encrypted with a KMS key' },
      fullDescription: { text: 'Keys the organization controls.' },
      helpUri: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html',
      help: { text: 'Fix: Set SSEAlgorithm to aws:kms [see *docs*].' },
      properties: { 'security-severity': '8.0' },
    });
    // Brackets and stars in a fix are text, not Markdown.
    expect(lz.help.markdown).toBe(
      '**Fix:** Set SSEAlgorithm to aws:kms \\[see \\*docs\\*\\].\n\n**Why:** Keys the organization controls.\n\n[Read more](https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html)',
    );
    expect(rules[0].helpUri).toMatch(/controlreference\/s3-rules\.html#ct-s3-pr-1-description$/);
    // A rule with no rationale, reference or fix still describes itself, and has no helpUri.
    expect(rules[1]).toMatchObject({ fullDescription: { text: 'x. Bucket is not encrypted with KMS.' }, help: { text: 'Bucket is not encrypted with KMS.' } });
    expect(rules[1].helpUri).toBeUndefined();
  });

  test('a finding of a transform Tarmac could not expand does not describe the rule', () => {
    const unchecked = finding({ verdict: 'unchecked', message: 'Not checked: App is a transform.', fix: 'Check the processed template.' });
    const rules = sarifOf(sampleReport([unchecked, finding({ logicalId: 'Other' })])).runs[0].tool.driver.rules;
    expect(rules[0].help.text).toBe('Fix: Set SSEAlgorithm to aws:kms [see *docs*].');
  });

  test('ruleIndex points at the rule of the result', () => {
    const run = sarifOf(sample).runs[0];
    for (const r of run.results) expect(run.tool.driver.rules[r.ruleIndex].id).toBe(r.ruleId);
  });

  test('the Control Tower rules a finding stands for are in its message and properties', () => {
    const result = sarifOf(sample).runs[0].results[0];
    expect(result.message.text).toBe(
      'Bucket (AWS::S3::Bucket): Bucket is not encrypted with KMS. Reported as LZ.S3.2 (also CT.S3.PR.10). Fix: Set SSEAlgorithm to aws:kms [see *docs*].',
    );
    expect(result.properties).toEqual({ severity: 'high', verdict: 'fail', controlTowerIds: ['CT.S3.PR.10'] });
    expect(sarifOf(sample).runs[0].results[1].properties.controlTowerIds).toBeUndefined();
  });

  test('file URIs are relative to the working directory, percent-encoded where a URI needs it', () => {
    const uris = sarifOf({ ...sample, findings: sample.findings.map((f) => ({ ...f, file: path.join('/repo', f.file) })) }).runs[0].results.map(
      (r: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) => r.locations[0].physicalLocation.artifactLocation.uri,
    );
    expect(uris).toEqual(['cdk.out/Data.template.json', 'cdk.out/Data.template.json', 'dir%20with%20space/t%231.yaml']);
  });

  describe('partialFingerprints', () => {
    const base = sampleReport([finding({}), finding({ logicalId: 'Other', line: 30 })]);

    test('do not change when a resource moves within its file, or with how the template was named', () => {
      const moved = sampleReport([finding({ line: 80, column: 3 }), finding({ logicalId: 'Other', line: 2 })]);
      expect(fingerprints(moved)).toEqual(fingerprints(base));
      // tarmac check cdk.out in /repo, or tarmac check /repo/cdk.out: the same alerts.
      const absolute = sampleReport(base.findings.map((f) => ({ ...f, file: path.join('/repo', f.file) })));
      expect(fingerprints(absolute, '/repo')).toEqual(fingerprints(base, process.cwd()));
      expect(fingerprints(base)[0]).toMatch(/^[0-9a-f]{64}$/);
    });

    test.each<[string, Partial<Finding>]>([
      ['control', { controlId: 'LZ.S3.1' }],
      ['template', { file: 'cdk.out/Other.template.json' }],
      ['stack', { stack: 'Other' }],
      ['resource', { logicalId: 'Renamed' }],
      ['property path', { path: 'Properties.Tags' }],
    ])('differ by %s', (_what, change) => {
      expect(fingerprints(sampleReport([finding(change)]))[0]).not.toBe(fingerprints(base)[0]);
    });

    test('differ between the findings of one report', () => {
      expect(new Set(fingerprints(base)).size).toBe(2);
    });
  });

  test('input errors are tool notifications, and the run did not succeed', () => {
    const [invocation] = sarifOf(sample).runs[0].invocations;
    expect(invocation.executionSuccessful).toBe(false);
    expect(invocation.toolExecutionNotifications.map((n: { message: { text: string } }) => n.message.text)).toEqual([
      'broken.yaml:2: duplicate key',
      'missing.json: cannot read file: ENOENT',
    ]);
  });
});
