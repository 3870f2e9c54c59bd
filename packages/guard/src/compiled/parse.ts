import type {
  AccessClause,
  Block,
  CmpOp,
  Comparator,
  Conjunctions,
  FunctionCall,
  GuardClause,
  GuardFile,
  Let,
  LetValue,
  NamedRuleClause,
  ParameterizedRule,
  Pos,
  Query,
  QueryPart,
  Rule,
  RuleCallClause,
  RuleClause,
  TypeBlock,
  Value,
  WhenClause,
} from './ast';
import { UNARY_OPS } from './ast';
import { GuardParseError, R, Scanner, Unexplained } from './scanner';

export { GuardParseError } from './scanner';

/**
 * Parses a Guard rule file as cfn-guard 3.1.1 does, or throws GuardParseError with file, line and column.
 *
 * A hand-written port of guard/src/rules/parser.rs: each method is the nom combinator of the same name, tried
 * in the same order, so the files accepted and the trees built are cfn-guard's. The nom protocol is kept:
 * `undefined` is a recoverable miss (Err::Error, the caller tries its next alternative) and a thrown
 * GuardParseError is a failure (Err::Failure, after a `cut`), which no alternative catches.
 */
export function parseGuard(text: string, file: string): GuardFile {
  try {
    return new Parser(text, file, false).parseFile();
  } catch (e) {
    if (!(e instanceof Unexplained)) throw e;
    // The text does not parse: again, remembering what each alternative expected, for the message.
    return new Parser(text, file, true).parseFile();
  }
}

type Parse<T> = (i: number) => R<T>;

const IS_TYPE: [CmpOp, string, string][] = [
  ['is_string', 'IS_STRING', 'is_string'],
  ['is_list', 'IS_LIST', 'is_list'],
  ['is_struct', 'IS_STRUCT', 'is_struct'],
  ['is_bool', 'IS_BOOL', 'is_bool'],
  ['is_int', 'IS_INT', 'is_int'],
  ['is_null', 'IS_NULL', 'is_null'],
  ['is_float', 'IS_FLOAT', 'is_float'],
];

const NOT = ['not', 'NOT'];

const ORDER_OPS: [string, CmpOp][] = [
  ['>=', 'ge'],
  ['<=', 'le'],
  ['>', 'gt'],
  ['<', 'lt'],
];

/** nom's i64 `as i32`. */
const toI32 = (v: bigint): number => Number(BigInt.asIntN(32, v));

class Parser extends Scanner {
  // ---- combinators with nom 5's exact behaviour -----------------------------------------------------------

  /** A miss after this point fails the file (nom's cut). */
  private cut<T>(r: R<T>, i: number, expected: string): [T, number] {
    return r ?? this.fail(i, expected);
  }

  private cutPos(j: number | undefined, i: number, expected: string): number {
    return j ?? this.fail(i, expected);
  }

  /** separated_nonempty_list / separated_list: an element that reads nothing, or a separator that reads nothing, is a miss. */
  private separated<T>(i: number, sep: (i: number) => number | undefined, f: Parse<T>, nonEmpty: boolean): R<T[]> {
    const out: T[] = [];
    const first = f(i);
    if (!first) return nonEmpty ? undefined : [out, i];
    if (first[1] === i) return this.miss(i, 'progress');
    out.push(first[0]);
    i = first[1];
    for (;;) {
      const s = sep(i);
      if (s === undefined) return [out, i];
      if (s === i) return this.miss(i, 'progress');
      const r = f(s);
      if (!r) return [out, i];
      if (r[1] === i) return this.miss(i, 'progress');
      out.push(r[0]);
      i = r[1];
    }
  }

  // ---- values ---------------------------------------------------------------------------------------------

  private intValue(i: number): R<Value> {
    const r = this.int(i);
    return r && [{ kind: 'int', value: Number(r[0]), text: r[0].toString(), pos: this.pos(i) }, r[1]];
  }

