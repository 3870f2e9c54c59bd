// Clause evaluation (eval.rs): access clauses with unary and binary operators, rule references, parameterized
// calls, block clauses, `when` blocks, type blocks and rules, each returning its status and report entries.
import type {
  AccessClause,
  Block,
  Conjunctions,
  FunctionCall,
  GuardClause,
  GuardFile,
  LetValue,
  NamedRuleClause,
  ParameterizedRule,
  Query,
  QueryPart,
  Rule,
  RuleCallClause,
  RuleClause,
  TypeBlock,
  WhenClause,
} from './ast';
import { binaryCompare, compareEq, inCmp, NotComparable, ValueEval } from './compare';
import { GuardEvaluationError, UnsupportedGuard } from './errors';
import { callFunction } from './functions';
import { QueryResult, resolved } from './query-result';
import { QueryHooks, resolveQuery } from './query';
import { Evaluator, LetScope, ParameterScope, Scope, ValueScope } from './scope';
import { conjunction, gated, Outcome, PASSED, Report, SKIPPED, Status } from './status';
import { fromLiteral, PV } from './values';

const check = (...values: PV[]): Report => ({ kind: 'check', paths: values.map((v) => v.path) });
const check1 = (a: PV): Report => ({ kind: 'check', paths: [a.path] });
const check2 = (a: PV, b: PV): Report => ({ kind: 'check', paths: [a.path, b.path] });

export class ClauseEvaluator implements Evaluator {
  private readonly ruleStatuses = new Map<string, Status>();
  private readonly rulesByName = new Map<string, Rule[]>();
  private readonly parameterized = new Map<string, ParameterizedRule>();
  readonly rootScope: LetScope;
  /**
   * The failed checks recorded while a query runs (a keys filter's key comparisons are recorded in whatever
   * record is open: the clause's, unless inside a filter or a `when` condition, whose records are not reported).
   */
  private readonly sinks: Report[][] = [];
  /** The callbacks of every query (allocated once, not per query). */
  readonly hooks: QueryHooks = {
    filter: (conjunctions, s, ownRecord) =>
      ownRecord ? this.unreported(() => this.filterClauses(conjunctions, s)) : this.filterClauses(conjunctions, s, true),
    keysFilter: (part, map, s) => this.keysFilter(part, map, s),
    unsupported: (q, what) => this.unsupported(q.pos, what),
  };
  private readonly evalGuardClause = (c: GuardClause, s: Scope): Outcome => this.guardClause(c, s);
  private readonly evalRuleClause = (c: RuleClause, s: Scope): Outcome => this.ruleClause(c, s);

  constructor(
    private readonly file: GuardFile,
    document: PV,
  ) {
    for (const r of file.rules) (this.rulesByName.get(r.name) ?? this.rulesByName.set(r.name, []).get(r.name)!).push(r);
    for (const p of file.parameterizedRules) this.parameterized.set(p.name, p);
    this.rootScope = new LetScope(this, document, file.assignments);
  }

  // ---- Evaluator (what scopes and queries call back) -------------------------------------------------------

  query(query: Query, scope: Scope): QueryResult[] {
    // ResolvedParameterContext::query delegates to its parent: the parameters are not seen by queries run
    // directly in it (a parameterized rule's own `when`), only through the block scopes below it.
    if (scope instanceof ParameterScope) return this.query(query, scope.parent);
    // ValueScope::query resolves with the parent as context (its root matters to filters after `[*]` on a map).
    const context = scope instanceof ValueScope ? scope.parent : scope;
    return resolveQueryFrom(query, scope.root(), context, this);
  }

  call(call: FunctionCall, scope: Scope): QueryResult[] {
    const args = call.args.map((a) => this.letValue(a, scope, 'literal'));
    return callFunction(call, args, (what) => this.unsupported(call.pos, what));
  }

