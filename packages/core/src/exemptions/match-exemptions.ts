import { ExemptionPolicy, Organization } from '../org/model';
import { chainTo } from '../org/targets';
import { Exemption, ExemptionStatus, exemptionStatus } from './model';

/** Where a finding was made: the account is required, since every exemption is scoped to accounts or OUs. */
export interface ExemptionTarget {
  readonly accountId: string;
  /** The stack's name; unknown, an exemption scoped to stacks does not apply. */
  readonly stack?: string;
  /** The resource's logical ID; unknown, an exemption scoped to resources does not apply. */
  readonly logicalId?: string;
}

/** The exemption that covers a finding, with its status on the day asked about. */
export interface ExemptionMatch {
  readonly exemption: Exemption;
  readonly status: ExemptionStatus;
}

/**
 * The accounts an exemption covers: its accounts and those org.yaml places under its OUs, at any depth.
 * An account that joins an OU later is covered only once org.yaml lists it (a rule bundle or an SCP
 * carve-out is built from this list): the platform team decides who is exempt, never the OU's growth.
 */
export function accountsInScope(exemption: Pick<Exemption, 'accountIds' | 'ouIds'>, org: Organization): string[] {
  const ous = new Set(exemption.ouIds);
  const ids = new Set(exemption.accountIds);
  if (ous.size) for (const a of org.accounts) if (chainTo(org, a.id).some((id) => ous.has(id))) ids.add(a.id);
  return [...ids].sort();
}

/** A stack name pattern, `*` matching any run of characters (stack names hold no other wildcard). */
export function stackPatternMatches(pattern: string, stack: string): boolean {
  return stackPatternRegExp(pattern).test(stack);
}

export function stackPatternRegExp(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map(escapeRegExp).join('.*')}$`, 's');
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}

/**
 * Whether the exemption covers one of `controlIds` (a control's ID and its aliases) at the target. A scope
 * the target cannot be placed in (stacks without a stack name, resources without a logical ID) does not
 * cover it: an exemption never applies where Tarmac cannot tell that it should.
 */
export function exemptionCovers(exemption: Exemption, controlIds: readonly string[], target: ExemptionTarget, org: Organization): boolean {
  if (!exemption.controls.some((c) => controlIds.includes(c))) return false;
  if (!accountsInScope(exemption, org).includes(target.accountId)) return false;
  if (exemption.stacks.length && (target.stack === undefined || !exemption.stacks.some((p) => stackPatternMatches(p, target.stack!)))) return false;
  if (exemption.resources.length && (target.logicalId === undefined || !exemption.resources.includes(target.logicalId))) return false;
  return true;
}

/**
 * The exemption that applies, preferring one in force (active or expiring, first in file order) to an
 * expired one, which is returned so the finding can say an exemption would have applied: it never suppresses.
 */
export function matchExemption(
  exemptions: readonly Exemption[],
  controlIds: readonly string[],
  target: ExemptionTarget,
  org: Organization,
  today: Date,
  policy: ExemptionPolicy,
): ExemptionMatch | undefined {
  let expired: ExemptionMatch | undefined;
  for (const exemption of exemptions) {
    if (!exemptionCovers(exemption, controlIds, target, org)) continue;
    const status = exemptionStatus(exemption, today, policy);
    if (status !== 'expired') return { exemption, status };
    expired ??= { exemption, status };
  }
  return expired;
}
