import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Aspects, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { PermissionsBoundary, PermissionsBoundaryOptions } from '../permissions-boundary';
import { newApp } from './synth';

const POLICIES = path.resolve(__dirname, '..', '..', '..', '..', 'policies');

function stackWithBoundary(options: PermissionsBoundaryOptions = { policies: POLICIES }): Stack {
  const app = newApp();
  Aspects.of(app).add(new PermissionsBoundary(options));
  return new Stack(app, 'Data');
}

const boundaryArn = (policy: string) => ({
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, `:policy/${policy}`]],
});

test("every IAM role and user gets the catalog's boundary, roles CDK creates for itself included", () => {
  const stack = stackWithBoundary();
  new iam.Role(stack, 'Worker', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  new iam.User(stack, 'Robot');
  new lambda.Function(stack, 'Fn', {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {}'),
  });
  // autoDeleteObjects adds a custom resource provider whose role is a plain CfnResource.
  new s3.Bucket(stack, 'Scratch', { autoDeleteObjects: true, removalPolicy: RemovalPolicy.DESTROY });
  const template = Template.fromStack(stack);
  const roles = Object.values(template.findResources('AWS::IAM::Role'));
  expect(roles.length).toBe(3);
  for (const role of roles) expect(role.Properties.PermissionsBoundary).toEqual(boundaryArn('tarmac/TarmacWorkloadBoundary'));
  template.hasResourceProperties('AWS::IAM::User', { PermissionsBoundary: boundaryArn('tarmac/TarmacWorkloadBoundary') });
});

test('a role that already carries this boundary is left as it is, without a warning', () => {
  const stack = stackWithBoundary();
  new iam.Role(stack, 'Worker', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    permissionsBoundary: iam.ManagedPolicy.fromManagedPolicyName(stack, 'Boundary', 'tarmac/TarmacWorkloadBoundary'),
  });
  Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', { PermissionsBoundary: Match.anyValue() });
  expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('permissions boundary'))).toEqual([]);
});

test('a role with another boundary keeps it, with a warning on the role', () => {
  const stack = stackWithBoundary();
  new iam.Role(stack, 'Worker', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    permissionsBoundary: iam.ManagedPolicy.fromManagedPolicyName(stack, 'Own', 'TeamBoundary'),
  });
  Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', { PermissionsBoundary: boundaryArn('TeamBoundary') });
  Annotations.fromStack(stack).hasWarning(
    '/Data/Worker/Resource',
    Match.stringLikeRegexp("keeps its own permissions boundary instead of the organization's /tarmac/TarmacWorkloadBoundary"),
  );
});

test('policyName and policyPath override the catalog', () => {
  const stack = stackWithBoundary({ policies: POLICIES, policyName: 'Other', policyPath: '/' });
  new iam.Role(stack, 'Worker', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', { PermissionsBoundary: boundaryArn('Other') });
});

test('a catalog without permissions-boundary.yaml is refused unless a policy name is given', () => {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-no-boundary-'));
  fs.cpSync(POLICIES, copy, { recursive: true });
  fs.rmSync(path.join(copy, 'permissions-boundary.yaml'));
  expect(() => new PermissionsBoundary({ policies: copy })).toThrow(/has no permissions-boundary\.yaml; add one or pass policyName/);
  expect(new PermissionsBoundary({ policies: copy, policyName: 'Mine' }).policyName).toBe('Mine');
});