  private scalar(i: number): R<Value> {
    let r: R<unknown>;
    if ((r = this.string(i))) return [{ kind: 'string', value: r[0] as string, pos: this.pos(i) }, r[1]];
    if ((r = this.float(i))) return [{ kind: 'float', value: r[0] as number, pos: this.pos(i) }, r[1]];
    const n = this.intValue(i);
    if (n) return n;
    let j = this.tag(i, 'true', 'True');
    if (j !== undefined) return [{ kind: 'bool', value: true, pos: this.pos(i) }, j];
    j = this.tag(i, 'false', 'False');
    if (j !== undefined) return [{ kind: 'bool', value: false, pos: this.pos(i) }, j];
    if ((r = this.regex(i))) return [{ kind: 'regex', source: r[0] as string, pos: this.pos(i) }, r[1]];
    return undefined;
  }

  /** One end of a range: float, int, or any single character, with spaces around. */
  private rangeEnd(i: number): R<{ type: 'int' | 'float' | 'char'; v: number | string }> {
    i = this.space0(i);
    let r: R<{ type: 'int' | 'float' | 'char'; v: number | string }>;
    const f = this.float(i);
    if (f) r = [{ type: 'float', v: f[0] }, f[1]];
    else {
      const n = this.int(i);
      if (n) r = [{ type: 'int', v: Number(n[0]) }, n[1]];
      else if (i < this.text.length) {
        const c = String.fromCodePoint(this.text.codePointAt(i)!);
        r = [{ type: 'char', v: c }, i + c.length];
      } else return this.miss(i, 'a range bound');
    }
    return [r[0], this.space0(r[1])];
  }

  private range(i: number): R<Value> {
    let j = this.ch(i, 'r');
    if (j === undefined) return undefined;
    const open = this.text[j];
    if (open !== '(' && open !== '[') return this.miss(j, "'(' or '['");
    const lo = this.rangeEnd(j + 1);
    if (!lo) return undefined;
    j = this.ch(lo[1], ',');
    if (j === undefined) return undefined;
    const hi = this.rangeEnd(j);
    if (!hi) return undefined;
    const close = this.text[hi[1]];
    if (close !== ')' && close !== ']') return this.miss(hi[1], "')' or ']'");
    if (lo[0].type !== hi[0].type) this.fail(hi[1] + 1, 'range bounds of the same type');
    const value: Value = {
      kind: 'range',
      type: lo[0].type,
      lower: lo[0].v,
      upper: hi[0].v,
      lowerInclusive: open === '[',
      upperInclusive: close === ']',
      pos: this.pos(i),
    };
    return [value, hi[1] + 1];
  }

  private list(i: number): R<Value> {
    i = this.ws0(i);
    const j = this.ch(i, '[');
    if (j === undefined) return undefined;
    const items = this.separated(
      j,
      (k) => this.ch(this.ws0(k), ','),
      (k) => this.value(k),
      false,
    );
    if (!items) return undefined;
    const end = this.ch(this.ws0(items[1]), ']');
    return end === undefined ? undefined : [{ kind: 'list', items: items[0], pos: this.pos(i) }, end];
  }

  private keyPart(i: number): R<string> {
    const j = this.nameEnd(i, true);
    if (j > i) return [this.text.slice(i, j), j];
    return this.string(i);
  }

  private keyValue(i: number): R<[string, Value]> {
    const k = this.keyPart(this.ws0(i));
    if (!k) return undefined;
    const j = this.ch(this.ws0(k[1]), ':');
    if (j === undefined) return undefined;
    const v = this.value(j);
    return v && [[k[0], v[0]], v[1]];
  }

  private map(i: number): R<Value> {
    const j = this.ch(i, '{');
    if (j === undefined) return undefined;
    const kvs = this.separated(
      j,
      (k) => this.ch(this.ws0(k), ','),
      (k) => this.keyValue(k),
      false,
    );
    if (!kvs) return undefined;
    const end = this.ch(this.ws0(kvs[1]), '}');
    if (end === undefined) return undefined;
    const entries = new Map<string, Value>();
    for (const [k, v] of kvs[0]) entries.set(k, v);
    return [{ kind: 'map', entries: [...entries], pos: this.pos(i) }, end];
  }

