/**
 * Guard regular expressions (`S == /re/`, `IN [/re/]`) as exact JavaScript RegExps.
 *
 * cfn-guard 3.1.1 compiles them with fancy_regex 0.13.0 and calls `is_match` (path_value.rs `compare_eq`): an
 * unanchored search. fancy_regex parses the pattern itself (parse.rs) and either hands the whole re-serialized
 * expression to the `regex` crate (regex-syntax 0.8.2, Unicode 15.0 tables) or, when it holds look-around,
 * backreferences, atomic groups or word boundaries, runs its own backtracking VM. So this module parses exactly as
 * fancy_regex's parser does (escapes, flags that leak out of groups, `(?x)`, `(?#…)`) and as regex-syntax reads
 * classes (nesting, `&&` `--` `~~`, POSIX), then emits a `v`-flag RegExp whose match set is the same.
 *
 * Exactness rules (each refusal throws UntranslatableRegex rather than approximating):
 * - Node's Unicode (17.0 here) is newer than Rust's 15.0: every Unicode-derived set (\d \w \s \b \p{…}) subtracts
 *   the code points assigned after 15.0 (NEW_SINCE_15 below, computed from Python 3.12's Unicode 15.0 database),
 *   and the two general-category changes since 15.0 are undone. Only general categories (and Any, ASCII,
 *   Assigned) are accepted for \p: scripts and binary properties are refused (not verified across versions).
 * - `.` is `[^\n]` (Rust excludes only \n; JS also \r \u2028 \u2029); `(?m)^`/`(?m)$` look only at \n.
 * - Case-insensitivity: JS cannot scope `i`, so it must hold for the whole pattern or for none of its cased atoms,
 *   and under it only ASCII letters (whose simple-case-folding orbits, with U+017F and U+212A, are the same in both
 *   Unicode versions) and caseless sets (\d \s) are accepted; backreferences are refused (JS compares them
 *   case-insensitively, fancy_regex byte for byte).
 * - Backreferences only to a group that has always matched when the reference is reached (fancy_regex fails on
 *   an unset group, JS matches the empty string), and never inside a lookbehind.
 * - Atomic groups and possessive quantifiers become `(?=(X))\N`. Conditionals are refused.
 * fancy_regex's backtrack limit (1,000,000 steps, an evaluation error in cfn-guard) is not reproduced.
 *
 * `source` is the pattern cfn-guard hands to fancy_regex: the text between the slashes with each `\/` replaced by `/`.
 */

/** Thrown when a Rust regex cannot be translated into a JavaScript RegExp with exactly the same matches. */
export class UntranslatableRegex extends Error {
  constructor(
    readonly source: string,
    readonly reason: string,
  ) {
    super(`cannot translate Guard regex /${source}/ exactly: ${reason}`);
    this.name = 'UntranslatableRegex';
  }
}

/** Returns a RegExp (search semantics, as cfn-guard uses it) matching exactly what fancy_regex matches for `source`. */
export function translateRustRegex(source: string): RegExp {
  try {
    const parser = new Parser(source);
    const tree = parser.parseAll();
    const ci = caseMode(tree);
    const out = new Emitter().emit(tree);
    return new RegExp(out, ci ? 'iv' : 'v');
  } catch (err) {
    if (err instanceof Refuse) throw new UntranslatableRegex(source, err.message);
    if (err instanceof SyntaxError) throw new UntranslatableRegex(source, `JavaScript rejected the translation: ${err.message}`);
    throw err;
  }
}

class Refuse extends Error {}
const refuse = (why: string): never => {
  throw new Refuse(why);
};
const invalid = (why: string): never => refuse(`not a valid fancy_regex pattern (cfn-guard refuses the rule file): ${why}`);

// Code points assigned in Unicode 15.1-17.0 (Node's tables) but unassigned in 15.0 (regex-syntax 0.8.2's tables).
const NEW_SINCE_15 =
  '88F 897 C5C CDC 1ACF-1ADD 1AE0-1AEB 1B4E-1B4F 1B7F 1C89-1C8A 20C1 2427-2429 2B96 2FFC-2FFF 31E4-31E5 31EF A7CB-A7CF A7D2 A7D4 A7DA-A7DC A7F1 FBC3-FBD2 ' +
  'FD90-FD91 FDC8-FDCE 105C0-105F3 10940-10959 10D40-10D65 10D69-10D85 10D8E-10D8F 10EC2-10EC7 10ED0-10ED8 10EFA-10EFC 11380-11389 1138B 1138E 11390-113B5 ' +
  '113B7-113C0 113C2 113C5 113C7-113CA 113CC-113D5 113D7-113D8 113E1-113E2 116D0-116E3 11B60-11B67 11BC0-11BE1 11BF0-11BF9 11DB0-11DDB 11DE0-11DE9 11F5A ' +
  '13460-143FA 16100-16139 16D40-16D79 16EA0-16EB8 16EBB-16ED3 16FF2-16FF6 187F8-187FF 18CFF 18D09-18D1E 18D80-18DF2 1CC00-1CCFC 1CD00-1CEB3 1CEBA-1CED0 ' +
  '1CEE0-1CEF0 1E5D0-1E5FA 1E5FF 1E6C0-1E6DE 1E6E0-1E6F5 1E6FE-1E6FF 1F6D8 1F777-1F77A 1F8B2-1F8BB 1F8C0-1F8C1 1F8D0-1F8D8 1FA54-1FA57 1FA89-1FA8A ' +
  '1FA8E-1FA8F 1FABE 1FAC6 1FAC8 1FACD 1FADC 1FADF 1FAE9-1FAEA 1FAEF 1FBCB-1FBEF 1FBFA 2B73A-2B73F 2CEA2-2CEAD 2EBF0-2EE5D 323B0-33479';
