import { cachedFromText } from '../text-cache';
import { Block, Clause, Conjunction, Expr, Literal, Query, RuleDef, RuleFile, Step, SyntaxProblem, parseRuleFile } from './guard-syntax';

/**
 * What a Guard rule file reads of a CloudFormation template, from its syntax: the one analysis behind both
 * rule dispatch (which templates a rule can fail on, see deriveResourceTypes) and document narrowing (which
 * resources a rule can tell apart from a stub, see readsResourcesOnlyByType).
 *
 * Every expression gets an abstract value: the template root, its Resources map, resources of any type,
 * resources (or data inside resources) of literal types, literal values, other data. Resources are reached
 * "by type" through a filter on Resources whose conjunct compares Type or ResourceType with string literals
 * (directly, or through variables and rule parameters bound only to them), a type block `AWS::S3::Bucket { }`,
 * or the legacy hook shape: a top-level key that is a literal type (`%INPUT_DOCUMENT.%TYPE`,
 * `%INPUT_DOCUMENT[ keys == %TYPE ]`, `keys in` a literal list).
 */
export interface RuleAnalysis {
  /** Why the text could not be followed; everything else is then the worst case. */
  readonly syntaxProblem?: string;
  /** Literal resource types the rule filters resources on (type filters, type blocks, legacy top-level keys). */
  readonly filterTypes: ReadonlySet<string>;
  /**
   * Why a resource of a type outside filterTypes could matter to the verdict beyond its Type (an untyped
   * or non-literal type filter, a lookup by literal name, the whole root read...); empty when narrowable.
   */
  readonly narrowingBlockers: readonly string[];
  /**
   * Why a rule in the file could fail on a template with no resource of filterTypes (see DispatchCheck);
   * empty when none can. In short: every check must read only resources of literal types and sit behind a
   * condition that cannot pass without them (`when %buckets not empty`), or inside a block or call over them.
   */
  readonly dispatchBlockers: readonly string[];
}

const cache = new Map<string, RuleAnalysis>();

/** The analysis of a rule file's text (memoized by text, and between runs: see cachedFromText). */
export function analyzeRule(text: string): RuleAnalysis {
  let analysis = cache.get(text);
  if (!analysis) {
    analysis = cachedFromText('rule-analysis', text, '', () => analyze(text), isAnalysis);
    if (cache.size > 2000) cache.clear();
    cache.set(text, analysis);
  }
  return analysis;
}

function isAnalysis(v: unknown): boolean {
  const a = v as RuleAnalysis | undefined;
  return a?.filterTypes instanceof Set && Array.isArray(a.narrowingBlockers) && Array.isArray(a.dispatchBlockers);
}

/**
 * Resource types a rule can fail on: the literal types it filters on, when no rule in the file can fail on a
 * template without them; undefined otherwise (then it runs on every template).
 */
export function dispatchTypes(analysis: RuleAnalysis): Set<string> | undefined {
  if (analysis.syntaxProblem || analysis.dispatchBlockers.length || analysis.filterTypes.size === 0) return undefined;
  return new Set(analysis.filterTypes);
}

// ---- Abstract values ----

interface Val {
  /** The document root. */
  root?: true;
  /** The Resources map itself. */
  resmap?: true;
  /** Resources of any type. */
  resall?: true;
  /** Resources of these literal types, or data inside them. */
  typed?: Set<string>;
  /** String literals (their values), such as type names. */
  strings?: Set<string>;
  regex?: true;
  /** Another literal: number, boolean, null, map, range. */
  literal?: true;
  /** Template data outside typed resources: other sections, resources looked up by key, values of unknown origin. */
  data?: true;
  /** A function's result. */
  computed?: true;
  /** A variable bound nowhere: cfn-guard refuses to evaluate the rule, so it decides nothing. */
  unbound?: true;
  /** A top-level key that is a resource type (the legacy hook input): never in a template. */
  absent?: true;
}

const BOTTOM: Val = {};