  /** parse_value: null, scalars, range, list, map, after any whitespace and comments. */
  private value(i: number): R<Value> {
    i = this.ws0(i);
    const j = this.tag(i, 'null', 'NULL');
    if (j !== undefined) return [{ kind: 'null', pos: this.pos(i) }, j];
    return this.scalar(i) ?? this.range(i) ?? this.list(i) ?? this.map(i);
  }

  // ---- operators ------------------------------------------------------------------------------------------

  /** `not`/`NOT` followed by spaces or tabs, or `!`. */
  private not(i: number): number | undefined {
    for (const t of NOT) {
      if (this.text.startsWith(t, i)) {
        const j = this.space0(i + 3);
        if (j > i + 3) return j;
      }
    }
    return this.ch(i, '!');
  }

  private eq(i: number): R<Comparator> {
    if (this.text.startsWith('==', i)) return [{ op: 'eq', negated: false }, i + 2];
    if (this.text.startsWith('!=', i)) return [{ op: 'eq', negated: true }, i + 2];
    return this.miss(i, "'==' or '!='");
  }

  private inKeyword(i: number): number | undefined {
    return this.tag(i, 'in', 'IN');
  }

  private otherOperation(i: number): R<Comparator> {
    const n = this.not(i);
    const j = n ?? i;
    const op = (op: CmpOp, k: number | undefined): R<Comparator> => (k === undefined ? undefined : [{ op, negated: n !== undefined }, k]);
    const found = op('in', this.inKeyword(j)) ?? op('exists', this.tag(j, 'EXISTS', 'exists')) ?? op('empty', this.tag(j, 'EMPTY', 'empty'));
    if (found) return found;
    for (const [name, upper, lower] of IS_TYPE) {
      const r = op(name, this.tag(j, upper, lower));
      if (r) return r;
    }
    return undefined;
  }

  /** value_cmp: `<<` starts a message, not `<`. */
  private valueCmp(i: number): R<Comparator> {
    if (this.text.startsWith('<<', i)) return this.miss(i, 'a comparison operator');
    const eq = this.eq(i);
    if (eq) return eq;
    for (const [t, op] of ORDER_OPS) if (this.text.startsWith(t, i)) return [{ op, negated: false }, i + t.length];
    return this.otherOperation(i) ?? this.miss(i, 'a comparison operator (==, !=, <, in, exists, empty, is_string ...)');
  }

  private message(i: number): R<string | undefined> {
    const m = this.customMessage(i);
    return m ?? [undefined, i];
  }

  // ---- queries --------------------------------------------------------------------------------------------

  private openArray(i: number): number | undefined {
    return this.ch(this.ws0(i), '[');
  }

  private closeArray(i: number): number | undefined {
    return this.ch(this.ws0(i), ']');
  }

  /** `name |` at the start of a filter. */
  private capture(i: number): R<string> {
    const v = this.varName(this.ws0(i));
    if (!v) return undefined;
    const j = this.ch(this.space0(v[1]), '|');
    return j === undefined ? undefined : [v[0], j];
  }

  private allIndices(i: number): R<QueryPart> {
    const j = this.openArray(i);
    if (j === undefined) return undefined;
    const star = this.ch(this.ws0(j), '*');
    let r: R<QueryPart>;
    if (star !== undefined) r = [{ kind: 'allIndices' }, star];
    else {
      const v = this.varName(j);
      r = v && [{ kind: 'allIndices', capture: v[0] }, v[1]];
    }
    if (!r) return undefined;
    const end = this.closeArray(r[1]);
    return end === undefined ? undefined : [r[0], end];
  }

  private arrayIndex(i: number): R<QueryPart> {
    const j = this.openArray(i);
    if (j === undefined) return undefined;
    const n = this.int(j);
    if (!n) return undefined;
    const end = this.cutPos(this.closeArray(n[1]), n[1], "']' after the index");
    return [{ kind: 'index', index: toI32(n[0]) }, end];
  }

