import { NotExpanded } from '../model';
import { checkKeys, literalString } from '../properties';
import { EventInput, lambdaPermission, propertyPath } from '../events/target';
import { invokeRole } from '../events/invoke-role';
import { Dict, clone, dict, sub } from '../values';
import { apiReference, eventApiId } from './event-api';
import { executeApiRoute } from './route-path';
import { IMPLICIT_REST_API } from './routes';
import { stageOf } from './stage-name';

const PROPERTIES = ['Path', 'Method', 'RestApiId', 'TimeoutInMillis', 'Auth'];
const STATE_MACHINE_PROPERTIES = ['Path', 'Method', 'RestApiId', 'Auth', 'UnescapeMappingTemplate'];

/**
 * Api: a route on a REST API (the one RestApiId names, or ServerlessRestApi), added to the OpenAPI
 * document SAM manages for it, and a permission for API Gateway to invoke the function from any stage.
 */
export function apiEvent(input: EventInput): void {
  const { ctx, event, target, unit } = input;
  const p = event.properties;
  checkKeys(p, target.kind === 'function' ? PROPERTIES : STATE_MACHINE_PROPERTIES, propertyPath(event), `event ${event.name}`);
  const path = literalString(p.Path, propertyPath(event, 'Path'), `event ${event.name}: Path`);
  const method = literalString(p.Method, propertyPath(event, 'Method'), `event ${event.name}: Method`).toLowerCase();
  const apiId = eventApiId(input, 'RestApiId', 'AWS::Serverless::Api', IMPLICIT_REST_API);
  if (target.kind === 'stateMachine') {
    ctx.addRoute(ctx.restRoutes, apiId, { path, method, ...startExecution(input), auth: p.Auth, event, target, unit });
    return;
  }
  const api = apiId === IMPLICIT_REST_API ? undefined : ctx.resource(apiId);
  const stage = stageOf(api);
  lambdaPermission(input, `${event.logicalId}Permission${stage}`, 'apigateway.amazonaws.com', {
    SourceArn: sub(`arn:aws:execute-api:\${AWS::Region}:\${AWS::AccountId}:\${__ApiId__}/\${__Stage__}/${executeApiRoute(method, path)}`, {
      __ApiId__: apiReference(p.RestApiId, apiId),
      __Stage__: '*',
    }),
  });
  const integration = dict([
    ['type', 'aws_proxy'],
    ['httpMethod', 'POST'],
    ['uri', sub(`arn:aws:apigateway:\${AWS::Region}:lambda:path/2015-03-31/functions/\${${target.arnVariable}}/invocations`)],
    ['timeoutInMillis', clone(p.TimeoutInMillis)],
  ]);
  ctx.addRoute(ctx.restRoutes, apiId, { path, method, integration, responses: {}, auth: p.Auth, event, target, unit });
}

/**
 * A state machine behind a REST API: an AWS integration calling StartExecution with the request as input,
 * with a role SAM generates for API Gateway (`<StateMachine><Event>Role`).
 */
function startExecution(input: EventInput): { integration: Dict; responses: Dict } {
  const { event, target } = input;
  const unescape = event.properties.UnescapeMappingTemplate;
  if (unescape !== undefined && typeof unescape !== 'boolean')
    throw new NotExpanded(propertyPath(event, 'UnescapeMappingTemplate'), 'UnescapeMappingTemplate is not a literal boolean');
  const body = `$util.escapeJavaScript($input.json('$'))${unescape ? '.replaceAll("\\\\\'","\'")' : ''}`;
  const roleArn = invokeRole(input, `${event.logicalId}Role`, 'apigateway.amazonaws.com', `${event.logicalId}RoleStartExecutionPolicy`);
  return {
    integration: {
      type: 'aws',
      httpMethod: 'POST',
      uri: sub('arn:${AWS::Partition}:apigateway:${AWS::Region}:states:action/StartExecution'),
      credentials: roleArn,
      requestTemplates: { 'application/json': sub(`{"input": "${body}", "stateMachineArn": "\${${target.arnVariable}}"}`) },
      responses: { '200': { statusCode: '200' }, '400': { statusCode: '400' } },
    },
    responses: { '200': { description: 'OK' }, '400': { description: 'Bad Request' } },
  };
}
