import { NotExpanded } from '../model';
import { checkKeys, literalMap } from '../properties';
import { SamResource } from '../unit';
import { Dict, Path, clone, dict, get, put } from '../values';
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
} from '../api/authorizers';
import { HttpRoute } from './routes';

const API_AUTH = ['Authorizers', 'DefaultAuthorizer', 'EnableIamAuthorizer'];
const LAMBDA = ['FunctionArn', 'FunctionInvokeRole', 'Identity', 'AuthorizerPayloadFormatVersion', 'EnableSimpleResponses', 'EnableFunctionDefaultPermissions'];
const JWT = ['JwtConfiguration', 'IdentitySource', 'AuthorizationScopes'];
const IDENTITY = ['Headers', 'QueryStrings', 'StageVariables', 'Context', 'ReauthorizeEvery'];
const IDENTITY_SOURCES: readonly [string, string][] = [
  ['Headers', '$request.header.'],
  ['QueryStrings', '$request.querystring.'],
  ['StageVariables', '$stageVariables.'],
  ['Context', '$context.'],
];
const EVENT_AUTH = ['Authorizer', 'AuthorizationScopes'];

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
    const read = readApiAuth(r, API_AUTH);
    if (!read) return;
    const { auth, path } = read;
    for (const [name, a, at] of read.authorizers) {
      if (name === AWS_IAM) throw new NotExpanded(at, 'an authorizer named AWS_IAM is not expanded by Tarmac');
      this.authorizers.set(name, authorizer(name, a, at));
    }
    if (auth.EnableIamAuthorizer !== undefined && typeof auth.EnableIamAuthorizer !== 'boolean')
      throw new NotExpanded([...path, 'EnableIamAuthorizer'], 'EnableIamAuthorizer is not a literal boolean');
    this.iam = auth.EnableIamAuthorizer === true;
    this.defaultAuthorizer = defaultAuthorizer(read, (name) => this.known(name));
  }

  private known(name: string): boolean {
    return this.authorizers.has(name) || (name === AWS_IAM && this.iam);
  }

  secureRoute(route: HttpRoute, method: Dict): void {
    const { auth, path, name } = routeAuth(route, EVENT_AUTH, this.defaultAuthorizer);
    if (name === undefined) return;
    if (name !== 'NONE' && !this.known(name)) throw new NotExpanded([...path, 'Authorizer'], `the authorizer ${name} is not one of the API's authorizers`);
    method.security = [dict([[name, clone(auth.AuthorizationScopes ?? this.authorizers.get(name)?.scopes ?? [])]])];
  }

  addDefinitions(document: Dict): void {
    const schemes: Dict = {};
    for (const a of this.authorizers.values()) put(schemes, a.name, a.definition);
    if (this.iam) schemes[AWS_IAM] = { ...AWS_IAM_SCHEME };
    if (Object.keys(schemes).length === 0) return;
    const components = get(document, 'components');
    document.components = { ...(components && typeof components === 'object' ? (components as Dict) : {}), securitySchemes: schemes };
  }

  permissions(): [string, Dict][] {
    return authorizerPermissions(this.r, this.authorizers.values(), '${AWS::Partition}');
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
      definition: {
        type: 'oauth2',
        'x-amazon-apigateway-authorizer': dict([
          ['type', 'jwt'],
          ['jwtConfiguration', config],
          ['identitySource', clone(a.IdentitySource)],
        ]),
      },
    };
  }
  checkKeys(a, LAMBDA, path, `authorizer ${name}`);
  const identity = authorizerIdentity(a, IDENTITY, path, name);
  const sources = identitySources(identity, IDENTITY_SOURCES, path, name);
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
        ['authorizerUri', authorizerUri(a.FunctionArn)],
        ['authorizerCredentials', clone(a.FunctionInvokeRole)],
        ['authorizerPayloadFormatVersion', clone(a.AuthorizerPayloadFormatVersion)],
        ['authorizerResultTtlInSeconds', clone(identity.ReauthorizeEvery)],
        ['enableSimpleResponses', clone(a.EnableSimpleResponses)],
        ['identitySource', sources.length > 0 ? sources : undefined],
      ]),
    },
  };
}