  private mapKeyLookup(i: number): R<QueryPart> {
    const j = this.openArray(i);
    if (j === undefined) return undefined;
    let r: R<QueryPart>;
    const s = this.string(j);
    if (s) r = [{ kind: 'key', name: s[0] }, s[1]];
    else {
      const v = this.varName(this.ws0(j));
      r = v && [{ kind: 'allValues', capture: v[0] }, this.ws0(v[1])];
    }
    if (!r) return undefined;
    const end = this.closeArray(r[1]);
    return end === undefined ? undefined : [r[0], end];
  }

  private mapKeysMatch(i: number): R<QueryPart> {
    let j = this.openArray(i);
    if (j === undefined) return undefined;
    const cap = this.capture(j);
    if (cap) j = cap[1];
    j = this.tag(this.ws0(j), 'KEYS', 'keys');
    if (j === undefined) return undefined;
    const k = this.ws0(j);
    let cmp = this.eq(k);
    if (!cmp) {
      const inAt = this.inKeyword(k);
      if (inAt !== undefined) cmp = [{ op: 'in', negated: false }, inAt];
      else {
        const n = this.not(k);
        const notIn = n === undefined ? undefined : this.inKeyword(n);
        if (notIn !== undefined) cmp = [{ op: 'in', negated: true }, notIn];
      }
    }
    const [comparator, c] = this.cut(cmp, k, "'==', '!=', 'in' or 'not in' after keys");
    const w = this.ws0(c);
    const v = this.value(w);
    let withR: R<LetValue> = v && [{ kind: 'value', value: v[0] }, v[1]];
    if (!withR) {
      const q = this.access(this.ws0(w));
      withR = q && [{ kind: 'query', query: q[0] }, q[1]];
    }
    const [withValue, e] = this.cut(withR, w, 'a value or a query to compare keys with');
    const end = this.closeArray(e);
    if (end === undefined) return undefined;
    return [{ kind: 'keysFilter', capture: cap?.[0], comparator, with: withValue }, end];
  }

  private filter(i: number): R<QueryPart> {
    let j = this.openArray(i);
    if (j === undefined) return undefined;
    const cap = this.capture(j);
    if (cap) j = cap[1];
    const [conjunctions, k] = this.cnf(j, this.clauseParser);
    const end = this.cutPos(this.closeArray(k), k, "']' to close the filter");
    return [{ kind: 'filter', capture: cap?.[0], conjunctions }, end];
  }

  private dottedProperty(i: number): R<QueryPart> {
    const j = this.ch(this.ws0(i), '.');
    if (j === undefined) return undefined;
    const n = this.int(j);
    if (n) return [{ kind: 'index', index: toI32(n[0]) }, n[1]];
    const p = this.propertyName(j);
    if (p) return [{ kind: 'key', name: p[0] }, p[1]];
    const v = this.variable(j);
    if (v) return [{ kind: 'variable', name: v[0] }, v[1]];
    const star = this.ch(j, '*');
    return star === undefined ? undefined : [{ kind: 'allValues' }, star];
  }

  private propertyName(i: number): R<string> {
    return this.varName(i) ?? this.string(i);
  }

  private variable(i: number): R<string> {
    const j = this.ch(i, '%');
    return j === undefined ? undefined : this.varName(j);
  }

  /**
   * access: [some] (this / %var / name / "key") then dotted parts, filters and indices. A clause is tried as
   * a block clause, then a rule call, then a comparison, each starting with the same query, and queries nest
   * in filters: the answer for each position is kept so that nesting does not cost exponential time. Keeping
   * it changes nothing: the query read at a position is always the same, and its misses are already recorded.
   */
  private access(i: number): R<Query> {
    if (this.accessMemo.has(i)) return this.accessMemo.get(i);
    const r = this.readAccess(i);
    this.accessMemo.set(i, r);
    return r;
  }

  private readonly accessMemo = new Map<number, R<Query>>();