function union(...vals: Val[]): Val {
  if (vals.length === 1) return vals[0];
  const out: Val = {};
  let typed: Set<string> | undefined;
  let strings: Set<string> | undefined;
  for (const v of vals) {
    if (v.root) out.root = true;
    if (v.resmap) out.resmap = true;
    if (v.resall) out.resall = true;
    if (v.regex) out.regex = true;
    if (v.literal) out.literal = true;
    if (v.data) out.data = true;
    if (v.computed) out.computed = true;
    if (v.unbound) out.unbound = true;
    if (v.absent) out.absent = true;
    // Sets are added to in place (copied once), not rebuilt per value: rules pass long literal lists around.
    if (v.typed) for (const t of v.typed) (typed ??= new Set()).add(t);
    if (v.strings) for (const t of v.strings) (strings ??= new Set()).add(t);
  }
  if (typed) out.typed = typed;
  if (strings) out.strings = strings;
  return out;
}

function isBottom(v: Val): boolean {
  return !v.root && !v.resmap && !v.resall && !v.typed && !v.strings && !v.regex && !v.literal && !v.data && !v.computed && !v.unbound && !v.absent;
}

/** Only resources (or data inside resources) of literal types: empty on a template without those types. */
function onlyTyped(v: Val): boolean {
  return !!v.typed && isBottom({ ...v, typed: undefined });
}

/** Only string literals: usable as literal types or keys. */
function onlyStrings(v: Val): boolean {
  return !!v.strings && isBottom({ ...v, strings: undefined });
}

function signature(v: Val): string {
  return JSON.stringify(
    Object.entries(v)
      .map(([k, x]) => [k, x instanceof Set ? [...x].sort() : x])
      .sort(),
  );
}

/** A top-level key that is a resource type (CloudFormation's sections never contain ::): the legacy hook input. */
const looksLikeType = (s: string) => s.includes('::');

// ---- The analysis ----

type Env = ReadonlyMap<string, Val>;

class Analyzer {
  readonly filterTypes = new Set<string>();
  readonly narrowing = new Set<string>();
  /** Parameter values by rule, the union over every call. */
  readonly params = new Map<string, Val[]>();
  private collecting = false;
  private changed = false;
  private globals: Env = new Map();
  readonly rules: ReadonlyMap<string, RuleDef>;

  constructor(readonly file: RuleFile) {
    this.rules = new Map(file.rules.map((r) => [r.name, r]));
  }

  run(): void {
    // Parameter values flow from calls anywhere: iterate to a fixpoint, then collect with the final values.
    for (let round = 0; round < 20; round++) {
      this.changed = false;
      this.walkAll();
      if (!this.changed) break;
      if (round === 19) this.narrowing.add('parameter values do not settle');
    }
    this.collecting = true;
    this.walkAll();
  }

  private blockNarrowing(reason: string): void {
    if (this.collecting) this.narrowing.add(reason);
  }

  private walkAll(): void {
    this.globals = this.lets(this.file.lets, { root: true }, new Map());
    for (const rule of this.file.rules) {
      const env = this.ruleEnv(rule);
      if (rule.conditions) this.conjunction(rule.conditions, { root: true }, env);
      this.block(rule.body, { root: true }, env);
    }
    this.conjunction(this.file.defaults, { root: true }, this.globals);
  }

  globalEnv(): Env {
    return this.globals;
  }

  ruleEnv(rule: RuleDef, args?: readonly Val[]): Env {
    const env = new Map(this.globals);
    rule.params?.forEach((p, i) => env.set(p, (args ?? this.params.get(rule.name))?.[i] ?? BOTTOM));
    return env;
  }

  lets(lets: readonly { name: string; value: Expr }[], ctx: Val, outer: Env): Map<string, Val> {
    const env = new Map(outer);
    for (const l of lets) env.set(l.name, this.expr(l.value, ctx, env));
    return env;
  }

  block(block: Block, ctx: Val, env: Env): void {
    const inner = this.lets(block.lets, ctx, env);
    this.conjunction(block.clauses, ctx, inner);
  }

  conjunction(c: Conjunction, ctx: Val, env: Env): void {
    for (const d of c) for (const clause of d) this.clause(clause, ctx, env);
  }

