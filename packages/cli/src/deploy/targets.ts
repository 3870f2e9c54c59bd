import type { DeploymentTargets } from '@aws-sdk/client-cloudformation';
import type { InstanceStatus } from './model';

/**
 * Where one CreateStackInstances, DeleteStackInstances or UpdateStackSet call reaches: OUs × regions, or, for
 * an account target, the OUs narrowed to some of their accounts × regions.
 */
export interface TargetGroup {
  readonly ous: readonly string[];
  /** An account target's accounts (AccountFilterType INTERSECTION); absent for an OU target. */
  readonly accounts?: readonly string[];
  readonly regions: readonly string[];
}

/**
 * A stack set is compared with AWS pair by pair: OU × region for an OU target, account × region for an
 * account target (its instances are per account, and an OU holds accounts the stack set must not reach).
 */
export const pairKey = (unit: string, region: string) => `${unit} ${region}`;
export const splitPair = (key: string): [string, string] => key.split(' ') as [string, string];

export const isAccountTarget = (stackSet: { readonly targets: readonly TargetGroup[] }) => stackSet.targets.some((g) => g.accounts !== undefined);

/** Every pair a stack set should have instances in. */
export function desiredPairs(stackSet: { readonly targets: readonly TargetGroup[] }): Set<string> {
  return new Set(stackSet.targets.flatMap((g) => (g.accounts ?? g.ous).flatMap((unit) => g.regions.map((r) => pairKey(unit, r)))));
}

/** The pair an instance stands for; undefined for an OU target's instance that AWS reports without an OU. */
export function instanceKey(accountTarget: boolean, i: InstanceStatus): string | undefined {
  if (accountTarget) return pairKey(i.account, i.region);
  return i.ou ? pairKey(i.ou, i.region) : undefined;
}

/** Groups OU × region pairs into the fewest calls: OUs that need the same regions share one. */
export function groupPairs(pairs: Iterable<string>): TargetGroup[] {
  return byRegions(pairs).map(({ units, regions }) => ({ ous: units, regions }));
}

/**
 * Groups account × region pairs into the fewest calls: accounts that need the same regions share one, with
 * the OUs those accounts sit in (INTERSECTION reaches an account only through an OU that holds it).
 */
export function groupAccountPairs(pairs: Iterable<string>, ousOf: (account: string) => readonly string[]): TargetGroup[] {
  return byRegions(pairs).map(({ units, regions }) => ({ ous: [...new Set(units.flatMap((a) => ousOf(a)))].sort(), accounts: units, regions }));
}

function byRegions(pairs: Iterable<string>): { units: string[]; regions: string[] }[] {
  const regionsByUnit = new Map<string, Set<string>>();
  for (const key of pairs) {
    const [unit, region] = splitPair(key);
    if (!regionsByUnit.has(unit)) regionsByUnit.set(unit, new Set());
    regionsByUnit.get(unit)!.add(region);
  }
  const groups = new Map<string, { units: string[]; regions: string[] }>();
  for (const [unit, regions] of [...regionsByUnit].sort(([a], [b]) => a.localeCompare(b))) {
    const sorted = [...regions].sort();
    const id = sorted.join(',');
    if (!groups.has(id)) groups.set(id, { units: [], regions: sorted });
    groups.get(id)!.units.push(unit);
  }
  return [...groups.values()];
}

/** DeploymentTargets as the StackSets API takes them: an account target names its accounts and the filter. */
export function apiDeploymentTargets(group: TargetGroup): DeploymentTargets {
  return {
    OrganizationalUnitIds: [...group.ous],
    ...(group.accounts ? { Accounts: [...group.accounts], AccountFilterType: 'INTERSECTION' as const } : {}),
  };
}
