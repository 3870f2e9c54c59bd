import {
  Account,
  DescribePolicyCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListPoliciesCommand,
  ListRootsCommand,
  ListTargetsForPolicyCommand,
  OrganizationalUnit,
  PolicyType,
} from '@aws-sdk/client-organizations';
import { describeError } from '../../deploy/aws-errors';
import { mapBounded } from '../../deploy/concurrency';
import type { EngineContext } from '../../deploy/context';
import { TARMAC_POLICY_TYPES } from '../../deploy/desired';
import { orgCall } from '../../deploy/org-policies';
import { paginate } from '../../deploy/paginate';

export interface LiveOu {
  readonly id: string;
  readonly name: string;
  readonly parentId: string;
}

export interface LiveOrgAccount {
  readonly id: string;
  readonly name: string;
  /** Account.State (ACTIVE, SUSPENDED, PENDING_CLOSURE, CLOSED...); Account.Status, retired on 2026-09-09, only where State is absent. */
  readonly state: string;
  readonly parentId: string;
}

export interface LivePolicy {
  readonly id: string;
  readonly name: string;
  readonly type: string;
  readonly awsManaged: boolean;
  /** Read for Tarmac's own policies (tarmac-*), to compare with the build. */
  readonly content?: string;
  /** Roots, OUs and accounts it is attached to. */
  readonly targets: readonly string[];
}

/** The organization as AWS Organizations has it now: the tree and every policy of the types Tarmac builds. */
export interface LiveOrganization {
  readonly rootId?: string;
  readonly ous: readonly LiveOu[];
  readonly accounts: readonly LiveOrgAccount[];
  readonly policies: readonly LivePolicy[];
  /** What could not be read (a policy type not enabled, access denied): named, so nothing is silently missing. */
  readonly errors: readonly string[];
}

const CONCURRENCY = 4;

/**
 * Walks the tree from the root (ListOrganizationalUnitsForParent and ListAccountsForParent per parent) and reads
 * every policy with its targets (ListPolicies and ListTargetsForPolicy per type): calls grow with OUs and
 * policies, not with accounts × policy types.
 */
export async function collectOrganization(ctx: EngineContext): Promise<LiveOrganization> {
  const org = ctx.clients.organizations;
  const errors: string[] = [];
  const roots = await orgCall(ctx, 'organizations:ListRoots', () => org.send(new ListRootsCommand({})));
  const rootId = roots.Roots?.[0]?.Id;
  const ous: LiveOu[] = [];
  const accounts: LiveOrgAccount[] = [];
  let parents = rootId ? [rootId] : [];
  while (parents.length) {
    const children = await mapBounded(parents, CONCURRENCY, async (parentId) => {
      const [childOus, childAccounts] = await Promise.all([
        paginate<OrganizationalUnit>(async (NextToken) => {
          const out = await orgCall(ctx, `organizations:ListOrganizationalUnitsForParent ${parentId}`, () =>
            org.send(new ListOrganizationalUnitsForParentCommand({ ParentId: parentId, NextToken })),
          );
          return { items: out.OrganizationalUnits, nextToken: out.NextToken };
        }),
        paginate<Account>(async (NextToken) => {
          const out = await orgCall(ctx, `organizations:ListAccountsForParent ${parentId}`, () =>
            org.send(new ListAccountsForParentCommand({ ParentId: parentId, NextToken })),
          );
          return { items: out.Accounts, nextToken: out.NextToken };
        }),
      ]);
      for (const a of childAccounts) if (a.Id) accounts.push({ id: a.Id, name: a.Name ?? a.Id, state: a.State ?? a.Status ?? 'ACTIVE', parentId });
      return childOus.filter((o) => o.Id).map((o) => ({ id: o.Id!, name: o.Name ?? o.Id!, parentId }));
    });
    ous.push(...children.flat());
    parents = children.flat().map((o) => o.id);
  }

  const policies: LivePolicy[] = [];
  for (const type of TARMAC_POLICY_TYPES) {
    let summaries;
    try {
      summaries = await paginate(async (NextToken) => {
        const out = await orgCall(ctx, `organizations:ListPolicies ${type}`, () =>
          org.send(new ListPoliciesCommand({ Filter: type as PolicyType, NextToken })),
        );
        return { items: out.Policies, nextToken: out.NextToken };
      });
    } catch (err) {
      errors.push(`${type} policies could not be listed: ${describeError(err)}`);
      continue;
    }
    const read = await mapBounded(
      summaries.filter((s) => s.Id),
      CONCURRENCY,
      async (s): Promise<LivePolicy> => {
        const id = s.Id!;
        const name = s.Name ?? id;
        const targets = await paginate(async (NextToken) => {
          const out = await orgCall(ctx, `organizations:ListTargetsForPolicy ${name}`, () =>
            org.send(new ListTargetsForPolicyCommand({ PolicyId: id, NextToken })),
          );
          return { items: out.Targets, nextToken: out.NextToken };
        });
        const ours = name.startsWith('tarmac-') && !s.AwsManaged;
        const content = ours
          ? ((await orgCall(ctx, `organizations:DescribePolicy ${name}`, () => org.send(new DescribePolicyCommand({ PolicyId: id })))).Policy?.Content ?? '')
          : undefined;
        return {
          id,
          name,
          type,
          awsManaged: s.AwsManaged === true,
          ...(content !== undefined ? { content } : {}),
          targets: targets.flatMap((t) => (t.TargetId ? [t.TargetId] : [])).sort(),
        };
      },
    );
    policies.push(...read);
  }
  return { ...(rootId ? { rootId } : {}), ous, accounts, policies, errors };
}
