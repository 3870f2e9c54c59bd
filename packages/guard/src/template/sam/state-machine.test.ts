import { expand } from './__tests__/expand';

const SM = `
Resources:
  Flow:
    Type: AWS::Serverless::StateMachine
    Properties:
      Name: orders
      Type: EXPRESS
      Definition:
        StartAt: Call
        States:
          Call: {Type: Task, Resource: !GetAtt Worker.Arn, End: true}
      Policies:
      - LambdaInvokePolicy: {FunctionName: !Ref Worker}
      - Statement: [{Effect: Allow, Action: "*", Resource: "*"}]
      Logging: {Level: ALL, Destinations: [{CloudWatchLogsLogGroup: {LogGroupArn: !GetAtt Logs.Arn}}]}
      Tracing: {Enabled: true}
      Tags: {team: a}
`;

describe('AWS::Serverless::StateMachine', () => {
  test("the definition as a JSON string with intrinsics substituted, and a role with the Policies like a function's", () => {
    const t = expand(SM);
    expect(t.unchecked).toEqual([]);
    const tags = [
      { Key: 'stateMachine:createdBy', Value: 'SAM' },
      { Key: 'team', Value: 'a' },
    ];
    expect(t.byId.get('Flow')).toEqual({
      Type: 'AWS::StepFunctions::StateMachine',
      Properties: {
        DefinitionString: {
          'Fn::Join': [
            '\n',
            [
              '{',
              '    "StartAt": "Call",',
              '    "States": {',
              '        "Call": {',
              '            "End": true,',
              '            "Resource": "${definition_substitution_1}",',
              '            "Type": "Task"',
              '        }',
              '    }',
              '}',
            ],
          ],
        },
        DefinitionSubstitutions: { definition_substitution_1: { 'Fn::GetAtt': ['Worker', 'Arn'] } },
        LoggingConfiguration: { Level: 'ALL', Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': ['Logs', 'Arn'] } } }] },
        RoleArn: { 'Fn::GetAtt': ['FlowRole', 'Arn'] },
        StateMachineName: 'orders',
        StateMachineType: 'EXPRESS',
        Tags: tags,
        TracingConfiguration: { Enabled: true },
      },
    });
    expect(t.byId.get('FlowRole')!.Properties).toEqual({
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Action: ['sts:AssumeRole'], Effect: 'Allow', Principal: { Service: ['states.amazonaws.com'] } }],
      },
      ManagedPolicyArns: ['arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess'],
      Policies: [
        {
          PolicyName: 'FlowRolePolicy0',
          PolicyDocument: {
            Statement: [
              {
                Effect: 'Allow',
                Action: ['lambda:InvokeFunction'],
                Resource: {
                  'Fn::Sub': ['arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:${functionName}*', { functionName: { Ref: 'Worker' } }],
                },
              },
            ],
          },
        },
        { PolicyName: 'FlowRolePolicy1', PolicyDocument: { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } },
      ],
      Tags: tags,
    });
  });

  test('events start executions through a role EventBridge assumes; AutoPublishAlias publishes a version and an alias', () => {
    const t = expand(`${SM}      AutoPublishAlias: live
      Events:
        Tick: {Type: Schedule, Properties: {Schedule: rate(1 hour)}}
`);
    expect(t.unchecked).toEqual([]);
    expect(t.byId.get('FlowTick')!.Properties.Targets).toEqual([
      { Arn: { Ref: 'Flow' }, Id: 'FlowTickStepFunctionsTarget', RoleArn: { 'Fn::GetAtt': ['FlowTickRole', 'Arn'] } },
    ]);
    expect(t.byId.get('FlowTickRole')!.Properties.Policies).toEqual([
      {
        PolicyName: 'FlowTickRoleStartExecutionPolicy',
        PolicyDocument: { Statement: [{ Action: 'states:StartExecution', Effect: 'Allow', Resource: { Ref: 'Flow' } }] },
      },
    ]);
    expect(t.byId.get('FlowVersion')).toEqual({
      Type: 'AWS::StepFunctions::StateMachineVersion',
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: { StateMachineArn: { Ref: 'Flow' }, StateMachineRevisionId: { 'Fn::GetAtt': ['Flow', 'StateMachineRevisionId'] } },
    });
    expect(t.byId.get('FlowAliaslive')!.Properties).toEqual({
      Name: 'live',
      DeploymentPreference: { StateMachineVersionArn: { Ref: 'FlowVersion' }, Type: 'ALL_AT_ONCE' },
    });
  });

  test('a definition in S3, and a Role given (no role generated)', () => {
    const t = expand(`Resources:
  Flow:
    Type: AWS::Serverless::StateMachine
    Properties: {DefinitionUri: s3://bucket/flow.json, Role: arn:aws:iam::1:role/flow}
`);
    expect(t.ids).toEqual(['Flow']);
    expect(t.byId.get('Flow')!.Properties).toEqual({
      DefinitionS3Location: { Bucket: 'bucket', Key: 'flow.json' },
      RoleArn: 'arn:aws:iam::1:role/flow',
      Tags: [{ Key: 'stateMachine:createdBy', Value: 'SAM' }],
    });
  });

  test('an unknown policy template leaves the state machine checked and reports its role', () => {
    const t = expand(SM.replace('LambdaInvokePolicy', 'NoSuchPolicy'));
    expect(t.ids).toEqual(['Flow']);
    expect(t.unchecked).toEqual([expect.objectContaining({ logicalId: 'Flow', mayCreate: ['AWS::IAM::Role'] })]);
  });
});
