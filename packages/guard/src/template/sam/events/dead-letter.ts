import { NotExpanded } from '../model';
import { checkKeys } from '../properties';
import { Dict, clone, getAtt, isObject, ref } from '../values';
import { EventInput, propertyPath } from './target';

/**
 * DeadLetterConfig of an EventBridge rule or schedule target: {Arn} is used as given; {Type: SQS} makes
 * SAM create a queue (`<event>Queue`, or QueueLogicalId) and, for rules, a policy letting the rule send.
 */
export function deadLetterConfig(input: EventInput, sourceArn: Dict | undefined): Dict | undefined {
  const { event, target, unit } = input;
  const config = event.properties.DeadLetterConfig;
  if (config === undefined) return undefined;
  const path = propertyPath(event, 'DeadLetterConfig');
  if (!isObject(config)) throw new NotExpanded(path, `event ${event.name}: DeadLetterConfig is not a map`);
  checkKeys(config, ['Arn', 'Type', 'QueueLogicalId'], path, `event ${event.name}: DeadLetterConfig`);
  if (config.Arn !== undefined && config.Type === undefined) return { Arn: clone(config.Arn) };
  if (config.Type !== 'SQS' || config.Arn !== undefined) throw new NotExpanded(path, `event ${event.name}: DeadLetterConfig is neither {Arn} nor {Type: SQS}`);
  const queueId = config.QueueLogicalId ?? `${event.logicalId}Queue`;
  if (typeof queueId !== 'string') throw new NotExpanded([...path, 'QueueLogicalId'], 'QueueLogicalId is not a string');
  unit.add(queueId, 'AWS::SQS::Queue', {}, target.attributes);
  if (sourceArn) {
    unit.add(
      `${event.logicalId}QueuePolicy`,
      'AWS::SQS::QueuePolicy',
      {
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Action: 'sqs:SendMessage',
              Effect: 'Allow',
              Principal: { Service: 'events.amazonaws.com' },
              Resource: getAtt(queueId, 'Arn'),
              Condition: { ArnEquals: { 'aws:SourceArn': sourceArn } },
            },
          ],
        },
        Queues: [ref(queueId)],
      },
      target.attributes,
    );
  }
  return { Arn: getAtt(queueId, 'Arn') };
}
