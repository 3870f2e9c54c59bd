/**
 * The typed syntax tree of a Guard rule file, shaped like cfn-guard 3.1.1's own (guard/src/rules/exprs.rs), so
 * an evaluator can follow its evaluator (eval.rs) construct by construct. Lists of clauses are in conjunctive
 * normal form as cfn-guard keeps them: each line (or `and`-joined item) is a disjunction of clauses joined by
 * `or`/`OR`/`|OR|`, and a block is the conjunction of its lines. `let`s of a block are kept apart from its
 * clauses, in source order, as cfn-guard hoists them.
 */

/** 1-based line and column; the column counts Unicode code points, as cfn-guard's get_utf8_column does. */
export interface Pos {
  readonly line: number;
  readonly column: number;
}

export type Conjunctions<T> = T[][];

export interface Block<T> {
  readonly assignments: Let[];
  readonly conjunctions: Conjunctions<T>;
}

// ---- Literal values -------------------------------------------------------------------------------------

export type Value =
  | { readonly kind: 'string'; readonly value: string; readonly pos: Pos }
  /** The pattern as cfn-guard hands it to the Rust regex crate: `\/` already unescaped to `/`. */
  | { readonly kind: 'regex'; readonly source: string; readonly pos: Pos }
  /** A 64-bit integer; kept as a number (exact up to 2^53) with its digits in `text`. */
  | { readonly kind: 'int'; readonly value: number; readonly text: string; readonly pos: Pos }
  | { readonly kind: 'float'; readonly value: number; readonly pos: Pos }
  | { readonly kind: 'bool'; readonly value: boolean; readonly pos: Pos }
  | { readonly kind: 'null'; readonly pos: Pos }
  | { readonly kind: 'list'; readonly items: Value[]; readonly pos: Pos }
  /** Keys in first-seen order; a repeated key keeps its first place and its last value (Rust's IndexMap). */
  | { readonly kind: 'map'; readonly entries: [string, Value][]; readonly pos: Pos }
  | RangeValue;

/** `r[1,5)`, `r(1.5,2.0]`, `r[a,z]`: both ends have the same type, else cfn-guard rejects the file. */
export interface RangeValue {
  readonly kind: 'range';
  readonly type: 'int' | 'float' | 'char';
  readonly lower: number | string;
  readonly upper: number | string;
  readonly lowerInclusive: boolean;
  readonly upperInclusive: boolean;
  readonly pos: Pos;
}

// ---- Queries --------------------------------------------------------------------------------------------

export interface Query {
  readonly pos: Pos;
  /** false when the query starts with `some`: any match is enough instead of all. */
  readonly matchAll: boolean;
  readonly parts: QueryPart[];
}

export type QueryPart =
  | { readonly kind: 'this' }
  /** `Properties`, `"quoted key"`, `['quoted key']`. */
  | { readonly kind: 'key'; readonly name: string }
  /** `%name` as the first part or after a dot (cfn-guard's Key("%name")). */
  | { readonly kind: 'variable'; readonly name: string }
  /** `.*`, or `[ name ]` (with spaces) which captures each key in `name`. */
  | { readonly kind: 'allValues'; readonly capture?: string }
  /**
   * `[*]`, or `[name]` which captures each index in `name`. `implicit` marks the `[*]` cfn-guard inserts
   * after a leading `%var` when the next part is not already `[*]`: `%v.a` is read as `%v[*].a`.
   */
  | { readonly kind: 'allIndices'; readonly capture?: string; readonly implicit?: true }
  /** `[0]`, `.0`, `[-1]`; cfn-guard casts the i64 to i32. */
  | { readonly kind: 'index'; readonly index: number }
  /** `[ Type == 'x' ]`, `[ v | Type == 'x' ]`: keeps the values for which the clauses hold. */
  | { readonly kind: 'filter'; readonly capture?: string; readonly conjunctions: Conjunctions<GuardClause> }
  /** `[ keys == /re/ ]`, `[ keys in [...] ]`, `[ keys not in ... ]`: keeps the entries whose key matches. */
  | { readonly kind: 'keysFilter'; readonly capture?: string; readonly comparator: Comparator; readonly with: LetValue };

// ---- Clauses --------------------------------------------------------------------------------------------

export type CmpOp =
  'eq' | 'in' | 'gt' | 'lt' | 'ge' | 'le' | 'exists' | 'empty' | 'is_string' | 'is_list' | 'is_struct' | 'is_bool' | 'is_int' | 'is_float' | 'is_null';

/** `!=` is eq negated; `not exists`, `!empty`, `not in`, `!is_string` ... are the operator negated. */
export interface Comparator {
  readonly op: CmpOp;
  readonly negated: boolean;
}

