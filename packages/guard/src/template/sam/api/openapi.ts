import { NotExpanded } from '../model';
import { SamResource } from '../unit';
import { Dict, dict, get, isIntrinsic, isObject, put } from '../values';
import { RestAuth } from './auth';
import { RestRoute } from './routes';

/** The document SAM starts from when the API has no DefinitionBody. */
export function defaultDocument(openApiVersion?: string): Dict {
  return dict([
    openApiVersion?.startsWith('3') ? ['openapi', openApiVersion] : ['swagger', '2.0'],
    ['info', { version: '1.0', title: { Ref: 'AWS::StackName' } }],
    ['paths', {}],
  ]);
}

/** `any` is API Gateway's extension key in the document. */
function methodKey(method: string): string {
  return method === 'any' ? 'x-amazon-apigateway-any-method' : method;
}

/**
 * Adds each Api event's route to a document SAM manages. SAM refuses two events with the same path and
 * method, and wraps routes of conditional functions in Fn::If (with new conditions): not expanded.
 */
export function addRoutes(r: SamResource, document: Dict, routes: readonly RestRoute[], auth: RestAuth): void {
  if (routes.length === 0) return;
  if (Object.hasOwn(r.properties, 'DefinitionBody'))
    throw new NotExpanded(routes[0].event.path, `Api events on ${r.logicalId}, whose DefinitionBody is the author's, are not expanded by Tarmac`);
  const paths = document.paths as Dict;
  for (const route of routes) {
    if (route.target.attributes.Condition !== undefined) {
      throw new NotExpanded(route.event.path, `the route of a function with a Condition on ${r.logicalId} is not expanded by Tarmac`);
    }
    if (!Object.hasOwn(paths, route.path)) put(paths, route.path, {});
    const item = get(paths, route.path) as Dict;
    const key = methodKey(route.method);
    if (Object.hasOwn(item, key) || isIntrinsic(item) || !isObject(item))
      throw new NotExpanded(route.event.path, `two Api events define ${route.method} ${route.path}`);
    const method = { 'x-amazon-apigateway-integration': { ...route.integration }, responses: route.responses };
    auth.secureRoute(route, method);
    put(item, key, method);
  }
}