  private readAccess(i: number): R<Query> {
    let matchAll = true;
    let j = i;
    const s = this.tag(this.ws0(i), 'SOME', 'some');
    if (s !== undefined) {
      const k = this.ws1(s);
      if (k !== undefined) {
        matchAll = false;
        j = k;
      }
    }
    const start = j;
    let first: R<QueryPart>;
    const t = this.tag(this.ws0(j), 'this', 'THIS');
    if (t !== undefined) first = [{ kind: 'this' }, t];
    else {
      const v = this.variable(j);
      if (v) first = [{ kind: 'variable', name: v[0] }, v[1]];
      else {
        const p = this.propertyName(j);
        first = p && [{ kind: 'key', name: p[0] }, p[1]];
      }
    }
    if (!first) return undefined;
    const parts: QueryPart[] = [first[0]];
    j = first[1];
    for (;;) {
      const part = this.dottedProperty(j) ?? this.allIndices(j) ?? this.arrayIndex(j) ?? this.mapKeyLookup(j) ?? this.mapKeysMatch(j) ?? this.filter(j);
      if (!part) break;
      if (part[1] === j) return this.miss(j, 'progress');
      parts.push(part[0]);
      j = part[1];
    }
    // cfn-guard reads `%v.a` as `%v[*].a`: a variable holds a list of values.
    if (parts.length > 1 && parts[0].kind === 'variable' && parts[1].kind !== 'allIndices') parts.splice(1, 0, { kind: 'allIndices', implicit: true });
    return [{ pos: this.pos(start), matchAll, parts }, j];
  }

  // ---- clauses --------------------------------------------------------------------------------------------

  /** clause_with_map: [not] query op [rhs] [<<message>>]. */
  private accessClause(i: number): R<AccessClause> {
    let j = this.ws0(i);
    const n = this.not(j);
    if (n !== undefined) j = n;
    const q = this.access(j);
    if (!q) return undefined;
    const cmp = this.valueCmp(this.ws0(q[1]));
    if (!cmp) return undefined;
    const [comparator, k] = cmp;
    const pos = this.pos(i);
    const negation = n !== undefined;
    const query = q[0];
    if (UNARY_OPS.has(comparator.op)) {
      const [message, end] = this.message(this.ws0(k))!;
      return [{ kind: 'access', pos, negation, query, comparator, message }, end];
    }
    const rhs = this.cut(this.compareWith(k), k, 'a value, a function call or a query to compare with');
    const [message, end] = this.message(this.ws0(rhs[1]))!;
    return [{ kind: 'access', pos, negation, query, comparator, compareWith: rhs[0], message }, end];
  }

  /** The right-hand side of a comparison. */
  private compareWith(i: number): R<LetValue> {
    const v = this.value(i);
    if (v) return [{ kind: 'value', value: v[0] }, v[1]];
    const j = this.ws0(i);
    const f = this.functionCall(j);
    if (f) return [{ kind: 'call', call: f[0] }, f[1]];
    const a = this.access(j);
    return a && [{ kind: 'query', query: a[0] }, a[1]];
  }

  private blockClause(i: number): R<GuardClause> {
    const q = this.access(i);
    if (!q) return undefined;
    let j = q[1];
    let notEmpty = false;
    const n = this.not(this.ws0(j));
    const e = n === undefined ? undefined : this.tag(n, 'EMPTY', 'empty');
    if (e !== undefined) {
      notEmpty = true;
      j = e;
    }
    const b = this.block(j, this.clauseParser);
    return b && [{ kind: 'block', pos: this.pos(i), query: q[0], notEmpty, block: b[0] }, b[1]];
  }

  /** call_expr: name(args), arguments separated by `,` with whitespace (no comments) around. */
  private callExpr(i: number): R<{ name: string; args: LetValue[] }> {
    const name = this.varName(i);
    if (!name) return undefined;
    const open = this.ch(name[1], '(');
    if (open === undefined) return undefined;
    const arg = (k: number): R<LetValue> => {
      const v = this.cut(this.letValue(this.multispace0(k)), k, 'a function argument');
      return [v[0], this.multispace0(v[1])];
    };
    const args = this.separated(open, (k) => this.ch(k, ','), arg, true);
    if (!args) return undefined;
    const close = this.cutPos(this.ch(args[1], ')'), args[1], "')' to close the call");
    return [{ name: name[0], args: args[0] }, close];
  }

