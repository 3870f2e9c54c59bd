import { NotExpanded } from '../model';
import { checkKeys, literalMap, literalString } from '../properties';
import { SamResource } from '../unit';
import { Dict, Path, clone, dict, get, isObject, put, sub } from '../values';
import { RestRoute } from './routes';

const API_AUTH = ['Authorizers', 'DefaultAuthorizer', 'ApiKeyRequired', 'InvokeRole', 'AddDefaultAuthorizerToCorsPreflight'];
const AUTHORIZER = ['UserPoolArn', 'FunctionArn', 'FunctionPayloadType', 'FunctionInvokeRole', 'Identity', 'AuthorizationScopes'];
const IDENTITY = ['Header', 'ValidationExpression', 'ReauthorizeEvery', 'Headers', 'QueryStrings', 'StageVariables', 'Context'];
export const EVENT_AUTH = ['Authorizer', 'ApiKeyRequired', 'AuthorizationScopes', 'InvokeRole'];
const IDENTITY_SOURCES: readonly [string, string][] = [['Headers', 'method.request.header.'], ['QueryStrings', 'method.request.querystring.'], ['StageVariables', 'stageVariables.'], ['Context', 'context.']];
const AWS_IAM = 'AWS_IAM';

interface Authorizer {
  readonly name: string;
  readonly definition: Dict;
  readonly scopes: unknown;
  readonly functionArn?: unknown;
}

/**
 * The REST API's Auth: authorizers as security definitions (Cognito user pools, Lambda TOKEN and REQUEST
 * authorizers), each method's `security` (its own Authorizer, else the DefaultAuthorizer, plus the API key
 * when required), IAM credentials for AWS_IAM methods, and permissions for API Gateway to call Lambda
 * authorizers.
 */
export class RestAuth {
  private readonly authorizers = new Map<string, Authorizer>();
  private readonly defaultAuthorizer?: string;
  private readonly apiKeyRequired: unknown;
  private readonly invokeRole: unknown;
  private readonly authorizePreflight: unknown;
  private usesIam = false;
  private usesApiKey = false;

  constructor(private readonly r: SamResource) {
    const value = r.properties.Auth;
    if (value === undefined) return;
    const path = [...r.sourcePath, 'Properties', 'Auth'];
    const auth = literalMap(value, path, 'Auth');
    checkKeys(auth, API_AUTH, path, 'Auth');
    const authorizers = auth.Authorizers === undefined ? {} : literalMap(auth.Authorizers, [...path, 'Authorizers'], 'Auth.Authorizers');
    for (const [name, a] of Object.entries(authorizers)) this.authorizers.set(name, authorizer(name, a, [...path, 'Authorizers', name]));
    if (auth.DefaultAuthorizer !== undefined) {
      const name = literalString(auth.DefaultAuthorizer, [...path, 'DefaultAuthorizer'], 'Auth.DefaultAuthorizer');
      if (name !== AWS_IAM && !this.authorizers.has(name)) throw new NotExpanded([...path, 'DefaultAuthorizer'], `DefaultAuthorizer ${name} is not one of Auth.Authorizers`);
      this.defaultAuthorizer = name;
    }
    this.apiKeyRequired = auth.ApiKeyRequired;
    this.invokeRole = auth.InvokeRole;
    this.authorizePreflight = auth.AddDefaultAuthorizerToCorsPreflight;
  }

  /** The CORS preflight (OPTIONS) method needs the default authorizer too, unless the API says otherwise. */
  preflightSecurity(): Dict[] | undefined {
    if (this.defaultAuthorizer === undefined || this.authorizePreflight === false) return undefined;
    if (this.defaultAuthorizer === AWS_IAM) this.usesIam = true;
    return [dict([[this.defaultAuthorizer, clone(this.authorizers.get(this.defaultAuthorizer)?.scopes ?? [])]])];
  }

  /** Sets `security` (and IAM credentials) on the method the route added. */
  secureRoute(route: RestRoute, method: Dict): void {
    const path = [...route.event.path, 'Properties', 'Auth'];
    const auth = route.auth === undefined ? {} : literalMap(route.auth, path, `event ${route.event.name}: Auth`);
    checkKeys(auth, EVENT_AUTH, path, `event ${route.event.name}: Auth`);
    const name = auth.Authorizer === undefined ? this.defaultAuthorizer : literalString(auth.Authorizer, [...path, 'Authorizer'], 'Auth.Authorizer');
    const security: Dict[] = [];
    if (name !== undefined) {
      const known = this.authorizers.get(name);
      if (!known && name !== AWS_IAM && name !== 'NONE') throw new NotExpanded([...path, 'Authorizer'], `the authorizer ${name} is not one of the API's Auth.Authorizers`);
      security.push(dict([[name, clone(auth.AuthorizationScopes ?? known?.scopes ?? [])]]));
      if (name === AWS_IAM) {
        this.usesIam = true;
        const role = Object.hasOwn(auth, 'InvokeRole') ? auth.InvokeRole : this.invokeRole ?? 'CALLER_CREDENTIALS';
        const integration = method['x-amazon-apigateway-integration'] as Dict;
        if (role === 'CALLER_CREDENTIALS') integration.credentials = 'arn:aws:iam::*:user/*';
        else if (role !== 'NONE' && role !== null) integration.credentials = clone(role);
      }
    }
    const apiKey = Object.hasOwn(auth, 'ApiKeyRequired') ? auth.ApiKeyRequired : this.apiKeyRequired;
    if (apiKey === true) {
      this.usesApiKey = true;
      security.push({ api_key: [] });
    } else if (apiKey !== undefined && apiKey !== false) {
      throw new NotExpanded([...path, 'ApiKeyRequired'], 'ApiKeyRequired is not a literal boolean');
    }
    // An explicit ApiKeyRequired: false clears the API's requirement, which SAM writes as an empty security list.
    if (security.length > 0 || Object.hasOwn(auth, 'ApiKeyRequired')) method.security = security;
  }

