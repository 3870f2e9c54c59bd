import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { AnomalyDetection, AnomalySubscription } from '@tarmac/core/org';
import { platformApp } from '../stacksets/platform-stack';
import { CostAlertTopics } from './cost-alert-topics';
import { CostAnomalyDetection, thresholdExpression } from './cost-anomaly-detection';
import { MANAGEMENT, NOTIFICATIONS, fixtureFinOps } from './__tests__/fixture';

const DETECTION = fixtureFinOps().anomalyDetection!;

function build(anomalyDetection: AnomalyDetection = DETECTION): { template: Template; construct: CostAnomalyDetection } {
  const stack = new Stack(platformApp(), 'Billing', { env: { account: MANAGEMENT, region: 'us-east-1' } });
  const topics = new CostAlertTopics(stack, 'Topics', { topics: NOTIFICATIONS.topics });
  const construct = new CostAnomalyDetection(stack, 'Anomalies', { anomalyDetection, notifications: NOTIFICATIONS, topics });
  return { template: Template.fromStack(stack), construct };
}

function withSubscription(name: string, edit: (s: AnomalySubscription) => AnomalySubscription): AnomalyDetection {
  return { ...DETECTION, subscriptions: DETECTION.subscriptions.map((s) => (s.name === name ? edit(s) : s)) };
}

