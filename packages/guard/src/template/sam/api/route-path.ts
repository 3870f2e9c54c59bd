/** A path parameter of an API route: `{id}`, or `{proxy+}` for the rest of the path. */
const PARAMETER = /\{([A-Za-z0-9._-]+)\+?\}/g;

/**
 * The part of an execute-api ARN that matches a route, as SAM scopes the permission of an Api or HttpApi
 * event: the method (any: `*`) and the path with each parameter as `*` (`GET/users/*`).
 */
export function executeApiRoute(method: string, path: string): string {
  return `${method === 'any' ? '*' : method.toUpperCase()}${path.replace(PARAMETER, '*')}`;
}

/** The names of the path's parameters, in order. */
export function pathParameters(path: string): string[] {
  return [...path.matchAll(PARAMETER)].map((m) => m[1]);
}
