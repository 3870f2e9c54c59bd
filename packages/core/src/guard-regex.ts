/**
 * Tag patterns (policies/tags.yaml) are read by two regular expression engines: JavaScript's RegExp, without
 * flags (tag values in tarmac and the CDK aspects), and cfn-guard's Rust `fancy_regex` (`Value == /pattern/` in
 * the LZ.TAG.2 rule, locally and in every account's Guard Hook). A pattern one of them reads differently is a
 * control with two verdicts; one Guard cannot parse makes the generated rule file fail to parse.
 *
 * So a pattern must stay inside a subset both read alike, in syntax and in meaning:
 * - literal characters of the Basic Multilingual Plane (a character beyond it only as a plain literal, not
 *   repeated or in a class: JavaScript sees two UTF-16 units), and the escapes \t \n \r \f \v \xHH \uHHHH;
 * - metacharacters escaped with a backslash: \^ \$ \. \| \? \* \+ \( \) \[ \] \{ \} \\ \/ \-;
 * - classes of literal characters and literal ranges, such as [a-z0-9_-], never negated;
 * - anchors ^ and $ (no multiline flag: start and end of the value in both);
 * - groups (...) and (?:...), lookaheads (?=...) and (?!...), alternation |;
 * - quantifiers * + ? {n} {n,} {n,m}, each optionally lazy (followed by ?).
 *
 * Refused, each with what to write instead: `.` (Guard matches \r, \u2028 and \u2029 with it, JavaScript does
 * not, and they count a character beyond the BMP differently), negated classes (the same counting difference),
 * \d \w \s \b and their negations (Unicode-aware in Guard, ASCII in JavaScript), inline flags, named groups,
 * lookbehind and backreferences, escapes one engine reads as something else (\a \e \z \p{L} \x{41} \cA ...),
 * braces and brackets that are not a quantifier or a class, a quantifier on a quantifier (Guard reads a++ as
 * possessive, JavaScript refuses it), nested class syntax (Guard reads [[a]], [a&&b], [a--b], [a~~b] as set
 * operations), and a pattern that ends in / or \\ (Guard's /.../ literal then does not end where it should).
 */

/** Counts above this, and patterns that expand to more elements, exceed what Guard compiles or anyone needs. */
const MAX_COUNT = 1000;
const MAX_EXPANDED = 1000;
const MAX_DEPTH = 20;

/**
 * Why a pattern is outside the subset JavaScript (no flags) and cfn-guard read alike, saying what to write
 * instead; undefined when it is inside.
 */
export function guardRegexProblem(pattern: string): string | undefined {
  try {
    new PatternParser(pattern).parse();
  } catch (err) {
    if (err instanceof Refusal) {
      const at = [...pattern.slice(0, err.at)].length + 1;
      return `${err.message} (character ${at} of the pattern)`;
    }
    throw err;
  }
  return undefined;
}

/** The pattern as a Guard regex literal, `/` escaped: how the tag rules embed it. */
export function guardRegexLiteral(pattern: string): string {
  return `/${pattern.replace(/\//g, '\\/')}/`;
}

class Refusal extends Error {
  constructor(
    readonly at: number,
    message: string,
  ) {
    super(message);
  }
}

/** What an atom can be followed by and how much of the pattern it expands to. */
interface Atom {
  readonly size: number;
  /** Anchors and lookaheads cannot be repeated (Guard refuses it, JavaScript does not always). */
  readonly repeatable: boolean;
  /** Holds a character, class or escape: Guard refuses to repeat a group of only anchors or nothing, like (?:)+. */
  readonly consumes: boolean;
  /** A character beyond the BMP: JavaScript would repeat only its second UTF-16 unit. */
  readonly astral?: string;
}

const CLASS_ESCAPES: Record<string, { instead: string; inClass: string }> = {
  d: { instead: '[0-9]', inClass: '0-9' },
  w: { instead: '[A-Za-z0-9_]', inClass: 'A-Za-z0-9_' },
  s: { instead: '[ \\t\\n\\r\\f\\v] (or just the space you mean)', inClass: ' \\t\\n\\r\\f\\v' },
};
const CLASS_ESCAPE_WHY: Record<string, string> = {
  d: 'matches non-ASCII digits (such as ٣) in Guard, only 0-9 in JavaScript',
  w: 'matches non-ASCII letters (such as é) in Guard, only A-Z a-z 0-9 _ in JavaScript',
  s: 'matches different whitespace in Guard and JavaScript (Unicode White_Space against a JavaScript list with U+FEFF)',
};
const SIMPLE_ESCAPES = new Set(['t', 'n', 'r', 'f', 'v']);
/** Metacharacters both engines read literally when escaped, in and out of a class. */
const META = new Set([...'^$.|?*+()[]{}\\/-']);
const QUANTIFIER = /^\{(\d+)(,(\d*))?\}/;

