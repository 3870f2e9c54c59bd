import { InputError } from '../errors';
import { Organization } from '../org/model';
import { stackSetName, targetAccounts } from '../stacksets/load-stacksets';
import { StackSetDefinition } from '../stacksets/model';
import { blockSize, parseCidr } from './cidr';
import { NetworkBaselineSettings } from './model';

/**
 * A pool too small for the accounts it serves deploys fine and then fails allocating a VPC for the first
 * account past its capacity. So, before deploy: per region, the VPCs every network stack set reaching
 * the region needs (one per account, each of its target profile's size, an account counted once) must fit
 * in the region's pool. Sizes are powers of two and IPAM aligns them, so fitting the sum is fitting.
 * Problems are reported at the pool's line in network.yaml.
 */
export function ipamCapacityProblems(
  org: Organization,
  network: ReadonlyMap<string, NetworkBaselineSettings>,
  file: string,
  definitions: readonly StackSetDefinition[],
): InputError[] {
  const pools = [...network.values()][0]?.ipamPools ?? [];
  const problems: InputError[] = [];
  for (const pool of pools) {
    const cidr = parseCidr(pool.cidr);
    if (typeof cidr === 'string') continue; // reported by the loader
    const reached = new Map<string, { netmask: number; stackSet: string }>();
    for (const definition of definitions.filter((d) => d.baseline === 'network' && d.regions.includes(pool.region))) {
      for (const target of definition.targets) {
        const settings = target.profile === undefined ? undefined : network.get(target.profile);
        if (!settings) continue; // reported with the stack set
        for (const account of targetAccounts(org, target)) {
          if (!reached.has(account.id)) reached.set(account.id, { netmask: settings.vpcNetmaskLength, stackSet: stackSetName(definition, target) });
        }
      }
    }
    const needs = [...reached.values()];
    const needed = needs.reduce((n, r) => n + blockSize(r.netmask), 0);
    const capacity = blockSize(cidr.prefix);
    if (needed <= capacity) continue;
    const stackSets = [...new Set(needs.map((r) => r.stackSet))].sort().join(', ');
    const sizes = [...new Set(needs.map((r) => r.netmask))].sort((a, b) => a - b);
    const holds =
      sizes.length === 1
        ? `holds ${capacity / blockSize(sizes[0])} VPCs of /${sizes[0]}`
        : `has room for ${capacity} addresses, and VPCs of ${sizes.map((s) => `/${s} (${needs.filter((r) => r.netmask === s).length})`).join(', ')} need ${needed}`;
    problems.push(
      new InputError(
        { file, line: pool.line },
        `pool ${pool.cidr} in ${pool.region} ${holds}; stack sets ${stackSets} reach ${needs.length} accounts there`,
        'a larger pool, smaller VPCs (vpc.netmaskLength) or fewer accounts in the network stack sets of this region',
      ),
    );
  }
  return problems;
}