  clause(c: Clause, ctx: Val, env: Env): void {
    switch (c.kind) {
      case 'compare': {
        const lhs = this.query(c.lhs, ctx, env);
        if (c.rhs) {
          this.checkUse(lhs, 'compares');
          this.checkUse(this.expr(c.rhs, ctx, env), 'compares');
        } else if (lhs.resall) {
          this.blockNarrowing('reads resources of every type');
        }
        return;
      }
      case 'block':
        this.block(c.body, this.query(c.query, ctx, env), env);
        return;
      case 'typeBlock':
        this.filterTypes.add(c.type);
        if (c.conditions) this.conjunction(c.conditions, ctx, env);
        this.block(c.body, { typed: new Set([c.type]) }, env);
        return;
      case 'when':
        this.conjunction(c.conditions, ctx, env);
        this.block(c.body, ctx, env);
        return;
      case 'call': {
        const args = c.args.map((a) => this.expr(a, ctx, env));
        const rule = this.rules.get(c.name);
        if (!rule?.params) return;
        const current = this.params.get(c.name) ?? [];
        const next = rule.params.map((_, i) => union(current[i] ?? BOTTOM, args[i] ?? BOTTOM));
        if (next.some((v, i) => signature(v) !== signature(current[i] ?? BOTTOM))) {
          this.params.set(c.name, next);
          this.changed = true;
        }
        return;
      }
      case 'ruleRef':
        return;
    }
  }

  /** How a value is used: the root, the Resources map or resources of any type compared or passed on whole. */
  private checkUse(v: Val, how: string): void {
    if (v.root || v.resmap || v.resall) this.blockNarrowing(`${how} the template or its resources as a whole`);
  }

  expr(e: Expr, ctx: Val, env: Env): Val {
    switch (e.kind) {
      case 'literal':
        return literalVal(e.value);
      case 'query': {
        const v = this.query(e.query, ctx, env);
        if (v.resall) this.blockNarrowing('reads resources of every type');
        return v;
      }
      case 'function': {
        const args = e.args.map((a) => this.expr(a, ctx, env));
        for (const a of args) this.checkUse(a, `passes to ${e.name}()`);
        return { computed: true };
      }
    }
  }

  query(q: Query, ctx: Val, env: Env): Val {
    let v: Val;
    switch (q.head.kind) {
      case 'this':
        v = ctx;
        break;
      case 'var':
        v = env.get(q.head.name) ?? { unbound: true };
        break;
      case 'key':
        v = this.step(ctx, { kind: 'key', name: q.head.name }, env);
        break;
    }
    for (const s of q.steps) v = this.step(v, s, env);
    return v;
  }

  /** One step of a query from every component of a value. */
  step(v: Val, s: Step, env: Env): Val {
    const parts: Val[] = [];
    if (v.root) parts.push(this.fromRoot(s, env));
    if (v.resmap) parts.push(this.fromResources(s, env));
    if (v.resall) parts.push(this.fromAnyResource(s, env));
    if (v.typed) {
      if (s.kind === 'filter') this.filterClauses(s, { typed: v.typed }, env);
      if (s.kind === 'keys') this.expr(s.value, { typed: v.typed }, env);
      parts.push({ typed: v.typed });
    }
    if (v.strings || v.regex || v.literal) {
      // Into a literal list: its items; anything else of a literal is a literal.
      parts.push(s.kind === 'all' || s.kind === 'index' ? { strings: v.strings, regex: v.regex, literal: v.literal } : { literal: true });
    }
    if (v.data || v.computed) {
      if (s.kind === 'filter') this.filterClauses(s, { data: true }, env);
      if (s.kind === 'keys') this.expr(s.value, { data: true }, env);
      // A key named Resources under data of unknown origin may be the template's (`%doc.Resources`).
      parts.push(s.kind === 'key' && s.name === 'Resources' ? { resmap: true, data: true } : { data: v.data, computed: v.computed });
    }
    if (v.unbound) parts.push({ unbound: true });
    if (v.absent) parts.push({ absent: true });
    return union(...parts);
  }

