import { App, PolicyValidationPluginReport, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { AccountBaseline, AccountBaselineProps } from './account-baseline';
import { wildcardFindings } from './boundary-policy';
import { capturing } from '../stacksets/__tests__/templates';
import { ACCOUNT_PROD } from './__tests__/fixture';

/** A plain app and environment-agnostic stack: the construct needs nothing of the platform's. */
function build(settings: AccountBaselineProps = ACCOUNT_PROD): { template: Template; baseline: AccountBaseline; stack: Stack } {
  const stack = new Stack(new App(), 'Account');
  const baseline = new AccountBaseline(stack, 'Baseline', settings);
  return { template: Template.fromStack(stack), baseline, stack };
}

const OFF = { guardDuty: false, securityHub: false, macie: false, detective: false };

describe('the permissions boundary', () => {
  test('is a managed policy created only in the home region, with the YAML name, path, description and statements', () => {
    const { template } = build();
    template.templateMatches({ Conditions: { IsHomeRegion: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'eu-west-1'] } } });
    const policies = template.findResources('AWS::IAM::ManagedPolicy');
    expect(Object.values(policies)).toEqual([
      {
        Type: 'AWS::IAM::ManagedPolicy',
        Condition: 'IsHomeRegion',
        Properties: {
          ManagedPolicyName: 'TarmacWorkloadBoundary',
          Path: '/tarmac/',
          Description: ACCOUNT_PROD.permissionsBoundary.description,
          PolicyDocument: { Version: '2012-10-17', Statement: ACCOUNT_PROD.permissionsBoundary.statements },
        },
      },
    ]);
  });

  test('has an ARN built from its name and path, valid in every region (not a Ref to the conditional policy)', () => {
    const { baseline, stack } = build();
    expect(stack.resolve(baseline.boundaryPolicy.managedPolicyArn)).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':policy/tarmac/TarmacWorkloadBoundary']],
    });
  });

  test('refuses a path IAM would refuse, and a boundary without statements', () => {
    const boundary = ACCOUNT_PROD.permissionsBoundary;
    expect(() => build({ ...ACCOUNT_PROD, permissionsBoundary: { ...boundary, path: 'tarmac' } })).toThrow(/'tarmac' is not a valid IAM path/);
    expect(() => build({ ...ACCOUNT_PROD, permissionsBoundary: { ...boundary, name: 'Tarmac Boundary' } })).toThrow(/not a valid IAM policy name/);
    expect(() => build({ ...ACCOUNT_PROD, permissionsBoundary: { ...boundary, statements: [] } })).toThrow(/has no statements/);
  });

  test('names exactly the AwsSolutions-IAM5 findings cdk-nag computes, to acknowledge them', () => {
    expect(wildcardFindings(ACCOUNT_PROD.permissionsBoundary.statements)).toEqual(['']); // Allow with NotAction: the rule throws
    expect(
      wildcardFindings([
        { Effect: 'Allow', Action: ['s3:Get*', 'ec2:DescribeInstances'], Resource: ['*', 'arn:aws:s3:::b'] },
        { Effect: 'Deny', Action: '*', Resource: '*' },
      ]),
    ).toEqual(['[Action::s3:Get*]', '[Resource::*]']);
    expect(wildcardFindings([{ Effect: 'Allow', Action: 'iam:GetRole', Resource: 'arn:aws:iam::${aws:PrincipalAccount}:role/*' }])).toEqual([
      '[Resource::arn:aws:iam::<aws:PrincipalAccount>:role/*]',
    ]);
    expect(wildcardFindings([{ Effect: 'Allow', Action: 'iam:GetRole', Resource: 'arn:aws:iam::111111111111:role/x' }])).toEqual([]);
  });
});

