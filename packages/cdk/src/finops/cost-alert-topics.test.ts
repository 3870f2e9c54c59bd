import { CfnResource, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { platformApp } from '../stacksets/platform-stack';
import { CostAlertTopics } from './cost-alert-topics';
import { MANAGEMENT } from './__tests__/fixture';

function stack(): Stack {
  return new Stack(platformApp(), 'Billing', { env: { account: MANAGEMENT, region: 'us-east-1' } });
}

function synth(topics: { name: string; description: string }[]): { template: Template; construct: CostAlertTopics } {
  const s = stack();
  const construct = new CostAlertTopics(s, 'Topics', { topics });
  return { template: Template.fromStack(s), construct };
}

describe('CostAlertTopics', () => {
  test('one topic tarmac-<name> per topic, encrypted with a rotating key of its own', () => {
    const { template } = synth([
      { name: 'cost-alerts', description: 'alerts' },
      { name: 'finops-chat', description: 'chat' },
    ]);
    template.resourceCountIs('AWS::SNS::Topic', 2);
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    for (const name of ['tarmac-cost-alerts', 'tarmac-finops-chat']) {
      template.hasResourceProperties('AWS::SNS::Topic', { TopicName: name, KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^TopicsKey'), 'Arn'] } });
    }
  });

  test("Budgets (for this account's budgets) and Cost Anomaly Detection (for this account) may publish, over TLS only", () => {
    const { template } = synth([{ name: 'cost-alerts', description: 'alerts' }]);
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          // enforceSSL's statement comes first.
          Match.objectLike({ Effect: 'Deny', Action: 'sns:Publish', Principal: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Sid: 'BudgetsPublish',
            Effect: 'Allow',
            Principal: { Service: 'budgets.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: { StringEquals: { 'aws:SourceAccount': MANAGEMENT }, ArnLike: { 'aws:SourceArn': `arn:aws:budgets::${MANAGEMENT}:*` } },
          }),
          Match.objectLike({
            Sid: 'CostAnomalyDetectionPublishes',
            Principal: { Service: 'costalerts.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: { StringEquals: { 'aws:SourceAccount': MANAGEMENT } },
          }),
        ]),
      },
    });
  });

  test('the key lets both services make the data key calls an encrypted topic needs, for these topics only', () => {
    const { template } = synth([
      { name: 'finops-chat', description: 'chat' },
      { name: 'cost-alerts', description: 'alerts' },
    ]);
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'CostServicesPublishToEncryptedTopics',
            Principal: { Service: ['budgets.amazonaws.com', 'costalerts.amazonaws.com'] },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            // The encryption context SNS sends; aws:SourceAccount is not documented for these KMS requests.
            Condition: {
              StringEquals: {
                'kms:EncryptionContext:aws:sns:topicArn': [
                  `arn:aws:sns:us-east-1:${MANAGEMENT}:tarmac-cost-alerts`,
                  `arn:aws:sns:us-east-1:${MANAGEMENT}:tarmac-finops-chat`,
                ],
              },
            },
          }),
        ]),
      },
    });
  });

  test('topicArn resolves a name, and an unknown name suggests the closest', () => {
    const { construct } = synth([{ name: 'cost-alerts', description: 'alerts' }]);
    expect(construct.topicArn('cost-alerts')).toBe(construct.topics.get('cost-alerts')!.topicArn);
    expect(() => construct.topicArn('cost-alert')).toThrow(/unknown notification topic 'cost-alert'; did you mean 'cost-alerts'\?/);
  });

  test('no topic: no key, no topic', () => {
    const s = stack();
    const construct = new CostAlertTopics(s, 'Topics', { topics: [] });
    expect(construct.key).toBeUndefined();
    expect(s.node.findAll().filter((c) => CfnResource.isCfnResource(c))).toEqual([]);
  });

  test('refuses duplicate names and names SNS would refuse', () => {
    expect(() =>
      synth([
        { name: 'a', description: '' },
        { name: 'a', description: '' },
      ]),
    ).toThrow(/topic names must be unique; 'a' appear/);
    expect(() => synth([{ name: 'cost alerts', description: '' }])).toThrow(/topic 'cost alerts'.*SNS topic names are letters, digits/);
  });
});