  private filterClauses(s: Extract<Step, { kind: 'filter' }>, element: Val, env: Env): void {
    const inner = s.capture ? new Map([...env, [s.capture, element]]) : env;
    this.conjunction(s.clauses, element, inner);
  }

  private fromRoot(s: Step, env: Env): Val {
    switch (s.kind) {
      case 'key':
        return this.rootKey(s.name, 'key');
      case 'varKey': {
        const key = env.get(s.name) ?? { unbound: true };
        if (key.unbound && isBottom({ ...key, unbound: undefined })) return { unbound: true };
        if (onlyStrings(key)) return union(...[...key.strings!].map((k) => this.rootKey(k, 'key')));
        if (isBottom(key)) return BOTTOM;
        this.blockNarrowing('looks up a top-level key that is not a literal');
        return { data: true, resmap: true };
      }
      case 'keys': {
        const key = this.expr(s.value, { root: true }, env);
        if ((s.op === '==' || s.op === 'in') && onlyStrings(key)) return union(...[...key.strings!].map((k) => this.rootKey(k, 'keys')));
        if (key.unbound && isBottom({ ...key, unbound: undefined })) return { unbound: true };
        this.blockNarrowing('selects top-level keys by a pattern or a non-literal');
        return { data: true, resmap: true };
      }
      case 'filter':
        this.filterClauses(s, { data: true, resmap: true }, env);
        this.blockNarrowing('filters the top level of the document');
        return { data: true, resmap: true };
      case 'all':
        this.blockNarrowing('reads every top-level section');
        return { data: true, resmap: true };
      case 'index':
        return { data: true };
    }
  }

  /**
   * A top-level key. A resource type there is the legacy hook input: selected with `keys`, an empty selection
   * on a template; looked up directly (`%INPUT_DOCUMENT.%TYPE`), a missing key, which fails a check.
   */
  private rootKey(name: string, how: 'key' | 'keys'): Val {
    if (name === 'Resources') return { resmap: true };
    if (looksLikeType(name)) {
      this.filterTypes.add(name);
      return how === 'keys' ? { typed: new Set([name]) } : { absent: true };
    }
    return { data: true };
  }

  private fromResources(s: Step, env: Env): Val {
    switch (s.kind) {
      case 'all':
        return { resall: true };
      case 'filter':
        return this.resourceFilter(s, env);
      case 'keys':
        return this.keyedLookup(s.op, this.expr(s.value, { root: true }, env));
      case 'varKey':
        return this.keyedLookup('==', env.get(s.name) ?? { unbound: true });
      case 'key':
        this.blockNarrowing(`looks up the resource ${s.name} by its literal name`);
        return { data: true };
      case 'index':
        return { data: true };
    }
  }

  private fromAnyResource(s: Step, env: Env): Val {
    if (s.kind === 'filter') return this.resourceFilter(s, env);
    this.blockNarrowing('reads resources of every type');
    return { data: true };
  }

  /** Resources looked up by logical ID: kept whole by narrowing when the key comes from template data. */
  private keyedLookup(op: string, key: Val): Val {
    if (op !== '==' && op !== 'in') this.blockNarrowing('selects resources by keys not equal to a value');
    else if (key.strings || key.regex || key.literal) this.blockNarrowing('looks up resources by a literal name or pattern');
    else if (key.computed || key.root || key.resmap || key.resall) this.blockNarrowing('looks up resources by a computed key');
    return { data: true };
  }

