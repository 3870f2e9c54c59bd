import { InputError } from '@tarmac/core';
import { sampleFinding as finding, sampleReport } from './__tests__/sample-report';
import { formatJson, formatJsonChunks, parseJsonReport } from './json';

const REPORT = sampleReport(
  [
    finding({
      controlTowerIds: ['CT.S3.PR.10'],
      rationale: 'Keys the organization controls.',
      helpUri: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html',
    }),
    finding({ verdict: 'unknown', mode: 'warn', logicalId: 'Other', line: 30, column: undefined, stack: 'Data/InnerNestedStackResource' }),
    // A finding with no resource: only the required keys.
    {
      controlId: 'custom',
      origin: 'custom',
      title: 'x',
      severity: 'medium',
      verdict: 'fail',
      mode: 'enforce',
      file: 't.yaml',
      message: 'Guard rule x failed.',
      ruleName: 'x',
    },
  ],
  {
    errors: [
      new InputError({ file: 'policies', line: 3, column: 7 }, "unknown profile 'qa'", 'one of dev, prod, sandbox'),
      new InputError({ file: 'broken.yaml', line: 2 }, 'duplicate key'),
      new InputError({ file: 'missing.json' }, 'cannot read file: ENOENT'),
    ],
    // findings: 3 and blocking: 2 come from the findings.
    summary: { files: 4, templates: 3, resources: 7, skipped: 1, skippedBy: { 'not a template': 1 }, durationMs: 42 },
    evaluated: [
      { file: 'cdk.out/Data.template.json', stack: 'Data', controls: ['LZ.S3.2', 'LZ.TAG.1', 'CT.S3.PR.10'] },
      { file: 't.yaml', controls: [] },
    ],
  },
);

describe('parseJsonReport(formatJson(report))', () => {
  const parsed = parseJsonReport(formatJson(REPORT));

  test('keeps the findings, summary, engine, catalog and what was evaluated', () => {
    expect(parsed.findings).toEqual(REPORT.findings);
    expect(parsed.findings.map((f) => f.verdict)).toEqual(['fail', 'unknown', 'fail']);
    expect(parsed.findings[0].controlTowerIds).toEqual(['CT.S3.PR.10']);
    expect(parsed.summary).toEqual(REPORT.summary);
    expect(parsed.engine).toEqual(REPORT.engine);
    expect(parsed.catalog).toBe('@tarmac/example-catalog@0.1.0');
    expect(parsed.evaluated).toEqual(REPORT.evaluated);
  });

  test('turns errors back into InputErrors with file, line, column, message and expected', () => {
    expect(parsed.errors).toHaveLength(3);
    for (const e of parsed.errors) expect(e).toBeInstanceOf(InputError);
    expect(parsed.errors.map((e) => [e.location.file, e.location.line, e.location.column, e.problem, e.expected])).toEqual([
      ['policies', 3, 7, "unknown profile 'qa'", 'one of dev, prod, sandbox'],
      ['broken.yaml', 2, undefined, 'duplicate key', undefined],
      ['missing.json', undefined, undefined, 'cannot read file: ENOENT', undefined],
    ]);
    // The message a person reads is rebuilt the same way.
    expect(parsed.errors.map((e) => e.message)).toEqual(REPORT.errors.map((e) => e.message));
    expect(parsed.errors[0].message).toBe("policies:3:7: unknown profile 'qa' (expected one of dev, prod, sandbox)");
  });

  test('is stable: formatting the parsed report gives the same text', () => {
    expect(formatJson(parsed)).toBe(formatJson(REPORT));
  });

  test('an empty report round-trips', () => {
    const empty = sampleReport([], {
      summary: { files: 0, templates: 0, resources: 0, durationMs: 0 },
      engine: { name: 'wasm', version: '1' },
      catalog: 'policies',
    });
    expect(parseJsonReport(formatJson(empty))).toEqual(empty);
  });
});

describe('parseJsonReport refuses what is not a report', () => {
  test.each([
    ['garbage text', 'Error: something went wrong\n    at main'],
    ['empty output', ''],
    ['truncated JSON', formatJson(REPORT).slice(0, 200)],
  ])('%s does not parse', (_name, text) => {
    expect(() => parseJsonReport(text)).toThrow(SyntaxError);
  });

  test.each([
    ['another JSON object', '{"status": "ok"}'],
    ['findings without errors', '{"findings": [], "summary": {}}'],
    ['errors that are not a list', '{"findings": [], "errors": {}, "summary": {}}'],
    ['no summary', '{"findings": [], "errors": []}'],
    ['no catalog', '{"findings": [], "errors": [], "summary": {}, "evaluated": []}'],
    ['no list of what was evaluated', '{"findings": [], "errors": [], "summary": {}, "catalog": "policies"}'],
    ['a JSON list', '[]'],
  ])('%s is not a Tarmac JSON report', (_name, text) => {
    expect(() => parseJsonReport(text)).toThrow('not a Tarmac JSON report');
  });

  test('JSON null is refused too', () => {
    expect(() => parseJsonReport('null')).toThrow();
  });
});

describe('formatJsonChunks', () => {
  const empty = sampleReport([], { summary: { files: 0, templates: 0, resources: 0, durationMs: 0 }, evaluated: [] });
  // Batches of 1 and 2 split the three findings, the three errors and the two evaluated templates; 256 none.
  test.each([1, 2, 3, 256])('is formatJson, byte for byte, in batches of %d', (batch) => {
    const chunks = [...formatJsonChunks(REPORT, batch)];
    expect(chunks.join('')).toBe(formatJson(REPORT));
    expect([...formatJsonChunks(empty, batch)].join('')).toBe(formatJson(empty));
  });

  test('writes a long list of findings in several pieces, none of them the whole report', () => {
    const many = sampleReport(Array.from({ length: 1000 }, (_, i) => finding({ logicalId: `Bucket${i}`, line: i + 1 })));
    const chunks = [...formatJsonChunks(many)];
    expect(chunks.join('')).toBe(formatJson(many));
    expect(chunks.length).toBeGreaterThan(4);
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThan(formatJson(many).length / 3);
  });
});
