/**
 * The read-only role `tarmac report --live` assumes in every member account (the account baseline deploys it
 * in the account's home region; IAM is global) and in the management account (its guardrails stack). The
 * role and the collector share this list, so the role allows exactly what the report reads.
 */
export const REPORT_READER_ROLE_NAME = 'TarmacReportReader';
export const REPORT_READER_ROLE_PATH = '/tarmac/';

/** The IAM actions of the calls `tarmac report --live` makes as the reader role, each named by its API operation. */
export const REPORT_READER_ACTIONS = [
  // Is the Guard Hook activated here?
  'cloudformation:DescribeType',
  // What the Guard Hooks decided.
  'cloudformation:ListHookResults',
  'cloudformation:GetHookResult',
  // The profile's conformance pack: its compliance, and the resources its rules find non-compliant.
  'config:DescribeConformancePackCompliance',
  'config:GetConformancePackComplianceDetails',
  // The Security Hub standards enabled.
  'securityhub:GetEnabledStandards',
] as const;

export const reportReaderRoleArn = (partition: string, accountId: string): string =>
  `arn:${partition}:iam::${accountId}:role${REPORT_READER_ROLE_PATH}${REPORT_READER_ROLE_NAME}`;