  ruleStatus(name: string): Status {
    const cached = this.ruleStatuses.get(name);
    if (cached) return cached;
    const rules = this.rulesByName.get(name);
    if (!rules) throw new GuardEvaluationError(`Rule ${name} by that name does not exist`);
    let status: Status = 'SKIP';
    for (const r of rules) {
      // Evaluated inside the referencing clause's record, which the report never opens.
      status = this.unreported(() => this.rule(r, this.rootScope)).status;
      if (status !== 'SKIP') break;
    }
    this.ruleStatuses.set(name, status);
    return status;
  }

  parameterizedRule(name: string): ParameterizedRule {
    const p = this.parameterized.get(name);
    if (!p) throw new GuardEvaluationError(`Parameterized rule ${name} does not exist`);
    return p;
  }

  unsupported(pos: { line: number; column: number } | undefined, what: string): never {
    throw new UnsupportedGuard(this.file.file, pos, what);
  }

  // ---- rules and blocks ----------------------------------------------------------------------------------

  /** eval_rule: the rule's own `when` runs in the caller's scope, its lets in a new block scope. */
  rule(rule: Rule, scope: Scope): Outcome {
    if (rule.conditions && this.when(rule.conditions, scope) !== 'PASS') return SKIPPED;
    return this.block(rule.block, scope, this.evalRuleClause);
  }

  private block<T>(block: Block<T>, scope: Scope, evalOne: (c: T, s: Scope) => Outcome): Outcome {
    const inner = new LetScope(this, scope.root(), block.assignments, scope);
    return conjunction(block.conjunctions, (c) => evalOne(c, inner));
  }

  private when(conditions: WhenClause[][], scope: Scope): Status {
    return this.unreported(() => conjunction(conditions, (c) => this.guardClause(c, scope)).status);
  }

  /** Runs `f` with the checks its queries record collected into `sink`. */
  private recording<T>(sink: Report[], f: () => T): T {
    this.sinks.push(sink);
    try {
      return f();
    } finally {
      this.sinks.pop();
    }
  }

  /** Runs `f` inside a record cfn-guard's report never shows (filters, conditions). */
  unreported<T>(f: () => T): T {
    return this.recording([], f);
  }

  private ruleClause(c: RuleClause, scope: Scope): Outcome {
    return c.kind === 'type' ? this.typeBlock(c, scope) : this.guardClause(c, scope);
  }

  guardClause(c: GuardClause, scope: Scope): Outcome {
    switch (c.kind) {
      case 'access':
        return this.access(c, scope);
      case 'rule':
        return this.namedRule(c);
      case 'ruleCall':
        return this.ruleCall(c, scope);
      case 'block':
        return this.blockClause(c, scope);
      case 'when':
        // A `when` that does not PASS makes its block SKIP; its conditions never reach the report.
        if (this.when(c.conditions, scope) !== 'PASS') return SKIPPED;
        return this.gatedBlock(this.block(c.block, scope, this.evalGuardClause));
    }
  }

  private gatedBlock(o: Outcome): Outcome {
    return gated(o.status, o.reports);
  }

  private typeBlock(t: TypeBlock, scope: Scope): Outcome {
    if (t.conditions && this.when(t.conditions, scope) !== 'PASS') return SKIPPED;
    const reports: Report[] = [];
    const values = this.recording(reports, () => this.query(typeQuery(t), scope));
    if (values.length === 0) return SKIPPED;
    let fails = 0;
    let passes = 0;
    for (const v of values) {
      if (v.k === 'unresolved') throw new GuardEvaluationError(`Unable to resolve type block query: ${t.typeName}`);
      const o = this.block(t.block, new ValueScope(this, v.v, scope), this.evalGuardClause);
      if (o.status === 'PASS') passes++;
      else if (o.status === 'FAIL') {
        fails++;
        reports.push(...o.reports);
      }
    }
    return gated(fails > 0 ? 'FAIL' : passes > 0 ? 'PASS' : 'SKIP', reports);
  }

