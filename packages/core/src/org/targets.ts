import { closestMatch } from '../closest-match';
import { ACCOUNT_TYPES, AccountType, Organization } from './model';

/** Target syntax, for messages. */
export const TARGET_SYNTAX = 'root, ou:<path such as Workloads/Prod>, type:<sandbox|dev|prod> or account:<name or 12-digit ID>';

/**
 * Resolves a target as written to the IDs a policy is attached to. `type:` expands to every account of
 * that type (AWS has no account-type target); `*` is every root, OU and account. Throws an Error whose
 * message names the target and what exists.
 */
export function resolveTarget(org: Pick<Organization, 'rootId' | 'ous' | 'accounts'>, ref: string): string[] {
  if (ref === 'root') return [org.rootId];
  if (ref === '*') return allTargetIds(org);
  const colon = ref.indexOf(':');
  const kind = colon < 0 ? '' : ref.slice(0, colon);
  const value = ref.slice(colon + 1);
  switch (kind) {
    case 'ou': {
      const ou = org.ous.find((o) => o.path.toLowerCase() === value.replace(/^\/|\/$/g, '').toLowerCase());
      if (!ou)
        throw new Error(
          `no OU at path ${value}${suggest(
            value,
            org.ous.map((o) => o.path),
          )}`,
        );
      return [ou.id];
    }
    case 'type': {
      if (!ACCOUNT_TYPES.includes(value as AccountType)) throw new Error(`unknown account type ${value}; account types are ${ACCOUNT_TYPES.join(', ')}`);
      return org.accounts.filter((a) => a.type === value).map((a) => a.id);
    }
    case 'account': {
      const account = org.accounts.find((a) => a.name === value || a.id === value);
      if (!account)
        throw new Error(
          `no member account named ${value}${suggest(
            value,
            org.accounts.map((a) => a.name),
          )}`,
        );
      return [account.id];
    }
    default:
      throw new Error(`target ${ref} is not understood`);
  }
}

/** Composition order: root, then OUs, then account types, then single accounts. */
export function targetRank(ref: string): number {
  if (ref === 'root') return 0;
  if (ref.startsWith('ou:')) return 1;
  if (ref.startsWith('type:')) return 2;
  return 3;
}

function suggest(value: string, known: readonly string[]): string {
  const close = closestMatch(value, known);
  return close ? `; did you mean ${close}?` : known.length ? `; known: ${known.join(', ')}` : '';
}

/** Root, every OU (tree order) and every member account: where a policy can be attached. */
export function allTargetIds(org: Pick<Organization, 'rootId' | 'ous' | 'accounts'>): string[] {
  return [org.rootId, ...org.ous.map((o) => o.id), ...org.accounts.map((a) => a.id)];
}

/** A member or the management account, by name or ID. */
export function findAccount(org: Organization, nameOrId: string): { id: string; name: string } | undefined {
  if (nameOrId === org.managementAccountId || nameOrId === org.managementAccountName) return { id: org.managementAccountId, name: org.managementAccountName };
  return org.accounts.find((a) => a.name === nameOrId || a.id === nameOrId);
}

/** The targets whose policies apply at targetId: the root, the OUs above it, and itself (the management account sits under the root). */
export function chainTo(org: Organization, targetId: string): string[] {
  const parentOf = new Map<string, string>(org.ous.map((o) => [o.id, o.parentId]));
  for (const a of org.accounts) parentOf.set(a.id, a.ouId ?? org.rootId);
  parentOf.set(org.managementAccountId, org.rootId);
  const chain = [targetId];
  for (let id = parentOf.get(targetId); id; id = parentOf.get(id)) chain.unshift(id);
  return chain;
}
