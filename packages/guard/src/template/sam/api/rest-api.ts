import { mainAttributes, generatedAttributes } from '../attributes';
import { Context } from '../context';
import { s3Location } from '../function/code';
import { generatedTypes } from '../generated-types';
import { logicalIdHash } from '../hash';
import { NotExpanded } from '../model';
import { checkProperties, literalMap, prop, propertyPath } from '../properties';
import { tagList } from '../tags';
import { SamResource, Unit } from '../unit';
import { Dict, clone, dict, isIntrinsic, isObject, ref } from '../values';
import { missingRoute } from './implicit';
import { RestAuth } from './auth';
import { addCors } from './cors';
import { addCustomDomain, restDomain } from './domain';
import { stageLogicalId } from './stage-name';
import { addRoutes, defaultDocument } from './openapi';

const STAGE_PASSED = ['Variables', 'MethodSettings', 'TracingEnabled', 'CacheClusterEnabled', 'CacheClusterSize', 'AccessLogSetting', 'CanarySetting'];
const API_PASSED = [
  'Name',
  'Description',
  'MinimumCompressionSize',
  'Mode',
  'ApiKeySourceType',
  'FailOnWarnings',
  'Policy',
  'SecurityPolicy',
  'EndpointAccessMode',
];
const SUPPORTED = new Set([
  ...STAGE_PASSED,
  ...API_PASSED,
  'Auth',
  'Cors',
  'Domain',
  'DisableExecuteApiEndpoint',
  'StageName',
  'DefinitionBody',
  'DefinitionUri',
  'EndpointConfiguration',
  'BinaryMediaTypes',
  'OpenApiVersion',
  'Tags',
  'PropagateTags',
]);

/**
 * AWS::Serverless::Api (and the implicit ServerlessRestApi): the REST API with the OpenAPI document SAM
 * manages (routes from Api events), a deployment and a stage. Any event that would add a route Tarmac
 * could not expand makes the whole API unchecked: its document would differ.
 */
export function translateRestApi(ctx: Context, r: SamResource): Unit[] {
  const unit = new Unit(r, r.sourcePath, generatedTypes(r.type), r.logicalId);
  unit.run(() => {
    checkProperties(r, SUPPORTED);
    if (prop(r, 'PropagateTags') === true) throw new NotExpanded(propertyPath(r, 'PropagateTags'), 'PropagateTags is not expanded by Tarmac');
    if (prop(r, 'StageName') === undefined) throw new NotExpanded(propertyPath(r), 'the API has no StageName');
    const routes = ctx.restRoutes.get(r.logicalId) ?? [];
    const missing = missingRoute(ctx.declared.get('Api') ?? [], r.logicalId, (e) =>
      routes.some((route) => route.target.owner.logicalId === e.owner.logicalId && route.event.name === e.name && !route.unit.problem()),
    );
    if (missing) throw missing;
    const openApiVersion = openApi(r);
    const definition = body(r, openApiVersion);
    const auth = new RestAuth(r);
    if (definition.Body) {
      addRoutes(r, definition.Body as Dict, routes, auth);
      if (prop(r, 'Auth') !== undefined && Object.hasOwn(r.properties, 'DefinitionBody'))
        throw new NotExpanded(propertyPath(r, 'Auth'), "Auth on an API whose DefinitionBody is the author's is not expanded by Tarmac");
      addCors(r, definition.Body as Dict, auth.preflightSecurity());
      auth.addDefinitions(definition.Body as Dict);
      binaryMediaTypes(ctx, r, definition.Body as Dict);
      if (prop(r, 'DisableExecuteApiEndpoint') !== undefined) {
        (definition.Body as Dict)['x-amazon-apigateway-endpoint-configuration'] = { disableExecuteApiEndpoint: clone(prop(r, 'DisableExecuteApiEndpoint')) };
      }
    } else if (prop(r, 'Cors') !== undefined) {
      throw new NotExpanded(propertyPath(r, 'Cors'), 'Cors with DefinitionUri is not expanded by Tarmac');
    } else if (prop(r, 'Auth') !== undefined) {
      throw new NotExpanded(propertyPath(r, 'Auth'), 'Auth with DefinitionUri is not expanded by Tarmac');
    } else if (prop(r, 'DisableExecuteApiEndpoint') !== undefined) {
      throw new NotExpanded(propertyPath(r, 'DisableExecuteApiEndpoint'), 'DisableExecuteApiEndpoint with DefinitionUri is not expanded by Tarmac');
    }
    const attributes = generatedAttributes(r);
    const document = definition.Body ?? definition.BodyS3Location;
    const deploymentId = `${r.logicalId}Deployment${logicalIdHash(document)}`;
    unit.add(
      r.logicalId,
      'AWS::ApiGateway::RestApi',
      dict([
        ...Object.entries(definition),
        ...API_PASSED.map((k) => [k, clone(prop(r, k))] as const),
        ...endpointConfiguration(r),
        ['BinaryMediaTypes', mediaTypes(ctx, r)],
      ]),
      mainAttributes(r),
    );
    unit.add(
      deploymentId,
      'AWS::ApiGateway::Deployment',
      dict([
        ['Description', `RestApi deployment id: ${logicalIdHash(document, 40)}`],
        ['RestApiId', ref(r.logicalId)],
        // SAM stopped creating the extra stage named Stage for APIs that set OpenApiVersion.
        ['StageName', openApiVersion === undefined ? 'Stage' : undefined],
      ]),
      attributes,
    );
    for (const [id, permission] of auth.permissions()) unit.add(id, 'AWS::Lambda::Permission', permission, attributes);
    const tags = tagList(prop(r, 'Tags'), propertyPath(r, 'Tags'));
    const stageId = stageLogicalId(r.logicalId, r.resource);
    unit.add(
      stageId,
      'AWS::ApiGateway::Stage',
      dict([
        ['DeploymentId', ref(deploymentId)],
        ['RestApiId', ref(r.logicalId)],
        ['StageName', clone(prop(r, 'StageName'))],
        ...STAGE_PASSED.map((k) => [k, clone(prop(r, k))] as const),
        ['Tags', tags.length > 0 ? tags : undefined],
      ]),
      attributes,
    );
    addDomain(ctx, r, unit, stageId, attributes);
  });
  return [unit];
}

