import type { NetworkBaselineSettings } from '@tarmac/core/org';

/** Gateway endpoints AWS offers: the only two services with one. */
export const GATEWAY_ENDPOINT_SERVICES: readonly string[] = ['dynamodb', 's3'];
const SERVICE_NAME = /^[a-z0-9][a-z0-9.-]*$/;
const POOL_ID = /^ipam-pool-[0-9a-f]+$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
// What EC2 accepts for a VPC's and a subnet's IPv4 block.
const MIN_NETMASK = 16;
const MAX_NETMASK = 28;

/**
 * Why these network settings cannot be built, one line each ([] when they can). The loader in @tarmac/core
 * reports the same problems with the YAML file and line; this is the construct's own guard, for apps that
 * build the settings in code.
 */
export function networkSettingsProblems(s: NetworkBaselineSettings): string[] {
  const problems: string[] = [];
  const { availabilityZones: azs, vpcNetmaskLength: vpc, subnetNetmaskLength: subnet } = s;
  if (!Number.isInteger(azs) || azs < 2 || azs > 6) problems.push(`availabilityZones is ${azs}; expected a whole number from 2 to 6`);
  for (const [name, mask] of [
    ['vpcNetmaskLength', vpc],
    ['subnetNetmaskLength', subnet],
  ] as const) {
    if (!Number.isInteger(mask) || mask < MIN_NETMASK || mask > MAX_NETMASK) problems.push(`${name} is ${mask}; EC2 takes /${MIN_NETMASK} to /${MAX_NETMASK}`);
  }
  if (!problems.length) {
    const fits = 2 ** (subnet - vpc);
    if (2 * azs > fits) {
      problems.push(
        `${2 * azs} subnets of /${subnet} (a public and a private one in each of ${azs} AZs) do not fit in a /${vpc} VPC, which holds ${Math.max(fits, 0)}`,
      );
    }
  }
  if (!s.ipamPools.length) problems.push('ipamPools is empty; expected the IPAM pool of every region the baseline is deployed to');
  const regions = new Set<string>();
  for (const pool of s.ipamPools) {
    if (!REGION.test(pool.region)) problems.push(`IPAM pool ${pool.id}: '${pool.region}' is not an AWS region name`);
    if (regions.has(pool.region)) problems.push(`two IPAM pools for ${pool.region}; expected one per region`);
    regions.add(pool.region);
    if (!POOL_ID.test(pool.id)) problems.push(`'${pool.id}' is not an IPAM pool ID (ipam-pool-<hex>)`);
    const prefix = Number(/\/(\d{1,2})$/.exec(pool.cidr)?.[1]);
    if (Number.isNaN(prefix)) problems.push(`IPAM pool ${pool.id}: '${pool.cidr}' is not an IPv4 CIDR`);
    else if (prefix > vpc) problems.push(`IPAM pool ${pool.id} (${pool.cidr}) is smaller than one /${vpc} VPC`);
  }
  if (!Number.isInteger(s.flowLogs.retentionDays) || s.flowLogs.retentionDays < 1)
    problems.push(`flowLogs.retentionDays is ${s.flowLogs.retentionDays}; expected a whole number of days, at least 1`);
  for (const name of s.interfaceEndpoints)
    if (!SERVICE_NAME.test(name)) problems.push(`interface endpoint '${name}' is not a service name such as ssm or ssmmessages`);
  if (new Set(s.interfaceEndpoints).size !== s.interfaceEndpoints.length) problems.push('interfaceEndpoints names a service twice');
  for (const name of s.gatewayEndpoints)
    if (!GATEWAY_ENDPOINT_SERVICES.includes(name)) problems.push(`'${name}' has no gateway endpoint; expected one of ${GATEWAY_ENDPOINT_SERVICES.join(', ')}`);
  if (new Set(s.gatewayEndpoints).size !== s.gatewayEndpoints.length) problems.push('gatewayEndpoints names a service twice');
  return problems;
}