const NEW = `[${NEW_SINCE_15.split(' ')
  .map((r) =>
    r
      .split('-')
      .map((h) => `\\u{${h}}`)
      .join('-'),
  )
  .join('')}]`;

const cp = (c: number): string => (/[0-9A-Za-z]/.test(String.fromCodePoint(c)) ? String.fromCodePoint(c) : `\\u{${c.toString(16)}}`);

// General categories whose membership changed for an existing character since 15.0: U+0295 Ll→Lo, U+1171E Mn→Mc.
const GC_ADD: Record<string, string> = { Ll: '\\u{295}', LC: '\\u{295}', Mn: '\\u{1171e}' };
const GC_DEL: Record<string, string> = { Lo: '\\u{295}', Mc: '\\u{1171e}' };
const GC_ALIASES: Record<string, string[]> = {
  L: ['letter'],
  LC: ['casedletter'],
  Lu: ['uppercaseletter'],
  Ll: ['lowercaseletter'],
  Lt: ['titlecaseletter'],
  Lm: ['modifierletter'],
  Lo: ['otherletter'],
  M: ['mark', 'combiningmark'],
  Mn: ['nonspacingmark'],
  Mc: ['spacingmark'],
  Me: ['enclosingmark'],
  N: ['number'],
  Nd: ['decimalnumber', 'digit'],
  Nl: ['letternumber'],
  No: ['othernumber'],
  P: ['punctuation', 'punct'],
  Pc: ['connectorpunctuation'],
  Pd: ['dashpunctuation'],
  Ps: ['openpunctuation'],
  Pe: ['closepunctuation'],
  Pi: ['initialpunctuation'],
  Pf: ['finalpunctuation'],
  Po: ['otherpunctuation'],
  S: ['symbol'],
  Sm: ['mathsymbol'],
  Sc: ['currencysymbol'],
  Sk: ['modifiersymbol'],
  So: ['othersymbol'],
  Z: ['separator'],
  Zs: ['spaceseparator'],
  Zl: ['lineseparator'],
  Zp: ['paragraphseparator'],
  C: ['other'],
  Cc: ['control', 'cntrl'],
  Cf: ['format'],
  Cs: ['surrogate'],
  Co: ['privateuse'],
  Cn: ['unassigned'],
};
const GC_BY_LOOSE = new Map<string, string>();
for (const [code, names] of Object.entries(GC_ALIASES)) for (const n of [code.toLowerCase(), ...names]) GC_BY_LOOSE.set(n, code);

/** A general category as it was in Unicode 15.0, as a v-mode class. */
function gcSet(code: string): string {
  if (code === 'Cn' || code === 'C') return `[\\p{gc=${code}}${NEW}]`;
  return `[[\\p{gc=${code}}--[${NEW}${GC_DEL[code] ?? ''}]]${GC_ADD[code] ?? ''}]`;
}

/** regex-syntax's loose name matching (UAX44-LM3): case, spaces, `_` and `-` ignored, optional `is` prefix. */
function unicodeSet(body: string): string {
  const loose = (s: string): string => s.replace(/[\s_-]/g, '').toLowerCase();
  let name = body;
  const eq = body.search(/[=:]/);
  if (eq >= 0) {
    if (!['gc', 'generalcategory'].includes(loose(body.slice(0, eq)))) refuse(`\\p{${body}}: only general categories are exact across Unicode versions`);
    name = body.slice(eq + 1);
  }
  let n = loose(name);
  const special: Record<string, string> = { any: '[\\u{0}-\\u{10ffff}]', ascii: '[\\u{0}-\\u{7f}]', assigned: `[\\P{gc=Cn}--${NEW}]` };
  if (eq < 0 && special[n]) return special[n];
  if (!GC_BY_LOOSE.has(n) && n.startsWith('is')) n = n.slice(2);
  const code = GC_BY_LOOSE.get(n);
  if (!code) return refuse(`\\p{${body}}: only general categories (and Any, ASCII, Assigned) are exact across Unicode versions (cfn-guard: 15.0)`);
  return gcSet(code);
}