function addDomain(ctx: Context, r: SamResource, unit: Unit, stageId: string, attributes: Dict): void {
  addCustomDomain(r, unit, attributes, restDomain(ctx, r, stageId), ['AWS::ApiGateway::DomainName', 'AWS::ApiGateway::BasePathMapping'], ctx.restApis, (api) =>
    restDomain(ctx, api, stageLogicalId(api.logicalId, api.resource)),
  );
}

function openApi(r: SamResource): string | undefined {
  const version = prop(r, 'OpenApiVersion');
  if (version === undefined) return undefined;
  if (typeof version !== 'string' || !/^[23]\.\d+(\.\d+)?$/.test(version))
    throw new NotExpanded(propertyPath(r, 'OpenApiVersion'), 'OpenApiVersion is not a version number such as 3.0.1');
  return version;
}

/** The document: SAM's own (no DefinitionBody nor DefinitionUri), the author's DefinitionBody, or an S3 location. */
function body(r: SamResource, openApiVersion: string | undefined): Dict {
  const given = prop(r, 'DefinitionBody');
  const uri = prop(r, 'DefinitionUri');
  if (given !== undefined && uri !== undefined) throw new NotExpanded(propertyPath(r, 'DefinitionUri'), 'both DefinitionBody and DefinitionUri are set');
  if (uri !== undefined)
    return { BodyS3Location: s3Location(uri, propertyPath(r, 'DefinitionUri'), { bucket: 'Bucket', key: 'Key', version: 'Version' }, 'DefinitionUri') };
  if (given === undefined) return { Body: defaultDocument(openApiVersion) };
  const definition = literalMap(given, propertyPath(r, 'DefinitionBody'), 'DefinitionBody');
  // SAM rewrites OpenAPI 3 documents (security schemes, ...): only Swagger 2.0 documents are passed through.
  if (Object.hasOwn(definition, 'openapi'))
    throw new NotExpanded(propertyPath(r, 'DefinitionBody', 'openapi'), 'an OpenAPI 3 DefinitionBody is not expanded by Tarmac');
  if (openApiVersion !== undefined) throw new NotExpanded(propertyPath(r, 'OpenApiVersion'), 'OpenApiVersion with a DefinitionBody is not expanded by Tarmac');
  return { Body: clone(definition) };
}

/** EndpointConfiguration: a type (string or intrinsic) or {Type, VPCEndpointIds}; SAM also sets the endpointConfigurationTypes parameter. */
function endpointConfiguration(r: SamResource): [string, unknown][] {
  const config = prop(r, 'EndpointConfiguration');
  if (config === undefined) return [];
  let type: unknown = config;
  let rest: Dict = {};
  if (isObject(config) && !isIntrinsic(config)) {
    const extra = Object.keys(config).find((k) => !['Type', 'VPCEndpointIds', 'IpAddressType'].includes(k));
    if (extra !== undefined || config.Type === undefined)
      throw new NotExpanded(propertyPath(r, 'EndpointConfiguration'), 'EndpointConfiguration is not {Type, VPCEndpointIds, IpAddressType}');
    type = config.Type;
    rest = dict([
      ['VpcEndpointIds', clone(config.VPCEndpointIds)],
      ['IpAddressType', clone(config.IpAddressType)],
    ]);
  }
  return [
    ['EndpointConfiguration', { Types: [clone(type)], ...rest }],
    ['Parameters', { endpointConfigurationTypes: clone(type) }],
  ];
}

/** BinaryMediaTypes, with the parameters SAM resolves in them. */
function mediaTypes(ctx: Context, r: SamResource): unknown[] | undefined {
  const types = prop(r, 'BinaryMediaTypes');
  if (types === undefined) return undefined;
  if (!Array.isArray(types)) throw new NotExpanded(propertyPath(r, 'BinaryMediaTypes'), 'BinaryMediaTypes is not a list');
  return types.map((t, i) => clone(ctx.resolveStrictly(t, propertyPath(r, 'BinaryMediaTypes', i))));
}

/** BinaryMediaTypes are also written into the document, with `~1` (the escape of `/` in the property) unescaped. */
function binaryMediaTypes(ctx: Context, r: SamResource, document: Dict): void {
  const types = mediaTypes(ctx, r);
  if (types === undefined) return;
  const unescape = (v: unknown): unknown =>
    typeof v === 'string'
      ? v.replace(/~1/g, '/')
      : Array.isArray(v)
        ? v.map(unescape)
        : isObject(v)
          ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unescape(x)]))
          : v;
  document['x-amazon-apigateway-binary-media-types'] = types.map(unescape);
}