  private blockClause(c: Extract<GuardClause, { kind: 'block' }>, scope: Scope): Outcome {
    const reports: Report[] = [];
    const values = this.recording(reports, () => this.query(c.query, scope));
    // A failing `!empty` block with no value is reported without a path.
    if (values.length === 0) return c.notEmpty ? { status: 'FAIL', reports: [...reports, { kind: 'check', paths: [] }] } : SKIPPED;
    let fails = 0;
    let passes = 0;
    for (const v of values) {
      if (v.k === 'unresolved') {
        fails++;
        reports.push(check(v.traversedTo));
        continue;
      }
      const o = this.block(c.block, new ValueScope(this, v.v, scope), this.evalGuardClause);
      if (o.status === 'PASS') passes++;
      else if (o.status === 'FAIL') fails++;
      // Each value's clauses sit directly in the block's record: their own containers gate them.
      reports.push(...o.reports);
    }
    const status: Status = c.query.matchAll ? (fails > 0 ? 'FAIL' : passes > 0 ? 'PASS' : 'SKIP') : passes > 0 ? 'PASS' : fails > 0 ? 'FAIL' : 'SKIP';
    return gated(status, reports);
  }

  // ---- rule references -----------------------------------------------------------------------------------

  /** A referenced rule that did not PASS fails the clause (SKIP too); its own paths stay with it. */
  private namedRule(c: NamedRuleClause): Outcome {
    const passed = this.ruleStatus(c.name) === 'PASS';
    return passed !== c.negation ? PASSED : { status: 'FAIL', reports: [{ kind: 'check', paths: [] }] };
  }

  /** eval_parameterized_rule_call: arguments resolved here; a leading `not` is ignored by cfn-guard 3.1.1. */
  private ruleCall(c: RuleCallClause, scope: Scope): Outcome {
    const rule = this.parameterizedRule(c.name);
    if (rule.params.length !== c.args.length) throw new GuardEvaluationError(`Arity mismatch for called parameter rule ${c.name}`);
    const params = new Map<string, QueryResult[]>();
    // The arguments are resolved before the call's record opens: what their queries record is the container's.
    const leaked: Report[] = [];
    this.recording(leaked, () => c.args.forEach((a, i) => params.set(rule.params[i], this.letValue(a, scope, 'resolved'))));
    const o = this.rule(rule, new ParameterScope(this, params, scope));
    const reports: Report[] = o.status === 'FAIL' ? [{ kind: 'rule', name: rule.name, message: c.message, checks: o.reports }] : [];
    return { status: o.status, reports, leaked };
  }

  /** A literal is a Literal result in comparisons and function arguments, but a Resolved one as a rule argument. */
  private letValue(v: LetValue, scope: Scope, literalAs: 'literal' | 'resolved'): QueryResult[] {
    if (v.kind === 'value') return [literalAs === 'literal' ? { k: 'literal', v: fromLiteral(v.value) } : resolved(fromLiteral(v.value))];
    if (v.kind === 'query') return this.query(v.query, scope);
    return this.call(v.call, scope);
  }

  // ---- access clauses ------------------------------------------------------------------------------------

  /** eval_guard_access_clause: each result checked, then ALL (or `some`: ANY) over the results. */
  private access(c: AccessClause, scope: Scope): Outcome {
    // What the queries record comes first, then the report of each failed result (appended once they have run).
    const reports: Report[] = [];
    this.sinks.push(reports);
    let r: Outcome | Tally;
    try {
      r = c.compareWith === undefined ? this.unary(c, scope, reports) : this.binary(c, scope, reports);
    } finally {
      this.sinks.pop();
    }
    if (r instanceof Tally) {
      const status: Status = c.query.matchAll ? (r.fails > 0 ? 'FAIL' : 'PASS') : r.passes > 0 ? 'PASS' : 'FAIL';
      return gated(status, reports);
    }
    if (r.status !== 'FAIL') return gated(r.status, reports);
    return gated(r.status, reports.length === 0 ? r.reports : [...reports, ...r.reports]);
  }

