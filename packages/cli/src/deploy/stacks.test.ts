import { capabilitiesFor } from './stacks';

const template = (resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>) => JSON.stringify({ Resources: resources });

test('capabilities: none without IAM, CAPABILITY_IAM for an unnamed IAM resource, CAPABILITY_NAMED_IAM for a named one', () => {
  expect(
    capabilitiesFor(template({ Bucket: { Type: 'AWS::S3::Bucket' }, Policy: { Type: 'AWS::Organizations::Policy', Properties: { Name: 'TarmacBudget-x' } } })),
  ).toEqual([]);
  expect(capabilitiesFor(template({ Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: {} } } }))).toEqual(['CAPABILITY_IAM']);
  expect(
    capabilitiesFor(
      template({
        Role: { Type: 'AWS::IAM::Role' },
        Boundary: { Type: 'AWS::IAM::ManagedPolicy', Properties: { ManagedPolicyName: 'TarmacWorkloadBoundary' } },
      }),
    ),
  ).toEqual(['CAPABILITY_NAMED_IAM']);
  // A resource type that merely mentions IAM in a property does not count.
  expect(capabilitiesFor(template({ Topic: { Type: 'AWS::SNS::Topic', Properties: { DisplayName: 'AWS::IAM::Role' } } }))).toEqual([]);
});