  private functionCall(i: number): R<FunctionCall> {
    const c = this.callExpr(i);
    return c && [{ pos: this.pos(i), name: c[0].name, args: c[0].args }, c[1]];
  }

  private letValue(i: number): R<LetValue> {
    i = this.ws0(i);
    const v = this.value(i);
    if (v) return [{ kind: 'value', value: v[0] }, v[1]];
    const f = this.functionCall(i);
    if (f) return [{ kind: 'call', call: f[0] }, f[1]];
    const a = this.access(i);
    return a && [{ kind: 'query', query: a[0] }, a[1]];
  }

  private ruleCallClause(i: number): R<RuleCallClause> {
    const n = this.not(i);
    const c = this.callExpr(n ?? i);
    if (!c) return undefined;
    const m = this.customMessage(this.ws0(c[1]));
    return [{ kind: 'ruleCall', pos: this.pos(i), negation: n !== undefined, name: c[0].name, args: c[0].args, message: m?.[0] }, m ? m[1] : c[1]];
  }

  /** clause: a when block, a block clause, a rule call, or a comparison. */
  private clause(i: number): R<GuardClause> {
    return this.whenBlock(i, this.clauseParser) ?? this.blockClause(i) ?? this.ruleCallClause(i) ?? this.accessClause(i);
  }

  private newline(i: number): number | undefined {
    return this.tag(i, '\n', '\r\n');
  }

  private orJoin(i: number): number | undefined {
    const j = this.tag(this.ws0(i), 'or', 'OR', '|OR|');
    return j === undefined ? undefined : this.ws1(j);
  }

  /** A rule reference ends the line, or precedes a comment, `{`, `or`, or a message. */
  private ruleClause(i: number): R<NamedRuleClause> {
    const n = this.not(i);
    const name = this.varName(n ?? i);
    if (!name) return undefined;
    const j = name[1];
    const s = this.space0(j);
    const pos = this.pos(i);
    const negation = n !== undefined;
    if (this.atEnd(j) || this.newline(s) !== undefined || this.text[s] === '#' || this.text[s] === '{' || this.orJoin(j) !== undefined)
      return [{ kind: 'rule', pos, negation, name: name[0] }, j];
    const [message, end] = this.cut(this.customMessage(s), s, 'the end of the line, `or` or a <<message>> after the rule name');
    return [{ kind: 'rule', pos, negation, name: name[0], message }, end];
  }

  /** cnf_clauses: disjunctions until one does not read; none at all fails the file. */
  private cnf<T>(i: number, f: Parse<T>): [Conjunctions<T>, number] {
    const out: Conjunctions<T> = [];
    for (;;) {
      const d = this.disjunctions(i, f);
      if (!d) {
        if (out.length === 0) this.fail(i, 'one or more clauses');
        return [out, i];
      }
      out.push(d[0]);
      i = d[1];
    }
  }

  private disjunctions<T>(i: number, f: Parse<T>): R<T[]> {
    return this.separated(i, this.orJoinParser, (k) => f(this.ws0(k)), true);
  }

  private singleClauses(i: number): [Conjunctions<WhenClause>, number] {
    return this.cnf<WhenClause>(i, this.whenClauseParser);
  }

  private letExpr(i: number): R<Let> {
    let j = this.tag(i, 'let');
    if (j === undefined) return undefined;
    const pos = this.pos(i);
    j = this.ws1(j);
    if (j === undefined) return undefined;
    const name = this.varName(j);
    if (!name) return undefined;
    const k = this.cutPos(this.tag(this.ws0(name[1]), '=', ':='), name[1], "'=' or ':=' after the variable name");
    const v = this.value(k);
    if (v) return [{ pos, name: name[0], value: { kind: 'value', value: v[0] } }, v[1]];
    let f: R<FunctionCall>;
    try {
      f = this.functionCall(this.ws0(k));
    } catch (e) {
      // cfn-guard tries a query next whatever went wrong in the call.
      if (!(e instanceof GuardParseError)) throw e;
    }
    if (f) return [{ pos, name: name[0], value: { kind: 'call', call: f[0] } }, f[1]];
    const a = this.cut(this.access(this.ws0(k)), k, 'a value, a function call or a query after =');
    return [{ pos, name: name[0], value: { kind: 'query', query: a[0] } }, a[1]];
  }

