import { canonicalControlId } from '../catalog/control-aliases';
import { Catalog } from '../catalog/model';
import { accountsInScope } from '../exemptions/match-exemptions';
import { Exemption, exemptionStatus } from '../exemptions/model';
import { configRulesFor } from '../stacksets/compile-stacksets';
import { Organization } from './model';

/** One exemption in force as DIR/org/exemptions.json records it. */
export interface ExemptionRecord {
  readonly id: string;
  readonly controls: readonly string[];
  /** Every account in its scope, OUs expanded through org.yaml, sorted. */
  readonly accounts: readonly string[];
  readonly stacks: readonly string[];
  readonly resources: readonly string[];
  /** YYYY-MM-DD, the last day it applies (UTC). */
  readonly expires: string;
  readonly reason: string;
  readonly owner: string;
  readonly ticket?: string;
  /** The AWS Config rules that evaluate each Guard control it names, by control ID (controls without one left out). */
  readonly configRules: Readonly<Record<string, readonly string[]>>;
}

/**
 * DIR/org/exemptions.json: the exemptions in force on `today`. AWS Config managed rules cannot leave a resource
 * out (a rule's Scope narrows it to resource types, a tag, or one resource ID, never all but some), so a Config
 * rule keeps reporting an exempted resource NON_COMPLIANT; this record is what a report joins its findings with
 * to show them as exempted. Sorted by ID, keys in a fixed order: same sources and day, same bytes.
 */
export function exemptionsRecord(exemptions: readonly Exemption[], org: Organization, catalog: Catalog, today: Date): string {
  const rules = configRuleNames(catalog);
  // By the ID the exemption names; an alias (an SCP's ID) finds the rules of the control it names.
  const rulesOf = (id: string) => rules.get(canonicalControlId(catalog, id) ?? id);
  const records = exemptions
    .filter((e) => exemptionStatus(e, today, org.exemptionPolicy) !== 'expired')
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((e): ExemptionRecord => ({
      id: e.id,
      controls: e.controls,
      accounts: accountsInScope(e, org),
      stacks: e.stacks,
      resources: e.resources,
      expires: e.expires.toISOString().slice(0, 10),
      reason: e.reason,
      owner: e.owner,
      ...(e.ticket ? { ticket: e.ticket } : {}),
      configRules: Object.fromEntries(e.controls.flatMap((id) => (rulesOf(id) ? [[id, rulesOf(id)!]] : []))),
    }));
  return JSON.stringify({ exemptions: records }, null, 2) + '\n';
}

/**
 * The Config rule names that evaluate each Guard control, in any profile (a profile that turns the control off
 * deploys no rule for it; the record names the rule wherever it is deployed). Named as the stack sets name them.
 */
function configRuleNames(catalog: Catalog): Map<string, string[]> {
  const names = new Map<string, Set<string>>();
  for (const profile of catalog.profiles.values())
    for (const rule of configRulesFor(catalog, profile)) for (const id of rule.controls) names.set(id, (names.get(id) ?? new Set()).add(rule.name));
  return new Map([...names].map(([id, set]) => [id, [...set].sort()]));
}
