// Value comparisons and the binary operators of cfn-guard 3.1.1 (path_value.rs: compare_values, compare_eq,
// PartialEq; eval/operators.rs: EqOperation, InOperation, CommonOperator and the negation of their outcomes).
import type { QueryResult, UnresolvedResult } from './query-result';
import { regexMatches } from './regex';
import { compareStrings, isList, isScalar, PV } from './values';

/** Rust's Error::NotComparable: the pair cannot be compared, so the check fails (also under negation). */
export class NotComparable extends Error {}

/** Thrown and caught on every comparison of different types: built without the (costly) stack trace. */
function notComparable(message: string): NotComparable {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new NotComparable(message);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

function withinRange(v: PV, r: Extract<PV, { t: 'range' }>): boolean | undefined {
  const ok = (v.t === 'int' && r.type === 'int') || (v.t === 'float' && r.type === 'float') || (v.t === 'char' && r.type === 'char');
  if (!ok) return undefined;
  const x = (v as { v: number | string }).v;
  const cmp = (a: number | string, b: number | string) =>
    typeof a === 'string' ? compareStrings(a, b as string) : a < (b as number) ? -1 : a > (b as number) ? 1 : 0;
  const lo = cmp(x, r.lo);
  const hi = cmp(x, r.hi);
  return (r.loIn ? lo >= 0 : lo > 0) && (r.hiIn ? hi <= 0 : hi < 0);
}

/** compare_values: an ordering for same-typed scalars, else NotComparable. */
export function compareValues(a: PV, b: PV): number {
  if (a.t === 'null' && b.t === 'null') return 0;
  if ((a.t === 'int' && b.t === 'int') || (a.t === 'float' && b.t === 'float')) {
    if (Number.isNaN(a.v) || Number.isNaN(b.v)) throw notComparable('Float values are not comparable');
    return a.v < b.v ? -1 : a.v > b.v ? 1 : 0;
  }
  if ((a.t === 'string' && b.t === 'string') || (a.t === 'char' && b.t === 'char')) return compareStrings(a.v, b.v);
  throw notComparable(`not comparable ${a.t}, ${b.t}`);
}

/** compare_eq: String vs Regex matches, Map/List structurally (order matters for lists), ranges by membership. */
export function compareEq(a: PV, b: PV): boolean {
  if (a.t === 'string' && b.t === 'regex') return regexMatches(b.v, a.v);
  if (a.t === 'regex' && b.t === 'string') return regexMatches(a.v, b.v);
  if (a.t === 'string' && b.t === 'string') return a.v === b.v;
  if (a.t === 'map' && b.t === 'map') {
    if (a.v.size !== b.v.size) return false;
    for (const [k, v] of a.v) {
      const w = b.v.get(k);
      if (w === undefined || !compareEq(v, w)) return false;
    }
    return true;
  }
  if (a.t === 'list' && b.t === 'list') {
    if (a.v.length !== b.v.length) return false;
    for (let i = 0; i < a.v.length; i++) if (!compareEq(a.v[i], b.v[i])) return false;
    return true;
  }
  if (a.t === 'bool' && b.t === 'bool') return a.v === b.v;
  if (a.t === 'regex' && b.t === 'regex') return a.v === b.v;
  if (b.t === 'range') {
    const r = withinRange(a, b);
    if (r !== undefined) return r;
  }
  return compareValues(a, b) === 0;
}

/** Rust's PartialEq for PathAwareValue (used by `contains`): never throws, not comparable is unequal. */
export function partialEq(a: PV, b: PV): boolean {
  if (a.t === 'map' && b.t === 'map') {
    if (a.v.size !== b.v.size) return false;
    for (const [k, v] of a.v) {
      const w = b.v.get(k);
      if (w === undefined || !partialEq(v, w)) return false;
    }
    return true;
  }
  if (a.t === 'list' && b.t === 'list') return a.v.length === b.v.length && a.v.every((x, i) => partialEq(x, b.v[i]));
  if (a.t === 'bool' && b.t === 'bool') return a.v === b.v;
  if (a.t === 'string' && b.t === 'regex') return regexMatches(b.v, a.v);
  if (a.t === 'regex' && b.t === 'string') return regexMatches(a.v, b.v);
  if (a.t === 'regex' && b.t === 'regex') return a.v === b.v;
  if (b.t === 'range') {
    const r = withinRange(a, b);
    if (r !== undefined) return r;
  }
  try {
    return compareValues(a, b) === 0;
  } catch (e) {
    if (e instanceof NotComparable) return false;
    throw e;
  }
}

const contains = (list: PV[], v: PV): boolean => list.some((x) => partialEq(x, v));

export const compareLt = (a: PV, b: PV) => compareValues(a, b) < 0;
export const compareLe = (a: PV, b: PV) => compareValues(a, b) <= 0;
export const compareGt = (a: PV, b: PV) => compareValues(a, b) > 0;
export const compareGe = (a: PV, b: PV) => compareValues(a, b) >= 0;

// ---- operators.rs ---------------------------------------------------------------------------------------

export type Compare =
  | { k: 'value'; lhs: PV; rhs: PV }
  | { k: 'valueIn'; lhs: PV; rhs: PV }
  | { k: 'listIn'; diff: PV[]; lhs: PV; rhs: PV }
  | { k: 'queryIn'; diff: PV[]; lhs: PV[]; rhs: PV[] };

export type ValueEval =
  | { k: 'lhsUnresolved'; ur: UnresolvedResult }
  | { k: 'rhsUnresolved'; ur: UnresolvedResult; lhs: PV }
  | { k: 'notComparable'; lhs: PV; rhs: PV }
  | { k: 'success'; c: Compare }
  | { k: 'fail'; c: Compare };

type Cmp = (a: PV, b: PV) => boolean;

function matchValue(lhs: PV, rhs: PV, cmp: Cmp): ValueEval {
  try {
    return cmp(lhs, rhs) ? { k: 'success', c: { k: 'value', lhs, rhs } } : { k: 'fail', c: { k: 'value', lhs, rhs } };
  } catch (e) {
    if (e instanceof NotComparable) return { k: 'notComparable', lhs, rhs };
    throw e;
  }
}

/** The resolved values; each UnResolved is handed to `onUnresolved`. */
function selected(results: QueryResult[], onUnresolved: (ur: UnresolvedResult) => void): PV[] {
  const out: PV[] = [];
  for (const r of results)
    if (r.k === 'unresolved') onUnresolved(r);
    else out.push(r.v);
  return out;
}

function flattened(results: QueryResult[], onUnresolved: (ur: UnresolvedResult) => void): PV[] {
  return selected(results, onUnresolved).flatMap((v) => (isList(v) ? v.v : [v]));
}

const isLiteral = (results: QueryResult[]): PV | undefined => (results.length === 1 && results[0].k === 'literal' ? results[0].v : undefined);

function commonOperator(lhs: QueryResult[], rhs: QueryResult[], cmp: Cmp): ValueEval[] {
  const out: ValueEval[] = [];
  const l = flattened(lhs, (ur) => out.push({ k: 'lhsUnresolved', ur }));
  const r = flattened(rhs, (ur) => out.push(...l.map((x): ValueEval => ({ k: 'rhsUnresolved', ur, lhs: x }))));
  for (const a of l) for (const b of r) out.push(matchValue(a, b, cmp));
  return out;
}

function stringIn(lhs: PV, rhs: PV): ValueEval {
  if (lhs.t === 'string' && rhs.t === 'string') {
    return rhs.v.includes(lhs.v) ? { k: 'success', c: { k: 'value', lhs, rhs } } : { k: 'fail', c: { k: 'value', lhs, rhs } };
  }
  return { k: 'notComparable', lhs, rhs };
}

function containedIn(lhs: PV, rhs: PV): ValueEval {
  if (lhs.t === 'list') {
    if (rhs.t !== 'list') return { k: 'notComparable', lhs, rhs };
    if (rhs.v.length > 0 && rhs.v[0].t === 'list') {
      return contains(rhs.v, lhs) ? { k: 'success', c: { k: 'listIn', diff: [], lhs, rhs } } : { k: 'fail', c: { k: 'listIn', diff: [lhs], lhs, rhs } };
    }
    const diff = lhs.v.filter((e) => !contains(rhs.v, e));
    return { k: diff.length === 0 ? 'success' : 'fail', c: { k: 'listIn', diff, lhs, rhs } };
  }
  if (rhs.t === 'list') return { k: contains(rhs.v, lhs) ? 'success' : 'fail', c: { k: 'valueIn', lhs, rhs } };
  return matchValue(lhs, rhs, compareEq);
}

function inOperation(lhs: QueryResult[], rhs: QueryResult[]): ValueEval[] {
  const out: ValueEval[] = [];
  const l = isLiteral(lhs);
  const r = isLiteral(rhs);
  if (l && r) {
    const s = stringIn(l, r);
    out.push(s.k === 'success' ? s : containedIn(l, r));
  } else if (l) {
    const rs = selected(rhs, (ur) => out.push({ k: 'rhsUnresolved', ur, lhs: l }));
    if (rs.some(isList)) for (const x of rs) out.push(containedIn(l, x));
    else if (l.t === 'list') {
      const diff = l.v.filter((e) => !contains(rs, e));
      out.push({ k: diff.length === 0 ? 'success' : 'fail', c: { k: 'queryIn', diff, lhs: [l], rhs: rs } });
    } else for (const x of rs) out.push(containedIn(l, x));
  } else if (r) {
    for (const x of selected(lhs, (ur) => out.push({ k: 'lhsUnresolved', ur }))) {
      if (r.t === 'string') {
        if (x.t === 'list') for (const e of x.v) out.push(stringIn(e, r));
        else out.push(stringIn(x, r));
      } else out.push(containedIn(x, r));
    }
  } else {
    const ls = selected(lhs, (ur) => out.push({ k: 'lhsUnresolved', ur }));
    const rs = selected(rhs, (ur) => out.push(...ls.map((x): ValueEval => ({ k: 'rhsUnresolved', ur, lhs: x }))));
    const diff = ls.filter((x) => !rs.some((y) => containedIn(x, y).k === 'success'));
    out.push({ k: diff.length === 0 ? 'success' : 'fail', c: { k: 'queryIn', diff, lhs: ls, rhs: rs } });
  }
  return out;
}

function eqOperation(lhs: QueryResult[], rhs: QueryResult[]): ValueEval[] {
  const out: ValueEval[] = [];
  const l = isLiteral(lhs);
  const r = isLiteral(rhs);
  if (l && r) out.push(matchValue(l, r, compareEq));
  else if (l) {
    const rs = selected(rhs, (ur) => out.push({ k: 'rhsUnresolved', ur, lhs: l }));
    if (l.t === 'list') for (const x of rs) out.push(matchValue(l, x, compareEq));
    else
      for (const x of rs)
        if (x.t === 'list') for (const e of x.v) out.push(matchValue(l, e, compareEq));
        else out.push(matchValue(l, x, compareEq));
  } else if (r) {
    const ls = selected(lhs, (ur) => out.push({ k: 'lhsUnresolved', ur }));
    if (r.t === 'list') {
      for (const x of ls) out.push(isScalar(x) && r.v.length === 1 ? matchValue(x, r.v[0], compareEq) : matchValue(x, r, compareEq));
    } else {
      for (const x of ls)
        if (x.t === 'list') for (const e of x.v) out.push(matchValue(e, r, compareEq));
        else out.push(matchValue(x, r, compareEq));
    }
  } else {
    const ls = selected(lhs, (ur) => out.push({ k: 'lhsUnresolved', ur }));
    const rs = selected(rhs, (ur) => out.push(...ls.map((x): ValueEval => ({ k: 'rhsUnresolved', ur, lhs: x }))));
    const diff = ls.length > rs.length ? ls.filter((e) => !contains(rs, e)) : rs.filter((e) => !contains(ls, e));
    out.push({ k: diff.length === 0 ? 'success' : 'fail', c: { k: 'queryIn', diff, lhs: ls, rhs: rs } });
  }
  return out;
}

/** `(CmpOperator, bool)::compare`: undefined is Skip (either side has no results). */
export function binaryCompare(op: 'eq' | 'in' | 'lt' | 'gt' | 'le' | 'ge', negated: boolean, lhs: QueryResult[], rhs: QueryResult[]): ValueEval[] | undefined {
  if (lhs.length === 0 || rhs.length === 0) return undefined;
  const results =
    op === 'eq'
      ? eqOperation(lhs, rhs)
      : op === 'in'
        ? inOperation(lhs, rhs)
        : commonOperator(lhs, rhs, op === 'lt' ? compareLt : op === 'gt' ? compareGt : op === 'le' ? compareLe : compareGe);
  return negated ? results.map(negate) : results;
}

function negate(e: ValueEval): ValueEval {
  if (e.k === 'fail') {
    const c = e.c;
    if (c.k === 'queryIn') {
      const reverse = c.lhs.filter((x) => !contains(c.diff, x));
      return { k: reverse.length === 0 ? 'success' : 'fail', c: { ...c, diff: reverse } };
    }
    if (c.k === 'listIn') {
      const reverse = (c.lhs as Extract<PV, { t: 'list' }>).v.filter((x) => !contains(c.diff, x));
      return { k: reverse.length === 0 ? 'success' : 'fail', c: { ...c, diff: reverse } };
    }
    return { k: 'success', c };
  }
  if (e.k === 'success') {
    const c = e.c;
    if (c.k === 'queryIn') return { k: 'fail', c: { ...c, diff: [...c.lhs] } };
    if (c.k === 'listIn') return { k: 'fail', c: { ...c, diff: [...(c.lhs as Extract<PV, { t: 'list' }>).v] } };
    return { k: 'fail', c };
  }
  return e;
}

/** in_cmp of eval.rs (used by keys filters through real_binary_operation). */
export function inCmp(notIn: boolean): Cmp {
  return (lhs, rhs) => {
    if (lhs.t === 'string' && rhs.t === 'string') return rhs.v.includes(lhs.v) !== notIn;
    if (rhs.t === 'list') {
      let found = false;
      for (const e of rhs.v) if (compareEq(lhs, e)) found = true;
      return found ? !notIn : notIn;
    }
    return compareEq(lhs, rhs) !== notIn;
  };
}
