import { resourceArns } from './resource-arns';

const AT = { accountId: '222222222222', region: 'eu-central-1', stackName: 'StackSet-tarmac-guardrails-prod-0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0' };

describe('resourceArns', () => {
  test('a role: its path and name, or the name CloudFormation generates from the stack and the logical ID', () => {
    expect(resourceArns('AWS::IAM::Role', 'HookRole', { RoleName: 'hook', Path: '/tarmac/' }, AT)).toEqual({
      role: ['arn:aws:iam::222222222222:role/tarmac/hook'],
    });
    const [generated] = resourceArns('AWS::IAM::Role', 'HookRole', {}, AT).role;
    expect(generated).toMatch(/^arn:aws:iam::222222222222:role\/StackSet-tarmac-guardrails-pro[^/]*-HookRole-[A-Z0-9]{12}$/);
    expect(generated.split('/')[1].length).toBeLessThanOrEqual(64);
  });

  test('a name or path computed at deploy time is unknown: the type is left out', () => {
    expect(resourceArns('AWS::IAM::Role', 'R', { RoleName: { 'Fn::Sub': '${AWS::StackName}-r' } }, AT)).toEqual({});
    expect(resourceArns('AWS::IAM::Role', 'R', { Path: { Ref: 'Path' } }, AT)).toEqual({});
  });

  test('a managed policy: its own ARN, and the roles, users and groups it is attached to (none when it lists none)', () => {
    expect(resourceArns('AWS::IAM::ManagedPolicy', 'P', { ManagedPolicyName: 'Boundary', Path: '/tarmac/', Roles: ['a'] }, AT)).toEqual({
      policy: ['arn:aws:iam::222222222222:policy/tarmac/Boundary'],
      role: ['arn:aws:iam::222222222222:role/a'],
      user: [],
      group: [],
    });
    // A role given by reference is unknown, so a Deny naming roles is taken to name it.
    expect(resourceArns('AWS::IAM::ManagedPolicy', 'P', { ManagedPolicyName: 'B', Roles: [{ Ref: 'R' }] }, AT)).not.toHaveProperty('role');
  });

  test('a bucket (generated names are lower case), an alias; other types give nothing', () => {
    expect(resourceArns('AWS::S3::Bucket', 'B', { BucketName: 'tarmac-logs' }, AT)).toEqual({ bucket: ['arn:aws:s3:::tarmac-logs'] });
    expect(resourceArns('AWS::S3::Bucket', 'LogsBucket', {}, AT).bucket[0]).toMatch(/^arn:aws:s3:::stackset-tarmac-[a-z0-9-]*-logsbucket-a1b2c3d4e5f6$/);
    expect(resourceArns('AWS::KMS::Alias', 'A', { AliasName: 'alias/tarmac/ebs' }, AT)).toEqual({
      alias: ['arn:aws:kms:eu-central-1:222222222222:alias/tarmac/ebs'],
    });
    expect(resourceArns('AWS::GuardDuty::Detector', 'D', {}, AT)).toEqual({});
  });
});
