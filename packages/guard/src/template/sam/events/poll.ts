import { NotExpanded } from '../model';
import { checkKeys } from '../properties';
import { clone, dict, isObject } from '../values';
import { addManaged } from '../iam/policies';
import { managedPolicyArn } from '../iam/managed-policies';
import { EventInput, propertyPath } from './target';

/** What a stream event (Kinesis, DynamoDB) passes to its event source mapping. */
const STREAM_PROPERTIES = [
  'BatchSize',
  'Enabled',
  'StartingPosition',
  'StartingPositionTimestamp',
  'MaximumBatchingWindowInSeconds',
  'MaximumRetryAttempts',
  'BisectBatchOnFunctionError',
  'MaximumRecordAgeInSeconds',
  'ParallelizationFactor',
  'TumblingWindowInSeconds',
  'FunctionResponseTypes',
  'FilterCriteria',
  'MetricsConfig',
  'KmsKeyArn',
];

/** Event sources Lambda polls (an event source mapping), and what SAM adds to the execution role for each. */
const SOURCES: Readonly<Record<string, { arn: string; policy: string; properties: readonly string[] }>> = {
  SQS: {
    arn: 'Queue',
    policy: 'AWSLambdaSQSQueueExecutionRole',
    properties: [
      'BatchSize',
      'Enabled',
      'MaximumBatchingWindowInSeconds',
      'FilterCriteria',
      'FunctionResponseTypes',
      'ScalingConfig',
      'MetricsConfig',
      'KmsKeyArn',
    ],
  },
  Kinesis: { arn: 'Stream', policy: 'AWSLambdaKinesisExecutionRole', properties: STREAM_PROPERTIES },
  DynamoDB: { arn: 'Stream', policy: 'AWSLambdaDynamoDBExecutionRole', properties: STREAM_PROPERTIES },
};

/** On-failure destinations: SAM lets the role send to them. */
const DESTINATION_ACTIONS: Readonly<Record<string, string>> = { SQS: 'sqs:SendMessage', SNS: 'sns:publish' };

export function pollEvent(input: EventInput): void {
  const { event, target, unit, grants } = input;
  const source = SOURCES[event.type];
  const p = event.properties;
  checkKeys(p, [source.arn, 'DestinationConfig', ...source.properties], propertyPath(event), `event ${event.name}`);
  if (p[source.arn] === undefined) throw new NotExpanded(propertyPath(event), `event ${event.name} has no ${source.arn}`);
  const properties = dict([
    ['EventSourceArn', clone(p[source.arn])],
    ['FunctionName', target.ref],
    ...source.properties.map((k) => [k, clone(p[k])] as const),
    ['DestinationConfig', destination(input)],
  ]);
  unit.add(event.logicalId, 'AWS::Lambda::EventSourceMapping', properties, target.attributes);
  addManaged(grants.managed, managedPolicyArn(source.policy));
}

function destination({ event, grants }: EventInput): unknown {
  const config = event.properties.DestinationConfig;
  if (config === undefined || config === null) return undefined;
  const path = propertyPath(event, 'DestinationConfig');
  if (!isObject(config) || Object.keys(config).some((k) => k !== 'OnFailure') || !isObject(config.OnFailure)) {
    throw new NotExpanded(path, `event ${event.name}: DestinationConfig is not {OnFailure: {Type, Destination}}`);
  }
  const onFailure = config.OnFailure;
  checkKeys(onFailure, ['Type', 'Destination'], [...path, 'OnFailure'], `event ${event.name}: DestinationConfig.OnFailure`);
  if (onFailure.Type !== undefined) {
    const action = typeof onFailure.Type === 'string' && Object.hasOwn(DESTINATION_ACTIONS, onFailure.Type) ? DESTINATION_ACTIONS[onFailure.Type] : undefined;
    if (!action)
      throw new NotExpanded(
        [...path, 'OnFailure', 'Type'],
        `event ${event.name}: on-failure destination type ${String(onFailure.Type)} is not expanded by Tarmac`,
      );
    grants.inline.push({
      PolicyName: `${event.logicalId}${onFailure.Type}Policy`,
      PolicyDocument: { Statement: [{ Action: action, Effect: 'Allow', Resource: clone(onFailure.Destination) }] },
    });
  }
  return { OnFailure: { Destination: clone(onFailure.Destination) } };
}
