import { NotExpanded } from '../model';
import { checkKeys } from '../properties';
import { clone, dict } from '../values';
import { deadLetterConfig } from './dead-letter';
import { invokeRole } from './invoke-role';
import { EventInput, propertyPath } from './target';

const PASSED = ['Description', 'EndDate', 'GroupName', 'KmsKeyArn', 'ScheduleExpression', 'ScheduleExpressionTimezone', 'StartDate', 'State'];

/** ScheduleV2: an EventBridge Scheduler schedule, with a role the scheduler assumes to invoke the target. */
export function scheduleV2Event(input: EventInput): void {
  const { event, target, unit } = input;
  const p = event.properties;
  checkKeys(
    p,
    [...PASSED, 'Name', 'OmitName', 'FlexibleTimeWindow', 'Input', 'RoleArn', 'PermissionsBoundary', 'DeadLetterConfig', 'RetryPolicy'],
    propertyPath(event),
    `event ${event.name}`,
  );
  if (p.OmitName !== undefined && typeof p.OmitName !== 'boolean')
    throw new NotExpanded(propertyPath(event, 'OmitName'), `event ${event.name}: OmitName is not a literal boolean`);
  const policy = `${event.logicalId}${target.kind === 'function' ? 'LambdaPolicy' : 'StartExecutionPolicy'}`;
  const deadLetter = deadLetterConfig(input, undefined);
  // The scheduler sends undeliverable events to the dead-letter queue with the role SAM generates.
  const sendToQueue = deadLetter
    ? [{ PolicyName: `${event.logicalId}SQSPolicy`, PolicyDocument: { Statement: [{ Action: 'sqs:SendMessage', Effect: 'Allow', Resource: deadLetter.Arn }] } }]
    : [];
  const roleArn = invokeRole(input, `${event.logicalId}Role`, 'scheduler.amazonaws.com', policy, p.PermissionsBoundary, sendToQueue);
  unit.add(
    event.logicalId,
    'AWS::Scheduler::Schedule',
    dict([
      ...PASSED.map((k) => [k, clone(p[k])] as const),
      ['Name', p.OmitName === true ? undefined : clone(p.Name ?? event.logicalId)],
      ['FlexibleTimeWindow', clone(p.FlexibleTimeWindow ?? { Mode: 'OFF' })],
      [
        'Target',
        dict([
          ['Arn', target.arn],
          ['RoleArn', roleArn],
          ['Input', clone(p.Input)],
          ['DeadLetterConfig', deadLetter],
          ['RetryPolicy', clone(p.RetryPolicy)],
        ]),
      ],
    ]),
    target.attributes,
  );
}