export const UNARY_OPS: ReadonlySet<CmpOp> = new Set(['exists', 'empty', 'is_string', 'is_list', 'is_struct', 'is_bool', 'is_int', 'is_float', 'is_null']);

export interface FunctionCall {
  readonly pos: Pos;
  readonly name: string;
  readonly args: LetValue[];
}

/** The right-hand side of `let` and of comparisons, and the arguments of calls. */
export type LetValue =
  | { readonly kind: 'value'; readonly value: Value }
  | { readonly kind: 'query'; readonly query: Query }
  | { readonly kind: 'call'; readonly call: FunctionCall };

export interface Let {
  readonly pos: Pos;
  readonly name: string;
  readonly value: LetValue;
}

/** `[not] query op [rhs] [<<message>>]`; `negation` is the leading `not`/`!` before the query. */
export interface AccessClause {
  readonly kind: 'access';
  readonly pos: Pos;
  readonly negation: boolean;
  readonly query: Query;
  readonly comparator: Comparator;
  /** Absent exactly for the unary operators. */
  readonly compareWith?: LetValue;
  readonly message?: string;
}

/** A reference to a named rule: `rule_name`, `not rule_name`, `rule_name <<message>>`. */
export interface NamedRuleClause {
  readonly kind: 'rule';
  readonly pos: Pos;
  readonly negation: boolean;
  readonly name: string;
  readonly message?: string;
}

/** A call of a parameterized rule: `[not] name(args) [<<message>>]`. */
export interface RuleCallClause {
  readonly kind: 'ruleCall';
  readonly pos: Pos;
  readonly negation: boolean;
  readonly name: string;
  readonly args: LetValue[];
  readonly message?: string;
}

/** `query [not empty] { clauses }`: the clauses hold for every value the query selects. */
export interface BlockClause {
  readonly kind: 'block';
  readonly pos: Pos;
  readonly query: Query;
  /** `query !empty { ... }` / `query not empty { ... }`. */
  readonly notEmpty: boolean;
  readonly block: Block<GuardClause>;
}

/** `when conditions { clauses }`. */
export interface WhenBlock {
  readonly kind: 'when';
  readonly pos: Pos;
  readonly conditions: Conjunctions<WhenClause>;
  readonly block: Block<GuardClause>;
}

/** What `when` conditions may hold. */
export type WhenClause = AccessClause | NamedRuleClause | RuleCallClause;

/** Clauses inside blocks, filters and rules. */
export type GuardClause = AccessClause | NamedRuleClause | RuleCallClause | BlockClause | WhenBlock;

/**
 * `AWS::S3::Bucket [when ...] { clauses }` or `AWS::S3::Bucket clause`: the clauses hold for each resource of
 * the type, i.e. for the query `Resources.*[ Type == typeName ]`. `::MODULE` after the name is accepted and
 * dropped, as cfn-guard does.
 */
export interface TypeBlock {
  readonly kind: 'type';
  readonly pos: Pos;
  readonly typeName: string;
  readonly conditions?: Conjunctions<WhenClause>;
  readonly block: Block<GuardClause>;
}

/**
 * The items of a rule. A `when` block directly in a rule (cfn-guard's RuleClause::WhenBlock) may hold bare
 * rule references too; one nested in another block (GuardClause::WhenBlock) holds the same node type.
 */
export type RuleClause = GuardClause | TypeBlock;

export interface Rule {
  readonly pos: Pos;
  readonly name: string;
  readonly conditions?: Conjunctions<WhenClause>;
  readonly block: Block<RuleClause>;
  /** The rule cfn-guard makes of the file's clauses outside any `rule`, named "default", placed first. */
  readonly isDefault?: true;
}

export interface ParameterizedRule extends Rule {
  /** Duplicates dropped, first place kept (cfn-guard's IndexSet). */
  readonly params: string[];
}

export interface GuardFile {
  readonly file: string;
  readonly assignments: Let[];
  readonly rules: Rule[];
  readonly parameterizedRules: ParameterizedRule[];
}

/** The built-in functions of cfn-guard 3.1.1 with their arity (eval_context.rs); `now`/`parse_epoch` came later. */
export const FUNCTION_ARITY: Readonly<Record<string, number>> = {
  count: 1,
  json_parse: 1,
  regex_replace: 3,
  substring: 3,
  to_upper: 1,
  to_lower: 1,
  join: 2,
  url_decode: 1,
  parse_int: 1,
  parse_float: 1,
  parse_string: 1,
  parse_boolean: 1,
  parse_char: 1,
};