describe('CostAnomalyDetection', () => {
  test('AWS managed monitors: per service, and per value of a cost allocation tag named in MonitorSpecification', () => {
    const { template } = build();
    template.resourceCountIs('AWS::CE::AnomalyMonitor', 2);
    template.hasResourceProperties('AWS::CE::AnomalyMonitor', {
      MonitorName: 'tarmac-services',
      MonitorType: 'DIMENSIONAL',
      MonitorDimension: 'SERVICE',
      MonitorSpecification: Match.absent(),
    });
    template.hasResourceProperties('AWS::CE::AnomalyMonitor', {
      MonitorName: 'tarmac-cost-centers',
      MonitorType: 'DIMENSIONAL',
      MonitorDimension: 'TAG',
      MonitorSpecification: '{"Tags":{"Key":"cost-center"}}',
    });
  });

  test('an IMMEDIATE subscription of both monitors to the topic, alerting on a large amount or a large deviation', () => {
    const { template } = build();
    template.resourceCountIs('AWS::CE::AnomalySubscription', 2);
    const subs = template.findResources('AWS::CE::AnomalySubscription', { Properties: { SubscriptionName: 'tarmac-immediate' } });
    const [sub] = Object.values(subs);
    expect(sub.Properties.Frequency).toBe('IMMEDIATE');
    expect(sub.Properties.MonitorArnList).toEqual([
      { 'Fn::GetAtt': [expect.stringMatching(/^AnomaliesServicesMonitor/), 'MonitorArn'] },
      { 'Fn::GetAtt': [expect.stringMatching(/^AnomaliesCostCentersMonitor/), 'MonitorArn'] },
    ]);
    expect(sub.Properties.Subscribers).toEqual([{ Type: 'SNS', Address: { Ref: expect.stringMatching(/^TopicsCostAlerts/) } }]);
    expect(JSON.parse(sub.Properties.ThresholdExpression)).toEqual({
      Or: [
        { Dimensions: { Key: 'ANOMALY_TOTAL_IMPACT_ABSOLUTE', MatchOptions: ['GREATER_THAN_OR_EQUAL'], Values: ['500'] } },
        { Dimensions: { Key: 'ANOMALY_TOTAL_IMPACT_PERCENTAGE', MatchOptions: ['GREATER_THAN_OR_EQUAL'], Values: ['40'] } },
      ],
    });
  });

  test('a DAILY summary by e-mail with one threshold is that one dimension, not an Or', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::CE::AnomalySubscription', {
      SubscriptionName: 'tarmac-daily-summary',
      Frequency: 'DAILY',
      Subscribers: [{ Type: 'EMAIL', Address: 'finance@example.com' }],
      ThresholdExpression: JSON.stringify({ Dimensions: { Key: 'ANOMALY_TOTAL_IMPACT_ABSOLUTE', MatchOptions: ['GREATER_THAN_OR_EQUAL'], Values: ['100'] } }),
      Threshold: Match.absent(),
    });
  });

  test('a percentage threshold alone', () => {
    expect(thresholdExpression('x', { thresholdPercent: 25 })).toEqual({
      Dimensions: { Key: 'ANOMALY_TOTAL_IMPACT_PERCENTAGE', MatchOptions: ['GREATER_THAN_OR_EQUAL'], Values: ['25'] },
    });
  });

  test("an adopted monitor (AWS's own Default-Services-Monitor) is subscribed to by its ARN and not created", () => {
    const arn = 'arn:aws:ce::111111111111:anomalymonitor/c9e940b5-d9a9-4a0c-9b1e-2f1e6c1a8d11';
    const { template, construct } = build({ ...DETECTION, monitors: DETECTION.monitors.map((m) => (m.name === 'services' ? { ...m, adopt: arn } : m)) });
    template.resourceCountIs('AWS::CE::AnomalyMonitor', 1);
    template.hasResourceProperties('AWS::CE::AnomalyMonitor', { MonitorName: 'tarmac-cost-centers' });
    expect([...construct.monitors.keys()]).toEqual(['cost-centers']);
    const [sub] = Object.values(template.findResources('AWS::CE::AnomalySubscription', { Properties: { SubscriptionName: 'tarmac-immediate' } }));
    expect(sub.Properties.MonitorArnList).toEqual([arn, { 'Fn::GetAtt': [expect.stringMatching(/^AnomaliesCostCentersMonitor/), 'MonitorArn'] }]);
  });

  test('exposes monitors and subscriptions by name', () => {
    const { construct } = build();
    expect([...construct.monitors.keys()].sort()).toEqual(['cost-centers', 'services']);
    expect([...construct.subscriptions.keys()].sort()).toEqual(['daily-summary', 'immediate']);
  });

  describe('refuses what AWS would refuse', () => {
    const cases: [string, AnomalyDetection, RegExp][] = [
      [
        'an IMMEDIATE subscription to e-mail',
        withSubscription('immediate', (s) => ({ ...s, notify: ['finance'] })),
        /subscription 'immediate' \(line 10\): IMMEDIATE alerts go to SNS topics only/,
      ],
      [
        'a DAILY subscription to a topic',
        withSubscription('daily-summary', (s) => ({ ...s, notify: ['cost-alerts'] })),
        /subscription 'daily-summary' \(line 16\): DAILY summaries go to e-mail only/,
      ],
      ['no threshold', withSubscription('daily-summary', (s) => ({ ...s, thresholdAbsolute: undefined })), /needs thresholdAbsolute, thresholdPercent or both/],
      [
        'a negative threshold',
        withSubscription('daily-summary', (s) => ({ ...s, thresholdAbsolute: -1 })),
        /threshold -1 is not a number between 0 and 10000000000/,
      ],
      [
        'an unknown monitor',
        withSubscription('daily-summary', (s) => ({ ...s, monitors: ['cost-center'] })),
        /unknown anomaly monitor 'cost-center'; did you mean 'cost-centers'\?/,
      ],
      ['an unknown target', withSubscription('daily-summary', (s) => ({ ...s, notify: ['fin'] })), /unknown notification target 'fin'/],
      [
        'a TAG monitor without a tag',
        { ...DETECTION, monitors: [{ name: 'cost-centers', dimension: 'TAG', line: 5 }, DETECTION.monitors[0]] },
        /monitor 'cost-centers' \(line 5\): a TAG monitor needs the cost allocation tag/,
      ],
      [
        'a SERVICE monitor with a tag',
        { ...DETECTION, monitors: [{ name: 'services', dimension: 'SERVICE', tag: 'team' }, DETECTION.monitors[1]] },
        /a SERVICE monitor takes no tag/,
      ],
      ['a duplicate monitor name', { ...DETECTION, monitors: [...DETECTION.monitors, DETECTION.monitors[0]] }, /monitor names must be unique; 'services'/],
      [
        'a duplicate subscription name',
        { ...DETECTION, subscriptions: [...DETECTION.subscriptions, DETECTION.subscriptions[0]] },
        /subscription names must be unique; 'immediate'/,
      ],
    ];
    test.each(cases)('%s', (_, detection, message) => {
      expect(() => build(detection)).toThrow(message);
    });
  });
});
