import * as path from 'path';
import { resolveCatalog } from '@tarmac/core';
import { ReportModel, buildReportModel, loadReportSources } from '../report-model';

/** The repository's own example policies/ (hooks/ and stacksets/ beside it), read only. */
export const POLICIES = path.resolve(__dirname, '..', '..', '..', '..', '..', 'policies');

/** A day on which both example exemptions are in force: EX-0001 until 2027-03-31, EX-0002 until 2027-01-15. */
export const DAY = '2026-12-01';

/**
 * The example's report. `withoutManagementHook`: as if stacksets/guardrails.yaml had no `management:` (the
 * build without the management account's hook stack), to show the gap the report states then.
 */
export async function exampleModel(day = DAY, opts: { withoutManagementHook?: boolean } = {}): Promise<ReportModel> {
  const catalog = resolveCatalog({ policies: POLICIES, packages: false });
  const sources = await loadReportSources(catalog, new Date(`${day}T00:00:00Z`));
  if (!opts.withoutManagementHook || !sources.deployment) return buildReportModel(sources);
  const { management: _management, ...deployment } = sources.deployment;
  return buildReportModel({ ...sources, deployment });
}

export const collect = (chunks: Iterable<string>): string => [...chunks].join('');

/** How the example's ml-prod × LZ.S3.2 cell explains itself (its tooltip, line by line), on DAY. */
export const ML_PROD_S3_2_EXPLANATION: readonly string[] = [
  'ml-prod × LZ.S3.2',
  'status: enforce',
  'pre-commit: enforce, tarmac check --profile prod',
  'synth: enforce, @tarmac/cdk TarmacChecks, profile prod',
  'hook: enforce, stack set tarmac-guardrails-prod, hook Tarmac::Guard::Guardrails, failure mode FAIL, regions eu-west-1, eu-central-1',
  'config: detect, conformance pack of stack set tarmac-guardrails-prod: rule tarmac-s3-default-encryption-kms (S3_DEFAULT_ENCRYPTION_KMS), regions eu-west-1, eu-central-1',
  'control-tower: enforce, equivalent Control Tower proactive controls CT.S3.PR.10 (tarmac check --control-tower, profile prod)',
];
