import { Catalog } from '../catalog/model';
import { InputError, InputErrors } from '../errors';
import { Organization } from '../org/model';
import { validateAgainstSchema } from '../schema-validation';
import { loadSchema } from '../schemas';
import { readSourceFile } from '../yaml-source';
import { Ipv4Cidr, cidrsOverlap, parseCidr } from './cidr';
import { profileNameProblems } from './load-account-baseline';
import { IpamPool, NatGateways, NetworkBaselineSettings } from './model';

interface VpcSource {
  netmaskLength: number;
  availabilityZones: number;
  subnetNetmaskLength: number;
  flowLogs: NetworkBaselineSettings['flowLogs'];
  interfaceEndpoints: string[];
  gatewayEndpoints: string[];
}

interface NetworkBaselineSource {
  ipam: { pools: Record<string, { id: string; cidr: string }> };
  vpc: VpcSource;
  profiles: Record<string, { natGateways: NatGateways; vpc?: Partial<VpcSource> }>;
}

/** Subnets per AZ: one public, one private. */
const TIERS = 2;

/**
 * policies/baselines/network.yaml resolved per profile (the profile's vpc keys over the shared ones), with
 * the checks that need no stack set: pools in allowed regions, valid and disjoint; every VPC size fits every
 * pool; the subnets fit the VPC. Pool capacity against the accounts is checked with the stack sets
 * (ipam-capacity.ts). Throws InputErrors naming every problem.
 */
export function loadNetworkBaseline(file: string, catalog: Catalog, org: Organization): Map<string, NetworkBaselineSettings> {
  const doc = readSourceFile(file);
  const schemaProblems = validateAgainstSchema(doc, loadSchema('network-baseline'));
  if (schemaProblems.length) throw new InputErrors(schemaProblems);
  const src = doc.value as NetworkBaselineSource;
  const errors: InputError[] = [...profileNameProblems(doc, Object.keys(src.profiles), catalog)];

  const pools: (IpamPool & { parsed?: Ipv4Cidr })[] = [];
  const ids = new Map<string, string>();
  for (const [region, pool] of Object.entries(src.ipam.pools)) {
    const line = doc.locate(['ipam', 'pools', region]).line;
    if (!org.regions.allowed.includes(region))
      errors.push(
        new InputError(
          doc.locate(['ipam', 'pools', region]),
          `region ${region} is not allowed in org.yaml`,
          `pools for regions of ${org.regions.allowed.join(', ')}`,
        ),
      );
    // A pool is regional (its locale): one pool cannot serve two regions.
    if (ids.has(pool.id))
      errors.push(
        new InputError(
          doc.locate(['ipam', 'pools', region, 'id']),
          `pool ${pool.id} is also the pool of ${ids.get(pool.id)}`,
          'one pool per region, each with its own locale',
        ),
      );
    ids.set(pool.id, region);
    const parsed = parseCidr(pool.cidr);
    if (typeof parsed === 'string')
      errors.push(new InputError(doc.locate(['ipam', 'pools', region, 'cidr']), parsed, "the pool's provisioned IPv4 CIDR, such as 10.0.0.0/14"));
    else {
      // Overlapping pools would hand out the same addresses twice: the promise of IPAM is that none overlap.
      const clash = pools.find((p) => p.parsed && cidrsOverlap(p.parsed, parsed));
      if (clash)
        errors.push(
          new InputError(
            doc.locate(['ipam', 'pools', region, 'cidr']),
            `pool ${pool.cidr} of ${region} overlaps pool ${clash.cidr} of ${clash.region} (line ${clash.line})`,
            'disjoint pool CIDRs',
          ),
        );
    }
    pools.push({ region, id: pool.id, cidr: pool.cidr, line, ...(typeof parsed === 'string' ? {} : { parsed }) });
  }

  const settings = new Map<string, NetworkBaselineSettings>();
  const seen = new Set<string>();
  const report = (e: InputError) => {
    // A shared value is used by every profile that does not override it: report it once.
    if (!seen.has(e.message)) errors.push(e);
    seen.add(e.message);
  };
  for (const [profile, p] of Object.entries(src.profiles)) {
    const vpc: VpcSource = { ...src.vpc, ...p.vpc };
    const own = (...keys: (keyof VpcSource)[]) => keys.some((k) => p.vpc?.[k] !== undefined);
    const at = (key: keyof VpcSource) => doc.locate(own(key) ? ['profiles', profile, 'vpc', key] : ['vpc', key]);
    // Name the profile only when it overrides a value involved: a shared value's problem is the same for all.
    const of = (...keys: (keyof VpcSource)[]) => (own(...keys) ? ` (profile ${profile})` : '');
    for (const pool of pools) {
      if (pool.parsed && vpc.netmaskLength < pool.parsed.prefix) {
        report(
          new InputError(
            at('netmaskLength'),
            `a /${vpc.netmaskLength} VPC${of('netmaskLength')} is larger than pool ${pool.cidr} of ${pool.region}`,
            `a netmask length of at least ${pool.parsed.prefix}`,
          ),
        );
      }
    }
    // Fn::Cidr cuts the VPC into equal blocks of the subnet size: one per AZ and tier must fit.
    const needed = vpc.availabilityZones * TIERS;
    const room = vpc.subnetNetmaskLength >= vpc.netmaskLength ? 2 ** (vpc.subnetNetmaskLength - vpc.netmaskLength) : 0;
    if (needed > room) {
      // Blame what this profile changed, if it changed any of the three; else the shared subnet size.
      const blamed = (['subnetNetmaskLength', 'netmaskLength', 'availabilityZones'] as const).find((k) => own(k)) ?? 'subnetNetmaskLength';
      report(
        new InputError(
          at(blamed),
          `a /${vpc.netmaskLength} VPC holds ${room} subnets of /${vpc.subnetNetmaskLength}, but ${vpc.availabilityZones} AZs × ${TIERS} tiers (public, private) need ${needed}${of('netmaskLength', 'availabilityZones', 'subnetNetmaskLength')}`,
          `a subnet netmask length of at least ${vpc.netmaskLength + Math.ceil(Math.log2(needed))} (at most 28), a larger VPC or fewer AZs`,
        ),
      );
    }
    settings.set(profile, {
      profile,
      ipamPools: pools.map(({ region, id, cidr, line }) => ({ region, id, cidr, line })).sort((a, b) => a.region.localeCompare(b.region)),
      vpcNetmaskLength: vpc.netmaskLength,
      availabilityZones: vpc.availabilityZones,
      subnetNetmaskLength: vpc.subnetNetmaskLength,
      natGateways: p.natGateways,
      flowLogs: { ...vpc.flowLogs },
      interfaceEndpoints: [...vpc.interfaceEndpoints],
      gatewayEndpoints: [...vpc.gatewayEndpoints],
    });
  }
  if (errors.length) throw new InputErrors(errors);
  return settings;
}
