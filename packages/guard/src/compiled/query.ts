// Query resolution (eval_context.rs: query_retrieval_with_converter): keys, indexes, `*`, `[*]`, filters, keys
// filters and variables, producing Resolved and UnResolved results exactly as cfn-guard does.
import type { Conjunctions, GuardClause, Query, QueryPart } from './ast';
import { GuardEvaluationError } from './errors';
import { CONVERTERS, Converter, convertible, normalized, singularCandidate } from './key-case';
import { QueryResult, resolved, unresolved } from './query-result';
import { Scope, ValueScope } from './scope';
import type { Status } from './status';
import type { PV } from './values';

export interface QueryHooks {
  /**
   * Evaluates a filter's clauses with `scope` as the scope (eval_conjunction_clauses). `ownRecord` false: cfn-guard
   * opens no Filter record, so the clauses' failures land in whatever record is open (and may be reported).
   */
  filter(conjunctions: Conjunctions<GuardClause>, scope: Scope, ownRecord: boolean): Status;
  /** The keys filter `[ keys == ... ]` over a map: the values of the keys kept (or UnResolved). */
  keysFilter(part: Extract<QueryPart, { kind: 'keysFilter' }>, map: Extract<PV, { t: 'map' }>, scope: Scope): QueryResult[];
  unsupported(query: Query, what: string): never;
}

const indexes = new Map<string, number | undefined>();

/** Rust's `key.parse::<i32>()` (remembered per key name written in a rule). */
function asIndex(name: string): number | undefined {
  if (indexes.has(name)) return indexes.get(name);
  let index: number | undefined;
  if (/^[+-]?\d+$/.test(name)) {
    const n = Number(name);
    index = n >= -2147483648 && n <= 2147483647 ? n : undefined;
  }
  indexes.set(name, index);
  return index;
}

function pushAll(out: QueryResult[], results: readonly QueryResult[]): void {
  for (const r of results) out.push(r);
}

/** An index part: the element (with the rest of the query applied), or UnResolved at the list. */
function atIndex(
  i: number,
  query: Query,
  list: Extract<PV, { t: 'list' }>,
  index: number,
  scope: Scope,
  hooks: QueryHooks,
  converter: Converter | undefined,
): QueryResult[] {
  const r = retrieveIndex(list, index);
  return r.k === 'resolved' ? retrieve(i + 1, query, r.v, scope, hooks, converter) : [r];
}

/** retrieve_index: a negative index counts from the start too (`[-1]` is element 1). */
function retrieveIndex(parent: Extract<PV, { t: 'list' }>, index: number): QueryResult {
  const i = Math.abs(index);
  return i < parent.v.length ? resolved(parent.v[i]) : unresolved(parent);
}

/** query_retrieval(0, query, start, context): `context` is the scope variables and filters see. */
export function resolveQuery(query: Query, start: PV, context: Scope, hooks: QueryHooks): QueryResult[] {
  return retrieve(0, query, start, context, hooks, undefined);
}

function retrieve(i: number, query: Query, current: PV, scope: Scope, hooks: QueryHooks, converter: Converter | undefined): QueryResult[] {
  const parts = query.parts;
  if (i >= parts.length) return [resolved(current)];
  const part = parts[i];

  if (i === 0 && part.kind === 'variable') {
    const out: QueryResult[] = [];
    for (const each of scope.resolveVariable(part.name)) {
      if (each.k === 'unresolved') {
        out.push(each);
        continue;
      }
      // `%v[*]` and `%v` followed by more parts apply the rest to each value, in the value's scope.
      const j = i + 1 < parts.length && parts[i + 1].kind === 'allIndices' ? i + 2 : i + 1;
      if (j < parts.length) pushAll(out, retrieve(j, query, each.v, new ValueScope(scope.ev, each.v, scope), hooks, converter));
      else out.push(each);
    }
    return out;
  }

  switch (part.kind) {
    case 'this':
      return retrieve(i + 1, query, current, scope, hooks, converter);
    case 'index':
      return current.t === 'list' ? atIndex(i, query, current, part.index, scope, hooks, converter) : [unresolved(current)];
    case 'key':
    case 'variable': {
      const idx = part.kind === 'key' ? asIndex(part.name) : undefined;
      if (idx !== undefined) return current.t === 'list' ? atIndex(i, query, current, idx, scope, hooks, converter) : [unresolved(current)];
      if (current.t !== 'map') return [unresolved(current)];
      if (part.kind === 'variable') return variableKeys(i, query, current, scope, hooks, converter);
      return key(part.name, i, query, current, scope, hooks, converter);
    }
    case 'allIndices':
      if (part.capture !== undefined) hooks.unsupported(query, 'a capturing `[name]` query part');
      if (current.t === 'list') return each(current, current.v, i, query, scope, hooks, converter);
      return retrieve(i + 1, query, current, scope, hooks, converter);
    case 'allValues':
      if (part.capture !== undefined) hooks.unsupported(query, 'a capturing `[ name ]` query part');
      if (current.t === 'list') return each(current, current.v, i, query, scope, hooks, converter);
      if (current.t === 'map') {
        if (current.v.size === 0) return [unresolved(current)];
        const out: QueryResult[] = [];
        for (const v of current.v.values()) pushAll(out, retrieve(i + 1, query, v, new ValueScope(scope.ev, v, scope), hooks, converter));
        return out;
      }
      return retrieve(i + 1, query, current, scope, hooks, converter);
    case 'filter':
      return filter(part, i, query, current, scope, hooks, converter);
    case 'keysFilter': {
      if (part.capture !== undefined) hooks.unsupported(query, 'a capturing keys filter');
      // cfn-guard resolves a query on the right with the current key-case converter, which is not passed on here.
      if (converter && part.with.kind === 'query') hooks.unsupported(query, 'a keys filter compared with a query after a key-case conversion');
      if (current.t !== 'map') return [unresolved(current)];
      const out: QueryResult[] = [];
      for (const r of hooks.keysFilter(part, current, scope)) {
        if (r.k === 'resolved') pushAll(out, retrieve(i + 1, query, r.v, scope, hooks, converter));
        else out.push(r);
      }
      return out;
    }
  }
}

