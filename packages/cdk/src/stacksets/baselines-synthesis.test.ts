/**
 * The example organization's baselines as `tarmac build` writes them: wave-0 stack sets with the baseline
 * constructs, the FinOps stack set narrowed to its one account, and the management account's billing stack and
 * guardrails hook stack, all named in the manifest that plan and deploy read.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { loadCatalog } from '@tarmac/core';
import { buildOrgPolicies, loadDeployment, loadOrgPolicies } from '@tarmac/core/org';
import { SynthesizedStackSets, synthesizeStackSets } from './synthesize';
import { POLICIES } from './__tests__/fixture';

let built: SynthesizedStackSets;
let finopsAccount: string;
beforeAll(async () => {
  const catalog = loadCatalog(POLICIES);
  const set = (await loadOrgPolicies(catalog))!;
  const build = loadDeployment(catalog, set.organization)!;
  finopsAccount = build.finops!.costExport!.account.id;
  built = synthesizeStackSets(build, buildOrgPolicies(set, catalog), {
    platformTags: { ...set.organization.deployment!.tags },
    permissionsBoundary: catalog.permissionsBoundary,
  });
});

const template = (file: string) => Template.fromJSON(JSON.parse(String(built.files.get(file))));

test('baselines are wave 0 and hooks wave 1, each with its kind', () => {
  const kinds = built.manifest.stackSets.map((s) => [s.name, s.kind, s.wave]);
  expect(kinds).toEqual(
    expect.arrayContaining([
      ['tarmac-account-baseline-prod', 'account', 0],
      ['tarmac-network-baseline-dev', 'network', 0],
      ['tarmac-finops-cost-data', 'finops', 0],
      ['tarmac-guardrails-prod', 'guardrails', 1],
    ]),
  );
  expect(built.manifest.stackSets.filter((s) => s.kind === 'guardrails').every((s) => s.wave === 1)).toBe(true);
  expect(built.manifest.stackSets.filter((s) => s.kind !== 'guardrails').every((s) => s.wave === 0 && s.bundles.length === 0)).toBe(true);
});

test('the FinOps stack set reaches the FinOps account only, through its OU narrowed by INTERSECTION', () => {
  const finops = built.manifest.stackSets.find((s) => s.kind === 'finops')!;
  expect(finops.accounts).toEqual([{ id: finopsAccount, name: 'finops' }]);
  const stackSets = template('stacksets/tarmac-stacksets.template.json');
  stackSets.hasResourceProperties('AWS::CloudFormation::StackSet', {
    StackSetName: finops.name,
    // Not auto-deployed: a new account of the OU must not get a second FinOps stack (its bucket names are fixed).
    AutoDeployment: { Enabled: false },
    StackInstancesGroup: [
      {
        DeploymentTargets: { OrganizationalUnitIds: finops.ous.map((o) => o.id), AccountFilterType: 'INTERSECTION', Accounts: [finopsAccount] },
        Regions: finops.regions,
      },
    ],
  });
  const instance = template(finops.instanceTemplate);
  instance.resourceCountIs('AWS::Glue::Table', 1);
  instance.resourceCountIs('AWS::Athena::WorkGroup', 1);
  instance.resourceCountIs('AWS::CloudFormation::GuardHook', 0);
});

test('account and network baselines carry their constructs, and the boundary only in the home region', () => {
  const account = template('stacksets/instances/tarmac-account-baseline-prod.template.json');
  account.hasResource('AWS::IAM::ManagedPolicy', { Condition: 'IsHomeRegion', Properties: { ManagedPolicyName: 'TarmacWorkloadBoundary', Path: '/tarmac/' } });
  account.resourceCountIs('AWS::AccessAnalyzer::Analyzer', 2);
  const network = template('stacksets/instances/tarmac-network-baseline-prod.template.json');
  network.resourceCountIs('AWS::EC2::VPC', 1);
  network.resourceCountIs('AWS::EC2::NatGateway', 3);
  template('stacksets/instances/tarmac-network-baseline-sandbox.template.json').resourceCountIs('AWS::EC2::NatGateway', 0);
});

test('the billing stack is a management-account stack in us-east-1, with what the manifest says plan must check', () => {
  const minified = Buffer.byteLength(JSON.stringify(JSON.parse(String(built.files.get('stacksets/tarmac-finops-billing.template.json')))));
  expect(built.manifest.managementStacks[0]).toEqual({
    name: 'tarmac-finops-billing',
    template: 'stacksets/tarmac-finops-billing.template.json',
    region: 'us-east-1',
    templateBytes: minified,
  });
  expect(built.manifest.costAllocationTags).toEqual(['cost-center', 'domain', 'project', 'team']);
  // The Bedrock-by-team query groups by the calling principal's team tag.
  expect(built.manifest.principalCostAllocationTags).toEqual(['team']);
  expect(built.manifest.anomalyMonitors).toEqual([
    { name: 'tarmac-services', dimension: 'SERVICE' },
    { name: 'tarmac-cost-centers', dimension: 'TAG' },
  ]);
  const billing = template('stacksets/tarmac-finops-billing.template.json');
  billing.resourceCountIs('AWS::Budgets::Budget', 5);
  billing.resourceCountIs('AWS::Budgets::BudgetsAction', 2);
  billing.resourceCountIs('AWS::CE::AnomalyMonitor', 2);
  billing.resourceCountIs('AWS::BCMDataExports::Export', 1);
  // The stop SCPs exist unattached: the budget action attaches them, and tarmac deploy's reconciler never sees them.
  for (const policy of Object.values(billing.findResources('AWS::Organizations::Policy'))) {
    expect(policy.Properties.Name).toMatch(/^TarmacBudget-/);
    expect(policy.Properties.TargetIds).toBeUndefined();
  }
});

test("the management account's hook: a plain stack in org.yaml's home region, from the stack set instance construct", () => {
  const minified = Buffer.byteLength(JSON.stringify(JSON.parse(String(built.files.get('stacksets/tarmac-guardrails-management.template.json')))));
  expect(built.manifest.managementStacks.map((s) => s.name)).toEqual(['tarmac-finops-billing', 'tarmac-guardrails-management']);
  expect(built.manifest.managementStacks[1]).toEqual({
    name: 'tarmac-guardrails-management',
    template: 'stacksets/tarmac-guardrails-management.template.json',
    region: 'eu-west-1',
    templateBytes: minified,
  });
  expect(minified).toBeLessThanOrEqual(51_200);
  // Not a stack set: no instance template, no AWS::CloudFormation::StackSet, no parameter of the stack sets stack.
  expect(built.manifest.stackSets.map((s) => s.name)).not.toContain('tarmac-guardrails-management');
  const params = built.manifest.managementParameters!['tarmac-guardrails-management'];
  const key = (params.RulesVersionId as { bundle: string }).bundle;
  expect(params).toEqual({ RulesVersionId: { bundle: key }, RulesKeyArn: { bundleKey: key } });
  const bundle = built.manifest.bundles.find((b) => b.key === key)!;
  // The prod profile's enforced controls, with no exemption (none can reach the management account); uploaded by tarmac deploy.
  expect(bundle).toMatchObject({ profile: 'prod', mode: 'enforce' });
  expect(bundle.controls).toEqual(
    built.manifest.bundles.find((b) => b.key === built.manifest.stackSets.find((s) => s.name === 'tarmac-guardrails-prod')!.bundles[0])!.controls,
  );

  const stack = template('stacksets/tarmac-guardrails-management.template.json');
  expect(Object.keys(stack.toJSON().Parameters)).toEqual(['RulesVersionId', 'RulesKeyArn']);
  stack.resourceCountIs('AWS::CloudFormation::GuardHook', 1);
  stack.resourceCountIs('AWS::Config::ConformancePack', 0);
  stack.hasResourceProperties('AWS::CloudFormation::GuardHook', {
    Alias: 'Tarmac::Guard::Guardrails',
    FailureMode: 'FAIL',
    RuleLocation: { Uri: `s3://${built.manifest.bundleBucket}/${key}`, VersionId: { Ref: 'RulesVersionId' } },
    LogBucket: `tarmac-rule-logs-${built.manifest.delegatedAdmin.accountId}-eu-west-1`,
  });
  // The organization's boundary is not in the management account (the account baseline never reaches it): the
  // role carries one of its own statements, created by the stack (LZ.IAM.2). (The report reader role has its own too.)
  const boundaries = stack.findResources('AWS::IAM::ManagedPolicy');
  expect(Object.keys(boundaries)).toHaveLength(2);
  const hookRoles = Object.values(
    stack.findResources('AWS::IAM::Role', {
      Properties: { AssumeRolePolicyDocument: { Statement: [{ Principal: { Service: 'hooks.cloudformation.amazonaws.com' } }] } },
    }),
  );
  expect(hookRoles).toHaveLength(1);
  const role = hookRoles[0];
  expect(role.Properties.Path).toBe('/tarmac/');
  const boundaryId = role.Properties.PermissionsBoundary.Ref as string;
  expect(boundaries[boundaryId].Properties.PolicyDocument).toEqual(role.Properties.Policies[0].PolicyDocument);
  expect(JSON.stringify(role.Properties.Policies)).toContain(`${built.manifest.bundleBucket}/${key}`);
  expect(JSON.stringify(role.Properties.Policies)).toContain('{"Ref":"RulesKeyArn"}');
});

test('the report reader role: in every account baseline (home region, organization boundary) and the management stack (its own boundary), trusting the delegated administrator', () => {
  const admin = built.manifest.delegatedAdmin.accountId;
  const trust = {
    Statement: [
      { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${admin}:root`]] } } },
    ],
  };
  const readers = (file: string) => template(file).findResources('AWS::IAM::Role', { Properties: { RoleName: 'TarmacReportReader' } });
  for (const stackSet of built.manifest.stackSets) {
    const found = Object.values(readers(stackSet.instanceTemplate));
    if (stackSet.kind !== 'account') {
      expect([stackSet.name, found]).toEqual([stackSet.name, []]);
      continue;
    }
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ Condition: 'IsHomeRegion', Properties: { Path: '/tarmac/', AssumeRolePolicyDocument: trust } });
    expect(JSON.stringify(found[0].Properties.PermissionsBoundary)).toContain(':policy/tarmac/TarmacWorkloadBoundary');
  }
  const management = template('stacksets/tarmac-guardrails-management.template.json');
  const [reader] = Object.values(readers('stacksets/tarmac-guardrails-management.template.json'));
  expect(reader).toMatchObject({ Properties: { Path: '/tarmac/', AssumeRolePolicyDocument: trust } });
  expect(reader.Condition).toBeUndefined();
  const boundary = management.findResources('AWS::IAM::ManagedPolicy')[reader.Properties.PermissionsBoundary.Ref];
  // The boundary is the role's Allow statements, without the Deny that only an identity policy needs.
  const statements = reader.Properties.Policies[0].PolicyDocument.Statement as { Effect: string }[];
  expect(boundary.Properties.PolicyDocument.Statement).toEqual(statements.filter((st) => st.Effect === 'Allow'));
  expect(Object.keys(readers('stacksets/tarmac-finops-billing.template.json'))).toEqual([]);
});

test('the bundle bucket lets the management account read the bundle versions, and its hook role read the bundles', () => {
  const bundles = template('stacksets/tarmac-rule-bundles.template.json');
  const policy = Object.values(bundles.findResources('AWS::S3::BucketPolicy')).find((p) => JSON.stringify(p).includes('ManagementAccountReadsBundleVersions'))!;
  const statements = policy.Properties.PolicyDocument.Statement as { Sid: string; Principal: unknown; Action: unknown; Condition?: unknown }[];
  expect(statements.find((s) => s.Sid === 'ManagementAccountReadsBundleVersions')).toMatchObject({
    Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${built.manifest.managementAccountId}:root`]] } },
    Action: ['s3:GetObject', 's3:ListBucket'],
  });
  // The hook roles of every account of the organization, the management account's included (aws:PrincipalOrgID).
  expect(statements.find((s) => s.Sid === 'OrganizationHookRolesReadBundles')!.Condition).toEqual({
    StringEquals: { 'aws:PrincipalOrgID': built.manifest.organizationId },
    ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/tarmac/*' },
  });
});
