import type { PV } from './values';

/** A value of the document reached by a query. */
export interface ResolvedResult {
  readonly k: 'resolved';
  readonly v: PV;
}
/** A value written in the rule (`let x = 1`, a comparison's right side): the operators treat one literal specially. */
export interface LiteralResult {
  readonly k: 'literal';
  readonly v: PV;
}
/** A query that could not be followed: it counts as a result and fails every check but `!exists`, `empty`, `!is_*`. */
export interface UnresolvedResult {
  readonly k: 'unresolved';
  /** The last value reached: its path is what the report shows. */
  readonly traversedTo: PV;
}
export type QueryResult = ResolvedResult | LiteralResult | UnresolvedResult;

export const resolved = (v: PV): ResolvedResult => ({ k: 'resolved', v });
export const unresolved = (traversedTo: PV): UnresolvedResult => ({ k: 'unresolved', traversedTo });