class PatternParser {
  private i = 0;
  private depth = 0;

  constructor(private readonly src: string) {}

  parse(): void {
    if (this.src === '') this.refuse(0, 'an empty pattern matches every value and Guard cannot read //: leave pattern out');
    const { size } = this.alternation();
    if (this.i < this.src.length) this.refuse(this.i, 'this ) closes no group: escape it as \\) or add the ( it closes');
    if (size > MAX_EXPANDED) {
      this.refuse(0, `the pattern repeats to ${size} elements, over ${MAX_EXPANDED} (Guard refuses large compiled patterns): use smaller repetition counts`);
    }
    // Guard's /.../ literal reads \/ as an escaped slash and needs a character after it before the closing /.
    if (this.src.endsWith('/')) this.refuse(this.src.length - 1, "a pattern ending in / does not parse inside Guard's /.../ literal: write the last / as [/]");
    if (this.src.endsWith('\\'))
      this.refuse(this.src.length - 2, "a pattern ending in \\\\ does not parse inside Guard's /.../ literal: write the last \\\\ as [\\\\]");
  }

  private refuse(at: number, message: string): never {
    throw new Refusal(at, message);
  }

  private peek(offset = 0): string | undefined {
    return this.src[this.i + offset];
  }

  /** One character at `at` (a surrogate pair is one), or undefined at the end. */
  private charAt(at: number): string | undefined {
    const cp = this.src.codePointAt(at);
    return cp === undefined ? undefined : String.fromCodePoint(cp);
  }

  /** Alternatives: how many elements they expand to, and whether any holds a character. */
  private alternation(): { size: number; consumes: boolean } {
    const result = this.sequence();
    while (this.peek() === '|') {
      this.i++;
      const next = this.sequence();
      result.size += next.size;
      result.consumes ||= next.consumes;
    }
    return result;
  }

  private sequence(): { size: number; consumes: boolean } {
    const result = { size: 0, consumes: false };
    while (this.i < this.src.length && this.peek() !== '|' && this.peek() !== ')') {
      const term = this.term();
      result.size += term.size;
      result.consumes ||= term.consumes;
    }
    return result;
  }

  private term(): { size: number; consumes: boolean } {
    const start = this.i;
    const atom = this.atom();
    const quantifierAt = this.i;
    const count = this.quantifier();
    if (count === undefined) return atom;
    if (!atom.repeatable) {
      this.refuse(quantifierAt, `${this.src.slice(start, quantifierAt)} cannot be repeated: remove the quantifier ${this.src.slice(quantifierAt, this.i)}`);
    }
    if (!atom.consumes) {
      this.refuse(
        quantifierAt,
        `${this.src.slice(start, quantifierAt)} holds no character to repeat (Guard refuses it): remove the quantifier ${this.src.slice(quantifierAt, this.i)}`,
      );
    }
    if (atom.astral) {
      this.refuse(
        quantifierAt,
        `a quantifier after ${atom.astral} repeats only its second UTF-16 unit in JavaScript: group it, (?:${atom.astral})${this.src.slice(quantifierAt, this.i)}`,
      );
    }
    if (this.peek() === '?') this.i++; // lazy
    const next = this.i;
    if (this.quantifier() !== undefined) {
      this.refuse(
        next,
        `a quantifier cannot follow another (Guard reads ${this.src.slice(start, this.i)} as possessive or refuses it, JavaScript refuses it): group the first, (?:${this.src.slice(start, next)})${this.src.slice(next, this.i)}`,
      );
    }
    return { size: atom.size * count, consumes: true };
  }

