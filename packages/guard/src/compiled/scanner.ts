import type { Pos } from './ast';

/**
 * Character-level primitives for the Guard parser. cfn-guard's grammar (nom 5, guard/src/rules/parser.rs) has
 * no separate token stream: keywords are prefix matches (`notification` does not start with `not ` but `nullx`
 * starts with `null`), some places accept only spaces and tabs, others newlines and comments, and a rule
 * reference is ended by a newline. So instead of tokens this scanner offers nom's primitives on positions.
 *
 * Protocol, mirroring nom: a primitive returns the position after what it read, or `undefined` for a
 * recoverable miss (nom's Err::Error, the caller may try something else), and throws GuardParseError for a
 * failure (nom's Err::Failure, after a `cut`: the file does not parse).
 */

export class GuardParseError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly expected: string,
  ) {
    super(`${file}:${line}:${column}: expected ${expected}`);
    this.name = 'GuardParseError';
  }
}

/** A parse stopped short where Scanner did not `explain` its misses. */
export class Unexplained extends Error {
  constructor() {
    super('the text does not parse; parse it again with `explain` for the reason');
    this.name = 'Unexplained';
  }
}

/** A result: the value and the position after it, or undefined for a recoverable miss. */
export type R<T> = [T, number] | undefined;

const isAsciiAlpha = (c: string | undefined): boolean => c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
/** Rust's char::is_alphanumeric: Alphabetic or Numeric. */
const ALNUM = /^[\p{Alphabetic}\p{Nd}\p{Nl}\p{No}]$/u;
export const isAlnum = (c: string | undefined): boolean => c !== undefined && (isAsciiAlpha(c) || isDigit(c) || (c > '\x7f' && ALNUM.test(c)));
const isSpaceCode = (c: number): boolean => c === 0x20 || c === 0x09;
const isMultispaceCode = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

const CODE_0 = 0x30;
const CODE_9 = 0x39;
const isAsciiAlphaCode = (c: number): boolean => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
const isDigitCode = (c: number): boolean => c >= CODE_0 && c <= CODE_9;
/** `-`, `_` and ASCII alphanumerics, the common case of the name characters below, decided without a string. */
const isAsciiNameCode = (c: number, dash: boolean): boolean => isAsciiAlphaCode(c) || isDigitCode(c) || c === 0x5f || (dash && c === 0x2d);
/** UTF-16 surrogates: only then does a column (counted in characters, as Rust does) differ from the string offset. */
const SURROGATE = /[\uD800-\uDFFF]/;

const I64_MAX = 9223372036854775807n;

/**
 * The message for a missed tag, `'a' or 'b'`, made once per spelling: it is needed at every miss on the
 * frontier, and a string built anew would have to be hashed anew to be remembered there.
 */
function expectedTag(a: string, b?: string, c?: string): string {
  const known = EXPECTED_TAGS.get(a);
  if (known && known.b === b && known.c === c) return known.expected;
  let expected = `'${a}'`;
  if (b !== undefined) expected += ` or '${b}'`;
  if (c !== undefined) expected += ` or '${c}'`;
  if (!known) EXPECTED_TAGS.set(a, { b, c, expected });
  return expected;
}

const EXPECTED_TAGS = new Map<string, { b?: string; c?: string; expected: string }>();

export class Scanner {
  private readonly lineStarts: number[] = [0];
  private readonly hasSurrogates: boolean;
  private far = -1;
  /** What was expected at `far`, in first-seen order. */
  private readonly farExpected = new Set<string>();
  /** ws0's last answer: the alternatives of the grammar skip the same whitespace and comments many times. */
  private wsFrom = -1;
  private wsTo = -1;

  constructor(
    readonly text: string,
    readonly file: string,
    /**
     * Whether to remember what the misses expected, for `furthest`. Nearly every miss happens on the frontier,
     * so this bookkeeping costs much; a parser may skip it and, should the text not parse, read it again with it.
     */
    readonly explain = true,
  ) {
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', nl + 1)) this.lineStarts.push(nl + 1);
    this.hasSurrogates = SURROGATE.test(text);
  }

