import { IamStatement, OrgPolicyType, Organization } from '../org/model';
import { accountsInScope } from './match-exemptions';
import { Exemption, exemptionStatus } from './model';

/** The accounts carved out of one SCP or RCP control on the day built, and the exemptions that carve them. */
export interface CarveOut {
  readonly accountIds: readonly string[];
  readonly exemptions: readonly Pick<Exemption, 'id' | 'file' | 'line'>[];
}

/** Carve-outs by control ID. */
export type CarveOuts = ReadonlyMap<string, CarveOut>;

/**
 * The condition key that names the exempted account in each statement policy type. An SCP limits the principals of
 * the accounts it is attached to, so the account is the principal's (aws:PrincipalAccount). An RCP limits the
 * resources of its accounts, whoever calls, often a principal of another account or an AWS service: the account
 * to carve out is the resource's (aws:ResourceAccount); aws:PrincipalAccount there would exempt the exempted
 * account's principals on every other account's resources and still deny callers of its own resources.
 */
export const CARVE_OUT_KEY: Partial<Record<OrgPolicyType, string>> = {
  SERVICE_CONTROL_POLICY: 'aws:PrincipalAccount',
  RESOURCE_CONTROL_POLICY: 'aws:ResourceAccount',
};

/**
 * The carve-outs of the exemptions in force on `today` (active or expiring; an expired one carves nothing) that
 * name an SCP or RCP control: every account in their scope (OUs expanded through org.yaml), sorted.
 *
 * An exemption naming the catalog control an SCP or RCP enforces at the API (the policy's `control`, of which
 * the policy's ID is an alias) names one intent, so it carves the policy too, when its scope is whole accounts:
 * scoped to stacks or resources, the policy cannot follow it and keeps denying (blocks more, never less).
 */
export function orgPolicyCarveOuts(
  exemptions: readonly Exemption[],
  org: Organization,
  today: Date,
  controls: readonly { readonly id: string; readonly type: OrgPolicyType; readonly control?: string }[],
): Map<string, CarveOut> {
  const carved = new Map<string, { accountIds: Set<string>; exemptions: Exemption[] }>();
  for (const exemption of exemptions) {
    if (exemptionStatus(exemption, today, org.exemptionPolicy) === 'expired') continue;
    const wholeAccounts = !exemption.stacks.length && !exemption.resources.length;
    const named = controls.filter(
      (c) => CARVE_OUT_KEY[c.type] && (exemption.controls.includes(c.id) || (wholeAccounts && c.control && exemption.controls.includes(c.control))),
    );
    for (const { id } of named) {
      const entry = carved.get(id) ?? { accountIds: new Set<string>(), exemptions: [] };
      for (const account of accountsInScope(exemption, org)) entry.accountIds.add(account);
      entry.exemptions.push(exemption);
      carved.set(id, entry);
    }
  }
  return new Map(
    [...carved].map(([id, e]) => [id, { accountIds: [...e.accountIds].sort(), exemptions: e.exemptions.map(({ id, file, line }) => ({ id, file, line })) }]),
  );
}

/**
 * A Deny statement with the accounts carved out: `StringNotEquals` on the type's account key, merged with any
 * condition already there. Allow statements are left alone (only Deny can be carved out of).
 *
 * Merging: the operators of a Condition block, and the keys within one operator, must all hold for the Deny to
 * apply (AND); the values of one key under a negated operator such as StringNotEquals hold when the request's
 * value equals none of them (NOR). A statement that already has `StringNotEquals` on the same key denies only
 * outside its accounts A; carving E out must deny only outside A and outside E, which is exactly
 * `StringNotEquals` over A ∪ E, so the values are united (JSON allows the key only once per operator). That holds
 * for policy variables among A too. Any other operator on the key (StringNotEqualsIfExists, StringLike, ...)
 * sits in its own block and stays ANDed with ours, which is also the meaning wanted. Condition keys are
 * case-insensitive, so a key spelled aws:principalaccount is the same key.
 *
 * A request without the key (an anonymous call has no aws:PrincipalAccount; a few actions have no
 * aws:ResourceAccount) makes StringNotEquals true: the Deny still applies there, which blocks more, never less.
 */
export function withCarveOut(statement: IamStatement, type: OrgPolicyType, accountIds: readonly string[]): IamStatement {
  const key = CARVE_OUT_KEY[type];
  if (!key || !accountIds.length || statement.Effect !== 'Deny') return statement;
  const condition = { ...(statement.Condition ?? {}) };
  const block = { ...(condition.StringNotEquals ?? {}) };
  const present = Object.keys(block).find((k) => k.toLowerCase() === key.toLowerCase()) ?? key;
  const existing = block[present];
  const values = existing === undefined ? [] : Array.isArray(existing) ? existing.map(String) : [String(existing)];
  block[present] = [...new Set([...values, ...accountIds])];
  condition.StringNotEquals = block;
  return { ...statement, Condition: condition };
}