const PERL: Record<string, string> = {
  d: gcSet('Nd'),
  s: `[\\p{White_Space}--${NEW}]`,
  w: `[[\\p{Alphabetic}\\p{gc=M}\\p{gc=Nd}\\p{gc=Pc}\\p{Join_Control}]--${NEW}]`,
};
const WORD = PERL.w;

const POSIX: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\u{0}-\\u{7f}',
  blank: '\\u{9}\\u{20}',
  cntrl: '\\u{0}-\\u{1f}\\u{7f}',
  digit: '0-9',
  graph: '\\u{21}-\\u{7e}',
  lower: 'a-z',
  print: '\\u{20}-\\u{7e}',
  punct: '\\u{21}-\\u{2f}\\u{3a}-\\u{40}\\u{5b}-\\u{60}\\u{7b}-\\u{7e}',
  space: '\\u{9}-\\u{d}\\u{20}',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

/** A set item: its v-mode text and whether it is beyond ASCII or case-sensitive in ways JS `i` could change. */
interface SetExpr {
  readonly js: string;
  /** Only ASCII literals, ranges and POSIX classes: JS `iv` folds them as Rust's `(?i)` does. */
  readonly asciiOnly: boolean;
  /** Caseless under simple case folding (\d \s and ASCII non-letters): its case flag does not matter. */
  readonly caseless: boolean;
  /** Uses a Unicode property other than the caseless \d \s. */
  readonly unicodeCased: boolean;
}

type Node =
  | { t: 'empty' }
  | { t: 'lit'; c: number; ci: boolean }
  | { t: 'any'; nl: boolean }
  | { t: 'set'; s: SetExpr; ci: boolean }
  | { t: 'assert'; k: 'start' | 'end' | 'startLine' | 'endLine' | 'wb' | 'nwb' | 'lwb' | 'rwb' }
  | { t: 'concat'; xs: Node[] }
  | { t: 'alt'; xs: Node[] }
  | { t: 'group'; x: Node; n: number }
  | { t: 'repeat'; x: Node; lo: number; hi: number; greedy: boolean }
  | { t: 'atomic'; x: Node }
  | { t: 'look'; x: Node; ahead: boolean; neg: boolean }
  | { t: 'backref'; n: number };

const F_CI = 1;
const F_M = 2;
const F_S = 4;
const F_U = 8;
const F_X = 16;

/** fancy_regex 0.13.0's parser (parse.rs), building our own tree with each atom's flags resolved. */
class Parser {
  private ix = 0;
  private flags = 0;
  groupCount = 0;
  private readonly named = new Map<string, number>();
  private readonly closed = new Set<number>();
  private lookbehind = 0;

  constructor(private readonly re: string) {}

  parseAll(): Node {
    const node = this.parseRe(0);
    if (this.ix < this.re.length) invalid('unbalanced parenthesis or nothing to repeat');
    checkBackrefs(node, this.groupCount);
    return node;
  }

  private peek(off = 0): string {
    return this.re[this.ix + off] ?? '';
  }
  private rest(): string {
    return this.re.slice(this.ix);
  }
  private has(f: number): boolean {
    return (this.flags & f) !== 0;
  }

  /** fancy's optional_whitespace: `(?#…)` always, whitespace and `#` comments under (?x). */
  private ws(): void {
    for (;;) {
      const c = this.peek();
      if (c === '#' && this.has(F_X)) {
        const nl = this.re.indexOf('\n', this.ix);
        this.ix = nl < 0 ? this.re.length : nl + 1;
      } else if (' \r\n\t'.includes(c) && c !== '' && this.has(F_X)) this.ix++;
      else if (this.rest().startsWith('(?#')) {
        this.ix += 3;
        for (;;) {
          if (this.ix >= this.re.length) invalid('unclosed comment');
          const d = this.re[this.ix];
          if (d === ')') {
            this.ix++;
            break;
          }
          this.ix += d === '\\' ? 2 : 1;
        }
      } else return;
    }
  }

  private parseRe(depth: number): Node {
    const first = this.parseBranch(depth);
    this.ws();
    if (this.peek() !== '|') return first;
    const xs = [first];
    while (this.peek() === '|') {
      this.ix++;
      xs.push(this.parseBranch(depth));
      this.ws();
    }
    return { t: 'alt', xs };
  }

  private parseBranch(depth: number): Node {
    const xs: Node[] = [];
    while (this.ix < this.re.length) {
      const at = this.ix;
      const x = this.parsePiece(depth);
      if (this.ix === at) break;
      if (x.t !== 'empty') xs.push(x);
    }
    return xs.length === 0 ? { t: 'empty' } : xs.length === 1 ? xs[0] : { t: 'concat', xs };
  }

