import { NotExpanded } from '../model';
import { checkKeys, literalString } from '../properties';
import { EventInput, lambdaPermission, propertyPath } from '../events/target';
import { clone, dict, sub } from '../values';
import { apiReference, eventApiId } from '../api/event-api';
import { executeApiRoute } from '../api/route-path';
import { IMPLICIT_HTTP_API } from './routes';

const PROPERTIES = ['Path', 'Method', 'ApiId', 'PayloadFormatVersion', 'TimeoutInMillis', 'RouteSettings', 'Auth'];

/**
 * HttpApi: a route on an HTTP API (the one ApiId names, or ServerlessHttpApi): without Path and Method,
 * the default route. SAM adds it to the API's OpenAPI document and lets API Gateway invoke the function.
 */
export function httpApiEvent(input: EventInput): void {
  const { ctx, event, target, unit } = input;
  const p = event.properties;
  checkKeys(p, PROPERTIES, propertyPath(event), `event ${event.name}`);
  if (target.kind !== 'function') throw new NotExpanded(event.path, `event ${event.name} (type HttpApi) of a state machine is not expanded by Tarmac`);
  if ((p.Path === undefined) !== (p.Method === undefined)) throw new NotExpanded(propertyPath(event), `event ${event.name} sets only one of Path and Method`);
  const path = p.Path === undefined ? undefined : literalString(p.Path, propertyPath(event, 'Path'), `event ${event.name}: Path`);
  const method = p.Method === undefined ? 'any' : literalString(p.Method, propertyPath(event, 'Method'), `event ${event.name}: Method`).toLowerCase();
  const apiId = eventApiId(input, 'ApiId', 'AWS::Serverless::HttpApi', IMPLICIT_HTTP_API);
  const route = path === undefined ? '*' : executeApiRoute(method, path);
  if (path === undefined || !hasDefaultRoute(input, apiId))
    lambdaPermission(input, `${event.logicalId}Permission`, 'apigateway.amazonaws.com', {
      SourceArn: sub(`arn:\${AWS::Partition}:execute-api:\${AWS::Region}:\${AWS::AccountId}:\${__ApiId__}/\${__Stage__}/${route}`, {
        __ApiId__: apiReference(p.ApiId, apiId),
        __Stage__: '*',
      }),
    });
  const integration = dict([
    ['type', 'aws_proxy'],
    ['httpMethod', 'POST'],
    ['payloadFormatVersion', clone(p.PayloadFormatVersion ?? '2.0')],
    ['uri', sub(`arn:\${AWS::Partition}:apigateway:\${AWS::Region}:lambda:path/2015-03-31/functions/\${${target.arnVariable}}/invocations`)],
    ['timeoutInMillis', clone(p.TimeoutInMillis)],
  ]);
  ctx.addRoute(ctx.httpRoutes, apiId, { path, method, integration, routeSettings: clone(p.RouteSettings), auth: p.Auth, event, target, unit });
}

/** A permission for the function's default route covers every route: SAM then adds none for the others. */
function hasDefaultRoute({ ctx, target }: EventInput, apiId: string): boolean {
  return (ctx.declared.get('HttpApi') ?? []).some((e) => e.owner.logicalId === target.owner.logicalId && e.apiId === apiId && e.defaultRoute);
}
