import { checkKeys } from '../properties';
import { clone, dict, ref, sub } from '../values';
import { EventInput, lambdaPermission, propertyPath } from './target';

/** IoTRule: a topic rule whose action invokes the function, and the permission for IoT. */
export function iotEvent(input: EventInput): void {
  const { event, target, unit } = input;
  checkKeys(event.properties, ['Sql', 'AwsIotSqlVersion'], propertyPath(event), `event ${event.name}`);
  unit.add(
    event.logicalId,
    'AWS::IoT::TopicRule',
    {
      TopicRulePayload: dict([
        ['Actions', [{ Lambda: { FunctionArn: target.arn } }]],
        ['AwsIotSqlVersion', clone(event.properties.AwsIotSqlVersion)],
        ['RuleDisabled', false],
        ['Sql', clone(event.properties.Sql)],
      ]),
    },
    target.attributes,
  );
  lambdaPermission(input, `${event.logicalId}Permission`, 'iot.amazonaws.com', {
    SourceAccount: sub('${AWS::AccountId}'),
    SourceArn: sub('arn:aws:iot:${AWS::Region}:${AWS::AccountId}:rule/${RuleName}', { RuleName: ref(event.logicalId) }),
  });
}