  /** A filter over resources: typed when one conjunct compares only Type (or ResourceType) with literals. */
  private resourceFilter(s: Extract<Step, { kind: 'filter' }>, env: Env): Val {
    this.filterClauses(s, { data: true }, env);
    let typed: Set<string> | undefined;
    let typeOnly = false;
    let unbound = false;
    for (const disjunction of s.clauses) {
      const atoms = disjunction.map((c) => this.typeAtom(c, env));
      for (const atom of atoms) if (atom instanceof Set) for (const t of atom) this.filterTypes.add(t);
      if (atoms.some((atom) => atom === undefined)) continue;
      typeOnly = true;
      if (atoms.some((atom) => atom === 'non-literal'))
        this.blockNarrowing('filters resources on a type that is not a literal (a pattern or a computed value)');
      else if (atoms.some((atom) => atom === 'unbound')) unbound = true;
      else typed ??= new Set(atoms.flatMap((atom) => [...(atom as Set<string>)]));
    }
    if (!typeOnly) {
      this.blockNarrowing('filters resources by something other than their type');
      return { data: true };
    }
    if (typed) return { typed };
    // A type compared with an unbound variable: cfn-guard refuses the rule, it decides nothing.
    return unbound ? { unbound: true } : { data: true };
  }

  /** For `Type == X` / `Type in X` (or ResourceType): the literal types, 'non-literal', 'unbound'; else undefined. */
  private typeAtom(c: Clause, env: Env): Set<string> | 'non-literal' | 'unbound' | undefined {
    if (c.kind !== 'compare' || c.not || c.negated || (c.op !== '==' && c.op !== 'in') || !c.rhs) return undefined;
    if (c.lhs.head.kind !== 'key' || c.lhs.steps.length || (c.lhs.head.name !== 'Type' && c.lhs.head.name !== 'ResourceType')) return undefined;
    const v =
      c.rhs.kind === 'literal' ? literalVal(c.rhs.value) : c.rhs.kind === 'query' ? this.query(c.rhs.query, { data: true }, env) : { computed: true as const };
    if (onlyStrings(v)) return v.strings!;
    if (v.unbound && isBottom({ ...v, unbound: undefined })) return 'unbound';
    return 'non-literal';
  }
}

function literalVal(l: Literal): Val {
  switch (l.kind) {
    case 'string':
      return { strings: new Set([l.value]) };
    case 'regex':
      return { regex: true };
    case 'list':
      return l.items.length ? union(...l.items.map(literalVal)) : { literal: true };
    case 'other':
      return { literal: true };
  }
}

/**
 * Dispatch: which clauses a template without the filtered types evaluates (those not inside a block or call
 * over typed values), and whether one of them could fail there.
 */
/**
 * What a clause, rule or call can evaluate to on a template that has resources but none of the filtered types
 * (PASS, FAIL, SKIP); `why` says how a FAIL comes about.
 */
interface Outcome {
  readonly pass: boolean;
  readonly fail: boolean;
  readonly skip: boolean;
  readonly why?: string;
}

const SKIP: Outcome = { pass: false, fail: false, skip: true };
const UNARY_CHECKS = new Set(['exists', 'is_string', 'is_list', 'is_struct', 'is_bool', 'is_int', 'is_float', 'is_null']);
const any = (why: string): Outcome => ({ pass: true, fail: true, skip: true, why });

/** Guard's `or`: passes if one passes, else fails if one fails, else skips. */
function either(outcomes: readonly Outcome[]): Outcome {
  const fail = outcomes.every((o) => o.fail || o.skip) && outcomes.some((o) => o.fail);
  return { pass: outcomes.some((o) => o.pass), fail, skip: outcomes.every((o) => o.skip), why: fail ? outcomes.find((o) => o.fail)?.why : undefined };
}

/** Clauses that must all hold: fails if one fails, else passes if one passes, else skips. */
function all(outcomes: readonly Outcome[]): Outcome {
  const fail = outcomes.some((o) => o.fail);
  return {
    pass: outcomes.every((o) => o.pass || o.skip) && outcomes.some((o) => o.pass),
    fail,
    skip: outcomes.every((o) => o.skip),
    why: fail ? outcomes.find((o) => o.fail)?.why : undefined,
  };
}

/**
 * Dispatch: evaluates every reported rule in the abstract, on a template without any of the types the file
 * filters on. There a typed value is an empty selection (cfn-guard 3.1.1 skips checks on it, but decides
 * `empty` checks and fails `!empty` blocks) or, when the template's Resources is empty, a query that selects
 * nothing to check (checks and blocks on it fail, their negations pass); a top-level key that is a type
 * (`%INPUT_DOCUMENT.%TYPE`, the legacy hook input) is missing (checks on it fail); anything else can go every
 * way. Conditions that cannot pass (`when %buckets not empty`) make what they guard skip.
 */