  private parsePiece(depth: number): Node {
    const child = this.parseAtom(depth);
    this.ws();
    let lo: number;
    let hi: number;
    const c = this.peek();
    if (c === '?') [lo, hi] = [0, 1];
    else if (c === '*') [lo, hi] = [0, Infinity];
    else if (c === '+') [lo, hi] = [1, Infinity];
    else if (c === '{') {
      const r = this.parseRepeat();
      if (!r) return child; // fancy then reads `{` as a literal
      [lo, hi] = r;
      this.ix--;
    } else return child;
    if (child.t === 'look' || child.t === 'empty' || child.t === 'assert') invalid('target of repetition is not repeatable');
    if (hi !== Infinity && lo > hi) invalid('invalid repetition range');
    this.ix++;
    this.ws();
    let greedy = true;
    if (this.peek() === '?') {
      greedy = false;
      this.ix++;
    }
    if (this.has(F_U)) greedy = !greedy;
    let node: Node = { t: 'repeat', x: child, lo, hi, greedy };
    if (this.peek() === '+') {
      this.ix++;
      node = { t: 'atomic', x: node };
    }
    return node;
  }

  /** fancy's parse_repeat: `{n}`, `{n,}`, `{n,m}`, `{,m}`; undefined (a literal `{`) otherwise. Leaves ix after `}`. */
  private parseRepeat(): [number, number] | undefined {
    const save = this.ix;
    const fail = (): undefined => {
      this.ix = save;
      return undefined;
    };
    this.ix++;
    this.ws();
    const num = (): number | undefined => {
      const m = /^[0-9]+/.exec(this.rest());
      if (!m) return undefined;
      this.ix += m[0].length;
      return Number(m[0]);
    };
    let lo = 0;
    if (this.peek() !== ',') {
      const n = num();
      if (n === undefined) return fail();
      lo = n;
    }
    this.ws();
    let hi: number;
    if (this.peek() === '}') hi = lo;
    else if (this.peek() === ',') {
      this.ix++;
      this.ws();
      hi = num() ?? Infinity;
    } else return fail();
    this.ws();
    if (this.peek() !== '}') return fail();
    this.ix++;
    if (lo > 100000 || (hi !== Infinity && hi > 100000)) refuse('repetition counts above 100000 (the regex crate refuses most of them by size)');
    return [lo, hi];
  }

  private parseAtom(depth: number): Node {
    this.ws();
    if (this.ix >= this.re.length) return { t: 'empty' };
    const c = this.peek();
    switch (c) {
      case '.':
        this.ix++;
        return { t: 'any', nl: this.has(F_S) };
      case '^':
        this.ix++;
        return { t: 'assert', k: this.has(F_M) ? 'startLine' : 'start' };
      case '$':
        this.ix++;
        return { t: 'assert', k: this.has(F_M) ? 'endLine' : 'end' };
      case '(':
        return this.parseGroup(depth);
      case '\\':
        return this.parseEscape(false).node;
      case '+':
      case '*':
      case '?':
      case '|':
      case ')':
        return { t: 'empty' };
      case '[':
        return { t: 'set', s: this.parseClass(), ci: this.has(F_CI) };
      default: {
        const code = this.re.codePointAt(this.ix)!;
        this.ix += code > 0xffff ? 2 : 1;
        return { t: 'lit', c: code, ci: this.has(F_CI) };
      }
    }
  }

