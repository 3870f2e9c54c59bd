/**
 * Packs statements into the fewest policy documents under a size quota. First-fit decreasing is tried
 * first; when it misses the lower bound (total size / capacity), an exact search with a step budget looks
 * for fewer bins. Deterministic: ties break on input order, and each bin keeps the input order inside.
 */

export const VERSION = '2012-10-17';
const OVERHEAD = policyJson([]).length;

/** The document as sent: minified, Version first. */
export function policyJson(statementJsons: readonly string[]): string {
  return `{"Version":"${VERSION}","Statement":[${statementJsons.join(',')}]}`;
}

/** Characters a policy holding statements of these sizes takes (statements are comma-separated). */
export function policySize(sizes: readonly number[]): number {
  return OVERHEAD + sizes.reduce((a, b) => a + b, 0) + Math.max(0, sizes.length - 1);
}

/**
 * Returns bins of indexes into `sizes` (each bin in ascending index order, bins ordered by their first
 * index). Throws RangeError naming the index of a statement that cannot fit even alone.
 */
export function packStatements(sizes: readonly number[], maxSize: number, searchBudget = 200_000): number[][] {
  // A statement costs its size plus one comma; the bin's capacity gets one comma back.
  const capacity = maxSize - OVERHEAD + 1;
  const cost = sizes.map((s) => s + 1);
  cost.forEach((c, i) => {
    if (c > capacity) throw new RangeError(String(i));
  });
  if (!sizes.length) return [];
  const order = sizes.map((_, i) => i).sort((a, b) => cost[b] - cost[a] || a - b);
  let best = firstFit(order, cost, capacity);
  const lowerBound = Math.ceil(cost.reduce((a, b) => a + b, 0) / capacity);
  for (let bins = best.length - 1; bins >= lowerBound; bins--) {
    const found = exactFit(order, cost, capacity, bins, { steps: searchBudget });
    if (!found) break;
    best = found;
  }
  return best.map((b) => [...b].sort((x, y) => x - y)).sort((a, b) => a[0] - b[0]);
}

function firstFit(order: readonly number[], cost: readonly number[], capacity: number): number[][] {
  const bins: number[][] = [];
  const free: number[] = [];
  for (const i of order) {
    const b = free.findIndex((f) => f >= cost[i]);
    if (b < 0) {
      bins.push([i]);
      free.push(capacity - cost[i]);
    } else {
      bins[b].push(i);
      free[b] -= cost[i];
    }
  }
  return bins;
}

/** Depth-first search for a packing into exactly `binCount` bins; undefined when none exists or the budget runs out. */
function exactFit(order: readonly number[], cost: readonly number[], capacity: number, binCount: number, budget: { steps: number }): number[][] | undefined {
  const bins: number[][] = Array.from({ length: binCount }, () => []);
  const free = new Array<number>(binCount).fill(capacity);
  const place = (k: number): boolean => {
    if (k === order.length) return true;
    if (--budget.steps < 0) return false;
    const i = order[k];
    const tried = new Set<number>();
    for (let b = 0; b < binCount; b++) {
      // Bins with the same free space are interchangeable: trying one of them is enough.
      if (free[b] < cost[i] || tried.has(free[b])) continue;
      tried.add(free[b]);
      bins[b].push(i);
      free[b] -= cost[i];
      if (place(k + 1)) return true;
      free[b] += cost[i];
      bins[b].pop();
    }
    return false;
  };
  return place(0) ? bins : undefined;
}