  /** Reads a quantifier; returns how many times it repeats its atom (for the size), or undefined if none. */
  private quantifier(): number | undefined {
    const c = this.peek();
    if (c === '*' || c === '+' || c === '?') {
      this.i++;
      return 1;
    }
    if (c !== '{') return undefined;
    const rest = this.src.slice(this.i);
    const m = QUANTIFIER.exec(rest);
    if (!m) {
      const upTo = /^\{,(\d+)\}/.exec(rest);
      if (upTo) this.refuse(this.i, `Guard reads {,${upTo[1]}} as a repetition, JavaScript as the text "{,${upTo[1]}}": write {0,${upTo[1]}}`);
      this.refuse(this.i, 'a { that does not start a repetition {n}, {n,} or {n,m}: escape it as \\{');
    }
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : m[3] === '' ? undefined : Number(m[3]);
    if (max !== undefined && max < min) this.refuse(this.i, `${m[0]} repeats at least ${min} and at most ${max} times: write {${max},${min}}`);
    if ((max ?? min) > MAX_COUNT) this.refuse(this.i, `${m[0]} repeats more than ${MAX_COUNT} times: use a smaller count`);
    this.i += m[0].length;
    return Math.max(1, max ?? min);
  }

  private atom(): Atom {
    const at = this.i;
    const c = this.charAt(at)!;
    switch (c) {
      case '^':
      case '$':
        this.i++;
        return { size: 0, repeatable: false, consumes: false };
      case '(':
        return this.group();
      case '[':
        return this.charClass();
      case '.':
        return this.refuse(
          at,
          '. matches \\r, \\u2028 and \\u2029 in Guard but not in JavaScript, and counts a character beyond the BMP as one in Guard, two in JavaScript: list the characters you allow in a class, such as [a-z0-9-] (to allow anything after a prefix, end the pattern after the prefix, without $)',
        );
      case '*':
      case '+':
      case '?':
        return this.refuse(at, `${c} has nothing to repeat: escape it as \\${c}`);
      case '{':
        if (QUANTIFIER.test(this.src.slice(at))) this.refuse(at, `${QUANTIFIER.exec(this.src.slice(at))![0]} has nothing to repeat: escape the brace as \\{`);
        return this.refuse(at, 'a { that does not start a repetition {n}, {n,} or {n,m}: escape it as \\{');
      case '}':
      case ']':
        return this.refuse(at, `an unescaped ${c} is read as a literal by JavaScript and by Guard only by accident: escape it as \\${c}`);
      case '\\':
        return this.escape();
      default:
        this.i += c.length;
        return this.literal(c, at, false);
    }
  }

  private literal(c: string, at: number, inClass: boolean): Atom {
    const cp = c.codePointAt(0)!;
    if (cp >= 0xd800 && cp <= 0xdfff) this.refuse(at, `a lone surrogate \\u${hex4(cp)} is not a character Guard can read: remove it`);
    if (cp < 0x20 || cp === 0x7f || cp === 0x85 || cp === 0x2028 || cp === 0x2029) {
      this.refuse(at, `a raw control or line-break character U+${hex4(cp)}: write it as ${escapeFor(cp)}`);
    }
    if (cp > 0xffff) {
      if (inClass)
        this.refuse(
          at,
          `${c} in a class is two UTF-16 units to JavaScript, one character to Guard: take it out of the class and use an alternative, (?:${c}|[...])`,
        );
      return { size: 1, repeatable: true, consumes: true, astral: c };
    }
    return { size: 1, repeatable: true, consumes: true };
  }

  private group(): Atom {
    const at = this.i;
    if (++this.depth > MAX_DEPTH) this.refuse(at, `groups nest deeper than ${MAX_DEPTH}: flatten the pattern`);
    this.i++;
    let repeatable = true;
    if (this.peek() === '?') {
      const kind = this.src.slice(this.i + 1, this.i + 3);
      if (kind[0] === ':') this.i += 2;
      else if (kind[0] === '=' || kind[0] === '!') {
        this.i += 2;
        repeatable = false;
      } else if (kind === '<=' || kind === '<!') {
        this.refuse(
          at,
          'lookbehind: Guard accepts only a fixed length and JavaScript any: match the preceding text itself, or use a lookahead (?=...) / (?!...) before it',
        );
      } else if (kind[0] === '<' || kind[0] === 'P') {
        this.refuse(at, 'named groups: nothing reads the name, write (...) or (?:...)');
      } else {
        this.refuse(at, 'inline flags such as (?i) are Guard-only (JavaScript refuses them): write the variants out, such as [Aa] for either case');
      }
    }
    const { size, consumes } = this.alternation();
    if (this.peek() !== ')') this.refuse(at, 'this ( is never closed: add ) or escape it as \\(');
    this.i++;
    this.depth--;
    // A lookahead holds characters but matches none: repeating a group of only lookaheads is refused too.
    return { size, repeatable, consumes: repeatable && consumes };
  }

