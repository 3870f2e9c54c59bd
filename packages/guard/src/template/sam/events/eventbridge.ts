import { NotExpanded } from '../model';
import { checkKeys } from '../properties';
import { Dict, clone, dict, getAtt, isObject } from '../values';
import { deadLetterConfig } from './dead-letter';
import { invokeRole } from './invoke-role';
import { EventInput, lambdaPermission, propertyPath } from './target';

const COMMON = ['State', 'DeadLetterConfig', 'RetryPolicy', 'Input', 'RoleArn'];
const PROPERTIES: Readonly<Record<string, readonly string[]>> = {
  Schedule: ['Schedule', 'Name', 'Description', 'Enabled', 'EventBusName', ...COMMON],
  CloudWatchEvent: ['Pattern', 'EventBusName', 'RuleName', 'InputPath', 'InputTransformer', 'Target', ...COMMON],
  EventBridgeRule: ['Pattern', 'EventBusName', 'RuleName', 'InputPath', 'InputTransformer', 'Target', ...COMMON],
};

/**
 * Schedule, CloudWatchEvent and EventBridgeRule: an AWS::Events::Rule targeting the function (with a
 * permission for EventBridge) or the state machine (with a role EventBridge assumes to start executions).
 */
export function ruleEvent(input: EventInput): void {
  const { event, target, unit } = input;
  const p = event.properties;
  checkKeys(
    p,
    PROPERTIES[event.type].filter((k) => k !== 'RoleArn' || target.kind === 'stateMachine'),
    propertyPath(event),
    `event ${event.name}`,
  );
  const ruleArn = getAtt(event.logicalId, 'Arn');
  const targetId = targetIdOf(input);
  const entry: Dict = dict([
    ['Arn', target.arn],
    ['Id', targetId],
    ['Input', clone(p.Input)],
    ['InputPath', clone(p.InputPath)],
    ['InputTransformer', clone(p.InputTransformer)],
    ['DeadLetterConfig', deadLetterConfig(input, ruleArn)],
    ['RetryPolicy', clone(p.RetryPolicy)],
    [
      'RoleArn',
      target.kind === 'stateMachine'
        ? invokeRole(input, `${event.logicalId}Role`, 'events.amazonaws.com', `${event.logicalId}RoleStartExecutionPolicy`)
        : undefined,
    ],
  ]);
  unit.add(
    event.logicalId,
    'AWS::Events::Rule',
    dict([
      ['Description', clone(p.Description)],
      ['EventBusName', clone(p.EventBusName)],
      ['EventPattern', clone(p.Pattern)],
      ['Name', clone(p.Name ?? p.RuleName)],
      ['ScheduleExpression', clone(p.Schedule)],
      ['State', state(input)],
      ['Targets', [entry]],
    ]),
    target.attributes,
  );
  if (target.kind === 'function') lambdaPermission(input, `${event.logicalId}Permission`, 'events.amazonaws.com', { SourceArn: ruleArn });
}

function targetIdOf({ event, target }: EventInput): unknown {
  const given = event.properties.Target;
  if (given === undefined) return `${event.logicalId}${target.kind === 'function' ? 'LambdaTarget' : 'StepFunctionsTarget'}`;
  if (!isObject(given) || Object.keys(given).some((k) => k !== 'Id'))
    throw new NotExpanded(propertyPath(event, 'Target'), `event ${event.name}: Target is not {Id}`);
  return clone(given.Id);
}

/** State wins; the older Enabled (a boolean) is ENABLED/DISABLED. */
function state({ event }: EventInput): unknown {
  const p = event.properties;
  if (p.State !== undefined) {
    if (p.Enabled !== undefined) throw new NotExpanded(propertyPath(event, 'Enabled'), `event ${event.name} sets both State and Enabled`);
    return clone(p.State);
  }
  if (p.Enabled === undefined) return undefined;
  if (typeof p.Enabled !== 'boolean') throw new NotExpanded(propertyPath(event, 'Enabled'), `event ${event.name}: Enabled is not a literal boolean`);
  return p.Enabled ? 'ENABLED' : 'DISABLED';
}
