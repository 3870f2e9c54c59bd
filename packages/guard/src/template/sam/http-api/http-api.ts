import { generatedAttributes, mainAttributes } from '../attributes';
import { missingRoute } from '../api/implicit';
import { Context } from '../context';
import { s3Location } from '../function/code';
import { merge } from '../globals';
import { generatedTypes } from '../generated-types';
import { NotExpanded } from '../model';
import { checkProperties, literalMap, prop, propertyPath } from '../properties';
import { SamResource, Unit } from '../unit';
import { Dict, clone, dict, get, isIntrinsic, isObject, put } from '../values';
import { addCustomDomain, httpDomain } from '../api/domain';
import { pathParameters } from '../api/route-path';
import { HttpAuth } from './auth';
import { HttpRoute } from './routes';

const STAGE_PASSED = ['StageVariables', 'DefaultRouteSettings', 'AccessLogSettings'];
const SUPPORTED = new Set([
  ...STAGE_PASSED,
  'Auth',
  'Domain',
  'StageName',
  'DefinitionBody',
  'DefinitionUri',
  'RouteSettings',
  'FailOnWarnings',
  'Name',
  'Description',
  'Tags',
  'PropagateTags',
  'CorsConfiguration',
  'DisableExecuteApiEndpoint',
]);
const CREATED_BY = 'httpapi:createdBy';

/**
 * AWS::Serverless::HttpApi (and the implicit ServerlessHttpApi): an AWS::ApiGatewayV2::Api whose OpenAPI
 * document SAM manages (routes from HttpApi events, tags, CORS) and an auto-deployed stage.
 */
export function translateHttpApi(ctx: Context, r: SamResource): Unit[] {
  const unit = new Unit(r, r.sourcePath, generatedTypes(r.type), r.logicalId);
  unit.run(() => {
    checkProperties(r, SUPPORTED);
    if (prop(r, 'PropagateTags') === true) throw new NotExpanded(propertyPath(r, 'PropagateTags'), 'PropagateTags is not expanded by Tarmac');
    const routes = ctx.httpRoutes.get(r.logicalId) ?? [];
    const missing = missingRoute(ctx.declared.get('HttpApi') ?? [], r.logicalId, (e) =>
      routes.some((route) => route.target.owner.logicalId === e.owner.logicalId && route.event.name === e.name && !route.unit.problem()),
    );
    if (missing) throw missing;
    const tags = prop(r, 'Tags');
    if (tags !== undefined && (!isObject(tags) || isIntrinsic(tags))) throw new NotExpanded(propertyPath(r, 'Tags'), 'Tags is not a map');
    const auth = new HttpAuth(r);
    const definition = body(ctx, r, routes, auth);
    unit.add(
      r.logicalId,
      'AWS::ApiGatewayV2::Api',
      dict([...Object.entries(definition), ['FailOnWarnings', clone(prop(r, 'FailOnWarnings'))]]),
      mainAttributes(r),
    );
    for (const [id, permission] of auth.permissions()) unit.add(id, 'AWS::Lambda::Permission', permission, generatedAttributes(r));
    const stageId = httpStageLogicalId(r);
    unit.add(
      stageId,
      'AWS::ApiGatewayV2::Stage',
      dict([
        ['ApiId', { Ref: r.logicalId }],
        ['AutoDeploy', true],
        ['StageName', clone(prop(r, 'StageName') ?? '$default')],
        ...STAGE_PASSED.map((k) => [k, clone(prop(r, k))] as const),
        ['RouteSettings', routeSettings(r, routes)],
        // SAM tags the stage when it writes the document (where it tags the API too).
        ['Tags', definition.Body ? { [CREATED_BY]: 'SAM', ...clone((tags as Dict | undefined) ?? {}) } : undefined],
      ]),
      generatedAttributes(r),
    );
    addCustomDomain(
      r,
      unit,
      generatedAttributes(r),
      httpDomain(ctx, r, stageId),
      ['AWS::ApiGatewayV2::DomainName', 'AWS::ApiGatewayV2::ApiMapping'],
      ctx.httpApis,
      (api) => httpDomain(ctx, api, httpStageLogicalId(api)),
    );
  });
  return [unit];
}

/** `<Api><StageName>Stage`; the default stage ($default, or none given) is `<Api>ApiGatewayDefaultStage`. */
function httpStageLogicalId(r: SamResource): string {
  const name = prop(r, 'StageName');
  return `${r.logicalId}${name === undefined || name === '$default' ? 'ApiGatewayDefault' : typeof name === 'string' ? name : ''}Stage`;
}