  /** fancy's parse_escape; in a class only literals and sets are allowed (anything else is a literal or an error). */
  private parseEscape(inClass: boolean): { node: Node; set?: SetExpr; lit?: number } {
    const start = this.ix;
    const b = this.re[this.ix + 1];
    if (b === undefined) invalid('trailing backslash');
    this.ix += 2;
    const lit = (code: number): { node: Node; lit: number } => ({ node: { t: 'lit', c: code, ci: inClass ? false : this.has(F_CI) }, lit: code });
    const set = (s: SetExpr): { node: Node; set: SetExpr } => ({ node: { t: 'set', s, ci: this.has(F_CI) }, set: s });
    if (/[0-9]/.test(b)) {
      if (inClass) invalid('backreference in a class');
      const m = /^[0-9]+/.exec(this.re.slice(start + 1))!;
      this.ix = start + 1 + m[0].length;
      const n = Number(m[0]);
      if (!(n < this.re.length / 2)) invalid('invalid backreference');
      return { node: this.backref(n) };
    }
    if (!inClass) {
      if (b === 'k') {
        const m = /^(?:<(-?[\p{L}\p{N}_]+)>|'(-?[\p{L}\p{N}_]+)')/u.exec(this.rest());
        if (!m) invalid('invalid group name in \\k');
        this.ix += m![0].length;
        return { node: this.namedBackref(m![1] ?? m![2]) };
      }
      if (b === 'A') return { node: { t: 'assert', k: 'start' } };
      if (b === 'z') return { node: { t: 'assert', k: 'end' } };
      if (b === 'b' || b === 'B') {
        if (this.peek() === '{') invalid('\\b{…}');
        return { node: { t: 'assert', k: b === 'b' ? 'wb' : 'nwb' } };
      }
      if (b === '<') return { node: { t: 'assert', k: 'lwb' } };
      if (b === '>') return { node: { t: 'assert', k: 'rwb' } };
      // \K moves the reported match start only: is_match is unchanged. \G holds only at 0 for is_match.
      if (b === 'K') return { node: { t: 'empty' } };
      if (b === 'G') return { node: { t: 'assert', k: 'start' } };
    }
    const lower = b.toLowerCase();
    if (lower === 'd' || lower === 's' || lower === 'w') {
      const base = PERL[lower];
      const js = b === lower ? base : `[^${base}]`;
      return set({ js, asciiOnly: false, caseless: lower !== 'w', unicodeCased: lower === 'w' });
    }
    if (lower === 'h') {
      return { node: { t: 'set', s: { js: b === 'h' ? '[0-9A-Fa-f]' : '[^0-9A-Fa-f]', asciiOnly: true, caseless: false, unicodeCased: false }, ci: false } };
    }
    if (b === 'x' || b === 'u' || b === 'U') {
      const digits = b === 'x' ? 2 : b === 'u' ? 4 : 8;
      const fixed = new RegExp(`^[0-9A-Fa-f]{${digits}}`).exec(this.rest());
      const braced = /^\{([0-9A-Fa-f]{1,8})\}/.exec(this.rest());
      const hex = fixed ? fixed[0] : braced ? braced[1] : invalid('invalid hex escape');
      this.ix += fixed ? fixed[0].length : braced![0].length;
      const code = parseInt(hex, 16);
      if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) invalid('invalid code point');
      return lit(code);
    }
    if ((b === 'p' || b === 'P') && this.ix < this.re.length) {
      let body: string;
      if (this.peek() === '{') {
        const close = this.re.indexOf('}', this.ix);
        if (close < 0) invalid('unclosed \\p{');
        body = this.re.slice(this.ix + 1, close);
        this.ix = close + 1;
      } else {
        const code = this.re.codePointAt(this.ix)!;
        body = String.fromCodePoint(code);
        this.ix += code > 0xffff ? 2 : 1;
      }
      const neg = b === 'P';
      // regex-syntax reads \p{^X} as a negation, but cfn-guard 3.1.1 refuses the rule (found by the differential test).
      if (body.trimStart().startsWith('^')) invalid('\\p{^...} (cfn-guard refuses it)');
      const s = unicodeSet(body.trim());
      return set({ js: neg ? `[^${s}]` : s, asciiOnly: false, caseless: false, unicodeCased: true });
    }
    const simple: Record<string, number> = { a: 7, f: 12, n: 10, r: 13, t: 9, v: 11, e: 27, ' ': 32 };
    if (b === 'b') return lit(8); // in a class: backspace
    if (b in simple) return lit(simple[b]);
    if (/[A-Za-z]/.test(b) && !'kAzbB<>KG'.includes(b)) invalid(`unknown escape \\${b}`);
    this.ix = start + 1;
    const code = this.re.codePointAt(this.ix)!;
    this.ix += code > 0xffff ? 2 : 1;
    return lit(code);
  }

  private backref(n: number): Node {
    if (this.lookbehind > 0) refuse('backreference inside a lookbehind');
    if (this.has(F_CI)) refuse('backreference under (?i): JavaScript compares it case-insensitively, fancy_regex exactly');
    if (!this.closed.has(n)) refuse(`backreference \\${n} before its group has closed (fancy_regex fails on an unset group, JavaScript matches empty)`);
    return { t: 'backref', n };
  }

  private namedBackref(id: string): Node {
    const g = this.named.get(id);
    if (g !== undefined) return this.backref(g);
    if (/^-?[0-9]+$/.test(id)) {
      const n = Number(id);
      return this.backref(n < 0 ? this.groupCount + n + 1 : n);
    }
    return invalid(`unknown group ${id}`);
  }

  private parseGroup(depth: number): Node {
    if (depth + 1 >= 64) invalid('nesting too deep');
    this.ix++;
    this.ws();
    const r = this.rest();
    let look: { ahead: boolean; neg: boolean } | undefined;
    let atomic = false;
    let n = 0;
    if (r.startsWith('?=')) [look, this.ix] = [{ ahead: true, neg: false }, this.ix + 2];
    else if (r.startsWith('?!')) [look, this.ix] = [{ ahead: true, neg: true }, this.ix + 2];
    else if (r.startsWith('?<=')) [look, this.ix] = [{ ahead: false, neg: false }, this.ix + 3];
    else if (r.startsWith('?<!')) [look, this.ix] = [{ ahead: false, neg: true }, this.ix + 3];
    else if (r.startsWith('?<') || r.startsWith('?P<')) {
      n = ++this.groupCount;
      const m = /^\?P?<([\p{L}\p{N}_]+)>/u.exec(r);
      if (!m) invalid('invalid group name');
      this.named.set(m![1], n);
      this.ix += m![0].length;
    } else if (r.startsWith('?P=')) {
      const m = /^\?P=([\p{L}\p{N}_]+)\)/u.exec(r);
      if (!m) invalid('invalid group name');
      this.ix += m![0].length;
      return this.namedBackref(m![1]);
    } else if (r.startsWith('?>')) [atomic, this.ix] = [true, this.ix + 2];
    else if (r.startsWith('?(')) refuse('conditionals (?(…)…|…) have no JavaScript equivalent');
    else if (r.startsWith('?')) return this.parseFlags(depth);
    else n = ++this.groupCount;
    if (look && !look.ahead) this.lookbehind++;
    const child = this.parseRe(depth + 1);
    if (look && !look.ahead) this.lookbehind--;
    this.ws();
    if (this.peek() !== ')') invalid('unclosed group');
    this.ix++;
    if (look) {
      if (!look.ahead && constSize(child) === undefined) invalid('lookbehind of variable length');
      return { t: 'look', x: child, ...look };
    }
    if (atomic) return { t: 'atomic', x: child };
    this.closed.add(n);
    return { t: 'group', x: child, n };
  }

  /** `(?flags)` changes the flags until the end of the pattern (fancy_regex does not restore them at `)`); `(?flags:…)` scopes them. */
  private parseFlags(depth: number): Node {
    const start = ++this.ix;
    const old = this.flags;
    let neg = false;
    for (;;) {
      this.ws();
      const c = this.peek();
      if (c === '') invalid('unclosed group');
      const bit: Record<string, number> = { i: F_CI, m: F_M, s: F_S, U: F_U, x: F_X };
      if (c in bit) this.flags = neg ? this.flags & ~bit[c] : this.flags | bit[c];
      else if (c === 'u') {
        if (neg) invalid('(?-u)');
      } else if (c === '-') {
        if (neg) invalid('unknown flag');
        neg = true;
      } else if (c === ')') {
        if (this.ix === start || (neg && this.ix === start + 1)) invalid('empty flags');
        this.ix++;
        return { t: 'empty' };
      } else if (c === ':') {
        if (neg && this.ix === start + 1) invalid('empty flags');
        this.ix++;
        const child = this.parseRe(depth + 1);
        if (this.peek() !== ')') invalid('unclosed group');
        this.ix++;
        this.flags = old;
        return child;
      } else invalid(`unknown flag ${c}`);
      this.ix++;
    }
  }

  /** A bracketed class as regex-syntax reads the string fancy_regex builds from it. */
  private parseClass(): SetExpr {
    this.ix++; // [
    let negated = false;
    if (this.peek() === '^') {
      negated = true;
      this.ix++;
    }
    const body = this.parseClassBody(true);
    return { ...body, js: negated ? `[^${body.js}]` : body.js, caseless: body.caseless && !negated };
  }

  /** The inside of a class up to and including its `]`: unions joined by `&&`, `--`, `~~` from left to right. */
  private parseClassBody(top: boolean): SetExpr {
    const operands: SetExpr[] = [];
    const ops: string[] = [];
    let first = true;
    for (;;) {
      const union = this.parseUnion(first && top, first);
      first = false;
      operands.push(union);
      const c = this.peek();
      if (c === ']') {
        this.ix++;
        break;
      }
      if (c === '') invalid('unclosed class');
      ops.push(this.re.slice(this.ix, this.ix + 2));
      this.ix += 2;
    }
    let acc = operands[0];
    for (let i = 0; i < ops.length; i++) {
      const b = operands[i + 1];
      const js = ops[i] === '&&' ? `[${acc.js}&&${b.js}]` : ops[i] === '--' ? `[${acc.js}--${b.js}]` : `[[${acc.js}--${b.js}][${b.js}--${acc.js}]]`;
      acc = { js, asciiOnly: acc.asciiOnly && b.asciiOnly, caseless: acc.caseless && b.caseless, unicodeCased: acc.unicodeCased || b.unicodeCased };
    }
    return acc;
  }

  private parseUnion(fancyTop: boolean, leading: boolean): SetExpr {
    const parts: string[] = [];
    let asciiOnly = true;
    let caseless = true;
    let unicodeCased = false;
    let start = true;
    const addLit = (lo: number, hi: number): void => {
      parts.push(lo === hi ? cp(lo) : `${cp(lo)}-${cp(hi)}`);
      if (hi > 0x7f) asciiOnly = false;
      if (!(hi < 0x41 || lo > 0x7a || (lo > 0x5a && hi < 0x61))) caseless = false;
      if (hi > 0x7f) caseless = false;
    };
    for (;;) {
      const c = this.peek();
      if (c === '') invalid('unclosed class');
      // `]` first is a literal (fancy copies it only at the top level; a nested one would desynchronize the two parsers).
      if (c === ']' && start && leading) {
        if (!fancyTop) refuse('`]` first in a nested class');
        addLit(0x5d, 0x5d);
        this.ix++;
        start = false;
        continue;
      }
      if (c === ']') break;
      const two = this.re.slice(this.ix, this.ix + 2);
      if (two === '&&' || two === '--' || two === '~~') {
        if (parts.length === 0) refuse('class operator with an empty left side');
        break;
      }
      start = false;
      if (c === '[') {
        const posix = /^\[:(\^?)([a-z]+):\]/.exec(this.rest());
        if (posix) {
          const s = POSIX[posix[2]];
          if (!s) refuse(`unknown POSIX class ${posix[0]}`);
          parts.push(posix[1] ? `[^${s}]` : `[${s}]`);
          caseless = false;
          this.ix += posix[0].length;
          continue;
        }
        if (this.rest().startsWith('[:')) refuse('`[:` that is not a POSIX class');
        this.ix++;
        let neg = false;
        if (this.peek() === '^') {
          neg = true;
          this.ix++;
        }
        const inner = this.parseClassBody(false);
        parts.push(neg ? `[^${inner.js}]` : inner.js);
        asciiOnly &&= inner.asciiOnly;
        caseless &&= inner.caseless && !neg;
        unicodeCased ||= inner.unicodeCased;
        continue;
      }
      // A literal (possibly escaped) or a set escape, then perhaps `-` and a range end.
      const lo = this.classAtom();
      if (typeof lo !== 'number') {
        parts.push(lo.js);
        asciiOnly &&= lo.asciiOnly;
        caseless &&= lo.caseless;
        unicodeCased ||= lo.unicodeCased;
        continue;
      }
      if (this.peek() === '-' && this.peek(1) !== ']' && this.peek(1) !== '-' && this.peek(1) !== '') {
        this.ix++;
        if (this.peek() === '[') refuse('range ending in a class');
        const hi = this.classAtom();
        if (typeof hi !== 'number') return invalid('range ending in a set');
        if (hi < lo) invalid('range out of order');
        addLit(lo, hi);
      } else addLit(lo, lo);
    }
    if (parts.length === 0) refuse('empty class operand');
    return { js: `[${parts.join('')}]`, asciiOnly, caseless, unicodeCased };
  }

  private classAtom(): number | SetExpr {
    if (this.peek() === '\\') {
      const e = this.parseEscape(true);
      if (e.set) return e.set;
      if (e.node.t === 'set') return e.node.s;
      if (e.lit !== undefined) return e.lit;
      return invalid('escape not allowed in a class');
    }
    const code = this.re.codePointAt(this.ix)!;
    this.ix += code > 0xffff ? 2 : 1;
    return code;
  }
}

