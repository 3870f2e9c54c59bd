import { Control, controlIdsOf } from '../catalog/model';
import { GuardExemption, readGuardExemptions } from '../exemptions/guard-exemptions';
import { accountsInScope } from '../exemptions/match-exemptions';
import { Exemption, exemptionStatus } from '../exemptions/model';
import { Organization } from '../org/model';

export { GuardExemption, exemptGuardRules, readGuardExemptions, stackIdRegex } from '../exemptions/guard-exemptions';

/** An exemption a rule bundle carries, as its header lines say: which control file, which exemption, its last day. */
export interface CarriedExemption {
  readonly control: string;
  readonly id: string;
  /** YYYY-MM-DD */
  readonly expires: string;
}

/**
 * The exemptions a hook target's bundle carries, by control ID: those in force on `today` (active or expiring)
 * that name the control (or one of its aliases) and cover an account the target reaches. Only those accounts are written: OUs are
 * expanded to the accounts org.yaml lists (the hook sees an account ID, never an OU), and an account of
 * another target has no business in this bundle. Expired exemptions are left out, so the bundle changes
 * the day after one expires.
 */
export function bundleExemptions(
  exemptions: readonly Exemption[],
  org: Organization,
  controls: readonly Control[],
  targetAccounts: ReadonlySet<string>,
  today: Date,
): Map<string, GuardExemption[]> {
  const byControl = new Map<string, GuardExemption[]>();
  for (const exemption of exemptions) {
    if (exemptionStatus(exemption, today, org.exemptionPolicy) === 'expired') continue;
    const accountIds = accountsInScope(exemption, org).filter((id) => targetAccounts.has(id));
    if (!accountIds.length) continue;
    const carried: GuardExemption = {
      id: exemption.id,
      expires: exemption.expires.toISOString().slice(0, 10),
      accountIds,
      stacks: exemption.stacks,
      resources: exemption.resources,
    };
    // By the control's ID or an alias (an exemption written against an ID since merged into this control).
    for (const control of controls)
      if (controlIdsOf(control).some((id) => exemption.controls.includes(id))) byControl.set(control.id, [...(byControl.get(control.id) ?? []), carried]);
  }
  return byControl;
}

/** The exemptions a bundle carries (a deployed one read back: readZipEntries), from each `<control>.guard` header, sorted. */
export function readBundleExemptions(entries: ReadonlyMap<string, Uint8Array>): CarriedExemption[] {
  const carried: CarriedExemption[] = [];
  for (const [name, data] of entries) {
    const control = name.replace(/\.guard$/, '');
    for (const e of readGuardExemptions(Buffer.from(data).toString('utf8'))) carried.push({ control, ...e });
  }
  return carried.sort((a, b) => (a.id === b.id ? (a.control < b.control ? -1 : 1) : a.id < b.id ? -1 : 1));
}

/** Carried exemptions whose last day is before `today`: the hook still skips for them, as cfn-guard has no clock. */
export function expiredCarried(carried: readonly CarriedExemption[], today: Date): CarriedExemption[] {
  const day = today.toISOString().slice(0, 10);
  return carried.filter((e) => e.expires < day);
}
