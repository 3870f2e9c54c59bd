import { ExemptionPolicy, Organization } from '../org/model';

/** An exception to controls, in force for its scope until the end of its expiry day (UTC). */
export interface Exemption {
  readonly id: string;
  readonly controls: readonly string[];
  /** Resolved from names or IDs in the scope. */
  readonly accountIds: readonly string[];
  readonly ouIds: readonly string[];
  /** Stack name patterns (* matches any run); empty: every stack. */
  readonly stacks: readonly string[];
  /** Logical IDs; empty: every resource. */
  readonly resources: readonly string[];
  readonly reason: string;
  readonly owner: string;
  readonly ticket?: string;
  /** The last day it applies, at 00:00 UTC. */
  readonly expires: Date;
  readonly file: string;
  readonly line?: number;
}

/** The exemptions to build with and the day to judge them on: those in force are carved out and carried in bundles. */
export interface BuildExemptions {
  readonly exemptions: readonly Exemption[];
  readonly today: Date;
}

export type ExemptionStatus = 'active' | 'expiring' | 'expired';

const DAY_MS = 24 * 60 * 60 * 1000;

/** A YYYY-MM-DD that names a real day, at 00:00 UTC; undefined otherwise (2027-02-30). */
export function dayOf(text: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return undefined;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return date.toISOString().slice(0, 10) === text ? date : undefined;
}

/** Whole days from the day of `from` to the day of `to` (UTC). */
export function daysBetween(from: Date, to: Date): number {
  const start = Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate());
  return Math.round((to.getTime() - start) / DAY_MS);
}

/** In force through its expiry day; expiring when that day is within the policy's warning window. */
export function exemptionStatus(exemption: Pick<Exemption, 'expires'>, today: Date, policy: ExemptionPolicy): ExemptionStatus {
  const left = daysBetween(today, exemption.expires);
  if (left < 0) return 'expired';
  return left <= policy.expiringWithinDays ? 'expiring' : 'active';
}

/** The scope as people read it: account names and OU paths, then stack patterns and logical IDs. */
export function describeScope(e: Pick<Exemption, 'accountIds' | 'ouIds' | 'stacks' | 'resources'>, org: Pick<Organization, 'accounts' | 'ous'>): string {
  const name = (id: string) => org.accounts.find((a) => a.id === id)?.name ?? org.ous.find((o) => o.id === id)?.path ?? id;
  return [
    [...e.accountIds, ...e.ouIds].map(name).join(', '),
    e.stacks.length ? `stacks ${e.stacks.join(', ')}` : '',
    e.resources.length ? `resources ${e.resources.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join('; ');
}
