// cfn-guard's evaluation contexts (eval_context.rs: RootScope, BlockScope, ValueScope; eval.rs:
// ResolvedParameterContext): where a query starts, how variables are found and cached, and rule statuses.
import type { FunctionCall, Let, ParameterizedRule, Query } from './ast';
import { GuardEvaluationError } from './errors';
import { fromLiteral, PV } from './values';
import type { QueryResult } from './query-result';
import type { Status } from './status';

export interface Evaluator {
  query(query: Query, scope: Scope): QueryResult[];
  call(call: FunctionCall, scope: Scope): QueryResult[];
  ruleStatus(name: string): Status;
  parameterizedRule(name: string): ParameterizedRule;
}

export abstract class Scope {
  constructor(readonly ev: Evaluator) {}
  abstract root(): PV;
  abstract resolveVariable(name: string): QueryResult[];
}

const NO_LITERALS: ReadonlyMap<string, QueryResult[]> = new Map();
const NO_LETS: ReadonlyMap<string, Let> = new Map();

/** The lets of a file (root) or block: literals first, then cached functions and queries (resolve_variable). */
export class LetScope extends Scope {
  /** Each literal let as its one Literal result (the same array every time, as cached results are). */
  private readonly literals: ReadonlyMap<string, QueryResult[]>;
  private readonly lazy: ReadonlyMap<string, Let>;
  /** Created on the first resolution (most block scopes have no lets). */
  private resolved?: Map<string, QueryResult[]>;

  constructor(
    ev: Evaluator,
    private readonly rootValue: PV,
    lets: readonly Let[],
    private readonly parent?: Scope,
  ) {
    super(ev);
    if (lets.length === 0) {
      this.literals = NO_LITERALS;
      this.lazy = NO_LETS;
      return;
    }
    // extract_variables: HashMaps per kind, so a later let of the same kind replaces an earlier one.
    const literals = new Map<string, QueryResult[]>();
    const lazy = new Map<string, Let>();
    for (const l of lets) {
      if (l.value.kind === 'value') literals.set(l.name, [{ k: 'literal', v: fromLiteral(l.value.value) }]);
      else lazy.set(l.name, l);
    }
    this.literals = literals;
    this.lazy = lazy;
  }

  root(): PV {
    return this.rootValue;
  }

  resolveVariable(name: string): QueryResult[] {
    const lit = this.literals.get(name);
    if (lit) return lit;
    const cached = this.resolved?.get(name);
    if (cached) return cached;
    const l = this.lazy.get(name);
    if (!l) {
      if (this.parent) return this.parent.resolveVariable(name);
      throw new GuardEvaluationError(`Could not resolve variable by name ${name} across scopes`);
    }
    let result: QueryResult[];
    if (l.value.kind === 'call') result = this.ev.call(l.value.call, this);
    else {
      const q = l.value.kind === 'query' ? l.value.query : undefined;
      result = this.ev.query(q!, this);
      // `let x = some q` keeps only resolved values.
      if (!q!.matchAll) result = result.filter((r) => r.k === 'resolved');
    }
    (this.resolved ??= new Map()).set(name, result);
    return result;
  }
}

/** A value being examined (a block's or filter's value): queries start at it, variables come from outside. */
export class ValueScope extends Scope {
  constructor(
    ev: Evaluator,
    private readonly value: PV,
    readonly parent: Scope,
  ) {
    super(ev);
  }
  root(): PV {
    return this.value;
  }
  resolveVariable(name: string): QueryResult[] {
    return this.parent.resolveVariable(name);
  }
}

/** Inside a parameterized rule: its parameters, resolved at the call site, shadow every other variable. */
export class ParameterScope extends Scope {
  constructor(
    ev: Evaluator,
    private readonly params: Map<string, QueryResult[]>,
    readonly parent: Scope,
  ) {
    super(ev);
  }
  root(): PV {
    return this.parent.root();
  }
  resolveVariable(name: string): QueryResult[] {
    return this.params.get(name) ?? this.parent.resolveVariable(name);
  }
}
