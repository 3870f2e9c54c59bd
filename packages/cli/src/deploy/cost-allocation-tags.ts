import { CostAllocationTag, ListCostAllocationTagsCommand } from '@aws-sdk/client-cost-explorer';
import { describeError } from './aws-errors';
import type { EngineContext } from './context';
import { costExplorerCall } from './cost-explorer-call';
import type { TagCheck } from './model';
import { paginate } from './paginate';

/** ListCostAllocationTags takes at most 100 keys per request. */
const KEYS_PER_REQUEST = 100;

/**
 * Asks Cost Explorer whether each tag key the build relies on is an active user-defined cost allocation tag.
 * A budget or anomaly monitor filtering on an inactive tag deploys fine and then counts nothing. Any error
 * (AccessDenied from a member account, a throttle that does not pass) is returned as the check's error, so
 * the caller reports it as a failure: an unchecked tag is never taken as active.
 */
export async function checkCostAllocationTags(ctx: EngineContext, keys: readonly string[]): Promise<TagCheck> {
  const wanted = [...new Set(keys)].sort();
  if (!wanted.length) return { keys: wanted, inactive: [] };
  try {
    const found = new Map<string, CostAllocationTag>();
    for (let i = 0; i < wanted.length; i += KEYS_PER_REQUEST) {
      const TagKeys = wanted.slice(i, i + KEYS_PER_REQUEST);
      const tags = await paginate(async (NextToken) => {
        const out = await costExplorerCall(ctx, 'ce:ListCostAllocationTags', () =>
          ctx.clients.costExplorer.send(new ListCostAllocationTagsCommand({ TagKeys, Type: 'UserDefined', NextToken })),
        );
        return { items: out.CostAllocationTags, nextToken: out.NextToken };
      });
      for (const t of tags) if (t.TagKey) found.set(t.TagKey, t);
    }
    // Tag keys are case-sensitive: `Team` active does not make `team` count.
    const inactive = wanted.flatMap((key): TagCheck['inactive'][number][] => {
      const status = found.get(key)?.Status;
      if (status === 'Active') return [];
      return [{ key, status: status === 'Inactive' ? 'Inactive' : 'absent' }];
    });
    return { keys: wanted, inactive };
  } catch (err) {
    return { keys: wanted, inactive: [], error: describeError(err) };
  }
}

/** Whether the check lets the management stacks deploy as they are: every tag checked and active. */
export const tagsReady = (check: TagCheck) => !check.error && !check.inactive.length;

/** What the check found, for people: each inactive or unknown key with the command that activates it. */
export function tagCheckLines(check: TagCheck): string[] {
  if (check.error)
    return [
      `could not check cost allocation tags: ${check.error}`,
      '  (run with management-account credentials allowed ce:ListCostAllocationTags; the tags count as not active until checked)',
    ];
  if (!check.keys.length) return ['Cost allocation tags: none used by this build'];
  if (!check.inactive.length) return [`Cost allocation tags: all active (${check.keys.join(', ')})`];
  const lines = [
    `Cost allocation tags not active (${check.inactive.length} of ${check.keys.length}): budgets and anomaly monitors filtering on them count nothing`,
  ];
  for (const { key, status } of check.inactive) {
    lines.push(
      status === 'Inactive'
        ? `  ! ${key}: Inactive`
        : `  ! ${key}: not listed by Cost Explorer: no resource has carried it yet, or it was applied less than 24 hours ago; it can be activated once it is listed`,
    );
    lines.push(`      fix, from the management account: aws ce update-cost-allocation-tags-status --cost-allocation-tags-status TagKey=${key},Status=Active`);
  }
  lines.push(
    '  Activation takes up to 24 hours and applies to costs from then on; earlier months (up to 12) need a backfill:',
    '  aws ce start-cost-allocation-tag-backfill --backfill-from <first day of a month: YYYY-MM-01T00:00:00Z>',
  );
  return lines;
}
