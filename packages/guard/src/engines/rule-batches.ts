import { EvaluationJob } from './engine';
import { typesReadBy } from './narrow-document';
import { GuardRule, ruleKey } from '../rules/guard-rule';

/** Rules evaluated together in one engine call, over templates every one of them applies to. */
export interface RuleBatch {
  readonly rules: readonly GuardRule[];
  readonly jobs: readonly EvaluationJob[];
  /** When every rule is narrowable: the types whose resources go in whole (see typesReadBy, narrowDocument). */
  readonly narrowTo?: ReadonlySet<string>;
  /** Estimated work, in rule-bytes: what the scheduler orders by. */
  readonly cost: number;
}

export interface PlanOptions {
  /** Processes that will run at once: big batches are split so that none of them is left idle. */
  readonly workers?: number;
  /** At most this many templates per batch. */
  readonly maxTemplates?: number;
}

/**
 * The cost model, in rule-bytes. cfn-guard's time grows with every rule times every byte of document it
 * evaluates (measured ~0.3-3 µs per rule and byte, by rule complexity and failures), plus ~20 ms to start a
 * process and ~0.3 µs per byte to load a document. A resource narrowed to a stub costs about its type.
 */
const PROCESS_COST = 20_000;
const STUB_BYTES = 30;
/** Never split a batch below this: another process would cost more than it spreads. */
const MIN_PIECE = 4 * PROCESS_COST;

/** Approximate bytes of one template's canonical JSON: its resources by type, and the rest of the document. */
interface Sizes {
  readonly byType: ReadonlyMap<string, { bytes: number; count: number }>;
  readonly other: number;
  readonly total: number;
}

interface Group {
  rules: GuardRule[];
  /** Indexes of the jobs the rules apply to. */
  jobs: Set<number>;
  /** Types kept whole; undefined when some rule is not narrowable (whole documents). */
  types?: Set<string>;
  cost: number;
}

/**
 * Plans a run rule-major. Rules that apply to the same templates and read the same resource types share a
 * batch, whose documents are narrowed to those types: most of a large template is resources a given rule
 * never looks at, and cfn-guard pays for every byte of every document times every rule. Small groups merge
 * when the evaluation that adds costs less than another process; large ones are split (by templates, then
 * by rules) so that the work spreads over `workers` processes. A batch never holds two rules with the same
 * name, so a reported name identifies its rule file. Largest work first, so the longest batches start first.
 */
export function planRuleBatches(jobs: readonly EvaluationJob[], options: PlanOptions = {}): RuleBatch[] {
  const sizes = jobs.map((j) => sizesOf(j.template.document));
  const evaluation = (rules: number, jobSet: Iterable<number>, keep?: (type: string) => boolean) => {
    let bytes = 0;
    for (const j of jobSet) bytes += keep ? narrowedBytes(sizes[j], keep) : sizes[j].total;
    return rules * bytes;
  };
  const groupCost = (g: Omit<Group, 'cost'>) => PROCESS_COST + evaluation(g.rules.length, g.jobs, g.types && ((t) => g.types!.has(t)));

  const byRule = new Map<string, { rule: GuardRule; jobs: Set<number> }>();
  jobs.forEach((job, i) => {
    for (const rule of job.rules) {
      const entry = byRule.get(ruleKey(rule)) ?? { rule, jobs: new Set<number>() };
      entry.jobs.add(i);
      byRule.set(ruleKey(rule), entry);
    }
  });
  const byShape = new Map<string, Group>();
  for (const { rule, jobs: set } of byRule.values()) {
    const types = typesReadBy(rule);
    const key = `${[...set].join(',')}|${types ? [...types].sort().join(',') : '*'}`;
    const group = byShape.get(key);
    if (group) group.rules.push(rule);
    else byShape.set(key, { rules: [rule], jobs: set, types: types && new Set(types), cost: 0 });
  }
  const groups = [...byShape.values()];
  for (const g of groups) g.cost = groupCost(g);

  const merged = mergeSmallGroups(groups, (a, b) => {
    const keep = a.types && b.types ? (t: string) => a.types!.has(t) || b.types!.has(t) : undefined;
    return PROCESS_COST + evaluation(a.rules.length + b.rules.length, union(a.jobs, b.jobs), keep);
  });

  const total = merged.reduce((n, g) => n + g.cost, 0);
  const workers = options.workers ?? 1;
  // About four pieces per worker, so the longest last piece is short; one worker gains nothing from splitting.
  const piece = workers > 1 ? Math.max(MIN_PIECE, total / (4 * workers)) : Infinity;
  const maxTemplates = options.maxTemplates ?? 25;
  const batches: RuleBatch[] = [];
  for (const group of merged) {
    const keep = group.types && ((t: string) => group.types!.has(t));
    for (const rules of withUniqueNames(group.rules)) {
      for (const chunk of chunkJobs(
        [...group.jobs].sort((a, b) => a - b),
        (j) => evaluation(rules.length, [j], keep),
        piece,
        maxTemplates,
      )) {
        const perRule = evaluation(1, chunk, keep);
        const parts = Math.min(rules.length, Math.max(1, Math.round((perRule * rules.length) / piece)));
        for (let p = 0; p < parts; p++) {
          const part = rules.filter((_, i) => i % parts === p);
          batches.push({ rules: part, jobs: chunk.map((j) => jobs[j]), narrowTo: group.types, cost: PROCESS_COST + perRule * part.length });
        }
      }
    }
  }
  return batches.sort((a, b) => b.cost - a.cost);
}

