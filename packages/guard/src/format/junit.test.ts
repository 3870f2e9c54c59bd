import { parseXML } from '@aws-sdk/xml-builder';
import { InputError } from '@tarmac/core';
import { CheckReport, EvaluatedTemplate, Finding } from '../findings';
import { sampleFinding, sampleReport } from './__tests__/sample-report';
import { formatJunit } from './junit';

type Node = Record<string, unknown> & { '#text'?: string };
const list = <T>(x: T | T[] | undefined): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);

/**
 * Parses the XML (the AWS SDK's parser refuses mismatched or unclosed tags) and checks what that parser lets
 * through: every & starts an entity, and no attribute value holds a raw <.
 */
function parseJunit(xml: string): { root: Node; suites: Node[] } {
  expect(xml.match(/&(?!(?:amp|lt|gt|quot|apos);)/g)).toBeNull();
  expect(xml.match(/="[^"]*</g)).toBeNull();
  const root = (parseXML(xml) as { testsuites: Node }).testsuites;
  return { root, suites: list(root.testsuite as Node | Node[]) };
}
const casesOf = (suite: Node) => list(suite.testcase as Node | Node[] | '').filter((c): c is Node => typeof c === 'object');
const counts = (n: Node) => [Number(n.tests), Number(n.failures), Number(n.errors)];

/** The sample finding in a plain template, data.yaml: no stack, property path or column. */
const finding = (overrides: Partial<Finding>): Finding =>
  sampleFinding({ title: 't', file: 'data.yaml', stack: undefined, logicalId: 'Raw', path: undefined, column: undefined, ...overrides });

const report = (findings: Finding[], evaluated: EvaluatedTemplate[], errors: InputError[] = []): CheckReport =>
  sampleReport(findings, { errors, evaluated, summary: { files: 2, templates: evaluated.length, resources: 4, durationMs: 1234 } });

test('a clean template counts one passing test per control that applies to it, not 0', () => {
  const { root, suites } = parseJunit(formatJunit(report([], [{ file: 'queue.json', controls: ['LZ.SQS.1', 'LZ.KMS.1', 'LZ.TAG.1'] }])));
  expect(counts(root)).toEqual([3, 0, 0]);
  expect(suites).toHaveLength(1);
  expect(counts(suites[0])).toEqual([3, 0, 0]);
  expect(casesOf(suites[0]).map((c) => [c.classname, c.name, c.failure, c.error])).toEqual([
    ['queue.json', 'LZ.KMS.1', undefined, undefined],
    ['queue.json', 'LZ.SQS.1', undefined, undefined],
    ['queue.json', 'LZ.TAG.1', undefined, undefined],
  ]);
  expect(suites[0].properties).toEqual({ property: { name: 'catalog', value: '@tarmac/example-catalog@0.1.0' } });
});

describe('a template with blocking, warning and merged findings, next to a clean one and an input error', () => {
  const findings = [
    finding({}),
    finding({ logicalId: 'Curated', line: 40, controlTowerIds: ['CT.S3.PR.10'] }),
    finding({ controlId: 'LZ.TAG.1', mode: 'warn', severity: 'medium', message: 'Resource is missing one or more mandatory tags.', fix: 'Add the tags.' }),
    // Not among the controls dispatched on the template's types (a transform's resource): still a case.
    finding({ controlId: 'LZ.LAMBDA.1', verdict: 'unchecked', logicalId: 'App', resourceType: 'AWS::Serverless::Application', line: 3 }),
  ];
  const evaluated = [
    { file: 'data.yaml', controls: ['LZ.S3.1', 'LZ.S3.2', 'LZ.TAG.1', 'CT.S3.PR.10'] },
    { file: 'queue.json', stack: 'Queue', controls: ['LZ.SQS.1'] },
  ];
  const { root, suites } = parseJunit(formatJunit(report(findings, evaluated, [new InputError({ file: 'broken.yaml', line: 2 }, 'duplicate key')])));
  const data = Object.fromEntries(casesOf(suites[0]).map((c) => [c.name as string, c]));

  test('one case per control; a control with blocking findings has one failure listing each of them', () => {
    expect(Object.keys(data)).toEqual(['CT.S3.PR.10', 'LZ.LAMBDA.1', 'LZ.S3.1', 'LZ.S3.2', 'LZ.TAG.1']);
    const failure = data['LZ.S3.2'].failure as Node;
    expect(failure).toMatchObject({ message: '2 blocking findings', type: 'high' });
    expect(failure['#text']!.split('\n')).toEqual([
      'data.yaml:12 Raw (AWS::S3::Bucket) [LZ.S3.2] Bucket is not encrypted with KMS. Fix: Set SSEAlgorithm to aws:kms.',
      'data.yaml:40 Curated (AWS::S3::Bucket) [LZ.S3.2 (also CT.S3.PR.10)] Bucket is not encrypted with KMS. Fix: Set SSEAlgorithm to aws:kms.',
    ]);
  });

  test('a Control Tower rule a catalog finding stands for fails with it', () => {
    expect((data['CT.S3.PR.10'].failure as Node)['#text']).toContain('Curated (AWS::S3::Bucket) [LZ.S3.2 (also CT.S3.PR.10)]');
  });

  test('warnings pass, with the finding in system-out; a control with no finding passes', () => {
    expect(data['LZ.TAG.1'].failure).toBeUndefined();
    expect(data['LZ.TAG.1']['system-out']).toBe(
      'warning: data.yaml:12 Raw (AWS::S3::Bucket) [LZ.TAG.1] Resource is missing one or more mandatory tags. Fix: Add the tags.',
    );
    expect(data['LZ.S3.1']).toEqual({ classname: 'data.yaml', name: 'LZ.S3.1' });
  });

  test('a template of a stack is its own suite, named with the stack', () => {
    expect(suites.map((s) => s.name)).toEqual(['data.yaml', 'queue.json (stack Queue)', 'input errors']);
    expect(counts(suites[1])).toEqual([1, 0, 0]);
  });

  test('input errors stay error cases', () => {
    expect(casesOf(suites[2]).map((c) => [c.name, (c.error as Node).message, (c.error as Node)['#text']])).toEqual([
      ['broken.yaml', 'duplicate key', 'broken.yaml:2: duplicate key'],
    ]);
  });

  test('tests, failures and errors agree with the cases, in each suite and in total', () => {
    for (const s of suites) {
      const cases = casesOf(s);
      expect(counts(s)).toEqual([cases.length, cases.filter((c) => c.failure).length, cases.filter((c) => c.error).length]);
    }
    expect(counts(root)).toEqual([0, 1, 2].map((i) => suites.reduce((n, s) => n + counts(s)[i], 0)));
    expect(counts(root)).toEqual([7, 3, 1]);
    expect(root.time).toBe('1.234');
  });
});

test('text that is markup, and characters XML cannot hold, do not break the document', () => {
  const nasty = finding({ file: 'a&b<c>.yaml', logicalId: 'R"1', message: 'Fails <when> a & b are "set"\u0000\u001b.', fix: "Use ']]>' carefully." });
  const { suites } = parseJunit(formatJunit(report([nasty], [])));
  expect(suites[0].name).toBe('a&b<c>.yaml');
  const [failing] = casesOf(suites[0]);
  expect((failing.failure as Node).message).toBe('Fails <when> a & b are "set".');
  expect((failing.failure as Node)['#text']).toBe('a&b<c>.yaml:12 R"1 (AWS::S3::Bucket) [LZ.S3.2] Fails <when> a & b are "set". Fix: Use \']]>\' carefully.');
});
