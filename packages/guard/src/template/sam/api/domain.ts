import { Context } from '../context';
import { logicalIdHash } from '../hash';
import { NotExpanded } from '../model';
import { checkKeys, literalMap } from '../properties';
import { SamResource, Unit } from '../unit';
import { Dict, Path, clone, dict, getAtt, isObject, ref } from '../values';

const DOMAIN = [
  'DomainName',
  'CertificateArn',
  'EndpointConfiguration',
  'BasePath',
  'NormalizeBasePath',
  'Route53',
  'MutualTlsAuthentication',
  'SecurityPolicy',
  'OwnershipVerificationCertificateArn',
  'IpAddressType',
  'EndpointAccessMode',
];
const ROUTE53 = ['HostedZoneId', 'HostedZoneName', 'IpV6', 'Region', 'SetIdentifier'];
/** CloudFront's hosted zone, which every edge-optimized custom domain is an alias into. */
const CLOUDFRONT_ZONE = 'Z2FDTNDATAQYW2';

export interface Domain {
  readonly domainId: string;
  readonly domain: Dict;
  /** Base path (REST) or API (HTTP) mappings: [logical ID, properties]. */
  readonly mappings: [string, Dict][];
  readonly zone?: { readonly groupId: string; readonly hostedZone: [string, unknown]; readonly records: Dict[] };
}

/**
 * A REST API's custom Domain: an AWS::ApiGateway::DomainName named after the domain (shared by the APIs
 * that use the same one), a base path mapping per BasePath, and with Route53 alias records in a record
 * set group per hosted zone (shared by every API of the template in that zone). SAM resolves parameters
 * in the domain name and certificate.
 */
export function restDomain(ctx: Context, r: SamResource, stageId: string): Domain | undefined {
  const read = readDomain(ctx, r, ['REGIONAL', 'EDGE']);
  if (!read) return undefined;
  const { d, path, name, certificate, endpoint } = read;
  const edge = endpoint === 'EDGE';
  const domainId = `ApiGatewayDomainName${logicalIdHash(name)}`;
  const domain = dict([
    ['DomainName', clone(name)],
    [edge ? 'CertificateArn' : 'RegionalCertificateArn', clone(certificate)],
    [
      'EndpointConfiguration',
      dict([
        ['Types', [endpoint]],
        ['IpAddressType', clone(d.IpAddressType)],
      ]),
    ],
    // SAM copies the parts of these that are set (a TruststoreVersion of 0 is dropped).
    ['MutualTlsAuthentication', truthyParts(d.MutualTlsAuthentication, [...path, 'MutualTlsAuthentication'])],
    ['SecurityPolicy', clone(d.SecurityPolicy)],
    ['OwnershipVerificationCertificateArn', clone(d.OwnershipVerificationCertificateArn)],
    ['EndpointAccessMode', clone(d.EndpointAccessMode)],
  ]);
  const mappings = basePaths(d, path).map(([part, basePath]): [string, Dict] => [
    `${r.logicalId}${part}BasePathMapping`,
    dict([
      ['BasePath', basePath],
      ['DomainName', ref(domainId)],
      ['RestApiId', ref(r.logicalId)],
      ['Stage', ref(stageId)],
    ]),
  ]);
  return { domainId, domain, mappings, zone: zone(d, path, domainId, name, edge) };
}

/**
 * An HTTP API's custom Domain: an AWS::ApiGatewayV2::DomainName (regional, tagged by SAM), an API mapping
 * per BasePath, and the Route53 records like a REST API's.
 */
export function httpDomain(ctx: Context, r: SamResource, stageId: string): Domain | undefined {
  const read = readDomain(ctx, r, ['REGIONAL']);
  if (!read) return undefined;
  const { d, path, name, certificate, endpoint } = read;
  if (d.IpAddressType !== undefined || d.EndpointAccessMode !== undefined || d.NormalizeBasePath !== undefined) {
    throw new NotExpanded(path, 'IpAddressType, EndpointAccessMode or NormalizeBasePath of an HTTP API domain is not expanded by Tarmac');
  }
  const domainId = `ApiGatewayDomainNameV2${logicalIdHash(name)}`;
  const domain = dict([
    ['DomainName', clone(name)],
    [
      'DomainNameConfigurations',
      [
        dict([
          ['CertificateArn', clone(certificate)],
          ['EndpointType', endpoint],
          ['SecurityPolicy', clone(d.SecurityPolicy)],
          ['OwnershipVerificationCertificateArn', clone(d.OwnershipVerificationCertificateArn)],
        ]),
      ],
    ],
    ['MutualTlsAuthentication', truthyParts(d.MutualTlsAuthentication, [...path, 'MutualTlsAuthentication'])],
    ['Tags', { 'httpapi:createdBy': 'SAM' }],
  ]);
  // The mapping key is the base path without its leading slashes; the logical ID keeps only letters and digits.
  const mappings = (d.BasePath === undefined ? [undefined] : Array.isArray(d.BasePath) ? d.BasePath : [d.BasePath]).map((p, i): [string, Dict] => {
    if (p !== undefined && typeof p !== 'string') throw new NotExpanded([...path, 'BasePath', i], 'a BasePath is not a literal string');
    const key = p?.replace(/^\/+/, '');
    if (key === '') throw new NotExpanded([...path, 'BasePath', i], `the BasePath ${p} is not expanded by Tarmac`);
    return [
      `${r.logicalId}${key?.replace(/[^A-Za-z0-9]/g, '') ?? ''}ApiMapping`,
      dict([
        ['ApiId', ref(r.logicalId)],
        ['ApiMappingKey', key],
        ['DomainName', ref(domainId)],
        ['Stage', ref(stageId)],
      ]),
    ];
  });
  return { domainId, domain, mappings, zone: zone(d, path, domainId, name, false) };
}

