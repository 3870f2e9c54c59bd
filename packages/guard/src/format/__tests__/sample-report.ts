import { CheckReport, CheckSummary, Finding, blocks, isExempted } from '../../findings';

/**
 * A blocking catalog finding on an S3 bucket of a CDK stack, with its location, message and fix; overrides
 * replace any field (pass `undefined` to leave an optional one out).
 */
export function sampleFinding(overrides: Partial<Finding> = {}): Finding {
  return {
    controlId: 'LZ.S3.2',
    origin: 'catalog',
    title: 'S3 buckets are encrypted with a KMS key',
    severity: 'high',
    verdict: 'fail',
    mode: 'enforce',
    file: 'cdk.out/Data.template.json',
    stack: 'Data',
    logicalId: 'Bucket',
    resourceType: 'AWS::S3::Bucket',
    path: 'Properties.BucketEncryption',
    line: 12,
    column: 9,
    message: 'Bucket is not encrypted with KMS.',
    fix: 'Set SSEAlgorithm to aws:kms.',
    ruleName: 'lz_s3_bucket_kms_encryption',
    ...overrides,
  };
}

/** Overrides of a report: any field, and any part of the summary (the rest of it stays as sampleReport computes it). */
export type SampleReportOverrides = Partial<Omit<CheckReport, 'findings' | 'summary'>> & { summary?: Partial<CheckSummary> };

/**
 * A report of the findings by the native engine under the example catalog, with no errors and nothing listed as
 * evaluated. Its summary counts the findings, as blocking those that block and as exempted those exempted, unless overridden.
 */
export function sampleReport(findings: Finding[], overrides: SampleReportOverrides = {}): CheckReport {
  const { summary, ...rest } = overrides;
  return {
    findings,
    errors: [],
    engine: { name: 'native', version: '3.1.1' },
    catalog: '@tarmac/example-catalog@0.1.0',
    evaluated: [],
    ...rest,
    summary: {
      files: 1,
      templates: 1,
      resources: 2,
      findings: findings.length,
      blocking: findings.filter(blocks).length,
      exempted: findings.filter(isExempted).length,
      unchecked: 0,
      skipped: 0,
      skippedBy: {},
      durationMs: 5,
      ...summary,
    },
  };
}