/** One pass, cheapest groups first: each joins the partner that saves most, if merging saves anything. */
function mergeSmallGroups(groups: Group[], mergedCost: (a: Group, b: Group) => number): Group[] {
  const out: Group[] = [];
  for (const group of groups.sort((a, b) => a.cost - b.cost)) {
    let best: { target: Group; cost: number; saving: number } | undefined;
    for (const target of out) {
      const cost = mergedCost(group, target);
      const saving = group.cost + target.cost - cost;
      if (saving > 0 && (!best || saving > best.saving)) best = { target, cost, saving };
    }
    if (best) {
      const { target } = best;
      target.rules.push(...group.rules);
      target.jobs = union(target.jobs, group.jobs);
      target.types = target.types && group.types && union(target.types, group.types);
      target.cost = best.cost;
    } else {
      out.push({ ...group, rules: [...group.rules] });
    }
  }
  return out;
}

/** Consecutive runs of jobs, each costing about `piece` (a job costing more is a run of its own). */
function chunkJobs(jobs: number[], cost: (job: number) => number, piece: number, maxTemplates: number): number[][] {
  const chunks: number[][] = [];
  let current: number[] = [];
  let sum = 0;
  for (const j of jobs) {
    const c = cost(j);
    if (current.length && (sum + c > piece || current.length >= maxTemplates)) {
      chunks.push(current);
      current = [];
      sum = 0;
    }
    current.push(j);
    sum += c;
  }
  if (current.length) chunks.push(current);
  return chunks;
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

function union<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): Set<T> {
  const out = new Set(a);
  for (const x of b) out.add(x);
  return out;
}

const sizesCache = new WeakMap<object, Sizes>();

function sizesOf(document: Record<string, unknown>): Sizes {
  let sizes = sizesCache.get(document);
  if (!sizes) {
    const byType = new Map<string, { bytes: number; count: number }>();
    const other = JSON.stringify({ ...document, Resources: {} }).length;
    let total = other;
    for (const [id, resource] of Object.entries((document.Resources ?? {}) as Record<string, { Type?: unknown }>)) {
      const bytes = id.length + (JSON.stringify(resource)?.length ?? 0);
      const entry = byType.get(String(resource?.Type)) ?? { bytes: 0, count: 0 };
      entry.bytes += bytes;
      entry.count++;
      byType.set(String(resource?.Type), entry);
      total += bytes;
    }
    sizes = { byType, other, total };
    sizesCache.set(document, sizes);
  }
  return sizes;
}

/** Bytes of the document narrowed to the kept types: the kept resources whole, every other one a stub. */
function narrowedBytes(sizes: Sizes, keep: (type: string) => boolean): number {
  let bytes = sizes.other;
  for (const [type, { bytes: b, count }] of sizes.byType) bytes += keep(type) ? b : count * STUB_BYTES;
  return bytes;
}
