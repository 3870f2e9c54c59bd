import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { NotificationTopic } from '@tarmac/core/org';
import { Construct } from 'constructs';
import { partitionOf } from '../stacksets/platform-stack';
import { compareNames, uniqueLogicalIds } from '../stacksets/names';
import { atLine, awsName, duplicates, unknownName } from './names';

export interface CostAlertTopicsProps {
  /** budgets.yaml `notifications.topics`: one SNS topic tarmac-<name> each. */
  readonly topics: readonly NotificationTopic[];
}

/** SNS topic names: letters, digits, hyphens and underscores, at most 256 characters. */
const TOPIC_NAME = /^[A-Za-z0-9_-]{1,256}$/;

/** The services that publish cost alerts: AWS Budgets and Cost Anomaly Detection. */
const BUDGETS = 'budgets.amazonaws.com';
const COST_ALERTS = 'costalerts.amazonaws.com';

/**
 * The SNS topics budgets and anomaly subscriptions alert through (chat integrations such as AWS Chatbot
 * subscribe to them), encrypted with their own customer managed key (LZ.SNS.1, cdk-nag SNS2) and published
 * to over TLS only (SNS3).
 *
 * Who may publish, for this account only (aws:SourceAccount, the confused-deputy condition both services
 * document; https://docs.aws.amazon.com/cost-management/latest/userguide/budgets-sns-policy.html and
 * .../ad-SNS.html): Budgets (also restricted to this account's budgets by aws:SourceArn) and Cost Anomaly
 * Detection. An encrypted topic needs the same services in the key policy, with the data key calls SNS makes
 * for them (kms:GenerateDataKey*, kms:Decrypt), narrowed by the encryption context SNS sends
 * (kms:EncryptionContext:aws:sns:topicArn, as AWS's guides for service-published encrypted topics do):
 * aws:SourceAccount is not documented for these KMS requests, and a condition that never matches would drop
 * every alert without an error. The topics must be in the account of the budgets, which is why this
 * construct lives in the billing stack and not in the FinOps account.
 */
export class CostAlertTopics extends Construct {
  /** Each topic, by its name in budgets.yaml. */
  readonly topics: ReadonlyMap<string, sns.Topic>;
  /** The topics' key; absent when there is no topic. */
  readonly key?: kms.Key;

  constructor(scope: Construct, id: string, props: CostAlertTopicsProps) {
    super(scope, id);
    const names = props.topics.map((t) => t.name);
    const twice = duplicates(names);
    if (twice.length) throw new Error(`${this.node.path}: topic names must be unique; ${twice.map((n) => `'${n}'`).join(', ')} appear more than once`);
    for (const t of props.topics) {
      if (!TOPIC_NAME.test(awsName(t.name))) {
        throw new Error(
          `${this.node.path}: topic '${t.name}'${atLine(t.line)}: SNS topic names are letters, digits, '-' and '_', at most 256 characters with the '${awsName('')}' prefix`,
        );
      }
    }
    const topics = new Map<string, sns.Topic>();
    this.topics = topics;
    if (!props.topics.length) return;

    const stack = Stack.of(this);
    const sourceAccount = { StringEquals: { 'aws:SourceAccount': stack.account } };
    const topicArns = [...names].sort(compareNames).map((n) => `arn:${partitionOf(this)}:sns:${stack.region}:${stack.account}:${awsName(n)}`);
    this.key = new kms.Key(this, 'Key', {
      description: 'Tarmac cost alert topics (budgets and cost anomalies)',
      enableKeyRotation: true,
      policy: new iam.PolicyDocument({
        statements: [
          new iam.PolicyStatement({ sid: 'AccountAdministersKey', principals: [new iam.AccountRootPrincipal()], actions: ['kms:*'], resources: ['*'] }),
          new iam.PolicyStatement({
            sid: 'CostServicesPublishToEncryptedTopics',
            principals: [new iam.ServicePrincipal(BUDGETS), new iam.ServicePrincipal(COST_ALERTS)],
            actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            resources: ['*'],
            conditions: { StringEquals: { 'kms:EncryptionContext:aws:sns:topicArn': topicArns } },
          }),
        ],
      }),
    });
    const ids = uniqueLogicalIds(names, 'topic');
    for (const t of [...props.topics].sort((a, b) => compareNames(a.name, b.name))) {
      const topic = new sns.Topic(this, ids.get(t.name)!, { topicName: awsName(t.name), masterKey: this.key, enforceSSL: true });
      topic.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'BudgetsPublish',
          principals: [new iam.ServicePrincipal(BUDGETS)],
          actions: ['sns:Publish'],
          resources: [topic.topicArn],
          conditions: { ...sourceAccount, ArnLike: { 'aws:SourceArn': `arn:${partitionOf(this)}:budgets::${stack.account}:*` } },
        }),
      );
      topic.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'CostAnomalyDetectionPublishes',
          principals: [new iam.ServicePrincipal(COST_ALERTS)],
          actions: ['sns:Publish'],
          resources: [topic.topicArn],
          conditions: sourceAccount,
        }),
      );
      topics.set(t.name, topic);
    }
  }

  /** The topic named `name` in budgets.yaml; an unknown name is an error naming the closest one. */
  topic(name: string): sns.Topic {
    const topic = this.topics.get(name);
    if (!topic) throw new Error(`${this.node.path}: ${unknownName('notification topic', name, this.topics.keys())}`);
    return topic;
  }

  /** The ARN of the topic named `name` in budgets.yaml. */
  topicArn(name: string): string {
    return this.topic(name).topicArn;
  }
}
