import { NotExpanded } from '../model';
import { checkKeys, literalMap, literalString } from '../properties';
import { SamResource } from '../unit';
import { Dict, Path, clone, dict, get, put, sub } from '../values';
import { HttpRoute } from './routes';

const API_AUTH = ['Authorizers', 'DefaultAuthorizer', 'EnableIamAuthorizer'];
const LAMBDA = ['FunctionArn', 'FunctionInvokeRole', 'Identity', 'AuthorizerPayloadFormatVersion', 'EnableSimpleResponses', 'EnableFunctionDefaultPermissions'];
const JWT = ['JwtConfiguration', 'IdentitySource', 'AuthorizationScopes'];
const IDENTITY = ['Headers', 'QueryStrings', 'StageVariables', 'Context', 'ReauthorizeEvery'];
const IDENTITY_SOURCES: readonly [string, string][] = [['Headers', '$request.header.'], ['QueryStrings', '$request.querystring.'], ['StageVariables', '$stageVariables.'], ['Context', '$context.']];
const EVENT_AUTH = ['Authorizer', 'AuthorizationScopes'];
const AWS_IAM = 'AWS_IAM';

interface Authorizer {
  readonly name: string;
  readonly definition: Dict;
  readonly scopes: unknown;
  /** Set when SAM adds a permission for API Gateway to invoke the Lambda authorizer (opt-in for HTTP APIs). */
  readonly permissionFor?: unknown;
}

/**
 * The HTTP API's Auth: JWT and Lambda authorizers as security schemes, IAM authorization when enabled,
 * each route's `security` (its own Authorizer, else the DefaultAuthorizer), and permissions for Lambda
 * authorizers that ask for them.
 */
export class HttpAuth {
  private readonly authorizers = new Map<string, Authorizer>();
  private readonly defaultAuthorizer?: string;
  private readonly iam: boolean = false;

  constructor(private readonly r: SamResource) {
    const value = r.properties.Auth;
    if (value === undefined) return;
    const path = [...r.sourcePath, 'Properties', 'Auth'];
    const auth = literalMap(value, path, 'Auth');
    checkKeys(auth, API_AUTH, path, 'Auth');
    const authorizers = auth.Authorizers === undefined ? {} : literalMap(auth.Authorizers, [...path, 'Authorizers'], 'Auth.Authorizers');
    for (const [name, a] of Object.entries(authorizers)) {
      if (name === AWS_IAM) throw new NotExpanded([...path, 'Authorizers', name], 'an authorizer named AWS_IAM is not expanded by Tarmac');
      this.authorizers.set(name, authorizer(name, a, [...path, 'Authorizers', name]));
    }
    if (auth.EnableIamAuthorizer !== undefined && typeof auth.EnableIamAuthorizer !== 'boolean') throw new NotExpanded([...path, 'EnableIamAuthorizer'], 'EnableIamAuthorizer is not a literal boolean');
    this.iam = auth.EnableIamAuthorizer === true;
    if (auth.DefaultAuthorizer !== undefined) {
      const name = literalString(auth.DefaultAuthorizer, [...path, 'DefaultAuthorizer'], 'Auth.DefaultAuthorizer');
      if (!this.known(name)) throw new NotExpanded([...path, 'DefaultAuthorizer'], `DefaultAuthorizer ${name} is not one of Auth.Authorizers`);
      this.defaultAuthorizer = name;
    }
  }

  private known(name: string): boolean {
    return this.authorizers.has(name) || (name === AWS_IAM && this.iam);
  }

  secureRoute(route: HttpRoute, method: Dict): void {
    const path = [...route.event.path, 'Properties', 'Auth'];
    const auth = route.auth === undefined ? {} : literalMap(route.auth, path, `event ${route.event.name}: Auth`);
    checkKeys(auth, EVENT_AUTH, path, `event ${route.event.name}: Auth`);
    const name = auth.Authorizer === undefined ? this.defaultAuthorizer : literalString(auth.Authorizer, [...path, 'Authorizer'], 'Auth.Authorizer');
    if (name === undefined) return;
    if (name !== 'NONE' && !this.known(name)) throw new NotExpanded([...path, 'Authorizer'], `the authorizer ${name} is not one of the API's authorizers`);
    method.security = [dict([[name, clone(auth.AuthorizationScopes ?? this.authorizers.get(name)?.scopes ?? [])]])];
  }

