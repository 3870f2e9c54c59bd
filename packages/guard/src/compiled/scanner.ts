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

/** A result: the value and the position after it, or undefined for a recoverable miss. */
export type R<T> = [T, number] | undefined;

const isAsciiAlpha = (c: string | undefined): boolean => c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
/** Rust's char::is_alphanumeric: Alphabetic or Numeric. */
const ALNUM = /^[\p{Alphabetic}\p{Nd}\p{Nl}\p{No}]$/u;
export const isAlnum = (c: string | undefined): boolean => c !== undefined && (isAsciiAlpha(c) || isDigit(c) || (c > '\x7f' && ALNUM.test(c)));
const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t';
const isMultispace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r';

const I64_MAX = 9223372036854775807n;

export class Scanner {
  private lineStarts: number[] = [0];
  private far = -1;
  private farExpected = new Set<string>();

  constructor(
    readonly text: string,
    readonly file: string,
  ) {
    for (let i = 0; i < text.length; i++) if (text[i] === '\n') this.lineStarts.push(i + 1);
  }

  pos(i: number): Pos {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= i) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: [...this.text.slice(this.lineStarts[lo], i)].length + 1 };
  }

  /** A recoverable miss; remembers the furthest one for the message if nothing else reads on. */
  miss(i: number, expected: string): undefined {
    if (i > this.far) {
      this.far = i;
      this.farExpected = new Set([expected]);
    } else if (i === this.far) this.farExpected.add(expected);
    return undefined;
  }

  fail(i: number, expected: string): never {
    const p = this.pos(i);
    throw new GuardParseError(this.file, p.line, p.column, expected);
  }

  /** The error for a file that stopped parsing: at the furthest point any alternative reached. */
  furthest(fallback: number): GuardParseError {
    const at = Math.max(this.far, fallback);
    const p = this.pos(at);
    const expected = at === this.far ? [...this.farExpected].join(' or ') : 'end of file';
    return new GuardParseError(this.file, p.line, p.column, expected);
  }

  atEnd(i: number): boolean {
    return i >= this.text.length;
  }

  ch(i: number, c: string): number | undefined {
    return this.text[i] === c ? i + 1 : this.miss(i, `'${c}'`);
  }

  /** Any of the spellings, first match wins (nom's alt of tags). */
  tag(i: number, ...spellings: string[]): number | undefined {
    for (const t of spellings) if (this.text.startsWith(t, i)) return i + t.length;
    return this.miss(i, spellings.map((t) => `'${t}'`).join(' or '));
  }

  /** `#` to the end of the line, then any whitespace (cfn-guard's comment2). */
  comment(i: number): number | undefined {
    if (this.text[i] !== '#') return this.miss(i, 'a comment');
    const nl = this.text.indexOf('\n', i);
    return this.multispace0(nl < 0 ? this.text.length : nl);
  }

  multispace0(i: number): number {
    while (isMultispace(this.text[i])) i++;
    return i;
  }

  space0(i: number): number {
    while (isSpace(this.text[i])) i++;
    return i;
  }

  /** *(whitespace / comment). */
  ws0(i: number): number {
    for (;;) {
      if (isMultispace(this.text[i])) i = this.multispace0(i);
      else if (this.text[i] === '#') i = this.comment(i)!;
      else return i;
    }
  }

  /** 1*(whitespace / comment). */
  ws1(i: number): number | undefined {
    const j = this.ws0(i);
    return j > i ? j : this.miss(i, 'whitespace');
  }

  /** An ASCII letter, then letters, digits (Unicode) and `_`. */
  varName(i: number): R<string> {
    if (!isAsciiAlpha(this.text[i])) return this.miss(i, 'a name');
    let j = i + 1;
    while (j < this.text.length) {
      const c = String.fromCodePoint(this.text.codePointAt(j)!);
      if (c !== '_' && !isAlnum(c)) break;
      j += c.length;
    }
    return [this.text.slice(i, j), j];
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
    const signedExp = /^[eE][+-]\d/.test(this.text.slice(j, j + 3));
    if (!hasFraction && !signedExp) return this.miss(i, 'a float');
    // The number itself is read by lexical-core: the exponent sign is optional there, an empty exponent is no float.
    const exp = /^[eE][+-]?\d+/.exec(this.text.slice(j, j + 400));
    if (exp) j += exp[0].length;
    else if (this.text[j] === 'e' || this.text[j] === 'E') return this.miss(i, 'a float');
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