test('cdk-nag reports no IAM5 finding on a boundary with wildcards, every one being acknowledged with a reason', () => {
  const statements = [{ Effect: 'Allow' as const, Action: ['s3:*', 'ec2:Describe*'], Resource: ['*', 'arn:aws:s3:::${aws:PrincipalAccount}-*'] }];
  const iam5 = (r: PolicyValidationPluginReport) => r.violations.filter((v) => v.ruleName.startsWith('AwsSolutions-IAM5')).map((v) => v.ruleName);
  // As a validation plugin, where the CDK applies acknowledgements (synthesis would throw on an error).
  const app = new App();
  const reports: PolicyValidationPluginReport[] = [];
  Validations.of(app).addPlugins(capturing(new AwsSolutionsChecks(app), reports));
  new AccountBaseline(new Stack(app, 'Account'), 'Baseline', { ...ACCOUNT_PROD, permissionsBoundary: { ...ACCOUNT_PROD.permissionsBoundary, statements } });
  app.synth();
  expect(reports).toHaveLength(1);
  expect(reports.flatMap(iam5)).toEqual([]);
  // The same policy document without the acknowledgements: four findings.
  const bare = new Stack(new App(), 'Bare');
  new iam.CfnManagedPolicy(bare, 'Boundary', { policyDocument: { Version: '2012-10-17', Statement: statements } });
  expect(iam5(new AwsSolutionsChecks().validateScope(bare)).sort()).toEqual([
    'AwsSolutions-IAM5[Action::ec2:Describe*]',
    'AwsSolutions-IAM5[Action::s3:*]',
    'AwsSolutions-IAM5[Resource::*]',
    'AwsSolutions-IAM5[Resource::arn:aws:s3:::<aws:PrincipalAccount>-*]',
  ]);
});