  private whenConditions(i: number): R<Conjunctions<WhenClause>> {
    const j = this.tag(this.ws0(i), 'when', 'WHEN');
    if (j === undefined) return undefined;
    const k = this.cutPos(this.ws1(j), j, "whitespace after 'when'");
    return this.singleClauses(k);
  }

  /** `{` then lets and disjunctions, at least one, then `}`. */
  private block<T>(i: number, f: Parse<T>): R<Block<T>> {
    const open = this.ch(this.ws0(i), '{');
    if (open === undefined) return undefined;
    let j = open;
    const assignments: Let[] = [];
    const conjunctions: Conjunctions<T> = [];
    for (;;) {
      const a = this.letExpr(this.ws0(j));
      if (a) {
        assignments.push(a[0]);
        j = a[1];
        continue;
      }
      const d: R<T[]> = this.disjunctions(j, f);
      if (!d) break;
      if (d[1] === j) return this.miss(j, 'progress');
      conjunctions.push(d[0]);
      j = d[1];
    }
    if (assignments.length === 0 && conjunctions.length === 0) return undefined;
    const end = this.cutPos(this.ch(this.ws0(j), '}'), j, "'}' to close the block");
    return [{ assignments, conjunctions }, end];
  }

  /** when_block: `when conditions { ... }` after any whitespace. */
  private whenBlock<T extends GuardClause>(i: number, f: Parse<T>): R<GuardClause & { kind: 'when' }> {
    i = this.ws0(i);
    const c = this.whenConditions(i);
    if (!c) return undefined;
    const b = this.block<GuardClause>(c[1], f);
    return b && [{ kind: 'when', pos: this.pos(i), conditions: c[0], block: b[0] }, b[1]];
  }

  private typeName(i: number): R<string> {
    const a = this.varName(i);
    const j = a && this.tag(a[1], '::');
    const b = j === undefined ? undefined : this.varName(j);
    if (!a || !b) return undefined;
    const k = this.tag(b[1], '::');
    const c = k === undefined ? undefined : this.varName(k);
    if (!c) return [`${a[0]}::${b[0]}`, b[1]];
    const m = this.tag(c[1], '::MODULE');
    return [`${a[0]}::${b[0]}::${c[0]}`, m ?? c[1]];
  }

  private typeBlock(i: number): R<TypeBlock> {
    const name = this.typeName(i);
    if (!name) return undefined;
    let j = this.cutPos(this.ws1(name[1]), name[1], 'whitespace after the type name');
    const clause = this.clauseParser;
    const c = this.whenConditions(j);
    let block: Block<GuardClause>;
    if (c) [block, j] = this.cut(this.block(c[1], clause), c[1], "'{' and clauses after the when conditions");
    else {
      const b = this.block(j, clause);
      if (b) [block, j] = b;
      else {
        const one = this.cut(this.clause(this.ws0(j)), j, 'a block or a clause after the type name');
        [block, j] = [{ assignments: [], conjunctions: [[one[0]]] }, one[1]];
      }
    }
    return [{ kind: 'type', pos: this.pos(i), typeName: name[0], conditions: c?.[0], block }, j];
  }

  private guardOrRuleClause(i: number): R<GuardClause> {
    return this.clause(i) ?? this.ruleClause(i);
  }

  private ruleBlockClause(i: number): R<RuleClause> {
    const j = this.ws0(i);
    return this.typeBlock(j) ?? this.whenBlock(j, this.guardOrRuleClauseParser) ?? this.guardOrRuleClause(j);
  }

  // The clause parsers handed to blocks and lists, made once.
  private readonly clauseParser: Parse<GuardClause> = (i) => this.clause(i);
  private readonly whenClauseParser: Parse<WhenClause> = (i) => this.accessClause(i) ?? this.ruleCallClause(i) ?? this.ruleClause(i);
  private readonly guardOrRuleClauseParser: Parse<GuardClause> = (i) => this.guardOrRuleClause(i);
  private readonly ruleBlockClauseParser: Parse<RuleClause> = (i) => this.ruleBlockClause(i);
  private readonly orJoinParser = (i: number): number | undefined => this.orJoin(i);
  private readonly typeBlockParser: Parse<TypeBlock> = (i) => this.typeBlock(i);