/** Length in code points when fixed (fancy_regex requires it of a lookbehind). */
function constSize(n: Node): number | undefined {
  switch (n.t) {
    case 'empty':
    case 'assert':
    case 'look':
      return 0;
    case 'lit':
    case 'any':
    case 'set':
      return 1;
    case 'group':
    case 'atomic':
      return constSize(n.x);
    case 'concat': {
      let sum = 0;
      for (const x of n.xs) {
        const s = constSize(x);
        if (s === undefined) return undefined;
        sum += s;
      }
      return sum;
    }
    case 'alt': {
      const sizes = n.xs.map(constSize);
      return sizes.every((s) => s !== undefined && s === sizes[0]) ? sizes[0] : undefined;
    }
    case 'repeat': {
      const s = constSize(n.x);
      return s !== undefined && n.lo === n.hi ? s * n.lo : s === 0 ? 0 : undefined;
    }
    case 'backref':
      return undefined;
  }
}

/** A referenced group must match on every path (not under `|`, `?`, `*`, `{0,…}` or a look-around). */
function checkBackrefs(root: Node, groups: number): void {
  const certain = new Set<number>();
  const refs: number[] = [];
  const walk = (n: Node, sure: boolean): void => {
    switch (n.t) {
      case 'group':
        if (sure) certain.add(n.n);
        walk(n.x, sure);
        break;
      case 'concat':
        n.xs.forEach((x) => walk(x, sure));
        break;
      case 'alt':
        n.xs.forEach((x) => walk(x, false));
        break;
      case 'repeat':
        walk(n.x, sure && n.lo > 0);
        break;
      case 'atomic':
        walk(n.x, sure);
        break;
      case 'look':
        walk(n.x, false);
        break;
      case 'backref':
        refs.push(n.n);
        break;
      default:
    }
  };
  walk(root, true);
  for (const r of refs) {
    if (r === 0 || r > groups) invalid(`backreference to a missing group ${r}`);
    if (!certain.has(r)) refuse(`backreference \\${r} to a group that may not have matched (fancy_regex then fails, JavaScript matches empty)`);
  }
}