  /** Each result checked: the counts of PASS and FAIL, each FAIL's report appended to `reports`. */
  private unary(c: AccessClause, scope: Scope, reports: Report[]): Outcome | Tally {
    const lhs = this.query(c.query, scope);
    const parts = c.query.parts;
    const last = parts[parts.length - 1];
    const onExpr = last.kind === 'filter' || last.kind === 'keysFilter' || (parts.length === 1 && last.kind === 'variable');
    const { op, negated } = c.comparator;
    if (onExpr && op === 'empty') {
      // Emptiness of an expression: decided on the count of results, each "empty" only when null or unresolved.
      if (lhs.length === 0) {
        const pass = !negated !== c.negation;
        return pass ? PASSED : { status: 'FAIL', reports: [{ kind: 'check', paths: [] }] };
      }
      const t = new Tally();
      for (const r of lhs) {
        const isEmpty = r.k === 'unresolved' || r.v.t === 'null';
        const pass = (negated ? !isEmpty : isEmpty) !== c.negation;
        if (pass) t.passes++;
        else {
          t.fails++;
          reports.push(check1(r.k === 'unresolved' ? r.traversedTo : r.v));
        }
      }
      return t;
    }
    if (lhs.length === 0) return SKIPPED;
    const t = new Tally();
    for (const r of lhs) {
      const pass = (unaryCheck(op, r) !== negated) !== c.negation;
      if (pass) t.passes++;
      else {
        t.fails++;
        reports.push(check1(r.k === 'unresolved' ? r.traversedTo : r.v));
      }
    }
    return t;
  }

  private binary(c: AccessClause, scope: Scope, reports: Report[]): Outcome | Tally {
    // The rhs is resolved first in cfn-guard (errors in it surface first).
    const rhs = this.letValue(c.compareWith!, scope, 'literal');
    const lhs = this.query(c.query, scope);
    const op = c.comparator.op as 'eq' | 'in' | 'lt' | 'gt' | 'le' | 'ge';
    // A leading `not` on a binary comparison is ignored by cfn-guard 3.1.1.
    const results = binaryCompare(op, c.comparator.negated, lhs, rhs);
    if (!results) return SKIPPED;
    const t = new Tally();
    for (const e of results) tallyOf(e, t, reports);
    return t;
  }

  /** A filter's clauses on one value; `leak`: their failures go to the open record (none opened for them). */
  filterClauses(conjunctions: Conjunctions<GuardClause>, scope: Scope, leak = false): Status {
    const o = conjunction(conjunctions, (c) => this.guardClause(c, scope));
    if (leak) this.sinks[this.sinks.length - 1]?.push(...o.reports);
    return o.status;
  }

  /** `[ keys == ... ]` (real_binary_operation over the keys): the values of the keys that PASS. */
  keysFilter(part: Extract<QueryPart, { kind: 'keysFilter' }>, map: Extract<PV, { t: 'map' }>, scope: Scope): QueryResult[] {
    const w = part.with;
    const rhs: QueryResult[] =
      w.kind === 'value'
        ? [{ k: 'literal', v: fromLiteral(w.value) }]
        : w.kind === 'query'
          ? resolveQueryFrom(w.query, map, scope, this)
          : this.call(w.call, scope);
    const { negated } = part.comparator;
    const op = part.comparator.op === 'eq' && rhs.length > 1 ? 'in' : part.comparator.op;
    if (op !== 'eq' && op !== 'in') this.unsupported(undefined, `a keys filter with ${op}`);
    const out: QueryResult[] = [];
    const sink = this.sinks[this.sinks.length - 1];
    for (const [k, value] of map.v) {
      // cfn-guard's map keys carry the map's path.
      const key: PV = { t: 'string', path: map.path, v: k };
      const outcomes = rhs.map((r) => (r.k === 'unresolved' ? false : keyCompare(op, negated, key, r)));
      if (op === 'in') {
        // report_at_least_one: one check per key.
        if (outcomes.some((o) => o === true)) out.push(resolved(value));
        else sink?.push(check(key, ...rhs.flatMap((r) => (r.k === 'unresolved' ? [] : [r.v]))));
        continue;
      }
      rhs.forEach((r, i) => {
        if (outcomes[i] === true) out.push(resolved(value));
        else sink?.push(r.k === 'unresolved' ? check(r.traversedTo) : check(key, r.v));
      });
    }
    return out;
  }
}

