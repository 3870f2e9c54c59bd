import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { InputError } from '@tarmac/core';
import { checkStackTemplatesSync } from './check-sync';
import { exitCodeOf } from './findings';

const POLICIES = path.resolve(__dirname, '..', '..', '..', 'policies');

let dir: string;
let template: string;
let nested: string;
const bucket = (algorithm: unknown) => ({
  Type: 'AWS::S3::Bucket',
  Properties: { BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: algorithm } }] } },
});

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-check-sync-'));
  template = path.join(dir, 'Data.template.json');
  nested = path.join(dir, 'DataInner.nested.template.json');
  fs.writeFileSync(
    template,
    JSON.stringify(
      {
        Resources: {
          Plain: bucket('AES256'),
          Inner: {
            Type: 'AWS::CloudFormation::Stack',
            Metadata: { 'aws:asset:path': path.basename(nested) },
            Properties: { TemplateURL: 'https://example.com/x.json' },
          },
        },
      },
      null,
      2,
    ),
  );
  fs.writeFileSync(nested, JSON.stringify({ Parameters: { Algo: { Type: 'String' } }, Resources: { Deep: bucket({ Ref: 'Algo' }) } }, null, 2));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('a failing bucket is a finding, located in the stack template; the nested stack is checked too', () => {
  const report = checkStackTemplatesSync({ policies: POLICIES, profile: 'prod', templates: [{ file: template, stack: 'Data' }] });
  expect(report.errors).toEqual([]);
  const kms = report.findings.filter((f) => f.controlId === 'LZ.S3.2');
  expect(kms).toEqual([
    expect.objectContaining({ file: template, stack: 'Data', logicalId: 'Plain', verdict: 'fail', mode: 'enforce', resourceType: 'AWS::S3::Bucket' }),
    expect.objectContaining({ file: nested, stack: 'Data/Inner', logicalId: 'Deep', verdict: 'unknown', mode: 'warn' }),
  ]);
  // Each at the line of the value that fails, in its own file.
  const lineOf = (file: string, text: string) =>
    fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .findIndex((l) => l.includes(text)) + 1;
  expect(kms.map((f) => f.line)).toEqual([lineOf(template, '"SSEAlgorithm": "AES256"'), lineOf(nested, '"SSEAlgorithm": {')]);
  expect(report.summary).toEqual(expect.objectContaining({ templates: 2, findings: report.findings.length }));
  expect(report.summary.blocking).toBe(report.findings.filter((f) => f.mode === 'enforce').length);
  expect(exitCodeOf(report)).toBe(1);
});

test('the engine asked for is the one that runs', () => {
  const report = checkStackTemplatesSync({ policies: POLICIES, profile: 'prod', engine: 'wasm', templates: [{ file: nested, stack: 'Data/Inner' }] });
  expect(report.errors).toEqual([]);
  expect(report.engine.name).toBe('wasm');
  expect(report.findings.filter((f) => f.controlId === 'LZ.S3.2').map((f) => [f.logicalId, f.verdict])).toEqual([['Deep', 'unknown']]);
});

test('an unknown profile is an InputError naming the profiles directory, not a throw', () => {
  const report = checkStackTemplatesSync({ policies: POLICIES, profile: 'qa', templates: [{ file: template, stack: 'Data' }] });
  expect(report.findings).toEqual([]);
  expect(report.errors).toHaveLength(1);
  const [error] = report.errors;
  expect(error).toBeInstanceOf(InputError);
  expect(error.location.file).toBe(`${POLICIES}/profiles`);
  expect(error.problem).toBe("unknown profile 'qa'");
  expect(error.expected).toMatch(/dev.*prod.*sandbox/);
  expect(exitCodeOf(report)).toBe(2);
});

test('a template path that does not exist is an error, never an empty pass', () => {
  const missing = path.join(dir, 'Missing.template.json');
  const report = checkStackTemplatesSync({ policies: POLICIES, profile: 'prod', templates: [{ file: missing, stack: 'Missing' }] });
  expect(report.findings).toEqual([]);
  expect(report.errors.map((e) => e.location.file)).toEqual([missing]);
  expect(report.errors[0].problem).toMatch(/ENOENT/);
  expect(exitCodeOf(report)).toBe(2);
});

test('a policies directory that does not exist is an error', () => {
  const nowhere = path.join(dir, 'no-policies');
  const report = checkStackTemplatesSync({ policies: nowhere, profile: 'prod', templates: [{ file: template, stack: 'Data' }] });
  expect(report.findings).toEqual([]);
  expect(report.errors).toHaveLength(1);
  expect(report.errors[0]).toBeInstanceOf(InputError);
  expect(report.errors[0].location.file).toBe(nowhere);
  expect(report.errors[0].problem).toBe('policies directory not found');
  expect(report.errors[0].expected).toBe('a directory with tags.yaml, profiles/ and controls/');
  expect(exitCodeOf(report)).toBe(2);
});

test('custom rules are passed to the runner', () => {
  const rule = path.join(dir, 'named-buckets.guard');
  fs.writeFileSync(rule, "let b = Resources.*[ Type == 'AWS::S3::Bucket' ]\nrule named_buckets when %b not empty { %b.Properties.BucketName exists }\n");
  const report = checkStackTemplatesSync({ policies: POLICIES, profile: 'prod', rules: [rule], templates: [{ file: template, stack: 'Data' }] });
  expect(report.errors).toEqual([]);
  expect(report.findings.filter((f) => f.origin === 'custom').map((f) => [f.controlId, f.stack, f.logicalId])).toEqual([
    ['named-buckets', 'Data', 'Plain'],
    ['named-buckets', 'Data/Inner', 'Deep'],
  ]);
});

describe('where the check runs', () => {
  afterEach(() => jest.restoreAllMocks());
  // The module object itself (an import namespace cannot be spied on): check-sync calls spawnSync through it.
  const spawned = () => jest.spyOn(require('child_process') as typeof import('child_process'), 'spawnSync');

  test('with the compiled engine (the default), here: no child process', () => {
    const spawn = spawned();
    const report = checkStackTemplatesSync({ policies: POLICIES, profile: 'prod', templates: [{ file: template, stack: 'Data' }] });
    expect(spawn).not.toHaveBeenCalled();
    expect(report.engine.name).toBe('compiled');
    expect(report.findings.filter((f) => f.controlId === 'LZ.S3.2').map((f) => f.logicalId)).toEqual(['Plain', 'Deep']);
  });

  test('a rule the compiled engine leaves to cfn-guard sends the check to a child process, which says so and finds the same', () => {
    // \p{Greek} is a script: valid for cfn-guard's regex crate, refused by the translation to JavaScript.
    const rule = path.join(dir, 'greek-names.guard');
    fs.writeFileSync(
      rule,
      "let b = Resources.*[ Type == 'AWS::S3::Bucket' ]\nrule greek_names when %b not empty { %b.Properties.BucketName == /^\\p{Greek}+$/ }\n",
    );
    const spawn = spawned();
    const report = checkStackTemplatesSync({ policies: POLICIES, profile: 'prod', rules: [rule], templates: [{ file: template, stack: 'Data' }] });
    expect(spawn).toHaveBeenCalledTimes(1);
    expect(report.errors).toEqual([]);
    expect(report.engine.notes).toEqual([expect.stringMatching(/^rule greek-names was evaluated by the native Guard engine: .*greek-names\.guard:2:\d+/)]);
    expect(report.findings.filter((f) => f.controlId === 'greek-names').map((f) => [f.stack, f.logicalId])).toEqual([
      ['Data', 'Plain'],
      ['Data/Inner', 'Deep'],
    ]);
  });
});
