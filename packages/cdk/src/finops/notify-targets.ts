import type { NotificationTargets } from '@tarmac/core/org';
import { CostAlertTopics } from './cost-alert-topics';
import { duplicates, unknownName } from './names';

/** Where one budget's or subscription's alerts go, resolved from the names it lists in `notify`. */
export interface ResolvedTargets {
  /** SNS topic ARNs, in the order listed. */
  readonly topicArns: string[];
  /** E-mail addresses, in the order listed. */
  readonly emails: string[];
}

/**
 * Resolves `notify` names against budgets.yaml `notifications`: each must be a topic or an e-mail contact
 * (never both), listed once. The topics must exist in `topics` (the CostAlertTopics of the same targets).
 */
export function resolveTargets(owner: string, notify: readonly string[], targets: NotificationTargets, topics: CostAlertTopics): ResolvedTargets {
  const topicNames = new Set(targets.topics.map((t) => t.name));
  const emails = new Map(targets.emails.map((e) => [e.name, e.address]));
  const both = [...topicNames].filter((n) => emails.has(n));
  if (both.length)
    throw new Error(`${owner}: ${both.map((n) => `'${n}'`).join(', ')} names both a topic and an e-mail contact; notification target names must be unique`);
  if (!notify.length) throw new Error(`${owner}: notify lists no target, so its alerts would go nowhere`);
  const twice = duplicates(notify);
  if (twice.length) throw new Error(`${owner}: notify lists ${twice.map((n) => `'${n}'`).join(', ')} more than once`);
  const resolved: ResolvedTargets = { topicArns: [], emails: [] };
  for (const name of notify) {
    if (topicNames.has(name)) resolved.topicArns.push(topics.topicArn(name));
    else if (emails.has(name)) resolved.emails.push(emails.get(name)!);
    else throw new Error(`${owner}: ${unknownName('notification target', name, [...topicNames, ...emails.keys()])}`);
  }
  return resolved;
}