function readDomain(
  ctx: Context,
  r: SamResource,
  endpoints: readonly string[],
): { d: Dict; path: Path; name: unknown; certificate: unknown; endpoint: string } | undefined {
  const value = r.properties.Domain;
  if (value === undefined) return undefined;
  const path = [...r.sourcePath, 'Properties', 'Domain'];
  const d = literalMap(value, path, 'Domain');
  checkKeys(d, DOMAIN, path, 'Domain');
  const name = ctx.resolveStrictly(d.DomainName, [...path, 'DomainName']);
  const certificate = ctx.resolveStrictly(d.CertificateArn, [...path, 'CertificateArn']);
  if (name === undefined || certificate === undefined) throw new NotExpanded(path, 'Domain needs DomainName and CertificateArn');
  const endpoint = d.EndpointConfiguration ?? 'REGIONAL';
  if (typeof endpoint !== 'string' || !endpoints.includes(endpoint))
    throw new NotExpanded([...path, 'EndpointConfiguration'], `a ${String(endpoint)} custom domain is not expanded by Tarmac`);
  return { d, path, name, certificate, endpoint };
}

function basePaths(d: Dict, path: Path): [string, string | undefined][] {
  if (d.BasePath === undefined) return [['', undefined]];
  const list = Array.isArray(d.BasePath) ? d.BasePath : [d.BasePath];
  const normalize = d.NormalizeBasePath !== false;
  return list.map((p, i) => {
    if (typeof p !== 'string') throw new NotExpanded([...path, 'BasePath', i], 'a BasePath is not a literal string');
    const part = p.replace(/[^A-Za-z0-9]/g, '');
    if (part === '') throw new NotExpanded([...path, 'BasePath', i], `the BasePath ${p} is not expanded by Tarmac`);
    return [part, normalize ? part : p];
  });
}

function zone(d: Dict, path: Path, domainId: string, name: unknown, edge: boolean): Domain['zone'] {
  if (d.Route53 === undefined) return undefined;
  const r53Path = [...path, 'Route53'];
  const r53 = literalMap(d.Route53, r53Path, 'Domain.Route53');
  checkKeys(r53, ROUTE53, r53Path, 'Domain.Route53');
  const hosted: [string, unknown] | undefined =
    r53.HostedZoneId !== undefined ? ['HostedZoneId', r53.HostedZoneId] : r53.HostedZoneName !== undefined ? ['HostedZoneName', r53.HostedZoneName] : undefined;
  if (!hosted) throw new NotExpanded(r53Path, 'Domain.Route53 has neither HostedZoneId nor HostedZoneName');
  const alias = edge
    ? { DNSName: getAtt(domainId, 'DistributionDomainName'), HostedZoneId: CLOUDFRONT_ZONE }
    : { DNSName: getAtt(domainId, 'RegionalDomainName'), HostedZoneId: getAtt(domainId, 'RegionalHostedZoneId') };
  const record = (type: string) =>
    dict([
      ['Name', clone(name)],
      ['Type', type],
      ['AliasTarget', clone(alias)],
      ['Region', clone(r53.Region)],
      ['SetIdentifier', clone(r53.SetIdentifier)],
    ]);
  return {
    groupId: `RecordSetGroup${logicalIdHash(hosted[1])}`,
    hostedZone: [hosted[0], clone(hosted[1])],
    records: r53.IpV6 === true ? [record('A'), record('AAAA')] : [record('A')],
  };
}

/**
 * Adds the domain, its mappings and, for the first API of its hosted zone (in template order), the record
 * set group with the records of every API in that zone.
 */
export function addCustomDomain(
  r: SamResource,
  unit: Unit,
  attributes: Dict,
  domain: Domain | undefined,
  types: readonly [string, string],
  apis: readonly SamResource[],
  domainOf: (api: SamResource) => Domain | undefined,
): void {
  if (!domain) return;
  const path = [...r.sourcePath, 'Properties', 'Domain'];
  unit.add(domain.domainId, types[0], domain.domain, attributes, path);
  for (const [id, mapping] of domain.mappings) unit.add(id, types[1], mapping, attributes, path);
  if (!domain.zone) return;
  const peers = apis.map((api) => (api === r ? domain.zone : domainOf(api)?.zone)).filter((z) => z?.groupId === domain.zone!.groupId);
  if (apis.find((api) => (api === r ? domain.zone : domainOf(api)?.zone)?.groupId === domain.zone!.groupId) !== r) return;
  unit.add(domain.zone.groupId, 'AWS::Route53::RecordSetGroup', dict([domain.zone.hostedZone, ['RecordSets', peers.flatMap((z) => z!.records)]]), attributes, [
    ...path,
    'Route53',
  ]);
}

function truthyParts(value: unknown, path: Path): Dict | undefined {
  if (value === undefined) return undefined;
  if (!isObject(value)) throw new NotExpanded(path, 'MutualTlsAuthentication is not a map');
  return dict(
    Object.entries(value)
      .filter(([, v]) => Boolean(v))
      .map(([k, v]) => [k, clone(v)]),
  );
}