  private ruleHead(i: number): R<Pos> {
    const k = this.ws0(i);
    const j = this.tag(k, 'rule');
    const s = j === undefined ? undefined : this.ws1(j);
    return s === undefined ? undefined : [this.pos(k), s];
  }

  private rule(i: number): R<Rule> {
    const head = this.ruleHead(i);
    if (!head) return undefined;
    const [name, j] = this.cut(this.varName(head[1]), head[1], 'a rule name');
    const c = this.whenConditions(j);
    const k = c ? c[1] : j;
    const b = this.cut(this.block(k, this.ruleBlockClauseParser), k, "'{' and clauses for the rule");
    return [{ pos: head[0], name, conditions: c?.[0], block: b[0] }, b[1]];
  }

  private parameterizedRule(i: number): R<ParameterizedRule> {
    const head = this.ruleHead(i);
    if (!head) return undefined;
    const [name, j] = this.cut(this.varName(head[1]), head[1], 'a rule name');
    const open = this.ch(j, '(');
    if (open === undefined) return undefined;
    const param = (k: number): R<string> => {
      const v = this.cut(this.varName(this.multispace0(k)), k, 'a parameter name');
      return [v[0], this.multispace0(v[1])];
    };
    const ps = this.separated(open, (k) => this.ch(k, ','), param, true);
    if (!ps) return undefined;
    const close = this.cutPos(this.ch(ps[1], ')'), ps[1], "')' after the parameters");
    const b = this.cut(this.block(close, this.ruleBlockClauseParser), close, "'{' and clauses for the rule");
    return [{ pos: head[0], name, params: [...new Set(ps[0])], block: b[0] }, b[1]];
  }

  // ---- the file -------------------------------------------------------------------------------------------

  parseFile(): GuardFile {
    const assignments: Let[] = [];
    const rules: Rule[] = [];
    const parameterizedRules: ParameterizedRule[] = [];
    const defaults: RuleClause[][] = [];
    let i = this.ws0(0);
    const start = i;
    if (this.atEnd(i)) return { file: this.file, assignments, rules, parameterizedRules };
    for (;;) {
      const k = this.ws0(i);
      const j = this.topLevel(k, { assignments, rules, parameterizedRules, defaults });
      if (j === undefined) {
        if (i === start) throw this.furthest(k);
        break;
      }
      const end = this.ws0(j);
      if (end === i) throw this.furthest(k);
      i = end;
    }
    if (!this.atEnd(i)) throw this.furthest(i);
    if (defaults.length > 0) {
      const pos = defaults[0][0].pos;
      rules.unshift({ pos, name: 'default', block: { assignments: [], conjunctions: defaults }, isDefault: true });
    }
    return { file: this.file, assignments, rules, parameterizedRules };
  }

  /** One top-level item, in cfn-guard's order of alternatives; returns the position after it. */
  private topLevel(
    i: number,
    out: { assignments: Let[]; rules: Rule[]; parameterizedRules: ParameterizedRule[]; defaults: RuleClause[][] },
  ): number | undefined {
    const a = this.letExpr(i);
    if (a) return (out.assignments.push(a[0]), a[1]);
    const p = this.parameterizedRule(i);
    if (p) return (out.parameterizedRules.push(p[0]), p[1]);
    const r = this.rule(i);
    if (r) return (out.rules.push(r[0]), r[1]);
    const t = this.disjunctions(i, this.typeBlockParser);
    if (t) return (out.defaults.push(t[0]), t[1]);
    const w = this.whenBlock(i, this.guardOrRuleClauseParser);
    if (w) return (out.defaults.push([w[0]]), w[1]);
    const d = this.disjunctions(i, this.clauseParser);
    if (d) return (out.defaults.push(d[0]), d[1]);
    return undefined;
  }
}