  addDefinitions(document: Dict): void {
    const schemes: Dict = {};
    for (const a of this.authorizers.values()) put(schemes, a.name, a.definition);
    if (this.iam) schemes[AWS_IAM] = { 'x-amazon-apigateway-authtype': 'awsSigv4', type: 'apiKey', name: 'Authorization', in: 'header' };
    if (Object.keys(schemes).length === 0) return;
    const components = get(document, 'components');
    document.components = { ...(components && typeof components === 'object' ? (components as Dict) : {}), securitySchemes: schemes };
  }

  permissions(): [string, Dict][] {
    return [...this.authorizers.values()].filter((a) => a.permissionFor !== undefined).map((a) => [`${this.r.logicalId}${a.name}AuthorizerPermission`, {
      Action: 'lambda:InvokeFunction',
      FunctionName: clone(a.permissionFor),
      Principal: 'apigateway.amazonaws.com',
      SourceArn: sub('arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${__ApiId__}/authorizers/*', { __ApiId__: { Ref: this.r.logicalId } }),
    }]);
  }
}

function authorizer(name: string, value: unknown, path: Path): Authorizer {
  const a = literalMap(value, path, `authorizer ${name}`);
  if (a.FunctionArn === undefined) {
    checkKeys(a, JWT, path, `authorizer ${name}`);
    const jwt = literalMap(a.JwtConfiguration, [...path, 'JwtConfiguration'], `authorizer ${name}: JwtConfiguration`);
    // The document's keys are lower case; SAM accepts either spelling.
    const config = dict(Object.entries(jwt).map(([k, v]) => [k.charAt(0).toLowerCase() + k.slice(1), clone(v)]));
    return {
      name,
      scopes: a.AuthorizationScopes,
      definition: { type: 'oauth2', 'x-amazon-apigateway-authorizer': dict([['type', 'jwt'], ['jwtConfiguration', config], ['identitySource', clone(a.IdentitySource)]]) },
    };
  }
  checkKeys(a, LAMBDA, path, `authorizer ${name}`);
  const identity = a.Identity === undefined ? {} : literalMap(a.Identity, [...path, 'Identity'], `authorizer ${name}: Identity`);
  checkKeys(identity, IDENTITY, [...path, 'Identity'], `authorizer ${name}: Identity`);
  const sources = IDENTITY_SOURCES.flatMap(([key, prefix]) => {
    const list = get(identity, key);
    if (list === undefined) return [];
    if (!Array.isArray(list) || !list.every((s) => typeof s === 'string')) throw new NotExpanded([...path, 'Identity', key], `authorizer ${name}: Identity.${key} is not a list of names`);
    return (list as string[]).map((s) => `${prefix}${s}`);
  });
  if (a.EnableFunctionDefaultPermissions !== undefined && typeof a.EnableFunctionDefaultPermissions !== 'boolean') {
    throw new NotExpanded([...path, 'EnableFunctionDefaultPermissions'], 'EnableFunctionDefaultPermissions is not a literal boolean');
  }
  return {
    name,
    scopes: undefined,
    permissionFor: a.EnableFunctionDefaultPermissions === true ? a.FunctionArn : undefined,
    definition: {
      type: 'apiKey',
      name: 'Unused',
      in: 'header',
      'x-amazon-apigateway-authorizer': dict([
        ['type', 'request'],
        ['authorizerUri', sub('arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${__FunctionArn__}/invocations', { __FunctionArn__: clone(a.FunctionArn) })],
        ['authorizerCredentials', clone(a.FunctionInvokeRole)],
        ['authorizerPayloadFormatVersion', clone(a.AuthorizerPayloadFormatVersion)],
        ['authorizerResultTtlInSeconds', clone(identity.ReauthorizeEvery)],
        ['enableSimpleResponses', clone(a.EnableSimpleResponses)],
        ['identitySource', sources.length > 0 ? sources : undefined],
      ]),
    },
  };
}
