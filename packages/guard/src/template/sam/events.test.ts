import { BASIC_EXECUTION, expand, functionYaml } from './__tests__/expand';

const withEvents = (events: string, extra = '') => `
Resources:${functionYaml(`      Events:\n${events}`, { runtime: 'python3.12' })}
  Bucket:
    Type: AWS::S3::Bucket
  Topic:
    Type: AWS::SNS::Topic
${extra}`;

const invoke = (principal: string, source: Record<string, unknown> = {}) => ({
  Type: 'AWS::Lambda::Permission',
  Properties: { Action: 'lambda:InvokeFunction', FunctionName: { Ref: 'Fn' }, Principal: principal, ...source },
});
const fnArn = { 'Fn::GetAtt': ['Fn', 'Arn'] };

describe('function events', () => {
  test('S3: a permission for S3 from this account (the bucket itself stays as written)', () => {
    const t = expand(withEvents('        Upload: {Type: S3, Properties: {Bucket: !Ref Bucket, Events: "s3:ObjectCreated:*"}}'));
    expect(t.unchecked).toEqual([]);
    expect(t.byId.get('FnUploadPermission')).toEqual(invoke('s3.amazonaws.com', { SourceAccount: { Ref: 'AWS::AccountId' } }));
    expect(t.byId.get('Bucket')).toBe(t.input.find((r) => r.logicalId === 'Bucket')!.resource);
  });

  test('SNS: a subscription and a permission scoped to the topic', () => {
    const t = expand(withEvents('        Note: {Type: SNS, Properties: {Topic: !Ref Topic, FilterPolicy: {kind: [a]}}}'));
    expect(t.byId.get('FnNote')).toEqual({
      Type: 'AWS::SNS::Subscription',
      Properties: { Endpoint: fnArn, Protocol: 'lambda', TopicArn: { Ref: 'Topic' }, FilterPolicy: { kind: ['a'] } },
    });
    expect(t.byId.get('FnNotePermission')).toEqual(invoke('sns.amazonaws.com', { SourceArn: { Ref: 'Topic' } }));
  });

  test('SNS with SqsSubscription: a queue the topic may write to, polled by the function', () => {
    const t = expand(withEvents('        Note: {Type: SNS, Properties: {Topic: !Ref Topic, SqsSubscription: true}}'));
    const queueArn = { 'Fn::GetAtt': ['FnNoteQueue', 'Arn'] };
    expect(t.byId.get('FnNoteQueue')).toEqual({ Type: 'AWS::SQS::Queue', Properties: {} });
    expect(t.byId.get('FnNoteQueuePolicy')!.Properties).toEqual({
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          { Action: 'sqs:SendMessage', Effect: 'Allow', Principal: '*', Resource: queueArn, Condition: { ArnEquals: { 'aws:SourceArn': { Ref: 'Topic' } } } },
        ],
      },
      Queues: [{ Ref: 'FnNoteQueue' }],
    });
    expect(t.byId.get('FnNote')!.Properties).toEqual({ Endpoint: queueArn, Protocol: 'sqs', TopicArn: { Ref: 'Topic' } });
    expect(t.byId.get('FnNoteEventSourceMapping')!.Properties).toEqual({ BatchSize: 10, Enabled: true, EventSourceArn: queueArn, FunctionName: { Ref: 'Fn' } });
    expect(t.byId.get('FnRole')!.Properties.ManagedPolicyArns).toContain('arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole');
  });

  test('SQS, Kinesis and DynamoDB: an event source mapping, and the managed policy that lets the role poll', () => {
    const t = expand(
      withEvents(`        Queue: {Type: SQS, Properties: {Queue: arn:aws:sqs:eu-west-1:111111111111:q, BatchSize: 5}}
        Stream: {Type: Kinesis, Properties: {Stream: arn:aws:kinesis:eu-west-1:111111111111:stream/s, StartingPosition: LATEST}}
        Table:
          Type: DynamoDB
          Properties:
            Stream: !GetAtt Table.StreamArn
            StartingPosition: TRIM_HORIZON
            DestinationConfig: {OnFailure: {Type: SQS, Destination: arn:aws:sqs:eu-west-1:111111111111:dlq}}`),
    );
    expect(t.unchecked).toEqual([]);
    expect(t.byId.get('FnQueue')).toEqual({
      Type: 'AWS::Lambda::EventSourceMapping',
      Properties: { EventSourceArn: 'arn:aws:sqs:eu-west-1:111111111111:q', FunctionName: { Ref: 'Fn' }, BatchSize: 5 },
    });
    expect(t.byId.get('FnStream')!.Properties).toEqual({
      EventSourceArn: 'arn:aws:kinesis:eu-west-1:111111111111:stream/s',
      FunctionName: { Ref: 'Fn' },
      StartingPosition: 'LATEST',
    });
    expect(t.byId.get('FnTable')!.Properties).toEqual({
      EventSourceArn: { 'Fn::GetAtt': ['Table', 'StreamArn'] },
      FunctionName: { Ref: 'Fn' },
      StartingPosition: 'TRIM_HORIZON',
      DestinationConfig: { OnFailure: { Destination: 'arn:aws:sqs:eu-west-1:111111111111:dlq' } },
    });
    const role = t.byId.get('FnRole')!.Properties;
    expect(role.ManagedPolicyArns).toEqual([
      BASIC_EXECUTION,
      'arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole',
      'arn:aws:iam::aws:policy/service-role/AWSLambdaKinesisExecutionRole',
      'arn:aws:iam::aws:policy/service-role/AWSLambdaDynamoDBExecutionRole',
    ]);
    expect(role.Policies).toEqual([
      {
        PolicyName: 'FnTableSQSPolicy',
        PolicyDocument: { Statement: [{ Action: 'sqs:SendMessage', Effect: 'Allow', Resource: 'arn:aws:sqs:eu-west-1:111111111111:dlq' }] },
      },
    ]);
  });

  test('Schedule, CloudWatchEvent and EventBridgeRule: a rule targeting the function and a permission for EventBridge', () => {
    const t = expand(
      withEvents(`        Tick: {Type: Schedule, Properties: {Schedule: rate(5 minutes), Enabled: false, Input: '{"a":1}'}}
        Watch: {Type: CloudWatchEvent, Properties: {Pattern: {source: [aws.ec2]}}}
        Bus:
          Type: EventBridgeRule
          Properties:
            EventBusName: custom
            RuleName: named
            Pattern: {source: [app]}
            Target: {Id: MyTarget}
            DeadLetterConfig: {Type: SQS}`),
    );
    expect(t.unchecked).toEqual([]);
    expect(t.byId.get('FnTick')).toEqual({
      Type: 'AWS::Events::Rule',
      Properties: { ScheduleExpression: 'rate(5 minutes)', State: 'DISABLED', Targets: [{ Arn: fnArn, Id: 'FnTickLambdaTarget', Input: '{"a":1}' }] },
    });
    expect(t.byId.get('FnTickPermission')).toEqual(invoke('events.amazonaws.com', { SourceArn: { 'Fn::GetAtt': ['FnTick', 'Arn'] } }));
    expect(t.byId.get('FnWatch')!.Properties).toEqual({ EventPattern: { source: ['aws.ec2'] }, Targets: [{ Arn: fnArn, Id: 'FnWatchLambdaTarget' }] });
    expect(t.byId.get('FnBus')!.Properties).toEqual({
      EventBusName: 'custom',
      EventPattern: { source: ['app'] },
      Name: 'named',
      Targets: [{ Arn: fnArn, Id: 'MyTarget', DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['FnBusQueue', 'Arn'] } } }],
    });
    expect(t.byId.get('FnBusQueue')).toEqual({ Type: 'AWS::SQS::Queue', Properties: {} });
    expect(t.byId.get('FnBusQueuePolicy')!.Properties.PolicyDocument.Statement[0]).toEqual({
      Action: 'sqs:SendMessage',
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Resource: { 'Fn::GetAtt': ['FnBusQueue', 'Arn'] },
      Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': ['FnBus', 'Arn'] } } },
    });
  });

  test('ScheduleV2: a Scheduler schedule named after the event, with a role the scheduler assumes', () => {
    const t = expand(
      withEvents('        Nightly: {Type: ScheduleV2, Properties: {ScheduleExpression: "cron(0 3 * * ? *)", PermissionsBoundary: arn:aws:iam::1:policy/b}}'),
    );
    expect(t.byId.get('FnNightly')).toEqual({
      Type: 'AWS::Scheduler::Schedule',
      Properties: {
        ScheduleExpression: 'cron(0 3 * * ? *)',
        Name: 'FnNightly',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: { Arn: fnArn, RoleArn: { 'Fn::GetAtt': ['FnNightlyRole', 'Arn'] } },
      },
    });
    expect(t.byId.get('FnNightlyRole')!.Properties).toEqual({
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Action: ['sts:AssumeRole'], Effect: 'Allow', Principal: { Service: ['scheduler.amazonaws.com'] } }],
      },
      Policies: [
        { PolicyName: 'FnNightlyLambdaPolicy', PolicyDocument: { Statement: [{ Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: fnArn }] } },
      ],
      PermissionsBoundary: 'arn:aws:iam::1:policy/b',
    });
  });

  test('CloudWatchLogs, IoTRule and AlexaSkill', () => {
    const t = expand(
      withEvents(`        Logs: {Type: CloudWatchLogs, Properties: {LogGroupName: app, FilterPattern: ERROR}}
        Iot: {Type: IoTRule, Properties: {Sql: "SELECT * FROM 't'"}}
        Alexa: {Type: AlexaSkill, Properties: {SkillId: amzn1.ask.skill.1}}`),
    );
    expect(t.byId.get('FnLogs')).toEqual({
      Type: 'AWS::Logs::SubscriptionFilter',
      DependsOn: ['FnLogsPermission'],
      Properties: { DestinationArn: fnArn, FilterPattern: 'ERROR', LogGroupName: 'app' },
    });
    expect(t.byId.get('FnLogsPermission')).toEqual(
      invoke('logs.amazonaws.com', {
        SourceArn: { 'Fn::Sub': ['arn:aws:logs:${AWS::Region}:${AWS::AccountId}:log-group:${__LogGroupName__}:*', { __LogGroupName__: 'app' }] },
      }),
    );
    expect(t.byId.get('FnIot')!.Properties).toEqual({
      TopicRulePayload: { Actions: [{ Lambda: { FunctionArn: fnArn } }], RuleDisabled: false, Sql: "SELECT * FROM 't'" },
    });
    expect(t.byId.get('FnAlexaPermission')).toEqual(invoke('alexa-appkit.amazon.com', { EventSourceToken: 'amzn1.ask.skill.1' }));
  });

  test('with AutoPublishAlias, events invoke the alias', () => {
    const t = expand(
      withEvents('        Note: {Type: SNS, Properties: {Topic: !Ref Topic}}').replace('      Events:', '      AutoPublishAlias: live\n      Events:'),
    );
    expect(t.byId.get('FnNote')!.Properties.Endpoint).toEqual({ Ref: 'FnAliaslive' });
    expect(t.byId.get('FnNotePermission')!.Properties.FunctionName).toEqual({ Ref: 'FnAliaslive' });
  });

  describe('an event Tarmac cannot expand is reported alone', () => {
    test('an unknown event type: the function is checked; the role too is reported, as the event could change it', () => {
      const t = expand(withEvents('        Odd: {Type: Telepathy, Properties: {}}\n        Note: {Type: SNS, Properties: {Topic: !Ref Topic}}'));
      expect(t.ids).toEqual(['Fn', 'FnNote', 'FnNotePermission', 'Bucket', 'Topic']);
      expect(t.unchecked).toEqual([
        expect.objectContaining({ logicalId: 'Fn', sourcePath: ['Resources', 'Fn', 'Properties', 'Events', 'Odd', 'Type'], mayCreate: ['AWS::IAM::Role'] }),
        expect.objectContaining({ logicalId: 'Fn', sourcePath: ['Resources', 'Fn', 'Properties', 'Events', 'Odd', 'Type'], mayCreate: ['*'] }),
      ]);
    });

    test('an event source Tarmac does not expand (MSK) takes the role with it, which it adds permissions to', () => {
      const t = expand(
        withEvents('        Kafka: {Type: MSK, Properties: {Stream: arn:aws:kafka:eu-west-1:1:cluster/c/x, StartingPosition: LATEST, Topics: [t]}}'),
      );
      expect(t.ids).toEqual(['Fn', 'Bucket', 'Topic']);
      expect(t.unchecked.map((u) => [u.reason, u.mayCreate])).toEqual([
        ['event Kafka (type MSK) is not expanded by Tarmac, and it changes the execution role FnRole', ['AWS::IAM::Role']],
        ['event Kafka (type MSK) is not expanded by Tarmac', ['AWS::Lambda::EventSourceMapping']],
      ]);
    });

    test('an event that does not change the role leaves it checked', () => {
      const t = expand(withEvents('        Pool: {Type: Cognito, Properties: {UserPool: !Ref Pool, Trigger: PreSignUp}}'));
      expect(t.ids).toEqual(['Fn', 'FnRole', 'Bucket', 'Topic']);
      expect(t.unchecked).toEqual([
        expect.objectContaining({
          reason: 'event Pool (type Cognito) is not expanded by Tarmac',
          mayCreate: ['AWS::Lambda::Permission', 'AWS::Cognito::UserPool'],
        }),
      ]);
    });

    test.each([
      ['an unknown event property', '        Tick: {Type: Schedule, Properties: {Schedule: rate(1 day), Colour: blue}}'],
      ['event Properties that are not a map', '        Tick: {Type: Schedule, Properties: [rate(1 day)]}'],
      ['an S3 bucket that is not in the template', '        Upload: {Type: S3, Properties: {Bucket: other-bucket, Events: "s3:ObjectCreated:*"}}'],
    ])('%s', (_what, events) => {
      const t = expand(withEvents(events));
      expect(t.ids).toEqual(['Fn', 'FnRole', 'Bucket', 'Topic']);
      expect(t.unchecked).toHaveLength(1);
    });

    test('an event that is not a map could be anything: it is reported with the role', () => {
      const t = expand(withEvents('        Tick: rate(1 day)'));
      expect(t.ids).toEqual(['Fn', 'Bucket', 'Topic']);
      expect(t.unchecked.map((u) => u.mayCreate)).toEqual([['AWS::IAM::Role'], ['*']]);
    });
  });
});