describe('the report reader role', () => {
  test("in the home region only, trusted by the given account, carrying the organization's boundary, after it is created", () => {
    const { template, baseline } = build({ ...ACCOUNT_PROD, reportReaderTrustedAccountId: '333333333333' });
    const roles = Object.entries(template.findResources('AWS::IAM::Role'));
    expect(roles).toHaveLength(1);
    const [[, role]] = roles;
    const [boundaryId] = Object.keys(template.findResources('AWS::IAM::ManagedPolicy'));
    expect(role).toMatchObject({
      Condition: 'IsHomeRegion',
      DependsOn: [boundaryId],
      Properties: {
        RoleName: 'TarmacReportReader',
        Path: '/tarmac/',
        PermissionsBoundary: Stack.of(baseline).resolve(baseline.boundaryPolicy.managedPolicyArn),
        AssumeRolePolicyDocument: { Statement: [{ Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::333333333333:root']] } } }] },
      },
    });
  });

  test('none without a trusted account', () => {
    build().template.resourceCountIs('AWS::IAM::Role', 0);
  });
});

describe('IAM Access Analyzer', () => {
  test('an account analyzer in every region, the unused-access one in the home region only', () => {
    const { template } = build();
    const analyzers = Object.values(template.findResources('AWS::AccessAnalyzer::Analyzer')) as { Condition?: string; Properties: Record<string, unknown> }[];
    expect(analyzers.map((a) => [a.Properties.Type, a.Condition, a.Properties.AnalyzerConfiguration])).toEqual([
      ['ACCOUNT', undefined, undefined],
      ['ACCOUNT_UNUSED_ACCESS', 'IsHomeRegion', { UnusedAccessConfiguration: { UnusedAccessAge: 90 } }],
    ]);
  });

  test('no unused-access analyzer without unusedAccessAgeDays', () => {
    const { template } = build({ ...ACCOUNT_PROD, accessAnalyzer: {} });
    template.resourceCountIs('AWS::AccessAnalyzer::Analyzer', 1);
    template.hasResourceProperties('AWS::AccessAnalyzer::Analyzer', { Type: 'ACCOUNT' });
  });

  test.each([0, 366, 1.5])('refuses unusedAccessAgeDays %p', (days) => {
    expect(() => build({ ...ACCOUNT_PROD, accessAnalyzer: { unusedAccessAgeDays: days } })).toThrow(/whole number of days from 1 to 365/);
  });
});

describe('the EBS key', () => {
  test('rotates, has the alias, and a policy for the account, EC2 and the Auto Scaling service-linked role', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/tarmac/ebs-default' });
    const keys = Object.values(template.findResources('AWS::KMS::Key')) as {
      Properties: { EnableKeyRotation: boolean; KeyPolicy: { Statement: Record<string, unknown>[] } };
    }[];
    expect(keys).toHaveLength(1);
    expect(keys[0].Properties.EnableKeyRotation).toBe(true);
    const bySid = Object.fromEntries(keys[0].Properties.KeyPolicy.Statement.map((s) => [s.Sid, s]));
    expect(Object.keys(bySid)).toEqual(['AccountAdministersKey', 'AccountPrincipalsUseKeyThroughEc2', 'AutoScalingUsesKey', 'AutoScalingGrantsToAwsResources']);
    expect(bySid.AccountPrincipalsUseKeyThroughEc2).toMatchObject({
      Principal: { AWS: '*' },
      Action: expect.arrayContaining(['kms:CreateGrant', 'kms:Decrypt', 'kms:GenerateDataKey*']),
      Condition: {
        StringEquals: {
          'kms:CallerAccount': { Ref: 'AWS::AccountId' },
          'kms:ViaService': { 'Fn::Join': ['', ['ec2.', { Ref: 'AWS::Region' }, '.amazonaws.com']] },
        },
      },
    });
    const slr = {
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          ':iam::',
          { Ref: 'AWS::AccountId' },
          ':role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling',
        ],
      ],
    };
    expect(bySid.AutoScalingUsesKey).toMatchObject({
      Principal: { AWS: '*' },
      Condition: { StringEquals: { 'aws:PrincipalAccount': { Ref: 'AWS::AccountId' } }, ArnEquals: { 'aws:PrincipalArn': slr } },
    });
    expect([...(bySid.AutoScalingUsesKey.Action as string[])].sort()).toEqual([
      'kms:Decrypt',
      'kms:DescribeKey',
      'kms:Encrypt',
      'kms:GenerateDataKey*',
      'kms:ReEncrypt*',
    ]);
    expect(bySid.AutoScalingGrantsToAwsResources).toMatchObject({
      Action: 'kms:CreateGrant',
      Condition: { ArnEquals: { 'aws:PrincipalArn': slr }, Bool: { 'kms:GrantIsForAWSResource': 'true' } },
    });
  });

  test('is absent without ebsDefaultKey; a bare alias name gets its alias/ prefix; alias/aws/ is refused', () => {
    build({ ...ACCOUNT_PROD, ebsDefaultKey: undefined }).template.resourceCountIs('AWS::KMS::Key', 0);
    build({ ...ACCOUNT_PROD, ebsDefaultKey: { alias: 'tarmac-ebs' } }).template.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/tarmac-ebs' });
    expect(() => build({ ...ACCOUNT_PROD, ebsDefaultKey: { alias: 'alias/aws/ebs' } })).toThrow(/not under alias\/aws\//);
  });
});

describe('security services', () => {
  const TYPES = {
    guardDuty: 'AWS::GuardDuty::Detector',
    securityHub: 'AWS::SecurityHub::Hub',
    macie: 'AWS::Macie::Session',
    detective: 'AWS::Detective::Graph',
  };

  test.each(Object.keys(TYPES) as (keyof typeof TYPES)[])('%s alone turns on exactly its own resource', (service) => {
    const { template } = build({ ...ACCOUNT_PROD, securityServices: { ...OFF, [service]: true } });
    for (const [name, type] of Object.entries(TYPES)) template.resourceCountIs(type, name === service ? 1 : 0);
  });

  test('are configured: GuardDuty and Macie publish every 15 minutes, Security Hub with default standards and consolidated findings', () => {
    const { template } = build({ ...ACCOUNT_PROD, securityServices: { guardDuty: true, securityHub: true, macie: true, detective: true } });
    template.hasResourceProperties('AWS::GuardDuty::Detector', { Enable: true, FindingPublishingFrequency: 'FIFTEEN_MINUTES' });
    template.hasResourceProperties('AWS::SecurityHub::Hub', {
      EnableDefaultStandards: true,
      AutoEnableControls: true,
      ControlFindingGenerator: 'SECURITY_CONTROL',
    });
    template.hasResourceProperties('AWS::Macie::Session', { Status: 'ENABLED', FindingPublishingFrequency: 'FIFTEEN_MINUTES' });
    template.hasResourceProperties('AWS::Detective::Graph', { AutoEnableMembers: false });
  });

  test('all off: none of them', () => {
    const { template } = build({ ...ACCOUNT_PROD, securityServices: OFF });
    for (const type of Object.values(TYPES)) template.resourceCountIs(type, 0);
  });
});

test('refuses a home region that is not a region name', () => {
  expect(() => build({ ...ACCOUNT_PROD, homeRegion: 'Ireland' })).toThrow(/'Ireland' is not an AWS region name/);
});

test('regional resources carry no condition: only IAM and the unused-access analyzer are home-region only', () => {
  const { template } = build({
    ...ACCOUNT_PROD,
    securityServices: { guardDuty: true, securityHub: true, macie: true, detective: true },
    reportReaderTrustedAccountId: '333333333333',
  });
  const conditional = Object.values(template.toJSON().Resources as Record<string, { Type: string; Condition?: string }>)
    .filter((r) => r.Condition)
    .map((r) => r.Type);
  expect(conditional.sort()).toEqual(['AWS::AccessAnalyzer::Analyzer', 'AWS::IAM::ManagedPolicy', 'AWS::IAM::Role']);
  template.hasResource('AWS::GuardDuty::Detector', { Condition: Match.absent() });
});
