import { NotExpanded } from '../model';
import { checkKeys, literalMap } from '../properties';
import { SamResource } from '../unit';
import { Dict, Path, clone, dict, isObject, put } from '../values';
import {
  AWS_IAM,
  AWS_IAM_SCHEME,
  Authorizer,
  authorizerIdentity,
  authorizerPermissions,
  authorizerUri,
  defaultAuthorizer,
  identitySources,
  readApiAuth,
  routeAuth,
} from './authorizers';
import { RestRoute } from './routes';

const API_AUTH = ['Authorizers', 'DefaultAuthorizer', 'ApiKeyRequired', 'InvokeRole', 'AddDefaultAuthorizerToCorsPreflight'];
const AUTHORIZER = ['UserPoolArn', 'FunctionArn', 'FunctionPayloadType', 'FunctionInvokeRole', 'Identity', 'AuthorizationScopes'];
const IDENTITY = ['Header', 'ValidationExpression', 'ReauthorizeEvery', 'Headers', 'QueryStrings', 'StageVariables', 'Context'];
export const EVENT_AUTH = ['Authorizer', 'ApiKeyRequired', 'AuthorizationScopes', 'InvokeRole'];
const IDENTITY_SOURCES: readonly [string, string][] = [
  ['Headers', 'method.request.header.'],
  ['QueryStrings', 'method.request.querystring.'],
  ['StageVariables', 'stageVariables.'],
  ['Context', 'context.'],
];

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
    const read = readApiAuth(r, API_AUTH);
    if (!read) return;
    const { auth } = read;
    for (const [name, a, path] of read.authorizers) this.authorizers.set(name, authorizer(name, a, path));
    this.defaultAuthorizer = defaultAuthorizer(read, (name) => name === AWS_IAM || this.authorizers.has(name));
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
    const { auth, path, name } = routeAuth(route, EVENT_AUTH, this.defaultAuthorizer);
    const security: Dict[] = [];
    if (name !== undefined) {
      const known = this.authorizers.get(name);
      if (!known && name !== AWS_IAM && name !== 'NONE')
        throw new NotExpanded([...path, 'Authorizer'], `the authorizer ${name} is not one of the API's Auth.Authorizers`);
      security.push(dict([[name, clone(auth.AuthorizationScopes ?? known?.scopes ?? [])]]));
      if (name === AWS_IAM) {
        this.usesIam = true;
        const role = Object.hasOwn(auth, 'InvokeRole') ? auth.InvokeRole : (this.invokeRole ?? 'CALLER_CREDENTIALS');
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
    if (this.usesIam || this.defaultAuthorizer === AWS_IAM) definitions[AWS_IAM] = { ...AWS_IAM_SCHEME };
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
    return authorizerPermissions(this.r, this.authorizers.values(), 'aws');
  }
}

function authorizer(name: string, value: unknown, path: Path): Authorizer {
  const a = literalMap(value, path, `authorizer ${name}`);
  checkKeys(a, AUTHORIZER, path, `authorizer ${name}`);
  const identity = authorizerIdentity(a, IDENTITY, path, name);
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
  if (payload !== 'TOKEN' && payload !== 'REQUEST')
    throw new NotExpanded([...path, 'FunctionPayloadType'], `authorizer ${name}: FunctionPayloadType is neither TOKEN nor REQUEST`);
  const sources = identitySources(identity, IDENTITY_SOURCES, path, name);
  if (payload === 'TOKEN' && sources.length > 0) throw new NotExpanded([...path, 'Identity'], `authorizer ${name}: a TOKEN authorizer takes one Header`);
  return {
    name,
    scopes: a.AuthorizationScopes,
    permissionFor: a.FunctionArn,
    definition: {
      type: 'apiKey',
      name: payload === 'REQUEST' ? 'Unused' : clone(identity.Header ?? 'Authorization'),
      in: 'header',
      'x-amazon-apigateway-authtype': 'custom',
      'x-amazon-apigateway-authorizer': dict([
        ['type', payload === 'REQUEST' ? 'request' : 'token'],
        ['authorizerUri', authorizerUri(a.FunctionArn)],
        ['authorizerCredentials', a.FunctionInvokeRole === 'NONE' ? undefined : clone(a.FunctionInvokeRole)],
        ['authorizerResultTtlInSeconds', clone(identity.ReauthorizeEvery)],
        ['identitySource', sources.length > 0 ? sources.join(', ') : undefined],
        ['identityValidationExpression', clone(identity.ValidationExpression)],
      ]),
    },
  };
}
