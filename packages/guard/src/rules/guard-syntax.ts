/**
 * A reader for the Guard rule language (cfn-guard 3.x), precise enough to analyse what parts of a document a
 * rule file reads: comments, strings, regex literals and custom messages are tokens, so nothing inside them is
 * mistaken for code, and queries, filters, blocks and rule calls have their structure. It is not a validator:
 * cfn-guard decides whether a file is valid; text this reader cannot follow is a SyntaxProblem, and the
 * analysis then assumes the worst.
 */

export type TokenKind = 'ident' | 'type' | 'var' | 'string' | 'regex' | 'number' | 'punct' | 'message' | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** Identifier, punctuation or operator text; the value of a string or regex; the name of a variable (no %). */
  readonly text: string;
  readonly pos: number;
}

export class SyntaxProblem extends Error {
  constructor(
    readonly pos: number,
    message: string,
  ) {
    super(message);
  }
}

const PUNCT = ['|OR|', '==', '!=', '>=', '<=', ':=', '{', '}', '[', ']', '(', ')', '.', ',', ':', '*', '|', '>', '<', '!', '='];

/** Splits rule text into tokens, dropping whitespace and comments. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    const start = i;
    if (text.startsWith('<<', i)) {
      const end = text.indexOf('>>', i + 2);
      if (end < 0) throw new SyntaxProblem(i, 'a message << is never closed with >>');
      tokens.push({ kind: 'message', text: text.slice(i + 2, end), pos: start });
      i = end + 2;
      continue;
    }
    if (c === '"' || c === "'") {
      // As cfn-guard reads them: a quote right after a backslash does not end the string.
      const read = readDelimited(text, i + 1, c, (at) => at < 0 && new SyntaxProblem(start, 'a string is never closed'));
      tokens.push({ kind: 'string', text: read.value, pos: start });
      i = read.end;
      continue;
    }
    if (c === '/') {
      // cfn-guard's regex literal: up to a / that does not follow a backslash; \/ stands for /.
      const read = readDelimited(
        text,
        i + 1,
        '/',
        (at, from) => (at < 0 || at === from) && new SyntaxProblem(start, 'a regular expression /.../ is never closed'),
      );
      tokens.push({ kind: 'regex', text: read.value, pos: start });
      i = read.end;
      continue;
    }
    if (c === '%') {
      const m = /^%([A-Za-z][A-Za-z0-9_]*)/.exec(text.slice(i, i + 200));
      if (!m) throw new SyntaxProblem(i, 'a % without a variable name');
      tokens.push({ kind: 'var', text: m[1], pos: start });
      i += m[0].length;
      continue;
    }
    const number = /^-?\d+(\.\d+)?([eE][+-]\d+)?/.exec(text.slice(i, i + 50));
    if (number && (c !== '-' || /\d/.test(text[i + 1] ?? ''))) {
      tokens.push({ kind: 'number', text: number[0], pos: start });
      i += number[0].length;
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_]*(::[A-Za-z0-9_]+)*/.exec(text.slice(i, i + 300));
    if (word) {
      tokens.push({ kind: word[1] ? 'type' : 'ident', text: word[0], pos: start });
      i += word[0].length;
      continue;
    }
    const punct = PUNCT.find((p) => text.startsWith(p, i));
    if (!punct) throw new SyntaxProblem(i, `unexpected character ${JSON.stringify(c)}`);
    tokens.push({ kind: 'punct', text: punct, pos: start });
    i += punct.length;
  }
  tokens.push({ kind: 'eof', text: '', pos: n });
  return tokens;
}

// ---- The syntax tree ----

export type Step =
  | { readonly kind: 'key'; readonly name: string }
  | { readonly kind: 'varKey'; readonly name: string }
  | { readonly kind: 'all'; readonly capture?: string }
  | { readonly kind: 'index' }
  | { readonly kind: 'filter'; readonly capture?: string; readonly clauses: Conjunction }
  | { readonly kind: 'keys'; readonly op: '==' | '!=' | 'in' | 'not in'; readonly value: Expr };

