import { NotExpanded } from '../model';
import { checkKeys } from '../properties';
import { SamResource } from '../unit';
import { Dict, clone, dict, get, isIntrinsic, isObject, put } from '../values';

const CORS = ['AllowMethods', 'AllowHeaders', 'AllowOrigin', 'MaxAge', 'AllowCredentials'];
const ALL_METHODS = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'];
const ANY = 'x-amazon-apigateway-any-method';

/**
 * Cors on a REST API: an OPTIONS method answering preflight requests on every path of the document (a
 * mock integration returning the Access-Control-* headers; the allowed methods default to those of the
 * path). `Cors: value` is the allowed origin; the values are header values, quoted by the author.
 */
export function addCors(r: SamResource, document: Dict, preflightSecurity: Dict[] | undefined): void {
  const value = r.properties.Cors;
  if (value === undefined) return;
  const path = [...r.sourcePath, 'Properties', 'Cors'];
  let cors: Dict;
  if (typeof value === 'string' || isIntrinsic(value)) cors = { AllowOrigin: value };
  else if (isObject(value)) {
    checkKeys(value, CORS, path, 'Cors');
    cors = value;
  } else throw new NotExpanded(path, 'Cors is neither an origin nor a map');
  if (cors.AllowCredentials !== undefined && typeof cors.AllowCredentials !== 'boolean')
    throw new NotExpanded([...path, 'AllowCredentials'], 'Cors.AllowCredentials is not a literal boolean');
  const openApi3 = typeof document.openapi === 'string';
  const paths = document.paths as Dict;
  for (const [name, item] of Object.entries(paths)) {
    if (isIntrinsic(item)) continue; // SAM leaves conditional paths alone
    if (!isObject(item)) throw new NotExpanded(path, `the path ${name} of the document is not a map`);
    if (Object.hasOwn(item, 'options')) continue;
    const headers: [string, unknown][] = [
      ['Access-Control-Allow-Origin', clone(cors.AllowOrigin ?? "'*'")],
      ['Access-Control-Allow-Headers', clone(cors.AllowHeaders)],
      ['Access-Control-Allow-Methods', clone(cors.AllowMethods ?? `'${allowedMethods(item).join(',')}'`)],
      ['Access-Control-Max-Age', clone(cors.MaxAge)],
      ['Access-Control-Allow-Credentials', cors.AllowCredentials === true ? "'true'" : undefined],
    ];
    const present = headers.filter(([, v]) => v !== undefined);
    const type = (h: string) => ({ type: h === 'Access-Control-Max-Age' ? 'integer' : 'string' });
    put(
      item,
      'options',
      dict([
        ['summary', 'CORS support'],
        ['consumes', openApi3 ? undefined : ['application/json']],
        ['produces', openApi3 ? undefined : ['application/json']],
        ['security', preflightSecurity],
        [
          'x-amazon-apigateway-integration',
          {
            type: 'mock',
            requestTemplates: { 'application/json': '{\n  "statusCode" : 200\n}\n' },
            responses: {
              default: {
                statusCode: '200',
                responseParameters: Object.fromEntries(present.map(([h, v]) => [`method.response.header.${h}`, v])),
                responseTemplates: { 'application/json': '{}\n' },
              },
            },
          },
        ],
        [
          'responses',
          {
            '200': {
              description: 'Default response for CORS method',
              headers: Object.fromEntries(present.map(([h]) => [h, openApi3 ? { schema: type(h) } : type(h)])),
            },
          },
        ],
      ]),
    );
  }
}

/** The path's methods and OPTIONS, sorted; every method when the path has an ANY method. */
function allowedMethods(item: Dict): string[] {
  if (get(item, ANY) !== undefined) return ALL_METHODS;
  const methods = Object.keys(item)
    .map((m) => m.toUpperCase())
    .filter((m) => ALL_METHODS.includes(m));
  return [...new Set([...methods, 'OPTIONS'])].sort();
}
