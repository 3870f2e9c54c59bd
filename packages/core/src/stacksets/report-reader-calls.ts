import type { DeploymentSite, SiteCalls } from './deployment-requests';
import { REPORT_READER_ACTIONS, REPORT_READER_ROLE_NAME, reportReaderRoleArn } from './report-reader';

type Template = { Resources?: Record<string, { Type: string; Properties?: Record<string, unknown> }> };

/** Whether an instance template creates the reader role (the account baseline does, in the home region). */
export function createsReportReader(template: Template): boolean {
  return Object.values(template.Resources ?? {}).some((r) => r.Type === 'AWS::IAM::Role' && r.Properties?.RoleName === REPORT_READER_ROLE_NAME);
}

/**
 * What `tarmac report --live` asks in an account, as its reader role, in each Region its stack sets reach: whether
 * the Guard Hooks are activated and what they decided, the conformance pack's compliance, the Security Hub
 * standards. Under the account's SCPs like anything else: a Region restriction that the stack sets are exempt
 * from would leave the report unable to read what they deployed there.
 */
export function reportReaderSites(
  account: { readonly id: string; readonly name: string },
  regions: readonly string[],
  source: { file: string; line?: number },
): DeploymentSite[] {
  return [...regions].sort().map((region) => ({
    name: 'the reads of tarmac report --live',
    file: source.file,
    ...(source.line !== undefined ? { line: source.line } : {}),
    account,
    region,
    principalArn: reportReaderRoleArn('aws', account.id),
    principal: `the report's reader role (${REPORT_READER_ROLE_NAME})`,
    resources: new Map(),
    calls: { actions: REPORT_READER_ACTIONS, by: 'tarmac report --live' },
    viaCloudFormation: false,
  }));
}

/** sts:AssumeRole on an account's reader role, by whoever runs the report in the delegated administrator. */
export function reportReaderAssumption(accountId: string): SiteCalls {
  return { actions: ['sts:AssumeRole'], by: 'tarmac report --live', resourceAccountId: accountId, arns: { role: [reportReaderRoleArn('aws', accountId)] } };
}
