import { shapeOf } from './control-tests';
import { guardHookInput } from './hook-input';

const versioned = { VersioningConfiguration: { Status: 'Enabled' } };

test('the resource input of AWS docs, ResourceType/ResourceProperties spelling', () => {
  expect(guardHookInput('Bucket', 'AWS::S3::Bucket', versioned, 'ResourceType/ResourceProperties')).toEqual({
    HookContext: {
      AWSAccountID: '123456789012',
      StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/tarmac-hook-input/00000000-0000-0000-0000-000000000000',
      HookTypeName: 'Tarmac::Guard::Guardrails',
      HookTypeVersion: '00000001',
      InvocationPoint: 'CREATE_PRE_PROVISION',
      TargetName: 'AWS::S3::Bucket',
      TargetType: 'RESOURCE',
      TargetLogicalId: 'Bucket',
    },
    Resources: { Bucket: { ResourceType: 'AWS::S3::Bucket', ResourceProperties: versioned } },
  });
});

test('the Type/Properties spelling of the docs example, with the invocation given', () => {
  const input = guardHookInput('Queue', 'AWS::SQS::Queue', {}, 'Type/Properties', {
    accountId: '111122223333',
    stackId: 'arn:aws:cloudformation:eu-west-1:111122223333:stack/app/1',
    hookTypeName: 'Org::Guard::Hook',
    hookTypeVersion: '00000002',
    invocationPoint: 'UPDATE_PRE_PROVISION',
    changeSetId: 'arn:aws:cloudformation:eu-west-1:111122223333:changeSet/cs/1',
  });
  expect(input).toEqual({
    HookContext: {
      AWSAccountID: '111122223333',
      StackId: 'arn:aws:cloudformation:eu-west-1:111122223333:stack/app/1',
      HookTypeName: 'Org::Guard::Hook',
      HookTypeVersion: '00000002',
      InvocationPoint: 'UPDATE_PRE_PROVISION',
      TargetName: 'AWS::SQS::Queue',
      TargetType: 'RESOURCE',
      TargetLogicalId: 'Queue',
      ChangeSetId: 'arn:aws:cloudformation:eu-west-1:111122223333:changeSet/cs/1',
    },
    Resources: { Queue: { Type: 'AWS::SQS::Queue', Properties: {} } },
  });
  expect('ChangeSetId' in guardHookInput('Queue', 'AWS::SQS::Queue', {}, 'Type/Properties').HookContext).toBe(false);
});

test("the two spellings are the control tests' hook and hook typed shapes", () => {
  expect(shapeOf(guardHookInput('B', 'AWS::S3::Bucket', versioned, 'ResourceType/ResourceProperties'))).toBe('hook');
  expect(shapeOf(guardHookInput('B', 'AWS::S3::Bucket', versioned, 'Type/Properties'))).toBe('hook typed');
});

test('a resource without Properties has no properties key in either spelling', () => {
  expect(guardHookInput('Role', 'AWS::IAM::Role', undefined, 'ResourceType/ResourceProperties').Resources).toStrictEqual({
    Role: { ResourceType: 'AWS::IAM::Role' },
  });
  expect(guardHookInput('Role', 'AWS::IAM::Role', undefined, 'Type/Properties').Resources).toStrictEqual({ Role: { Type: 'AWS::IAM::Role' } });
});