function each(parent: PV, elements: PV[], i: number, query: Query, scope: Scope, hooks: QueryHooks, converter: Converter | undefined): QueryResult[] {
  if (elements.length === 0) return [unresolved(parent)];
  const out: QueryResult[] = [];
  for (const e of elements) pushAll(out, retrieve(i + 1, query, e, scope, hooks, converter));
  return out;
}

function filter(
  part: Extract<QueryPart, { kind: 'filter' }>,
  i: number,
  query: Query,
  current: PV,
  scope: Scope,
  hooks: QueryHooks,
  converter: Converter | undefined,
): QueryResult[] {
  if (part.capture !== undefined) hooks.unsupported(query, 'a capturing filter `[ name | ... ]`');
  const prev = query.parts[i - 1];
  const keep = (v: PV, s: Scope, ownRecord = true) =>
    hooks.filter(part.conjunctions, s, ownRecord) === 'PASS' ? retrieve(i + 1, query, v, scope, hooks, converter) : [];
  if (current.t === 'map') {
    if (prev?.kind === 'allValues' || prev?.kind === 'allIndices') return keep(current, scope);
    if (prev?.kind === 'key' || prev?.kind === 'variable') {
      const out: QueryResult[] = [];
      for (const v of current.v.values()) {
        const s = new ValueScope(scope.ev, v, scope);
        if (hooks.filter(part.conjunctions, s, true) === 'PASS') pushAll(out, retrieve(i + 1, query, v, s, hooks, converter));
      }
      return out;
    }
    return hooks.unsupported(query, 'a filter after this query part');
  }
  if (current.t === 'list') {
    const out: QueryResult[] = [];
    for (const e of current.v) pushAll(out, keep(e, new ValueScope(scope.ev, e, scope)));
    return out;
  }
  // A scalar after `[*]`: the only filter cfn-guard evaluates without a Filter record of its own.
  if (prev?.kind === 'allIndices') return keep(current, new ValueScope(scope.ev, current, scope), false);
  return [unresolved(current)];
}

function key(
  name: string,
  i: number,
  query: Query,
  map: Extract<PV, { t: 'map' }>,
  scope: Scope,
  hooks: QueryHooks,
  converter: Converter | undefined,
): QueryResult[] {
  const direct = map.v.get(name);
  if (direct !== undefined) return retrieve(i + 1, query, direct, scope, hooks, converter);
  if (!convertible(name)) {
    // Only keys no converter could produce are certain misses; where one could, inflector is not reproduced.
    const similar = [...map.v.keys()].some((k) => normalized(k) === normalized(name) || singularCandidate(name, k));
    if (!similar) return [unresolved(map)];
    refuseConversion(name, query, hooks);
  }
  if (converter) {
    const v = attempt(converter, name, map, query, hooks);
    return v === undefined ? [unresolved(map)] : retrieve(i + 1, query, v, scope, hooks, converter);
  }
  for (const c of CONVERTERS) {
    const v = attempt(c.convert, name, map, query, hooks);
    if (v !== undefined) return retrieve(i + 1, query, v, scope, hooks, c.convert);
  }
  return [unresolved(map)];
}

function refuseConversion(name: string, query: Query, hooks: QueryHooks): never {
  return hooks.unsupported(query, `the key-case conversion of '${name}'`);
}

/** The value of the key `convert` makes of `name`, if any. */
function attempt(convert: Converter, name: string, map: Extract<PV, { t: 'map' }>, query: Query, hooks: QueryHooks): PV | undefined {
  const converted = convert(name);
  if (converted === undefined) refuseConversion(name, query, hooks);
  return map.v.get(converted);
}

/** `Resources.%names`: each string value (or each string of a list value) of the variable is a key. */
function variableKeys(
  i: number,
  query: Query,
  map: Extract<PV, { t: 'map' }>,
  scope: Scope,
  hooks: QueryHooks,
  converter: Converter | undefined,
): QueryResult[] {
  const part = query.parts[i] as Extract<QueryPart, { kind: 'variable' }>;
  let keys = scope.resolveVariable(part.name);
  const after = query.parts[i + 1];
  if (after && after.kind === 'index') {
    const c = Math.abs(after.index);
    if (c >= keys.length) return [unresolved(map)];
    keys = [keys[c]];
  } else if (after && after.kind !== 'allIndices' && after.kind !== 'key') {
    throw new GuardEvaluationError(`This type of query based variable interpolation is not supported`);
  }
  const out: QueryResult[] = [];
  const lookup = (k: string) => {
    const v = map.v.get(k);
    out.push(...(v === undefined ? [unresolved(map)] : retrieve(i + 1, query, v, scope, hooks, converter)));
  };
  for (const k of keys) {
    if (k.k === 'unresolved') out.push(unresolved(map));
    else if (k.v.t === 'string') lookup(k.v.v);
    else if (k.v.t === 'list') {
      for (const e of k.v.v) {
        if (e.t !== 'string') throw new GuardEvaluationError('Variable projections inside a query returned a non-string key');
        lookup(e.v);
      }
    } else throw new GuardEvaluationError('Variable projections inside a query returned a non-string key');
  }
  return out;
}
