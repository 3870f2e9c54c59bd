/**
 * What AWS Cost Anomaly Detection accepts, as data the loader checks before anything is deployed.
 *
 * - Frequency and subscriber kind: "Notifications are sent either over email (for DAILY and WEEKLY
 *   frequencies) or SNS (for IMMEDIATE frequency)" (AWS::CE::AnomalySubscription Frequency,
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ce-anomalysubscription.html).
 * - Subscribers: "For each alert subscription, you can have up to 10 email recipients or 1 SNS topic"
 *   (https://aws.amazon.com/aws-cost-management/aws-cost-anomaly-detection/faqs/).
 * - AWS managed monitors: one per dimension per account; a second SERVICE monitor fails with
 *   "Limit exceeded on dimensional spend monitor creation", which CloudFormation reports as AlreadyExists
 *   (https://github.com/aws-cloudformation/cloudformation-coverage-roadmap/issues/2515). Whether TAG
 *   monitors on different tag keys count as one dimension is not documented; Tarmac assumes they do.
 * - MonitorDimension TAG needs a MonitorSpecification naming the tag key ("For TAG and COST_CATEGORY
 *   dimensions, you must also specify MonitorSpecification", AWS::CE::AnomalyMonitor MonitorDimension, as
 *   quoted in aws-cdk-lib 2.276.0's ce.generated.d.ts). The shape below is the Cost Explorer Expression
 *   with Tags.Key only; AWS has not published an example of a managed TAG monitor's specification.
 */

import { AnomalyFrequency } from './model';

export const MAX_SUBSCRIPTION_EMAILS = 10;
export const MAX_SUBSCRIPTION_TOPICS = 1;
/** Up to 101 monitors per account (same FAQ). */
export const MAX_MONITORS = 101;

/** The subscriber kind AWS accepts for a frequency. */
export function subscriberKindFor(frequency: AnomalyFrequency): 'topic' | 'email' {
  return frequency === 'IMMEDIATE' ? 'topic' : 'email';
}

/** MonitorSpecification of an AWS managed TAG monitor: the cost allocation tag key whose values are analyzed. */
export function tagMonitorSpecification(tagKey: string): string {
  return JSON.stringify({ Tags: { Key: tagKey } });
}
