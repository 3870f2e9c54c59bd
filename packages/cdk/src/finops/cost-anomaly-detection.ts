import * as ce from 'aws-cdk-lib/aws-ce';
import type { AnomalyDetection, AnomalyMonitor, AnomalySubscription, NotificationTargets } from '@tarmac/core/org';
import { Construct } from 'constructs';
import { compareNames, uniqueLogicalIds } from '../stacksets/names';
import { CostAlertTopics } from './cost-alert-topics';
import { atLine, awsName, duplicates, unknownName } from './names';
import { resolveTargets } from './notify-targets';

export interface CostAnomalyDetectionProps {
  /** policies/finops/anomaly-detection.yaml */
  readonly anomalyDetection: AnomalyDetection;
  /** budgets.yaml `notifications`: what `notify` names. */
  readonly notifications: NotificationTargets;
  /** The topics of `notifications.topics`. */
  readonly topics: CostAlertTopics;
}

/** Threshold values: numbers between 0 and 10,000,000,000 (AWS::CE::AnomalySubscription ThresholdExpression). */
const MAX_THRESHOLD = 10_000_000_000;

/**
 * Cost Anomaly Detection as code, in the management account (its monitors then see every linked account):
 * one AWS managed (DIMENSIONAL) monitor per `monitors` entry, evaluating each AWS service or each value of a
 * cost allocation tag on its own, and one alert subscription per `subscriptions` entry.
 *
 * A TAG monitor names its tag in MonitorSpecification, `{"Tags":{"Key":"<tag>"}}` (the form the Cost Explorer
 * API reference gives for MonitorDimension TAG); a SERVICE monitor has none. A subscription's threshold is a
 * ThresholdExpression on ANOMALY_TOTAL_IMPACT_ABSOLUTE and/or ANOMALY_TOTAL_IMPACT_PERCENTAGE with
 * GREATER_THAN_OR_EQUAL (the match option the resource requires), OR-ed when both are set: alert on a large
 * amount or a large deviation. IMMEDIATE alerts go to SNS only and DAILY/WEEKLY summaries to e-mail only
 * (AWS's rule; anything else fails at deploy, so it fails here). A monitor with `adopt` exists already (AWS
 * allows one managed monitor per dimension and may have created the SERVICE one itself): subscriptions name
 * its ARN and none is created.
 */
export class CostAnomalyDetection extends Construct {
  /** Each monitor this construct creates, by its name in anomaly-detection.yaml (an adopted one is not created). */
  readonly monitors: ReadonlyMap<string, ce.CfnAnomalyMonitor>;
  /** Each subscription, by its name in anomaly-detection.yaml. */
  readonly subscriptions: ReadonlyMap<string, ce.CfnAnomalySubscription>;

