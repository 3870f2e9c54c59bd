/**
 * A FinOpsBuild made by hand, shaped as loadFinOps builds one from policies/finops/ for the example
 * organization of policies/org.yaml: two team budgets and three project budgets (two with a hard guardrail),
 * a SERVICE and a cost-center anomaly monitor, and the CUR 2.0 export to the finops account.
 */
import type { Budget, CostExport, FinOpsBuild, HardGuardrail, IamStatement, NotificationTargets } from '@tarmac/core/org';

export const ORGANIZATION_ID = 'o-a1b2c3d4e5';
export const MANAGEMENT = '111111111111';
export const FINOPS = { id: '555555555555', name: 'finops' };
export const FINOPS_REGION = 'eu-west-1';
export const DEV_OU = 'ou-a1b2-55555555';
export const SANDBOX_ACCOUNT = '999999999999';

export const NOTIFICATIONS: NotificationTargets = {
  topics: [{ name: 'cost-alerts', description: 'Budget and anomaly alerts; the FinOps chat channel subscribes.', line: 4 }],
  emails: [
    { name: 'finance', address: 'finance@example.com', line: 7 },
    { name: 'data-platform-leads', address: 'data-platform-leads@example.com', line: 8 },
  ],
};

/** New-spend actions a hard guardrail denies (a few of the list budgets.yaml defaults to). */
export const DENY_ACTIONS = ['bedrock:InvokeModel', 'ec2:RunInstances', 'sagemaker:CreateTrainingJob'];
const EXEMPT = ['arn:aws:iam::*:role/TarmacPlatformPipeline', 'arn:aws:iam::*:role/TarmacBreakGlass'];

export function denyPolicy(tag: string, value: string, sid: string): HardGuardrail['policy'] {
  const statement: IamStatement = {
    Sid: sid,
    Effect: 'Deny',
    Action: DENY_ACTIONS,
    Resource: '*',
    Condition: { StringEquals: { [`aws:PrincipalTag/${tag}`]: value }, ArnNotLike: { 'aws:PrincipalArn': EXEMPT } },
  };
  return { Version: '2012-10-17', Statement: [statement] };
}

const SOFT = { actualPercent: 80, forecastPercent: 100 };

export const BUDGETS: Budget[] = [
  {
    name: 'team-data-platform',
    amount: 5000,
    currency: 'USD',
    scope: { tag: 'team', value: 'data-platform' },
    soft: SOFT,
    notify: ['cost-alerts', 'data-platform-leads'],
    line: 20,
    hard: {
      thresholdPercent: 100,
      approval: 'MANUAL',
      targetRefs: ['ou:Workloads/Dev'],
      targetIds: [DEV_OU],
      policyName: 'TarmacBudget-team-data-platform',
      policy: denyPolicy('team', 'data-platform', 'TarmacBudgetTeamDataPlatform'),
    },
  },
  {
    name: 'team-ml-platform',
    amount: 8000,
    currency: 'USD',
    scope: { tag: 'team', value: 'ml-platform' },
    soft: { actualPercent: 75, forecastPercent: 110 },
    notify: ['cost-alerts', 'finance'],
    line: 32,
  },
  { name: 'project-customer-360', amount: 2000, currency: 'USD', scope: { tag: 'project', value: 'customer-360' }, soft: SOFT, notify: ['finance'], line: 38 },
  {
    name: 'project-churn-model',
    amount: 1500,
    currency: 'USD',
    scope: { tag: 'project', value: 'churn-model' },
    soft: SOFT,
    notify: ['cost-alerts'],
    line: 44,
    hard: {
      thresholdPercent: 110,
      approval: 'AUTOMATIC',
      targetRefs: ['account:sandbox-alice'],
      targetIds: [SANDBOX_ACCOUNT],
      policyName: 'TarmacBudget-project-churn-model',
      policy: denyPolicy('project', 'churn-model', 'TarmacBudgetProjectChurnModel'),
    },
  },
  {
    name: 'project-fraud-detection',
    amount: 3000,
    currency: 'EUR',
    scope: { tag: 'project', value: 'fraud-detection' },
    soft: SOFT,
    notify: ['cost-alerts', 'finance'],
    line: 56,
  },
];

export const COLUMNS = [
  { name: 'bill_billing_period_start_date', type: 'timestamp' },
  { name: 'line_item_usage_account_id', type: 'string' },
  { name: 'line_item_product_code', type: 'string' },
  { name: 'line_item_usage_type', type: 'string' },
  { name: 'line_item_resource_id', type: 'string' },
  { name: 'line_item_iam_principal', type: 'string' },
  { name: 'line_item_unblended_cost', type: 'double' },
  { name: 'resource_tags', type: 'map<string,string>' },
];

export const COST_EXPORT: CostExport = {
  name: 'cur2',
  account: FINOPS,
  region: FINOPS_REGION,
  managementAccountId: MANAGEMENT,
  bucketName: `tarmac-cost-data-${FINOPS.id}-${FINOPS_REGION}`,
  prefix: 'cur2',
  includeIamPrincipal: true,
  lifecycle: { infrequentAccessAfterDays: 90, glacierAfterDays: 365, expireAfterDays: 2557 },
  athena: { workgroup: 'finops', database: 'tarmac_cost', table: 'cur2', bytesScannedCutoffPerQuery: 10_000_000_000, resultsExpireAfterDays: 30 },
  columns: COLUMNS,
  query: `SELECT ${COLUMNS.map((c) => c.name).join(', ')} FROM COST_AND_USAGE_REPORT`,
  savedQueries: [
    {
      name: 'cost-by-team',
      description: 'Monthly unblended cost by team tag',
      sql: "SELECT billing_period, resource_tags['user_team'] AS team, SUM(line_item_unblended_cost) AS cost FROM tarmac_cost.cur2 GROUP BY 1, 2 ORDER BY 1, 3 DESC",
    },
    {
      name: 'bedrock-cost-by-principal',
      description: 'Bedrock cost by calling IAM principal',
      sql: "SELECT billing_period, line_item_iam_principal, SUM(line_item_unblended_cost) AS cost FROM tarmac_cost.cur2 WHERE line_item_product_code = 'AmazonBedrock' GROUP BY 1, 2 ORDER BY 1, 3 DESC",
    },
  ],
  line: 1,
};

export function fixtureFinOps(overrides: Partial<FinOpsBuild> = {}): FinOpsBuild {
  return {
    notifications: NOTIFICATIONS,
    budgets: BUDGETS,
    anomalyDetection: {
      monitors: [
        { name: 'services', dimension: 'SERVICE', line: 3 },
        { name: 'cost-centers', dimension: 'TAG', tag: 'cost-center', line: 5 },
      ],
      subscriptions: [
        {
          name: 'immediate',
          monitors: ['services', 'cost-centers'],
          frequency: 'IMMEDIATE',
          thresholdAbsolute: 500,
          thresholdPercent: 40,
          notify: ['cost-alerts'],
          line: 10,
        },
        { name: 'daily-summary', monitors: ['cost-centers'], frequency: 'DAILY', thresholdAbsolute: 100, notify: ['finance'], line: 16 },
      ],
    },
    costExport: COST_EXPORT,
    costAllocationTags: ['cost-center', 'project', 'team'],
    principalCostAllocationTags: ['team'],
    files: {
      budgets: 'policies/finops/budgets.yaml',
      anomalyDetection: 'policies/finops/anomaly-detection.yaml',
      costExport: 'policies/finops/cost-export.yaml',
    },
    ...overrides,
  };
}
