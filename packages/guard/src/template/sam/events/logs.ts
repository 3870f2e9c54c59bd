import { checkKeys } from '../properties';
import { clone, sub } from '../values';
import { EventInput, lambdaPermission, propertyPath } from './target';

/** CloudWatchLogs: a subscription filter delivering a log group to the function, and the permission for it. */
export function logsEvent(input: EventInput): void {
  const { event, target, unit } = input;
  checkKeys(event.properties, ['LogGroupName', 'FilterPattern'], propertyPath(event), `event ${event.name}`);
  const logGroup = clone(event.properties.LogGroupName);
  const permissionId = `${event.logicalId}Permission`;
  lambdaPermission(input, permissionId, 'logs.amazonaws.com', {
    SourceArn: sub('arn:aws:logs:${AWS::Region}:${AWS::AccountId}:log-group:${__LogGroupName__}:*', { __LogGroupName__: logGroup }),
  });
  unit.add(
    event.logicalId,
    'AWS::Logs::SubscriptionFilter',
    {
      DestinationArn: target.arn,
      FilterPattern: clone(event.properties.FilterPattern),
      LogGroupName: logGroup,
    },
    { DependsOn: [permissionId], ...target.attributes },
  );
}