  pos(i: number): Pos {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= i) lo = mid;
      else hi = mid - 1;
    }
    const start = this.lineStarts[lo];
    const column = this.hasSurrogates ? [...this.text.slice(start, i)].length : Math.min(i, this.text.length) - start;
    return { line: lo + 1, column: column + 1 };
  }

  /** A recoverable miss; remembers the furthest one for the message if nothing else reads on. */
  miss(i: number, expected: string): undefined {
    if (!this.explain) return undefined;
    if (i > this.far) {
      this.far = i;
      this.farExpected.clear();
      this.farExpected.add(expected);
    } else if (i === this.far) this.farExpected.add(expected);
    return undefined;
  }

  /** Whether a miss at i would be forgotten, so that its message need not be made. */
  protected forgets(i: number): boolean {
    return !this.explain || i < this.far;
  }

  fail(i: number, expected: string): never {
    const p = this.pos(i);
    throw new GuardParseError(this.file, p.line, p.column, expected);
  }

  /**
   * The error for a file that stopped parsing: at the furthest point any alternative reached. Without
   * `explain` that point is unknown, and the error is an Unexplained, to parse again with it.
   */
  furthest(fallback: number): GuardParseError | Unexplained {
    if (!this.explain) return new Unexplained();
    const at = Math.max(this.far, fallback);
    const p = this.pos(at);
    const expected = at === this.far ? [...this.farExpected].join(' or ') : 'end of file';
    return new GuardParseError(this.file, p.line, p.column, expected);
  }

  atEnd(i: number): boolean {
    return i >= this.text.length;
  }

  ch(i: number, c: string): number | undefined {
    if (this.text[i] === c) return i + 1;
    return this.forgets(i) ? undefined : this.miss(i, expectedTag(c));
  }

  /** Any of the spellings, first match wins (nom's alt of tags). */
  tag(i: number, a: string, b?: string, c?: string): number | undefined {
    const text = this.text;
    if (text.startsWith(a, i)) return i + a.length;
    if (b !== undefined && text.startsWith(b, i)) return i + b.length;
    if (c !== undefined && text.startsWith(c, i)) return i + c.length;
    return this.forgets(i) ? undefined : this.miss(i, expectedTag(a, b, c));
  }

  /** `#` to the end of the line, then any whitespace (cfn-guard's comment2). */
  comment(i: number): number | undefined {
    if (this.text[i] !== '#') return this.miss(i, 'a comment');
    const nl = this.text.indexOf('\n', i);
    return this.multispace0(nl < 0 ? this.text.length : nl);
  }

  multispace0(i: number): number {
    while (isMultispaceCode(this.text.charCodeAt(i))) i++;
    return i;
  }

  space0(i: number): number {
    while (isSpaceCode(this.text.charCodeAt(i))) i++;
    return i;
  }

  /** *(whitespace / comment). */
  ws0(i: number): number {
    const c = this.text.charCodeAt(i);
    if (!isMultispaceCode(c) && c !== 0x23) return i;
    if (i === this.wsFrom) return this.wsTo;
    let j = i;
    for (;;) {
      const d = this.text.charCodeAt(j);
      if (isMultispaceCode(d)) j = this.multispace0(j + 1);
      else if (d === 0x23) j = this.comment(j)!;
      else break;
    }
    this.wsFrom = i;
    this.wsTo = j;
    return j;
  }

  /** 1*(whitespace / comment). */
  ws1(i: number): number | undefined {
    const j = this.ws0(i);
    return j > i ? j : this.miss(i, 'whitespace');
  }

  /** An ASCII letter, then letters, digits (Unicode) and `_`. */
  varName(i: number): R<string> {
    if (!isAsciiAlphaCode(this.text.charCodeAt(i))) return this.miss(i, 'a name');
    return [this.text.slice(i, (i = this.nameEnd(i + 1, false))), i];
  }

  /** The end of a run of Unicode letters and digits, `_`, and `-` if `dash`. */
  nameEnd(j: number, dash: boolean): number {
    const text = this.text;
    while (j < text.length) {
      const code = text.charCodeAt(j);
      if (code < 0x80) {
        if (!isAsciiNameCode(code, dash)) break;
        j++;
        continue;
      }
      const c = String.fromCodePoint(text.codePointAt(j)!);
      if (!isAlnum(c)) break;
      j += c.length;
    }
    return j;
  }

  /** Ends at the first unescaped closing quote; `\q` stands for the quote, other backslashes stay. */
  string(i: number): R<string> {
    const q = this.text[i];
    if (q !== "'" && q !== '"') return this.miss(i, 'a string');
    let out = '';
    let j = i + 1;
    for (;;) {
      const end = this.text.indexOf(q, j);
      const frag = this.text.slice(j, end < 0 ? this.text.length : end);
      if (frag.endsWith('\\')) {
        out += frag.slice(0, -1) + q;
        if (end < 0) return this.miss(i, 'a closed string');
        j = end + 1;
        continue;
      }
      if (end < 0) this.fail(this.text.length, `a closing ${q}`);
      return [out + frag, end + 1];
    }
  }

  /** `/.../` where `\/` stands for `/`; the pattern must be valid for the Rust regex crate. */
  regex(i: number): R<string> {
    if (this.text[i] !== '/') return this.miss(i, 'a regular expression');
    let out = '';
    let j = i + 1;
    for (;;) {
      const end = this.text.indexOf('/', j);
      const stop = end < 0 ? this.text.length : end;
      // nom's is_not("/") reads at least one character.
      if (stop === j) return this.miss(i, 'a regular expression');
      const frag = this.text.slice(j, stop);
      if (frag.endsWith('\\')) {
        out += frag.slice(0, -1) + '/';
        if (end < 0) return this.miss(i, 'a closed regular expression');
        j = end + 1;
        continue;
      }
      out += frag;
      if (!rustRegexAccepts(out)) return this.miss(i, 'a valid regular expression');
      if (end < 0) return this.miss(stop, "a closing '/'");
      return [out, end + 1];
    }
  }

  /** A signed 64-bit integer: `-`? digits. */
  int(i: number): R<bigint> {
    const neg = this.text[i] === '-';
    let j = neg ? i + 1 : i;
    const start = j;
    while (isDigit(this.text[j])) j++;
    if (j === start) return this.miss(i, 'an integer');
    const v = BigInt(this.text.slice(start, j));
    if (v > I64_MAX) return this.miss(i, 'an integer that fits 64 bits');
    return [neg ? -v : v, j];
  }

  /** digits with a `.digits` fraction and/or an `e±digits` exponent (no sign: not a float, as in cfn-guard). */
  float(i: number): R<number> {
    let j = i;
    while (isDigit(this.text[j])) j++;
    if (j === i) return this.miss(i, 'a number');
    const fracStart = j;
    if (this.text[j] === '.' && isDigit(this.text[j + 1])) {
      j += 2;
      while (isDigit(this.text[j])) j++;
    }
    const hasFraction = j > fracStart;
    const isE = this.text[j] === 'e' || this.text[j] === 'E';
    const sign = isE && (this.text[j + 1] === '+' || this.text[j + 1] === '-') ? 1 : 0;
    const signedExp = sign === 1 && isDigit(this.text[j + 2]);
    if (!hasFraction && !signedExp) return this.miss(i, 'a float');
    // The number itself is read by lexical-core: the exponent sign is optional there, an empty exponent is no float.
    if (isE) {
      let k = j + 1 + sign;
      // (the exponent's digits were read at most 399 characters into it)
      const limit = Math.min(j + 400, this.text.length);
      while (k < limit && isDigit(this.text[k])) k++;
      if (k === j + 1 + sign) return this.miss(i, 'a float');
      j = k;
    }
    return [Number(this.text.slice(i, j)), j];
  }

  /** `<< ... >>`; a `<<` without `>>` fails the file. */
  customMessage(i: number): R<string> {
    if (!this.text.startsWith('<<', i)) return this.miss(i, "'<<'");
    const end = this.text.indexOf('>>', i + 2);
    if (end < 0) this.fail(i + 2, "a closing '>>' for the message");
    return [this.text.slice(i + 2, end), end + 2];
  }
}

