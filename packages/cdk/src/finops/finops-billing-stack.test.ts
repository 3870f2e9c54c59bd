import { CfnResource } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { platformApp } from '../stacksets/platform-stack';
import { FinOpsBillingStack, FinOpsBillingStackProps } from './finops-billing-stack';
import { BUDGETS, MANAGEMENT, ORGANIZATION_ID, fixtureFinOps } from './__tests__/fixture';

const PLATFORM_TAGS = { team: 'platform', project: 'tarmac', env: 'prod', domain: 'platform', 'cost-center': 'cc-1000' };

function build(props: Partial<FinOpsBillingStackProps> = {}): FinOpsBillingStack {
  return new FinOpsBillingStack(platformApp(), 'Billing', {
    stackName: 'tarmac-finops-billing',
    env: { account: MANAGEMENT },
    platformTags: PLATFORM_TAGS,
    finops: fixtureFinOps(),
    organizationId: ORGANIZATION_ID,
    ...props,
  });
}

describe('FinOpsBillingStack', () => {
  test('in us-east-1 by default, with the topics, budgets, anomaly detection and the export', () => {
    const stack = build();
    expect(stack.region).toBe('us-east-1');
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.resourceCountIs('AWS::Budgets::Budget', BUDGETS.length);
    template.resourceCountIs('AWS::Budgets::BudgetsAction', 2);
    template.resourceCountIs('AWS::CE::AnomalyMonitor', 2);
    template.resourceCountIs('AWS::CE::AnomalySubscription', 2);
    template.resourceCountIs('AWS::BCMDataExports::Export', 1);
    // The constructs it exposes are the ones in the template, by their names in policies/finops.
    const logicalIds = (type: string) => Object.keys(template.findResources(type)).sort();
    const idsOf = (resources: Iterable<CfnResource>) => [...resources].map((r) => stack.resolve(r.logicalId)).sort();
    expect([...stack.anomalyDetection!.monitors.keys()]).toEqual(['cost-centers', 'services']);
    expect(idsOf(stack.anomalyDetection!.monitors.values())).toEqual(logicalIds('AWS::CE::AnomalyMonitor'));
    expect([...stack.anomalyDetection!.subscriptions.keys()].sort()).toEqual(['daily-summary', 'immediate']);
    expect(idsOf(stack.anomalyDetection!.subscriptions.values())).toEqual(logicalIds('AWS::CE::AnomalySubscription'));
    expect(stack.dataExport!.exportName).toBe('tarmac-cur2');
    expect(idsOf([stack.dataExport!.export])).toEqual(logicalIds('AWS::BCMDataExports::Export'));
    template.hasResourceProperties('AWS::BCMDataExports::Export', { Export: Match.objectLike({ Name: 'tarmac-cur2' }) });
  });

  test('every taggable resource carries the platform tags, budgets and cost monitors included', () => {
    const template = Template.fromStack(build());
    const tags = Object.entries(PLATFORM_TAGS).map(([Key, Value]) => ({ Key, Value }));
    for (const [type, property] of [
      ['AWS::Budgets::Budget', 'ResourceTags'],
      ['AWS::Budgets::BudgetsAction', 'ResourceTags'],
      ['AWS::CE::AnomalyMonitor', 'ResourceTags'],
      ['AWS::BCMDataExports::Export', 'Tags'],
      ['AWS::Organizations::Policy', 'Tags'],
      ['AWS::SNS::Topic', 'Tags'],
    ]) {
      for (const resource of Object.values(template.findResources(type))) {
        expect({ type, tags: resource.Properties[property] }).toEqual({ type, tags: expect.arrayContaining(tags) });
      }
    }
  });

  test('absent anomaly detection and export are absent', () => {
    const template = Template.fromStack(build({ finops: fixtureFinOps({ anomalyDetection: undefined, costExport: undefined }) }));
    template.resourceCountIs('AWS::CE::AnomalyMonitor', 0);
    template.resourceCountIs('AWS::BCMDataExports::Export', 0);
  });

  test('a boundary named in props is referenced by ARN instead of created', () => {
    const template = Template.fromStack(build({ actionRoleBoundary: { name: 'BillingBoundary', path: '/tarmac/' } }));
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 0);
    template.allResourcesProperties('AWS::IAM::Role', { PermissionsBoundary: `arn:aws:iam::${MANAGEMENT}:policy/tarmac/BillingBoundary` });
  });

  test('refuses another region', () => {
    expect(() => build({ env: { account: MANAGEMENT, region: 'eu-west-1' } })).toThrow(/the billing stack belongs in us-east-1.*not in eu-west-1/);
  });
});