class DispatchCheck {
  readonly blockers: string[] = [];
  private readonly rules = new Map<string, Outcome | 'pending'>();
  private readonly calls = new Map<string, Outcome | 'pending'>();

  constructor(
    private readonly a: Analyzer,
    private readonly text: string,
  ) {}

  run(): void {
    for (const rule of this.a.file.rules) {
      const o = rule.params ? SKIP : this.rule(rule.name);
      if (o.fail) this.blockers.push(`rule ${rule.name}: ${o.why}`);
    }
    if (this.a.file.defaults.length) {
      const o = this.conjunction(this.a.file.defaults, { root: true }, this.a.globalEnv());
      if (o.fail) this.blockers.push(`a clause outside any rule: ${o.why}`);
    }
  }

  private at(pos: number, why: string): string {
    const line = this.text.slice(0, pos).split('\n').length;
    const source = this.text.split('\n')[line - 1].trim();
    return `line ${line} (${source.length > 80 ? `${source.slice(0, 77)}...` : source}) ${why}`;
  }

  private rule(name: string): Outcome {
    const known = this.rules.get(name);
    if (known === 'pending') return any(`rule ${name} refers to itself`);
    if (known) return known;
    const rule = this.a.rules.get(name);
    if (!rule || rule.params) return any(`rule ${name} is not defined`);
    this.rules.set(name, 'pending');
    const env = this.a.ruleEnv(rule);
    const o = this.guarded(rule.conditions, { root: true }, env, () => this.block(rule.body, { root: true }, env));
    this.rules.set(name, o);
    return o;
  }

  /** What runs behind conditions: skipped when they cannot pass. */
  private guarded(conditions: Conjunction | undefined, ctx: Val, env: Env, body: () => Outcome): Outcome {
    if (!conditions) return body();
    const c = this.conjunction(conditions, ctx, env);
    if (!c.pass) return SKIP;
    const b = body();
    return c.fail || c.skip ? { ...b, skip: true } : b;
  }

  private block(b: Block, ctx: Val, env: Env): Outcome {
    return this.conjunction(b.clauses, ctx, this.a.lets(b.lets, ctx, env));
  }

  private conjunction(c: Conjunction, ctx: Val, env: Env): Outcome {
    return all(c.map((d) => either(d.map((clause) => this.clause(clause, ctx, env)))));
  }