export type Head = { readonly kind: 'this' } | { readonly kind: 'var'; readonly name: string } | { readonly kind: 'key'; readonly name: string };

export interface Query {
  readonly head: Head;
  readonly steps: readonly Step[];
  readonly pos: number;
}

export type Literal =
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'regex'; readonly value: string }
  | { readonly kind: 'list'; readonly items: readonly Literal[] }
  | { readonly kind: 'other' };

export type Expr =
  | { readonly kind: 'literal'; readonly value: Literal }
  | { readonly kind: 'query'; readonly query: Query }
  | { readonly kind: 'function'; readonly name: string; readonly args: readonly Expr[] };

export type UnaryOp = 'exists' | 'empty' | 'is_string' | 'is_list' | 'is_struct' | 'is_bool' | 'is_int' | 'is_float' | 'is_null';
export type BinaryOp = '==' | '!=' | '>=' | '<=' | '>' | '<' | 'in';

export type Clause =
  | {
      readonly kind: 'compare';
      readonly not: boolean;
      readonly lhs: Query;
      readonly op: UnaryOp | BinaryOp;
      readonly negated: boolean;
      readonly rhs?: Expr;
      readonly pos: number;
    }
  | { readonly kind: 'block'; readonly query: Query; readonly notEmpty: boolean; readonly body: Block; readonly pos: number }
  | { readonly kind: 'typeBlock'; readonly type: string; readonly conditions?: Conjunction; readonly body: Block; readonly pos: number }
  | { readonly kind: 'when'; readonly conditions: Conjunction; readonly body: Block; readonly pos: number }
  | { readonly kind: 'call'; readonly not: boolean; readonly name: string; readonly args: readonly Expr[]; readonly pos: number }
  | { readonly kind: 'ruleRef'; readonly not: boolean; readonly name: string; readonly pos: number };

/** Clauses on separate lines must all hold; clauses joined by `or` are alternatives. */
export type Conjunction = readonly (readonly Clause[])[];

export interface Let {
  readonly name: string;
  readonly value: Expr;
}

export interface Block {
  readonly lets: readonly Let[];
  readonly clauses: Conjunction;
}

export interface RuleDef {
  readonly name: string;
  /** Parameter names of a parameterized rule (not reported by cfn-guard); undefined for a named rule. */
  readonly params?: readonly string[];
  readonly conditions?: Conjunction;
  readonly body: Block;
}

export interface RuleFile {
  readonly lets: readonly Let[];
  readonly rules: readonly RuleDef[];
  /** Clauses outside any rule: cfn-guard evaluates them as a rule named `default`. */
  readonly defaults: Conjunction;
}

const UNARY = new Set(['exists', 'empty', 'is_string', 'is_list', 'is_struct', 'is_bool', 'is_int', 'is_float', 'is_null']);
const NOT_WORDS = new Set(['not', 'NOT']);
const OR_WORDS = new Set(['or', 'OR', '|OR|']);

/** Parses a rule file; throws SyntaxProblem where it cannot follow the text. */
/**
 * The text from `from` up to the next `delimiter` that does not follow a backslash (`\<delimiter>` stands for
 * the delimiter), and the index after it. `refuse(close, from)` returns the error for a closing position
 * cfn-guard does not accept (-1: none), checked at every segment.
 */
function readDelimited(
  text: string,
  from: number,
  delimiter: string,
  refuse: (close: number, from: number) => SyntaxProblem | false,
): { value: string; end: number } {
  let value = '';
  for (let i = from; ;) {
    const close = text.indexOf(delimiter, i);
    const problem = refuse(close, i);
    if (problem) throw problem;
    const part = text.slice(i, close);
    i = close + 1;
    if (!part.endsWith('\\')) return { value: value + part, end: i };
    value += part.slice(0, -1) + delimiter;
  }
}

export function parseRuleFile(text: string): RuleFile {
  return new Parser(tokenize(text)).file();
}

type Stop = 'block' | 'filter' | 'conditions';