/** each_lhs_compare for one key: the outcome, or 'nc' when not comparable (a FAIL that negation keeps). */
function keyCompare(op: 'eq' | 'in', negated: boolean, key: PV, r: QueryResult & { v: PV }): boolean | 'nc' {
  const cmp = op === 'eq' ? (a: PV, b: PV) => compareEq(a, b) !== negated : inCmp(negated);
  try {
    return cmp(key, r.v);
  } catch (e) {
    if (!(e instanceof NotComparable)) throw e;
    if (r.k === 'literal' && r.v.t === 'list' && r.v.v.length === 1) {
      try {
        return cmp(key, r.v.v[0]);
      } catch (e2) {
        if (!(e2 instanceof NotComparable)) throw e2;
      }
    }
    return 'nc';
  }
}

function unaryCheck(op: string, r: QueryResult): boolean {
  if (op === 'exists') return r.k !== 'unresolved';
  if (r.k === 'unresolved') return op === 'empty';
  const v = r.v;
  switch (op) {
    case 'empty':
      if (v.t === 'list' || v.t === 'string') return v.v.length === 0;
      if (v.t === 'map') return v.v.size === 0;
      if (v.t === 'bool') return false;
      throw new GuardEvaluationError(`Attempting EMPTY operation on type ${v.t} that does not support it at ${v.path}`);
    case 'is_string':
      return v.t === 'string';
    case 'is_list':
      return v.t === 'list';
    case 'is_struct':
      return v.t === 'map';
    case 'is_bool':
      return v.t === 'bool';
    case 'is_int':
      return v.t === 'int';
    case 'is_float':
      return v.t === 'float';
    case 'is_null':
      return v.t === 'null';
  }
  throw new GuardEvaluationError(`unknown unary operator ${op}`);
}

/** The PASS and FAIL results of an access clause. */
class Tally {
  passes = 0;
  fails = 0;
}

/** binary_operation: each operator result counted as PASS or FAIL, with the report entry of each failure. */
function tallyOf(e: ValueEval, t: Tally, reports: Report[]): void {
  switch (e.k) {
    case 'lhsUnresolved':
    case 'rhsUnresolved':
      t.fails++;
      reports.push(check1(e.ur.traversedTo));
      return;
    case 'notComparable':
      t.fails++;
      reports.push(check2(e.lhs, e.rhs));
      return;
    case 'success':
      t.passes += e.c.k === 'queryIn' ? e.c.lhs.length : 1;
      return;
    case 'fail': {
      const c = e.c;
      if (c.k === 'queryIn') {
        for (const d of c.diff) {
          t.fails++;
          reports.push(check(d, ...c.rhs));
        }
        return;
      }
      t.fails++;
      reports.push(check2(c.lhs, c.rhs));
      return;
    }
  }
}

/** A type block is the query `Resources.*[ Type == 'T' ]`. */
function typeQuery(t: TypeBlock): Query {
  const pos = t.pos;
  const typeClause: AccessClause = {
    kind: 'access',
    pos,
    negation: false,
    query: { pos, matchAll: true, parts: [{ kind: 'key', name: 'Type' }] },
    comparator: { op: 'eq', negated: false },
    compareWith: { kind: 'value', value: { kind: 'string', value: t.typeName, pos } },
  };
  return { pos, matchAll: true, parts: [{ kind: 'key', name: 'Resources' }, { kind: 'allValues' }, { kind: 'filter', conjunctions: [[typeClause]] }] };
}

function resolveQueryFrom(query: Query, start: PV, context: Scope, ev: ClauseEvaluator): QueryResult[] {
  return resolveQuery(query, start, context, ev.hooks);
}