function body(ctx: Context, r: SamResource, routes: readonly HttpRoute[], auth: HttpAuth): Dict {
  const given = prop(r, 'DefinitionBody');
  const uri = prop(r, 'DefinitionUri');
  if (given !== undefined && uri !== undefined) throw new NotExpanded(propertyPath(r, 'DefinitionUri'), 'both DefinitionBody and DefinitionUri are set');
  if (uri !== undefined) {
    for (const k of ['Tags', 'CorsConfiguration', 'Name', 'Description', 'DisableExecuteApiEndpoint', 'Auth']) {
      if (prop(r, k) !== undefined) throw new NotExpanded(propertyPath(r, k), `${k} with DefinitionUri is not expanded by Tarmac`);
    }
    if (routes.length > 0) throw new NotExpanded(routes[0].event.path, `HttpApi events on ${r.logicalId}, whose document is in S3, are not expanded by Tarmac`);
    return { BodyS3Location: s3Location(uri, propertyPath(r, 'DefinitionUri'), { bucket: 'Bucket', key: 'Key', version: 'Version' }, 'DefinitionUri') };
  }
  const document =
    given === undefined
      ? { openapi: '3.0.1', info: { version: '1.0', title: clone(prop(r, 'Name') ?? { Ref: 'AWS::StackName' }) }, paths: {} }
      : clone(literalMap(given, propertyPath(r, 'DefinitionBody'), 'DefinitionBody'));
  if (given !== undefined && prop(r, 'Name') !== undefined)
    throw new NotExpanded(propertyPath(r, 'Name'), 'Name with a DefinitionBody is not expanded by Tarmac');
  if (!isObject(document.paths)) throw new NotExpanded(propertyPath(r, 'DefinitionBody'), 'the DefinitionBody has no paths map');
  if (given !== undefined && prop(r, 'Auth') !== undefined)
    throw new NotExpanded(propertyPath(r, 'Auth'), "Auth on an API whose DefinitionBody is the author's is not expanded by Tarmac");
  addRoutes(r, document, routes, auth);
  auth.addDefinitions(document);
  if (prop(r, 'Description') !== undefined) document.info = { ...(isObject(document.info) ? document.info : {}), description: clone(prop(r, 'Description')) };
  if (prop(r, 'CorsConfiguration') !== undefined) document['x-amazon-apigateway-cors'] = cors(ctx, r);
  if (prop(r, 'DisableExecuteApiEndpoint') !== undefined) {
    if (document.servers !== undefined)
      throw new NotExpanded(
        propertyPath(r, 'DisableExecuteApiEndpoint'),
        'DisableExecuteApiEndpoint with servers in the DefinitionBody is not expanded by Tarmac',
      );
    document.servers = [{ 'x-amazon-apigateway-endpoint-configuration': { disableExecuteApiEndpoint: clone(prop(r, 'DisableExecuteApiEndpoint')) } }];
  }
  const tags = Object.entries((prop(r, 'Tags') as Dict | undefined) ?? {}).map(([name, value]) => ({ name, 'x-amazon-apigateway-tag-value': clone(value) }));
  document.tags = [...(Array.isArray(document.tags) ? document.tags : []), { name: CREATED_BY, 'x-amazon-apigateway-tag-value': 'SAM' }, ...tags];
  return { Body: document };
}

/** The default route is `$default`, or `/$default` when the API fails on warnings (which a bare key raises). */
function addRoutes(r: SamResource, document: Dict, routes: readonly HttpRoute[], auth: HttpAuth): void {
  const paths = document.paths as Dict;
  const defaultPath = prop(r, 'FailOnWarnings') === true ? '/$default' : '$default';
  for (const route of routes) {
    if (route.target.attributes.Condition !== undefined)
      throw new NotExpanded(route.event.path, `the route of a function with a Condition on ${r.logicalId} is not expanded by Tarmac`);
    const path = route.path ?? defaultPath;
    if (!Object.hasOwn(paths, path)) put(paths, path, {});
    const item = get(paths, path);
    const key = route.method === 'any' ? 'x-amazon-apigateway-any-method' : route.method;
    if (!isObject(item) || isIntrinsic(item) || Object.hasOwn(item, key))
      throw new NotExpanded(route.event.path, `the route ${route.method} ${path} is already defined`);
    const parameters = pathParameters(path).map((name) => ({ in: 'path', name, required: true }));
    const method = dict([
      ['isDefaultRoute', route.path === undefined ? true : undefined],
      ['parameters', parameters.length > 0 ? parameters : undefined],
      ['responses', {}],
      ['x-amazon-apigateway-integration', route.integration],
    ]);
    auth.secureRoute(route, method);
    put(item, key, method);
  }
}

/** RouteSettings of the API, with each event's settings merged into its route's. */
function routeSettings(r: SamResource, routes: readonly HttpRoute[]): unknown {
  let settings = clone(prop(r, 'RouteSettings'));
  for (const route of routes) {
    if (route.routeSettings === undefined) continue;
    if (settings !== undefined && (!isObject(settings) || isIntrinsic(settings)))
      throw new NotExpanded(propertyPath(r, 'RouteSettings'), 'RouteSettings is not a map');
    const key = route.path === undefined ? '$default' : `${route.method === 'any' ? 'ANY' : route.method.toUpperCase()} ${route.path}`;
    const current = (settings as Dict | undefined) ?? {};
    settings = { ...current };
    put(settings as Dict, key, merge(get(current, key), route.routeSettings));
  }
  return settings;
}

const CORS_KEYS: Readonly<Record<string, string>> = {
  AllowOrigins: 'allowOrigins',
  AllowHeaders: 'allowHeaders',
  AllowMethods: 'allowMethods',
  ExposeHeaders: 'exposeHeaders',
  MaxAge: 'maxAge',
  AllowCredentials: 'allowCredentials',
};

/** CorsConfiguration: true allows every origin; a map is written with the document's camelCase keys. */
function cors(ctx: Context, r: SamResource): Dict {
  const config = ctx.resolveParameter(prop(r, 'CorsConfiguration'));
  const path = propertyPath(r, 'CorsConfiguration');
  if (config === true || config === 'true') return { allowOrigins: ['*'] };
  if (!isObject(config) || isIntrinsic(config)) throw new NotExpanded(path, 'CorsConfiguration is neither true nor a map');
  const extra = Object.keys(config).find((k) => !Object.hasOwn(CORS_KEYS, k));
  if (extra !== undefined) throw new NotExpanded([...path, extra], `CorsConfiguration.${extra} is not expanded by Tarmac`);
  return dict(Object.entries(config).map(([k, v]) => [CORS_KEYS[k], clone(v)]));
}