  private clause(c: Clause, ctx: Val, env: Env): Outcome {
    switch (c.kind) {
      case 'compare': {
        const lhs = this.a.query(c.lhs, ctx, env);
        if (isBottom(lhs)) return SKIP;
        const negated = c.not !== c.negated;
        const parts: Outcome[] = [];
        if (lhs.typed) {
          // No resource of the types: an empty selection, or on a template whose Resources is empty nothing to
          // select from, and then cfn-guard fails the check (`exists`, comparisons; their negations pass).
          const why = this.at(
            c.pos,
            `checks resources of literal types outside a when condition that requires them (such as when %x not empty): cfn-guard fails it on a template whose Resources is empty`,
          );
          // A variable holds the (empty) selection itself, so `empty` decides; a query into it is skipped.
          const whole = c.lhs.head.kind === 'var' && c.lhs.steps.length === 0;
          if (c.op === 'empty')
            parts.push(
              negated
                ? { pass: false, fail: true, skip: !whole, why: this.at(c.pos, 'is a !empty check, which fails when no resource is selected') }
                : { pass: true, fail: false, skip: !whole },
            );
          else if (UNARY_CHECKS.has(c.op)) parts.push(negated ? { pass: true, fail: false, skip: true } : { pass: false, fail: true, skip: true, why });
          else parts.push({ pass: false, fail: true, skip: true, why });
        }
        if (lhs.absent) {
          // A missing key: `exists`, comparisons and `!empty` fail, `empty` passes.
          const why = this.at(c.pos, 'reads the legacy hook input (%INPUT_DOCUMENT.%TYPE), which a template never has, outside a when condition');
          if (c.op === 'empty') parts.push(negated ? { pass: false, fail: true, skip: false, why } : { pass: true, fail: false, skip: false });
          else parts.push(negated ? any(why) : { pass: false, fail: true, skip: false, why });
        }
        if (!isBottom({ ...lhs, typed: undefined, absent: undefined }))
          parts.push(any(this.at(c.pos, 'checks something other than resources of literal types')));
        return union3(parts);
      }
      case 'block': {
        const v = this.a.query(c.query, ctx, env);
        if (c.notEmpty) return any(this.at(c.pos, 'is a !empty block, which fails when no resource is selected'));
        if (isBottom(v)) return SKIP;
        // Over an empty selection a block is skipped, but over an empty Resources map cfn-guard fails it.
        if (onlyTyped(v))
          return {
            pass: false,
            fail: true,
            skip: true,
            why: this.at(
              c.pos,
              'is a block over resources of literal types outside a when condition that requires them (such as when %x not empty): cfn-guard fails it on a template whose Resources is empty',
            ),
          };
        return any(
          this.at(
            c.pos,
            v.absent
              ? 'reads the legacy hook input (%INPUT_DOCUMENT.%TYPE), which a template never has, outside a when condition'
              : 'is a block over something other than resources of literal types',
          ),
        );
      }
      case 'typeBlock':
        return SKIP;
      case 'when':
        return this.guarded(c.conditions, ctx, env, () => this.block(c.body, ctx, env));
      case 'call': {
        const rule = this.a.rules.get(c.name);
        if (!rule?.params) return any(this.at(c.pos, `calls ${c.name}, which is not a parameterized rule of the file`));
        const args = c.args.map((x) => this.a.expr(x, ctx, env));
        const key = `${c.name}(${args.map(signature).join(';')})`;
        let o = this.calls.get(key);
        if (o === 'pending') return any(this.at(c.pos, `calls ${c.name} recursively`));
        if (!o) {
          this.calls.set(key, 'pending');
          o = this.block(rule.body, { root: true }, this.a.ruleEnv(rule, args));
          this.calls.set(key, o);
        }
        // `not` of a call swaps pass and fail; a skipped call stays skipped.
        return c.not ? { pass: o.fail, fail: o.pass, skip: o.skip, why: o.pass ? this.at(c.pos, `negates ${c.name}, which can pass`) : undefined } : o;
      }
      case 'ruleRef': {
        // A reference to a skipped rule fails; `not` of a skipped rule passes.
        const o = this.rule(c.name);
        if (c.not)
          return { pass: o.fail || o.skip, fail: o.pass, skip: false, why: o.pass ? this.at(c.pos, `negates rule ${c.name}, which can pass`) : undefined };
        return {
          pass: o.pass,
          fail: o.fail || o.skip,
          skip: false,
          why: o.fail ? o.why : this.at(c.pos, `refers to rule ${c.name}, and a reference to a skipped rule fails`),
        };
      }
    }
  }
}

/** Any of these outcomes (a value with several origins). */
function union3(parts: readonly Outcome[]): Outcome {
  return { pass: parts.some((o) => o.pass), fail: parts.some((o) => o.fail), skip: parts.some((o) => o.skip), why: parts.find((o) => o.fail)?.why };
}

function analyze(text: string): RuleAnalysis {
  let file: RuleFile;
  try {
    file = parseRuleFile(text);
  } catch (err) {
    if (!(err instanceof SyntaxProblem)) throw err;
    const line = text.slice(0, err.pos).split('\n').length;
    const problem = `line ${line}: ${err.message}`;
    return { syntaxProblem: problem, filterTypes: new Set(), narrowingBlockers: [problem], dispatchBlockers: [problem] };
  }
  const a = new Analyzer(file);
  a.run();
  const dispatch = new DispatchCheck(a, text);
  dispatch.run();
  return { filterTypes: a.filterTypes, narrowingBlockers: [...a.narrowing], dispatchBlockers: dispatch.blockers };
}