  private charClass(): Atom {
    const open = this.i;
    this.i++;
    if (this.peek() === '^') {
      this.refuse(
        open,
        'a negated class [^...] matches half of a character beyond the BMP in JavaScript and the whole character in Guard: list the characters you allow instead, such as [a-z0-9-]',
      );
    }
    if (this.peek() === ']')
      this.refuse(open, 'a class cannot be empty or start with ] (JavaScript reads [] as matching nothing, Guard refuses it): escape ] as \\]');
    for (let j = this.i; j < this.src.length && this.src[j] !== ']'; j += this.src[j] === '\\' ? 2 : 1) {
      const pair = this.src.slice(j, j + 2);
      if (pair === '&&' || pair === '~~' || pair === '--') {
        this.refuse(j, `${pair} in a class is a set operation in Guard and two characters in JavaScript: escape them, \\${pair[0]}\\${pair[1]}`);
      }
    }
    let first = true;
    for (;;) {
      const at = this.i;
      const c = this.charAt(at);
      if (c === undefined) this.refuse(open, 'this [ is never closed: add ] or escape it as \\[');
      if (c === ']') break;
      if (c === '[') this.refuse(at, 'an unescaped [ in a class starts a nested class in Guard: escape it as \\[');
      if (c === '-' && !first && this.peek(1) !== ']') {
        this.refuse(at, 'a - that is not between two characters of a range: escape it as \\- or put it last in the class');
      }
      const low = this.classItem();
      if (this.peek() === '-' && this.peek(1) !== ']' && this.peek(1) !== undefined) {
        const dash = this.i;
        this.i++;
        const highAt = this.i;
        if (this.peek() === '[') this.refuse(highAt, 'an unescaped [ in a class starts a nested class in Guard: escape it as \\[');
        const high = this.classItem();
        if (low.char === undefined || high.char === undefined) {
          const escape = low.char === undefined ? low : high;
          const other = low.char === undefined ? this.src.slice(highAt, this.i) : this.src.slice(at, dash);
          this.refuse(
            at,
            `${this.src.slice(at, this.i)}: a range cannot have the class escape ${escape.text} as an end (Guard refuses it, JavaScript reads ${this.src.slice(at, dash)}, - and ${this.src.slice(highAt, this.i)} as three items): write ${escape.inClass ?? 'the characters you mean'}${other}\\- for those three, or a range of two literal characters`,
          );
        }
        if (high.char < low.char)
          this.refuse(at, `${this.src.slice(at, this.i)} is a range backwards: write ${this.src.slice(highAt, this.i)}-${this.src.slice(at, dash)}`);
      } else if (low.char === undefined) {
        this.refuse(at, classEscapeProblem(low.text[1], true));
      }
      first = false;
    }
    this.i++;
    return { size: 1, repeatable: true, consumes: true };
  }

  /** One item of a class: a character (its code point) or a class escape (\d...), which has none. */
  private classItem(): { char?: number; text: string; inClass?: string } {
    const at = this.i;
    if (this.peek() === '\\') {
      const letter = this.peek(1);
      if (letter !== undefined && /[dwsDWS]/.test(letter)) {
        this.i += 2;
        return { text: `\\${letter}`, inClass: CLASS_ESCAPES[letter]?.inClass };
      }
      if (letter === 'b') this.refuse(at, '\\b in a class is a backspace in JavaScript: write \\x08');
      const cp = this.escapedChar(true);
      return { char: cp, text: this.src.slice(at, this.i) };
    }
    const c = this.charAt(at)!;
    this.i += c.length;
    this.literal(c, at, true);
    return { char: c.codePointAt(0)!, text: c };
  }

  private escape(): Atom {
    const at = this.i;
    const letter = this.peek(1);
    if (letter !== undefined && /[dwsDWS]/.test(letter)) this.refuse(at, classEscapeProblem(letter, false));
    if (letter === 'b' || letter === 'B') {
      this.refuse(
        at,
        `\\${letter} (word boundary) uses Unicode word characters in Guard and ASCII ones in JavaScript: anchor with ^ and $ or match the separator characters themselves`,
      );
    }
    this.escapedChar(false);
    return { size: 1, repeatable: true, consumes: true };
  }