class Parser {
  private i = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  private get tok(): Token {
    return this.tokens[this.i];
  }

  private peek(offset = 1): Token {
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)];
  }

  private is(text: string, token = this.tok): boolean {
    return (token.kind === 'punct' || token.kind === 'ident') && token.text === text;
  }

  private word(token = this.tok): string | undefined {
    return token.kind === 'ident' ? token.text.toLowerCase() : undefined;
  }

  private expect(text: string): Token {
    if (!this.is(text)) this.fail(`expected ${text}`);
    return this.tokens[this.i++];
  }

  private fail(message: string): never {
    throw new SyntaxProblem(this.tok.pos, `${message}, found ${this.tok.kind === 'eof' ? 'the end' : JSON.stringify(this.tok.text)}`);
  }

  file(): RuleFile {
    const lets: Let[] = [];
    const rules: RuleDef[] = [];
    const defaults: Clause[][] = [];
    while (this.tok.kind !== 'eof') {
      if (this.word() === 'let') lets.push(this.let());
      else if (this.word() === 'rule' && this.peek().kind === 'ident') rules.push(this.rule());
      else defaults.push(this.disjunction('block'));
    }
    return { lets, rules, defaults };
  }

  private let(): Let {
    this.i++;
    if (this.tok.kind !== 'ident') this.fail('expected a variable name after let');
    const name = this.tok.text;
    this.i++;
    if (!this.is('=') && !this.is(':=')) this.fail('expected = after the variable name');
    this.i++;
    return { name, value: this.expr() };
  }

  private rule(): RuleDef {
    this.i++;
    const name = this.tok.text;
    this.i++;
    let params: string[] | undefined;
    if (this.is('(')) {
      this.i++;
      params = [];
      for (;;) {
        if (this.tok.kind !== 'ident') this.fail('expected a parameter name');
        params.push(this.tok.text);
        this.i++;
        if (this.is(',')) this.i++;
        else break;
      }
      this.expect(')');
    }
    const conditions = this.word() === 'when' ? (this.i++, this.conjunction('conditions')) : undefined;
    return { name, params, conditions, body: this.block() };
  }

  private block(): Block {
    this.expect('{');
    const lets: Let[] = [];
    const clauses: Clause[][] = [];
    while (!this.is('}')) {
      if (this.tok.kind === 'eof') this.fail('expected }');
      if (this.word() === 'let') lets.push(this.let());
      else clauses.push(this.disjunction('block'));
    }
    this.i++;
    return { lets, clauses };
  }

  /** Clauses up to `{` (conditions) or `]` (filter). */
  private conjunction(stop: Stop): Conjunction {
    const out: Clause[][] = [];
    const end = stop === 'filter' ? ']' : '{';
    while (!this.is(end)) {
      if (this.tok.kind === 'eof') this.fail(`expected ${end}`);
      out.push(this.disjunction(stop));
    }
    if (!out.length) this.fail('expected a clause');
    return out;
  }

  private disjunction(stop: Stop): Clause[] {
    const out = [this.clause(stop)];
    while (this.tok.kind !== 'eof' && OR_WORDS.has(this.tok.text) && (this.tok.kind === 'ident' || this.tok.kind === 'punct')) {
      this.i++;
      out.push(this.clause(stop));
    }
    return out;
  }

  private clause(stop: Stop): Clause {
    const pos = this.tok.pos;
    const clause = this.bareClause(stop, pos);
    while (this.tok.kind === 'message') this.i++;
    return clause;
  }

  private bareClause(stop: Stop, pos: number): Clause {
    if (stop !== 'conditions' && this.word() === 'when') {
      this.i++;
      const conditions = this.conjunction('conditions');
      return { kind: 'when', conditions, body: this.block(), pos };
    }
    if (stop === 'block' && this.tok.kind === 'type') {
      const type = this.tok.text.replace(/::MODULE$/, '');
      this.i++;
      const conditions = this.word() === 'when' ? (this.i++, this.conjunction('conditions')) : undefined;
      if (conditions || this.is('{')) return { kind: 'typeBlock', type, conditions, body: this.block(), pos };
      return { kind: 'typeBlock', type, body: { lets: [], clauses: [[this.clause('block')]] }, pos };
    }
    let not = false;
    if (this.is('!') || (NOT_WORDS.has(this.tok.text) && this.tok.kind === 'ident' && !this.isOperatorAhead(1))) {
      not = true;
      this.i++;
    }
    if (this.tok.kind === 'ident' && this.is('(', this.peek()) && this.peek().pos === this.tok.pos + this.tok.text.length) {
      const name = this.tok.text;
      this.i++;
      return { kind: 'call', not, name, args: this.args(), pos };
    }
    const lhs = this.query();
    const op = this.operator();
    if (!op) {
      // In conditions a `{` opens the rule's block; elsewhere it opens a block over the query.
      if (this.is('{') && !not && stop !== 'conditions') return { kind: 'block', query: lhs, notEmpty: false, body: this.block(), pos };
      return this.ruleRef(lhs, not, pos);
    }
    if (op.op === 'empty' && op.negated && this.is('{') && stop !== 'conditions' && !not) {
      return { kind: 'block', query: lhs, notEmpty: true, body: this.block(), pos };
    }
    const rhs = UNARY.has(op.op) ? undefined : this.expr();
    return { kind: 'compare', not, lhs, op: op.op, negated: op.negated, rhs, pos };
  }

  private ruleRef(query: Query, not: boolean, pos: number): Clause {
    if (query.head.kind !== 'key' || query.steps.length) throw new SyntaxProblem(pos, 'expected a comparison operator after the query');
    return { kind: 'ruleRef', not, name: query.head.name, pos };
  }

  /** True when the token `offset` ahead starts an operator (so a `not` before it negates the operator). */
  private isOperatorAhead(offset: number): boolean {
    const t = this.peek(offset);
    return t.kind === 'ident' && (UNARY.has(t.text.toLowerCase()) || t.text.toLowerCase() === 'in');
  }

  private operator(): { op: UnaryOp | BinaryOp; negated: boolean } | undefined {
    const t = this.tok;
    if (t.kind === 'punct' && ['==', '!=', '>=', '<=', '>', '<'].includes(t.text)) {
      this.i++;
      return t.text === '!=' ? { op: '==', negated: true } : { op: t.text as BinaryOp, negated: false };
    }
    let negated = false;
    if (this.is('!') || (t.kind === 'ident' && NOT_WORDS.has(t.text) && this.isOperatorAhead(1))) {
      if (!this.isOperatorAhead(1)) return undefined;
      negated = true;
      this.i++;
    }
    const w = this.word();
    if (w && (UNARY.has(w) || w === 'in')) {
      this.i++;
      return { op: w as UnaryOp | 'in', negated };
    }
    if (negated) this.fail('expected an operator after not');
    return undefined;
  }

  private args(): Expr[] {
    this.expect('(');
    const args: Expr[] = [];
    for (;;) {
      args.push(this.expr());
      if (this.is(',')) this.i++;
      else break;
    }
    this.expect(')');
    return args;
  }

  /** A value, a function call or a query (a let's value, a comparison's right-hand side, an argument). */
  private expr(): Expr {
    const literal = this.literal();
    if (literal) return { kind: 'literal', value: literal };
    if (this.tok.kind === 'ident' && this.is('(', this.peek()) && this.peek().pos === this.tok.pos + this.tok.text.length) {
      const name = this.tok.text;
      this.i++;
      return { kind: 'function', name, args: this.args() };
    }
    return { kind: 'query', query: this.query() };
  }

  private literal(): Literal | undefined {
    const t = this.tok;
    if (t.kind === 'string') {
      this.i++;
      return { kind: 'string', value: t.text };
    }
    if (t.kind === 'regex') {
      this.i++;
      return { kind: 'regex', value: t.text };
    }
    if (t.kind === 'number') {
      this.i++;
      return { kind: 'other' };
    }
    if (t.kind === 'ident' && ['true', 'false', 'True', 'False', 'null', 'NULL'].includes(t.text)) {
      this.i++;
      return { kind: 'other' };
    }
    if (t.kind === 'ident' && t.text === 'r' && (this.is('(', this.peek()) || this.is('[', this.peek())) && this.peek().pos === t.pos + 1) {
      // A range, r(1,5] and the like.
      this.i += 2;
      while (!this.is(')') && !this.is(']')) {
        if (this.tok.kind === 'eof') this.fail('expected the end of a range');
        this.i++;
      }
      this.i++;
      return { kind: 'other' };
    }
    if (this.is('[')) {
      this.i++;
      const items: Literal[] = [];
      while (!this.is(']')) {
        const item = this.literal();
        if (!item) this.fail('expected a value in the list');
        items.push(item);
        if (this.is(',')) this.i++;
        else if (!this.is(']')) this.fail('expected , or ]');
      }
      this.i++;
      return { kind: 'list', items };
    }
    if (this.is('{')) {
      this.i++;
      while (!this.is('}')) {
        if (this.tok.kind !== 'ident' && this.tok.kind !== 'string') this.fail('expected a key in the map');
        this.i++;
        this.expect(':');
        if (!this.literal()) this.fail('expected a value in the map');
        if (this.is(',')) this.i++;
        else if (!this.is('}')) this.fail('expected , or }');
      }
      this.i++;
      return { kind: 'other' };
    }
    return undefined;
  }

  private query(): Query {
    const pos = this.tok.pos;
    if (this.word() === 'some' && this.peek().kind !== 'punct') this.i++;
    let head: Head;
    const t = this.tok;
    if (t.kind === 'var') head = { kind: 'var', name: t.text };
    else if (t.kind === 'ident' && (t.text === 'this' || t.text === 'THIS')) head = { kind: 'this' };
    else if (t.kind === 'ident' || t.kind === 'string') head = { kind: 'key', name: t.text };
    else this.fail('expected a query');
    this.i++;
    const steps: Step[] = [];
    for (;;) {
      if (this.is('.')) {
        this.i++;
        const s = this.tok;
        if (s.kind === 'ident' || s.kind === 'string') steps.push({ kind: 'key', name: s.text });
        else if (s.kind === 'var') steps.push({ kind: 'varKey', name: s.text });
        else if (s.kind === 'number') steps.push({ kind: 'index' });
        else if (this.is('*')) steps.push({ kind: 'all' });
        else this.fail('expected a key, %variable, index or * after .');
        this.i++;
      } else if (this.is('[')) {
        steps.push(this.bracket());
      } else {
        return { head, steps, pos };
      }
    }
  }

  private bracket(): Step {
    this.expect('[');
    const t = this.tok;
    const close = this.peek();
    if (this.is(']', close)) {
      if (this.is('*')) return ((this.i += 2), { kind: 'all' });
      if (t.kind === 'number') return ((this.i += 2), { kind: 'index' });
      if (t.kind === 'string') return ((this.i += 2), { kind: 'key', name: t.text });
      if (t.kind === 'ident') return ((this.i += 2), { kind: 'all', capture: t.text });
    }
    let capture: string | undefined;
    if (t.kind === 'ident' && this.is('|', close)) {
      capture = t.text;
      this.i += 2;
    }
    if (this.word() === 'keys') {
      this.i++;
      let op: '==' | '!=' | 'in' | 'not in';
      if (this.is('==') || this.is('!=')) op = this.tok.text as '==' | '!=';
      else if (this.word() === 'in') op = 'in';
      else if ((this.is('!') || NOT_WORDS.has(this.tok.text)) && this.word(this.peek()) === 'in') {
        this.i++;
        op = 'not in';
      } else this.fail('expected ==, != or in after keys');
      this.i++;
      const value = this.expr();
      this.expect(']');
      return { kind: 'keys', op, value };
    }
    const clauses = this.conjunction('filter');
    this.expect(']');
    return { kind: 'filter', capture, clauses };
  }
}