  /** Writes the security definitions into the document (securitySchemes for OpenAPI 3). */
  addDefinitions(document: Dict): void {
    const definitions: Dict = {};
    for (const a of this.authorizers.values()) put(definitions, a.name, a.definition);
    if (this.usesIam || this.defaultAuthorizer === AWS_IAM) definitions[AWS_IAM] = { 'x-amazon-apigateway-authtype': 'awsSigv4', type: 'apiKey', name: 'Authorization', in: 'header' };
    if (this.usesApiKey) definitions.api_key = { type: 'apiKey', name: 'x-api-key', in: 'header' };
    if (Object.keys(definitions).length === 0) return;
    if (typeof document.openapi === 'string' && document.openapi.startsWith('3')) {
      document.components = { ...(isObject(document.components) ? document.components : {}), securitySchemes: definitions };
    } else {
      document.securityDefinitions = definitions;
    }
  }

  /** API Gateway may invoke each Lambda authorizer (`<Api><Authorizer>AuthorizerPermission`). */
  permissions(): [string, Dict][] {
    return [...this.authorizers.values()].filter((a) => a.functionArn !== undefined).map((a) => [`${this.r.logicalId}${a.name}AuthorizerPermission`, {
      Action: 'lambda:InvokeFunction',
      FunctionName: clone(a.functionArn),
      Principal: 'apigateway.amazonaws.com',
      SourceArn: sub('arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${__ApiId__}/authorizers/*', { __ApiId__: { Ref: this.r.logicalId } }),
    }]);
  }
}

function authorizer(name: string, value: unknown, path: Path): Authorizer {
  const a = literalMap(value, path, `authorizer ${name}`);
  checkKeys(a, AUTHORIZER, path, `authorizer ${name}`);
  const identity = a.Identity === undefined ? {} : literalMap(a.Identity, [...path, 'Identity'], `authorizer ${name}: Identity`);
  checkKeys(identity, IDENTITY, [...path, 'Identity'], `authorizer ${name}: Identity`);
  if (a.UserPoolArn !== undefined) {
    return {
      name,
      scopes: a.AuthorizationScopes,
      definition: {
        type: 'apiKey',
        name: clone(identity.Header ?? 'Authorization'),
        in: 'header',
        'x-amazon-apigateway-authtype': 'cognito_user_pools',
        'x-amazon-apigateway-authorizer': dict([
          ['type', 'cognito_user_pools'],
          ['providerARNs', Array.isArray(a.UserPoolArn) ? clone(a.UserPoolArn) : [clone(a.UserPoolArn)]],
          ['identityValidationExpression', clone(identity.ValidationExpression)],
        ]),
      },
    };
  }
  if (a.FunctionArn === undefined) throw new NotExpanded(path, `authorizer ${name} has neither UserPoolArn nor FunctionArn`);
  const payload = a.FunctionPayloadType ?? 'TOKEN';
  if (payload !== 'TOKEN' && payload !== 'REQUEST') throw new NotExpanded([...path, 'FunctionPayloadType'], `authorizer ${name}: FunctionPayloadType is neither TOKEN nor REQUEST`);
  const sources = IDENTITY_SOURCES.flatMap(([key, prefix]) => {
    const list = get(identity, key);
    if (list === undefined) return [];
    if (!Array.isArray(list) || !list.every((s) => typeof s === 'string')) throw new NotExpanded([...path, 'Identity', key], `authorizer ${name}: Identity.${key} is not a list of names`);
    return (list as string[]).map((s) => `${prefix}${s}`);
  });
  if (payload === 'TOKEN' && sources.length > 0) throw new NotExpanded([...path, 'Identity'], `authorizer ${name}: a TOKEN authorizer takes one Header`);
  return {
    name,
    scopes: a.AuthorizationScopes,
    functionArn: a.FunctionArn,
    definition: {
      type: 'apiKey',
      name: payload === 'REQUEST' ? 'Unused' : clone(identity.Header ?? 'Authorization'),
      in: 'header',
      'x-amazon-apigateway-authtype': 'custom',
      'x-amazon-apigateway-authorizer': dict([
        ['type', payload === 'REQUEST' ? 'request' : 'token'],
        ['authorizerUri', sub('arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${__FunctionArn__}/invocations', { __FunctionArn__: clone(a.FunctionArn) })],
        ['authorizerCredentials', a.FunctionInvokeRole === 'NONE' ? undefined : clone(a.FunctionInvokeRole)],
        ['authorizerResultTtlInSeconds', clone(identity.ReauthorizeEvery)],
        ['identitySource', sources.length > 0 ? sources.join(', ') : undefined],
        ['identityValidationExpression', clone(identity.ValidationExpression)],
      ]),
    },
  };
}