/** Escapes the Rust regex crate (through fancy-regex) knows; any other escaped letter is an error there. */
const RUST_LETTER_ESCAPES = new Set('aAbBdDefGhHkKnpPrsStuUvwWxz'.split(''));

/**
 * Whether fancy-regex 0.13 accepts the pattern, approximated: Rust-only syntax (`(?P<n>`, inline flags such
 * as `(?i)`, `(?x:`, fancy-regex's atomic groups, possessive repeats, comments and `(?P=name)`) is rewritten to
 * something JavaScript reads, unknown letter escapes are rejected as Rust rejects them, and the rest is left to
 * JavaScript's own (lenient) parser. Known differences, all exotic: octal and dangling back-references (`\1`,
 * `\07`, `\k<n>` without the group), `[\d-z]`, `\u{110000}` (Rust rejects, we accept), class set operations
 * like `[a--b]` (Rust accepts, we reject).
 */
export function rustRegexAccepts(pattern: string): boolean {
  let accepted = ACCEPTED.get(pattern);
  if (accepted === undefined) {
    accepted = checkRustRegex(pattern);
    if (ACCEPTED.size >= 10000) ACCEPTED.clear();
    ACCEPTED.set(pattern, accepted);
  }
  return accepted;
}

/** rustRegexAccepts' answers: rule files repeat their patterns, and each is checked at every attempt to read it. */
const ACCEPTED = new Map<string, boolean>();

function checkRustRegex(pattern: string): boolean {
  for (let k = 0; k < pattern.length; k++) {
    if (pattern[k] !== '\\') continue;
    const c = pattern[k + 1];
    if (c !== undefined && isAsciiAlpha(c) && !RUST_LETTER_ESCAPES.has(c)) return false;
    k++;
  }
  const js = pattern
    .replace(/\(\?P=(\w+)\)/g, '\\k<$1>')
    .replace(/\(\?P</g, '(?<')
    .replace(/\(\?#[^)]*\)/g, '')
    .replace(/\(\?>/g, '(?:')
    .replace(/([?*+}])\+/g, '$1')
    .replace(/\(\?[imsxUu-]+\)/g, '')
    .replace(/\(\?[imsxUu-]+:/g, '(?:')
    .replace(/\\[Az]/g, '')
    .replace(/\\[pP]\{[^}]*\}/g, 'x')
    .replace(/\\[pP][A-Za-z]/g, 'x');
  try {
    new RegExp(js);
    return true;
  } catch {
    return false;
  }
}
