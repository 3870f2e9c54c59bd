// What the Auth of a REST API and of an HTTP API read alike: authorizers, the default one, each route's choice.
import { EventSpec } from '../events/target';
import { NotExpanded } from '../model';
import { checkKeys, literalMap, literalString } from '../properties';
import { SamResource } from '../unit';
import { Dict, Path, clone, get, sub } from '../values';

export const AWS_IAM = 'AWS_IAM';

/** The security scheme of AWS_IAM (SigV4) authorization. */
export const AWS_IAM_SCHEME = { 'x-amazon-apigateway-authtype': 'awsSigv4', type: 'apiKey', name: 'Authorization', in: 'header' };

export interface Authorizer {
  readonly name: string;
  /** Its security scheme in the OpenAPI document. */
  readonly definition: Dict;
  readonly scopes: unknown;
  /** A Lambda authorizer's function, when SAM lets API Gateway invoke it (always for REST APIs, opt-in for HTTP APIs). */
  readonly permissionFor?: unknown;
}

export interface ApiAuth {
  readonly auth: Dict;
  readonly path: Path;
  /** Authorizers by name, each with its path. */
  readonly authorizers: readonly [name: string, value: unknown, path: Path][];
}

/** The API's Auth with the keys Tarmac expands, or undefined without one. */
export function readApiAuth(r: SamResource, keys: readonly string[]): ApiAuth | undefined {
  const value = r.properties.Auth;
  if (value === undefined) return undefined;
  const path = [...r.sourcePath, 'Properties', 'Auth'];
  const auth = literalMap(value, path, 'Auth');
  checkKeys(auth, keys, path, 'Auth');
  const authorizers = auth.Authorizers === undefined ? {} : literalMap(auth.Authorizers, [...path, 'Authorizers'], 'Auth.Authorizers');
  return { auth, path, authorizers: Object.entries(authorizers).map(([name, a]) => [name, a, [...path, 'Authorizers', name]]) };
}

/** Auth.DefaultAuthorizer, which must be an authorizer the API knows. */
export function defaultAuthorizer({ auth, path }: ApiAuth, known: (name: string) => boolean): string | undefined {
  if (auth.DefaultAuthorizer === undefined) return undefined;
  const name = literalString(auth.DefaultAuthorizer, [...path, 'DefaultAuthorizer'], 'Auth.DefaultAuthorizer');
  if (!known(name)) throw new NotExpanded([...path, 'DefaultAuthorizer'], `DefaultAuthorizer ${name} is not one of Auth.Authorizers`);
  return name;
}

/** The Auth of the event behind a route, and the authorizer it names (else the API's default). */
export function routeAuth(
  route: { readonly auth: unknown; readonly event: EventSpec },
  keys: readonly string[],
  fallback: string | undefined,
): { auth: Dict; path: Path; name?: string } {
  const path = [...route.event.path, 'Properties', 'Auth'];
  const auth = route.auth === undefined ? {} : literalMap(route.auth, path, `event ${route.event.name}: Auth`);
  checkKeys(auth, keys, path, `event ${route.event.name}: Auth`);
  const name = auth.Authorizer === undefined ? fallback : literalString(auth.Authorizer, [...path, 'Authorizer'], 'Auth.Authorizer');
  return { auth, path, name };
}

/** An authorizer's Identity map, with the keys Tarmac expands. */
export function authorizerIdentity(a: Dict, keys: readonly string[], path: Path, name: string): Dict {
  const identity = a.Identity === undefined ? {} : literalMap(a.Identity, [...path, 'Identity'], `authorizer ${name}: Identity`);
  checkKeys(identity, keys, [...path, 'Identity'], `authorizer ${name}: Identity`);
  return identity;
}

/** The identity sources a Lambda authorizer lists (Identity.Headers and the like), each with its prefix. */
export function identitySources(identity: Dict, prefixes: readonly [key: string, prefix: string][], path: Path, name: string): string[] {
  return prefixes.flatMap(([key, prefix]) => {
    const list = get(identity, key);
    if (list === undefined) return [];
    if (!Array.isArray(list) || !list.every((s) => typeof s === 'string'))
      throw new NotExpanded([...path, 'Identity', key], `authorizer ${name}: Identity.${key} is not a list of names`);
    return (list as string[]).map((s) => `${prefix}${s}`);
  });
}

/** How API Gateway invokes a Lambda authorizer. */
export function authorizerUri(functionArn: unknown): Dict {
  return sub('arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${__FunctionArn__}/invocations', { __FunctionArn__: clone(functionArn) });
}

/** API Gateway may invoke each Lambda authorizer (`<Api><Authorizer>AuthorizerPermission`), in an execute-api ARN of `partition`. */
export function authorizerPermissions(r: SamResource, authorizers: Iterable<Authorizer>, partition: 'aws' | '${AWS::Partition}'): [string, Dict][] {
  return [...authorizers]
    .filter((a) => a.permissionFor !== undefined)
    .map((a) => [
      `${r.logicalId}${a.name}AuthorizerPermission`,
      {
        Action: 'lambda:InvokeFunction',
        FunctionName: clone(a.permissionFor),
        Principal: 'apigateway.amazonaws.com',
        SourceArn: sub(`arn:${partition}:execute-api:\${AWS::Region}:\${AWS::AccountId}:\${__ApiId__}/authorizers/*`, { __ApiId__: { Ref: r.logicalId } }),
      },
    ]);
}