/** Whether the whole pattern is case-insensitive; refuses a mix JS cannot scope and what `iv` would fold differently. */
function caseMode(root: Node): boolean {
  let ci = false;
  let cs = false;
  let risky = '';
  const walk = (n: Node): void => {
    switch (n.t) {
      case 'lit': {
        // ASCII non-letters are caseless; any other non-ASCII character counts as cased (conservative).
        if (n.c <= 0x7f && !/[A-Za-z]/.test(String.fromCodePoint(n.c))) return;
        if (n.ci) {
          ci = true;
          if (n.c > 0x7f) risky = `non-ASCII literal ${String.fromCodePoint(n.c)} under (?i)`;
        } else cs = true;
        return;
      }
      case 'set':
        if (n.s.caseless) return;
        if (n.ci) {
          ci = true;
          if (n.s.unicodeCased || !n.s.asciiOnly) risky = 'a Unicode or non-ASCII class under (?i)';
        } else cs = true;
        return;
      case 'assert':
        if (['wb', 'nwb', 'lwb', 'rwb'].includes(n.k)) cs = true; // the word set must not be case-folded
        return;
      case 'backref':
        cs = true;
        return;
      case 'group':
      case 'atomic':
      case 'look':
      case 'repeat':
        walk(n.x);
        return;
      case 'concat':
      case 'alt':
        n.xs.forEach(walk);
        return;
      default:
    }
  };
  walk(root);
  if (ci && cs) refuse('case-insensitive and case-sensitive parts (or \\b / backreferences) in one pattern: JavaScript cannot scope the i flag');
  if (ci && risky) refuse(`${risky}: Unicode 15.0 (cfn-guard) and Node's case folding may differ`);
  return ci;
}

