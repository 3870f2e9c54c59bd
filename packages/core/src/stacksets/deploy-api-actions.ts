/**
 * The IAM actions of the API calls `tarmac plan`, `deploy` and `status` make themselves in the delegated
 * administrator account (packages/cli/src/deploy; deploy-api-actions.test.ts keeps this list equal to what they
 * send). sts:GetCallerIdentity needs no permission and no SCP can deny it.
 */
export const DEPLOY_API_ACTIONS: readonly string[] = [
  'cloudformation:CreateStack',
  'cloudformation:CreateStackInstances',
  'cloudformation:CreateStackSet',
  'cloudformation:DeleteStackInstances',
  'cloudformation:DeleteStackSet',
  'cloudformation:DescribeStackEvents',
  'cloudformation:DescribeStackSet',
  'cloudformation:DescribeStackSetOperation',
  'cloudformation:DescribeStacks',
  'cloudformation:DetectStackSetDrift',
  'cloudformation:GetTemplate',
  'cloudformation:ListStackInstances',
  'cloudformation:ListStackSetOperationResults',
  'cloudformation:ListStackSetOperations',
  'cloudformation:ListStackSets',
  'cloudformation:UpdateStack',
  'cloudformation:UpdateStackSet',
  'organizations:AttachPolicy',
  'organizations:CreatePolicy',
  'organizations:DeletePolicy',
  'organizations:DescribePolicy',
  'organizations:DetachPolicy',
  'organizations:ListPolicies',
  'organizations:ListTargetsForPolicy',
  'organizations:UpdatePolicy',
  's3:GetObject',
  's3:PutObject',
];
