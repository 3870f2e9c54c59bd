import { BASIC_EXECUTION, expand, expectUncheckedRole, withPolicies } from './__tests__/expand';

const fn = (policies: string) => withPolicies(policies, 'TableName');

const role = (policies: string) => {
  const t = expand(fn(policies));
  return { t, role: t.byId.get('FnRole')?.Properties };
};

describe('Policies of a function (and of a state machine)', () => {
  test('AWS managed policy names become their ARNs (with their path); ARNs and intrinsics are kept; duplicates are listed once', () => {
    const { t, role: r } = role(`      - AmazonS3ReadOnlyAccess
      - AWSLambdaRole
      - ReadOnlyAccess
      - AmazonS3ReadOnlyAccess
      - arn:aws:iam::111111111111:policy/mine
      - !Ref ManagedPolicyParam
      - AWSLambdaBasicExecutionRole
`);
    expect(t.unchecked).toEqual([]);
    expect(r.ManagedPolicyArns).toEqual([
      BASIC_EXECUTION,
      'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
      'arn:aws:iam::aws:policy/service-role/AWSLambdaRole',
      'arn:aws:iam::aws:policy/ReadOnlyAccess',
      'arn:aws:iam::111111111111:policy/mine',
      { Ref: 'ManagedPolicyParam' },
    ]);
    expect(r.Policies).toBeUndefined();
  });

  test('a single policy may be written without a list', () => {
    expect(role('        AdministratorAccess').role.ManagedPolicyArns).toEqual([BASIC_EXECUTION, 'arn:aws:iam::aws:policy/AdministratorAccess']);
  });

  test('policy documents and templates become inline policies named after their index in the list', () => {
    const { t, role: r } = role(`      - AmazonDynamoDBReadOnlyAccess
      - Version: '2012-10-17'
        Statement: [{Effect: Allow, Action: s3:GetObject, Resource: "arn:aws:s3:::b/*"}]
      - DynamoDBCrudPolicy: {TableName: !Ref TableName}
      - SQSPollerPolicy: {QueueName: q, Unused: ignored}
      - LambdaInvokePolicy: {FunctionName: other}
`);
    expect(t.unchecked).toEqual([]);
    const table = (suffix: string) => ({
      'Fn::Sub': [`arn:\${AWS::Partition}:dynamodb:\${AWS::Region}:\${AWS::AccountId}:table/\${tableName}${suffix}`, { tableName: { Ref: 'TableName' } }],
    });
    expect(r.Policies).toEqual([
      {
        PolicyName: 'FnRolePolicy1',
        PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }] },
      },
      {
        PolicyName: 'FnRolePolicy2',
        PolicyDocument: {
          Statement: [
            {
              Effect: 'Allow',
              Action: [
                'dynamodb:GetItem',
                'dynamodb:DeleteItem',
                'dynamodb:PutItem',
                'dynamodb:Scan',
                'dynamodb:Query',
                'dynamodb:UpdateItem',
                'dynamodb:BatchWriteItem',
                'dynamodb:BatchGetItem',
                'dynamodb:DescribeTable',
                'dynamodb:ConditionCheckItem',
              ],
              Resource: [table(''), table('/index/*')],
            },
          ],
        },
      },
      {
        PolicyName: 'FnRolePolicy3',
        PolicyDocument: {
          Statement: [
            {
              Effect: 'Allow',
              Action: [
                'sqs:ChangeMessageVisibility',
                'sqs:ChangeMessageVisibilityBatch',
                'sqs:DeleteMessage',
                'sqs:DeleteMessageBatch',
                'sqs:GetQueueAttributes',
                'sqs:ReceiveMessage',
              ],
              Resource: { 'Fn::Sub': ['arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:${queueName}', { queueName: 'q' }] },
            },
          ],
        },
      },
      {
        PolicyName: 'FnRolePolicy4',
        PolicyDocument: {
          Statement: [
            {
              Effect: 'Allow',
              Action: ['lambda:InvokeFunction'],
              Resource: { 'Fn::Sub': ['arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:${functionName}*', { functionName: 'other' }] },
            },
          ],
        },
      },
    ]);
  });

  test('Fn::If chooses between two policies of a kind; AWS::NoValue leaves nothing', () => {
    const { t, role: r } = role(`      - !If [Prod, AmazonS3ReadOnlyAccess, AmazonS3FullAccess]
      - !If [Prod, {Statement: [{Effect: Allow, Action: "*", Resource: "*"}]}, !Ref AWS::NoValue]
`);
    expect(t.unchecked).toEqual([]);
    expect(r.ManagedPolicyArns).toEqual([
      BASIC_EXECUTION,
      { 'Fn::If': ['Prod', 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess', 'arn:aws:iam::aws:policy/AmazonS3FullAccess'] },
    ]);
    expect(r.Policies).toEqual([
      {
        'Fn::If': [
          'Prod',
          { PolicyName: 'FnRolePolicy1', PolicyDocument: { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } },
          { Ref: 'AWS::NoValue' },
        ],
      },
    ]);
  });

  describe('what Tarmac cannot expand makes the role unchecked, and only the role', () => {
    // The Policies items; the last is the one Tarmac cannot expand.
    test.each([
      ['an unknown policy template', ['NotARealPolicyTemplate: {Name: x}']],
      ['a documented template Tarmac does not expand', ['CodeCommitReadPolicy: {RepositoryName: r}']],
      ['a template without its parameter', ['SQSPollerPolicy: {}']],
      ['a managed policy name Tarmac cannot map to its ARN', ['SomeTeamPolicy']],
      ['Fn::If between a managed policy and a document', ['!If [Prod, AmazonS3FullAccess, {Statement: []}]']],
      ['a list item that is a number', ['AmazonS3FullAccess', '42']],
    ])('%s', (_what, items) => {
      expectUncheckedRole(expand(fn(items.map((item) => `      - ${item}\n`).join(''))), items.length - 1);
    });
  });
});