  constructor(scope: Construct, id: string, props: CostAnomalyDetectionProps) {
    super(scope, id);
    const { monitors, subscriptions } = props.anomalyDetection;
    for (const [what, names] of [
      ['monitor', monitors.map((m) => m.name)],
      ['subscription', subscriptions.map((s) => s.name)],
    ] as const) {
      const twice = duplicates(names);
      if (twice.length) throw new Error(`${this.node.path}: ${what} names must be unique; ${twice.map((n) => `'${n}'`).join(', ')} appear more than once`);
    }
    const sortedMonitors = [...monitors].sort((a, b) => compareNames(a.name, b.name));
    const monitorIds = uniqueLogicalIds(
      sortedMonitors.map((m) => m.name),
      'anomaly monitor',
    );
    const created = new Map<string, ce.CfnAnomalyMonitor>();
    const arns = new Map<string, string>();
    for (const m of sortedMonitors) {
      const specification = this.specification(m);
      if (m.adopt) {
        arns.set(m.name, m.adopt);
        continue;
      }
      const monitor = new ce.CfnAnomalyMonitor(this, `${monitorIds.get(m.name)}Monitor`, {
        monitorName: awsName(m.name),
        monitorType: 'DIMENSIONAL',
        monitorDimension: m.dimension,
        monitorSpecification: specification,
      });
      created.set(m.name, monitor);
      arns.set(m.name, monitor.attrMonitorArn);
    }
    this.monitors = created;

    const sortedSubscriptions = [...subscriptions].sort((a, b) => compareNames(a.name, b.name));
    const subscriptionIds = uniqueLogicalIds(
      sortedSubscriptions.map((s) => s.name),
      'anomaly subscription',
    );
    const subs = new Map<string, ce.CfnAnomalySubscription>();
    for (const s of sortedSubscriptions) {
      const where = `${this.node.path}: subscription '${s.name}'${atLine(s.line)}`;
      if (!s.monitors.length) throw new Error(`${where}: lists no monitor`);
      const monitorArns = s.monitors.map((name) => {
        const arn = arns.get(name);
        if (!arn) throw new Error(`${where}: ${unknownName('anomaly monitor', name, arns.keys())}`);
        return arn;
      });
      const targets = resolveTargets(where, s.notify, props.notifications, props.topics);
      if (s.frequency === 'IMMEDIATE' && targets.emails.length) {
        throw new Error(`${where}: IMMEDIATE alerts go to SNS topics only; notify e-mail addresses with a DAILY or WEEKLY subscription`);
      }
      if (s.frequency !== 'IMMEDIATE' && targets.topicArns.length) {
        throw new Error(`${where}: ${s.frequency} summaries go to e-mail only; notify SNS topics with an IMMEDIATE subscription`);
      }
      subs.set(
        s.name,
        new ce.CfnAnomalySubscription(this, `${subscriptionIds.get(s.name)}Subscription`, {
          subscriptionName: awsName(s.name),
          frequency: s.frequency,
          monitorArnList: monitorArns,
          subscribers: [...targets.topicArns.map((address) => ({ type: 'SNS', address })), ...targets.emails.map((address) => ({ type: 'EMAIL', address }))],
          thresholdExpression: JSON.stringify(thresholdExpression(where, s)),
        }),
      );
    }
    this.subscriptions = subs;
  }

  private specification(m: AnomalyMonitor): string | undefined {
    const where = `${this.node.path}: monitor '${m.name}'${atLine(m.line)}`;
    if (m.dimension === 'SERVICE') {
      if (m.tag !== undefined) throw new Error(`${where}: a SERVICE monitor takes no tag`);
      return undefined;
    }
    if (m.dimension !== 'TAG') throw new Error(`${where}: dimension must be SERVICE or TAG, not '${String(m.dimension)}'`);
    if (!m.tag) throw new Error(`${where}: a TAG monitor needs the cost allocation tag whose values it monitors`);
    return JSON.stringify({ Tags: { Key: m.tag } });
  }
}

/** The subscription's ThresholdExpression (a Cost Explorer Expression), before JSON encoding. */
export function thresholdExpression(where: string, s: Pick<AnomalySubscription, 'thresholdAbsolute' | 'thresholdPercent'>): Record<string, unknown> {
  const dimension = (key: string, value: number) => {
    if (!(Number.isFinite(value) && value >= 0 && value <= MAX_THRESHOLD))
      throw new Error(`${where}: threshold ${value} is not a number between 0 and ${MAX_THRESHOLD}`);
    return { Dimensions: { Key: key, MatchOptions: ['GREATER_THAN_OR_EQUAL'], Values: [String(value)] } };
  };
  const parts = [
    ...(s.thresholdAbsolute === undefined ? [] : [dimension('ANOMALY_TOTAL_IMPACT_ABSOLUTE', s.thresholdAbsolute)]),
    ...(s.thresholdPercent === undefined ? [] : [dimension('ANOMALY_TOTAL_IMPACT_PERCENTAGE', s.thresholdPercent)]),
  ];
  if (!parts.length) throw new Error(`${where}: needs thresholdAbsolute, thresholdPercent or both; without one every anomaly would alert`);
  return parts.length === 1 ? parts[0] : { Or: parts };
}
