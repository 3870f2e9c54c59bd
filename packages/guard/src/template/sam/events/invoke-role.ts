import { Dict, clone, dict, getAtt } from '../values';
import { EventInput } from './target';

/**
 * The role a service (EventBridge, Scheduler, API Gateway) assumes to invoke an event's target: RoleArn
 * when the event gives one, else one SAM generates with a single statement allowing just that
 * (states:StartExecution on the state machine, lambda:InvokeFunction on the function).
 */
export function invokeRole(
  input: EventInput,
  roleId: string,
  service: string,
  policyName: string,
  permissionsBoundary?: unknown,
  extra: readonly Dict[] = [],
): unknown {
  const { event, target, unit } = input;
  if (event.properties.RoleArn !== undefined) return clone(event.properties.RoleArn);
  // A state machine's permissions boundary also bounds the roles SAM makes for its events.
  const boundary = permissionsBoundary ?? (target.kind === 'stateMachine' ? target.owner.properties.PermissionsBoundary : undefined);
  const action = target.kind === 'stateMachine' ? 'states:StartExecution' : 'lambda:InvokeFunction';
  unit.add(
    roleId,
    'AWS::IAM::Role',
    dict([
      ['AssumeRolePolicyDocument', { Version: '2012-10-17', Statement: [{ Action: ['sts:AssumeRole'], Effect: 'Allow', Principal: { Service: [service] } }] }],
      ['Policies', [{ PolicyName: policyName, PolicyDocument: { Statement: [{ Action: action, Effect: 'Allow', Resource: target.arn }] } }, ...extra]],
      ['PermissionsBoundary', clone(boundary)],
    ]),
    target.attributes,
  );
  return getAtt(roleId, 'Arn');
}