class Emitter {
  private next = 0;
  private counter = 0;
  private readonly map = new Map<number, number>();

  emit(root: Node): string {
    this.number(root);
    return this.out(root);
  }

  /** JS group numbers: atomic groups add a capture each, so Rust's numbers shift. Numbered in opening order. */
  private number(n: Node): void {
    switch (n.t) {
      case 'group':
        this.map.set(n.n, ++this.next);
        this.number(n.x);
        return;
      case 'atomic':
        this.next++;
        this.number(n.x);
        return;
      case 'look':
      case 'repeat':
        this.number(n.x);
        return;
      case 'concat':
      case 'alt':
        n.xs.forEach((x) => this.number(x));
        return;
      default:
    }
  }

  private out(n: Node): string {
    switch (n.t) {
      case 'empty':
        return '';
      case 'lit':
        return cp(n.c);
      case 'any':
        return n.nl ? '[\\u{0}-\\u{10ffff}]' : '[^\\n]';
      case 'set':
        return n.s.js;
      case 'assert':
        return {
          start: '^',
          end: '$',
          startLine: '(?<![^\\n])',
          endLine: '(?![^\\n])',
          wb: `(?:(?<=${WORD})(?!${WORD})|(?<!${WORD})(?=${WORD}))`,
          nwb: `(?:(?<=${WORD})(?=${WORD})|(?<!${WORD})(?!${WORD}))`,
          lwb: `(?<!${WORD})(?=${WORD})`,
          rwb: `(?<=${WORD})(?!${WORD})`,
        }[n.k];
      case 'concat':
        return n.xs.map((x) => this.out(x)).join('');
      case 'alt':
        return `(?:${n.xs.map((x) => this.out(x)).join('|')})`;
      case 'group':
        this.counter++;
        return `(${this.out(n.x)})`;
      case 'atomic': {
        const no = ++this.counter;
        return `(?:(?=(${this.out(n.x)}))\\${no})`;
      }
      case 'look':
        return `(?${n.ahead ? '' : '<'}${n.neg ? '!' : '='}${this.out(n.x)})`;
      case 'backref':
        return `(?:\\${this.map.get(n.n)})`;
      case 'repeat': {
        const q =
          n.lo === 0 && n.hi === Infinity
            ? '*'
            : n.lo === 1 && n.hi === Infinity
              ? '+'
              : n.lo === 0 && n.hi === 1
                ? '?'
                : n.hi === Infinity
                  ? `{${n.lo},}`
                  : n.lo === n.hi
                    ? `{${n.lo}}`
                    : `{${n.lo},${n.hi}}`;
        const inner = this.out(n.x);
        const atom = n.x.t === 'lit' || n.x.t === 'set' || n.x.t === 'any' || n.x.t === 'group' ? inner : `(?:${inner})`;
        return `${atom}${q}${n.greedy ? '' : '?'}`;
      }
    }
  }
}
