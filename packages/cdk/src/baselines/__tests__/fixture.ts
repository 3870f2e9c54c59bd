/** Baseline settings as policies/baselines/*.yaml resolve them for the prod profile, built by hand. */
import type { AccountBaselineSettings, NetworkBaselineSettings } from '@tarmac/core/org';

export { PLATFORM_TAGS } from '../../stacksets/__tests__/fixture';

// The boundary's own ARN as iam:PermissionsBoundary compares it, and as a Resource (where CloudFormation's
// validation takes only an account ID, * or aws in the account field, not a policy variable).
const BOUNDARY_ARN = 'arn:aws:iam::${aws:PrincipalAccount}:policy/tarmac/TarmacWorkloadBoundary';
const BOUNDARY_RESOURCE = 'arn:aws:iam::*:policy/tarmac/TarmacWorkloadBoundary';

export const ACCOUNT_PROD: AccountBaselineSettings = {
  profile: 'prod',
  homeRegion: 'eu-west-1',
  permissionsBoundary: {
    name: 'TarmacWorkloadBoundary',
    path: '/tarmac/',
    description: 'Caps every workload role and user; roles created under it must carry it too, so no one escalates.',
    statements: [
      // What identity policies may grant at most: everything but the organization's own business.
      { Sid: 'AllowWorkloads', Effect: 'Allow', NotAction: ['organizations:*', 'account:*'], Resource: '*' },
      {
        Sid: 'CreateRolesOnlyWithThisBoundary',
        Effect: 'Deny',
        Action: ['iam:CreateRole', 'iam:CreateUser', 'iam:PutRolePermissionsBoundary', 'iam:PutUserPermissionsBoundary'],
        Resource: '*',
        Condition: { StringNotEquals: { 'iam:PermissionsBoundary': BOUNDARY_ARN } },
      },
      { Sid: 'KeepTheBoundary', Effect: 'Deny', Action: ['iam:DeleteRolePermissionsBoundary', 'iam:DeleteUserPermissionsBoundary'], Resource: '*' },
      {
        Sid: 'LeaveTheBoundaryAlone',
        Effect: 'Deny',
        Action: ['iam:CreatePolicyVersion', 'iam:DeletePolicy', 'iam:SetDefaultPolicyVersion'],
        Resource: BOUNDARY_RESOURCE,
      },
    ],
  },
  accessAnalyzer: { unusedAccessAgeDays: 90 },
  ebsDefaultKey: { alias: 'alias/tarmac/ebs-default' },
  securityServices: { guardDuty: true, securityHub: true, macie: false, detective: false },
};

export const NETWORK_PROD: NetworkBaselineSettings = {
  profile: 'prod',
  ipamPools: [
    { region: 'eu-west-1', id: 'ipam-pool-0a1b2c3d4e5f60718', cidr: '10.0.0.0/12' },
    { region: 'eu-central-1', id: 'ipam-pool-0f1e2d3c4b5a69788', cidr: '10.16.0.0/12' },
  ],
  vpcNetmaskLength: 22,
  availabilityZones: 3,
  subnetNetmaskLength: 25,
  natGateways: 'perAz',
  flowLogs: { retentionDays: 365, trafficType: 'ALL' },
  interfaceEndpoints: ['ssm', 'ssmmessages', 'ec2messages'],
  gatewayEndpoints: ['s3', 'dynamodb'],
};
