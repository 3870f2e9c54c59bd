import { NotExpanded } from '../model';
import { checkKeys } from '../properties';
import { Dict, clone, dict, get, getAtt, isIntrinsic, isObject, ref } from '../values';
import { addManaged } from '../iam/policies';
import { managedPolicyArn } from '../iam/managed-policies';
import { EventInput, lambdaPermission, propertyPath } from './target';

const SQS_SUBSCRIPTION = ['QueueArn', 'QueueUrl', 'QueuePolicyLogicalId', 'BatchSize', 'Enabled'];

/**
 * SNS: a subscription of the function to the topic and a permission for SNS; with SqsSubscription, the
 * topic delivers to a queue (SAM's own, or the one given) that the function polls.
 */
/** A FIFO topic of the template delivers only to FIFO queues: SAM makes its queue one. */
function fifoTopic({ ctx, event }: EventInput): boolean {
  const topic = event.properties.Topic;
  const id = isObject(topic) && typeof topic.Ref === 'string' ? topic.Ref : undefined;
  const resource = id === undefined ? undefined : ctx.resource(id);
  return resource?.Type === 'AWS::SNS::Topic' && get(resource.Properties, 'FifoTopic') === true;
}

export function snsEvent(input: EventInput): void {
  const { event, target, unit, grants } = input;
  const p = event.properties;
  checkKeys(p, ['Topic', 'Region', 'FilterPolicy', 'FilterPolicyScope', 'SqsSubscription', 'RedrivePolicy'], propertyPath(event), `event ${event.name}`);
  const topic = clone(p.Topic);
  const options = dict(['Region', 'FilterPolicy', 'FilterPolicyScope', 'RedrivePolicy'].map((k) => [k, clone(p[k])]));
  const sqs = p.SqsSubscription;
  if (sqs === undefined || sqs === false) {
    unit.add(event.logicalId, 'AWS::SNS::Subscription', { Endpoint: target.arn, Protocol: 'lambda', TopicArn: topic, ...options }, target.attributes);
    lambdaPermission(input, `${event.logicalId}Permission`, 'sns.amazonaws.com', { SourceArn: topic });
    return;
  }
  let queueArn: unknown;
  let queueUrl: unknown;
  let policyId = `${event.logicalId}QueuePolicy`;
  let batch: Dict = { BatchSize: 10, Enabled: true };
  if (sqs === true) {
    const queueId = `${event.logicalId}Queue`;
    unit.add(queueId, 'AWS::SQS::Queue', fifoTopic(input) ? { FifoQueue: true } : {}, target.attributes);
    queueArn = getAtt(queueId, 'Arn');
    queueUrl = ref(queueId);
  } else if (isObject(sqs) && !isIntrinsic(sqs)) {
    checkKeys(sqs, SQS_SUBSCRIPTION, propertyPath(event, 'SqsSubscription'), `event ${event.name}: SqsSubscription`);
    if (sqs.QueueArn === undefined || sqs.QueueUrl === undefined) {
      throw new NotExpanded(propertyPath(event, 'SqsSubscription'), `event ${event.name}: SqsSubscription lacks QueueArn or QueueUrl`);
    }
    queueArn = clone(sqs.QueueArn);
    queueUrl = clone(sqs.QueueUrl);
    if (sqs.QueuePolicyLogicalId !== undefined) {
      if (typeof sqs.QueuePolicyLogicalId !== 'string')
        throw new NotExpanded(propertyPath(event, 'SqsSubscription', 'QueuePolicyLogicalId'), 'QueuePolicyLogicalId is not a string');
      policyId = sqs.QueuePolicyLogicalId;
    }
    batch = dict(
      [
        ['BatchSize', sqs.BatchSize ?? 10],
        ['Enabled', sqs.Enabled ?? true],
      ].map(([k, v]) => [k as string, clone(v)]),
    );
  } else {
    throw new NotExpanded(propertyPath(event, 'SqsSubscription'), `event ${event.name}: SqsSubscription is neither true nor a map`);
  }
  unit.add(
    policyId,
    'AWS::SQS::QueuePolicy',
    {
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Action: 'sqs:SendMessage', Effect: 'Allow', Principal: '*', Resource: queueArn, Condition: { ArnEquals: { 'aws:SourceArn': topic } } }],
      },
      Queues: [queueUrl],
    },
    target.attributes,
  );
  unit.add(event.logicalId, 'AWS::SNS::Subscription', { Endpoint: queueArn, Protocol: 'sqs', TopicArn: topic, ...options }, target.attributes);
  unit.add(
    `${event.logicalId}EventSourceMapping`,
    'AWS::Lambda::EventSourceMapping',
    { ...batch, EventSourceArn: queueArn, FunctionName: target.ref },
    target.attributes,
  );
  addManaged(grants.managed, managedPolicyArn('AWSLambdaSQSQueueExecutionRole'));
}
