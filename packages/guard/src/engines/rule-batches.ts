import { EvaluationJob } from './engine';
import { typesReadBy } from './narrow-document';
import { GuardRule, ruleKey } from '../rules/guard-rule';

/** Rules evaluated together in one engine call, over templates every one of them applies to. */
export interface RuleBatch {
  readonly rules: readonly GuardRule[];
  readonly jobs: readonly EvaluationJob[];
  /** When every rule is narrowable: the types whose resources go in whole (see typesReadBy, narrowDocument). */
  readonly narrowTo?: ReadonlySet<string>;
}

/**
 * A cfn-guard process costs ~20 ms before it reads anything, so two groups are merged when that costs
 * fewer extra (rule, template) evaluations than this (measured ~0.3 ms each on narrowed documents).
 */
const MERGE_WASTE = 30;

interface Group {
  rules: GuardRule[];
  /** Indexes of the jobs the rules apply to. */
  jobs: Set<number>;
}

/**
 * Plans a run rule-major: rules that apply to exactly the same templates share a batch. cfn-guard pays for
 * every rule it parses (regex compilation makes a Control Tower rule cost ~2 ms) and for every rule and
 * document it evaluates, so grouping by template parsed the common rules once per group, while rule-major
 * parses each rule once and evaluates it only where it applies. Small groups are merged when that is
 * cheaper than another process.
 *
 * A batch never holds two rules with the same name, so a reported name identifies its rule file; template
 * sets larger than `maxTemplates` are split so a big batch can spread over processes. Largest work first.
 */
export function planRuleBatches(jobs: readonly EvaluationJob[], maxTemplates = 25): RuleBatch[] {
  const byRule = new Map<string, { rule: GuardRule; indexes: number[] }>();
  jobs.forEach((job, i) => {
    for (const rule of job.rules) {
      const entry = byRule.get(ruleKey(rule)) ?? { rule, indexes: [] };
      entry.indexes.push(i);
      byRule.set(ruleKey(rule), entry);
    }
  });
  const byJobSet = new Map<string, Group>();
  for (const { rule, indexes } of byRule.values()) {
    const group = byJobSet.get(indexes.join(',')) ?? { rules: [], jobs: new Set(indexes) };
    group.rules.push(rule);
    byJobSet.set(indexes.join(','), group);
  }
  const batches: RuleBatch[] = [];
  for (const group of mergeSmallGroups([...byJobSet.values()])) {
    const groupJobs = [...group.jobs].sort((a, b) => a - b).map((i) => jobs[i]);
    for (const rules of withUniqueNames(group.rules)) {
      const read = rules.map(typesReadBy);
      const narrowTo = read.every(Boolean) ? new Set(read.flatMap((types) => [...types!])) : undefined;
      for (let i = 0; i < groupJobs.length; i += maxTemplates) {
        batches.push({ rules, jobs: groupJobs.slice(i, i + maxTemplates), narrowTo });
      }
    }
  }
  return batches.sort((a, b) => b.rules.length * b.jobs.length - a.rules.length * a.jobs.length);
}

/** Evaluations a merged group makes that neither group made alone. */
function waste(a: Group, b: Group): number {
  let onlyA = 0;
  let onlyB = 0;
  for (const j of a.jobs) if (!b.jobs.has(j)) onlyA++;
  for (const j of b.jobs) if (!a.jobs.has(j)) onlyB++;
  return a.rules.length * onlyB + b.rules.length * onlyA;
}

/** One pass, smallest groups first: each joins the partner it costs least to join, if cheap enough. */
function mergeSmallGroups(groups: Group[]): Group[] {
  const size = (g: Group) => g.rules.length * g.jobs.size;
  const out: Group[] = [];
  for (const group of groups.sort((a, b) => size(a) - size(b))) {
    let best: { target: Group; cost: number } | undefined;
    for (const target of out) {
      const cost = waste(group, target);
      if (cost <= MERGE_WASTE && (!best || cost < best.cost)) best = { target, cost };
    }
    if (best) {
      best.target.rules.push(...group.rules);
      for (const j of group.jobs) best.target.jobs.add(j);
    } else {
      out.push({ rules: [...group.rules], jobs: new Set(group.jobs) });
    }
  }
  return out;
}

/** Splits rules so that no two in one part report the same rule name. */
function withUniqueNames(rules: readonly GuardRule[]): GuardRule[][] {
  const parts: { rules: GuardRule[]; names: Set<string> }[] = [];
  for (const rule of rules) {
    let part = parts.find((p) => rule.names.every((n) => !p.names.has(n)));
    if (!part) parts.push((part = { rules: [], names: new Set() }));
    part.rules.push(rule);
    for (const n of rule.names) part.names.add(n);
  }
  return parts.map((p) => p.rules);
}