  /** Reads an escape that stands for one character, returning its code point; refuses every other escape. */
  private escapedChar(inClass: boolean): number {
    const at = this.i;
    const c = this.charAt(at + 1);
    if (c === undefined) this.refuse(at, 'a pattern cannot end with a lone \\: write \\\\ for a backslash');
    this.i += 1 + c.length;
    if (META.has(c)) return c.codePointAt(0)!;
    if (SIMPLE_ESCAPES.has(c)) return { t: 9, n: 10, r: 13, f: 12, v: 11 }[c as 't']!;
    if (c === 'x') {
      const m = /^[0-9A-Fa-f]{2}/.exec(this.src.slice(this.i));
      if (!m) this.refuse(at, '\\x takes exactly two hex digits in JavaScript (\\x{...} is Guard-only): write \\xHH, or \\uHHHH above FF');
      this.i += 2;
      return parseInt(m[0], 16);
    }
    if (c === 'u') {
      const m = /^[0-9A-Fa-f]{4}/.exec(this.src.slice(this.i));
      if (!m) this.refuse(at, '\\u takes exactly four hex digits in JavaScript without the u flag (\\u{...} is Guard-only): write \\uHHHH');
      const cp = parseInt(m[0], 16);
      if (cp >= 0xd800 && cp <= 0xdfff) this.refuse(at, `\\u${m[0]} is half of a surrogate pair, not a character Guard can match: write the character itself`);
      this.i += 4;
      return cp;
    }
    if (/[1-9]/.test(c))
      this.refuse(at, `backreferences such as \\${c} are not in the subset Guard and JavaScript read alike: repeat the group's pattern instead`);
    if (c === 'k') this.refuse(at, "named backreferences \\k<...> are not in the subset Guard and JavaScript read alike: repeat the group's pattern instead");
    if (c === '0') this.refuse(at, '\\0 (NUL) is not a character tag values contain: remove it');
    if (c === 'c') this.refuse(at, `control escapes \\cX are JavaScript-only: write \\xHH (for example \\x01 for \\cA)`);
    if (c === 'p' || c === 'P')
      this.refuse(
        at,
        `\\${c}{...} is a Unicode class in Guard and the text "${c}{...}" in JavaScript without the u flag: list the characters you allow in a class`,
      );
    if (c === 'A') this.refuse(at, '\\A is the start of the value in Guard and the letter A in JavaScript: write ^');
    if (c === 'z' || c === 'Z') this.refuse(at, `\\${c} is the end of the value in Guard (or an error) and the letter ${c} in JavaScript: write $`);
    if (/[A-Za-z0-9]/.test(c)) {
      this.refuse(at, `\\${c} is ${inClass ? '' : 'an error or '}a special sequence in Guard and the letter ${c} in JavaScript: write ${c}`);
    }
    this.refuse(
      at,
      `\\${c} is not a needed escape (Guard refuses or reads some escapes of this kind specially, such as \\< and \\>): write ${c} without the backslash`,
    );
  }
}

/** Why \d \w \s (and their negations) are refused, and what to write instead, in or out of a class. */
function classEscapeProblem(letter: string, inClass: boolean): string {
  const lower = letter.toLowerCase();
  if (letter !== lower) {
    return `\\${letter} is the negation of \\${lower}, which ${CLASS_ESCAPE_WHY[lower]}, and negated classes differ too: list the characters you allow${inClass ? '' : ' in a class, such as [a-z-]'}`;
  }
  const instead = CLASS_ESCAPES[lower];
  return `\\${letter} ${CLASS_ESCAPE_WHY[lower]}: ${inClass ? `write ${instead.inClass} in the class instead` : `use ${instead.instead}`}`;
}

function hex4(cp: number): string {
  return cp.toString(16).toUpperCase().padStart(4, '0');
}

function escapeFor(cp: number): string {
  const named: Record<number, string> = { 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r' };
  return named[cp] ?? (cp <= 0xff ? `\\x${cp.toString(16).toUpperCase().padStart(2, '0')}` : `\\u${hex4(cp)}`);
}
