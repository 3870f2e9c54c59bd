// cfn-guard retries a missing map key through the `inflector` crate's (0.11.4) case converters (eval_context.rs:
// CONVERTERS: camel, class, kebab, pascal, snake, title, train) and keeps the first one that finds a key for the
// rest of the query. This is a port of inflector's to_case_camel_like, to_case_snake_like and to_singular for
// ASCII keys; a non-ASCII key is refused by the caller.

/** A converter; undefined where this port cannot be certain of inflector's output (the caller refuses). */
export type Converter = (key: string) => string | undefined;

// Each tests one character (one code point) as the regexes /^[A-Za-z0-9]$/, /^[a-z]$/, /^[A-Z]$/, /^[0-9]$/ would.
const code = (c: string): number => (c.length === 1 ? c.charCodeAt(0) : -1);
const isDigit = (c: string): boolean => {
  const x = code(c);
  return x >= 48 && x <= 57;
};
const isLower = (c: string): boolean => {
  const x = code(c);
  return x >= 97 && x <= 122;
};
const isUpper = (c: string): boolean => {
  const x = code(c);
  return x >= 65 && x <= 90;
};
const isAlnum = (c: string): boolean => isDigit(c) || isLower(c) || isUpper(c);
const trimRight = (s: string): string => s.replace(/[^A-Za-z0-9]+$/, '');

interface CamelOptions {
  newWord: boolean;
  firstWord: boolean;
  injectable: string;
  hasSeparator: boolean;
}

function camelLike(input: string, o: CamelOptions): string {
  let newWord = o.newWord;
  let firstWord = o.firstWord;
  let last = ' ';
  let foundReal = false;
  let out = '';
  for (const c of trimRight(input)) {
    if (!isAlnum(c) && foundReal) newWord = true;
    else if (!foundReal && !isAlnum(c)) continue;
    else if (isDigit(c)) {
      foundReal = true;
      newWord = true;
      out += c;
    } else if (newWord || (isLower(last) && isUpper(c) && last !== ' ')) {
      // last_char is deliberately not updated here, as in inflector.
      foundReal = true;
      newWord = false;
      if (o.hasSeparator && !firstWord) out += o.injectable;
      out += c.toUpperCase();
      firstWord = false;
    } else {
      foundReal = true;
      last = c;
      out += c.toLowerCase();
    }
  }
  return out;
}

function snakeLike(input: string, sep: string): string {
  let first = true;
  let out = '';
  const chars = [...trimRight(input)];
  const all = [...input];
  const lowerAt = (i: number) => i >= 0 && i < all.length && isLower(all[i]);
  chars.forEach((c, i) => {
    if (!isAlnum(c)) {
      if (!first) {
        first = true;
        out += sep;
      }
    } else if (!first && c === c.toUpperCase() && (lowerAt(i + 1) || lowerAt(i - 1))) {
      first = false;
      out += sep + c.toLowerCase();
    } else {
      first = false;
      out += c.toLowerCase();
    }
  });
  return out;
}

const pascalOptions: CamelOptions = { newWord: true, firstWord: false, injectable: ' ', hasSeparator: false };

// inflector's singularize rules, tried from the last; the result is only the expansion of the match.
const SINGULAR_RULES: [RegExp, string][] = [
  [/(\w*)s$/, ''],
  [/(\w*)(ss)$/, '$2'],
  [/(n)ews$/, 'ews'],
  [/(\w*)(o)es$/, ''],
  [/(\w*)([ti])a$/, 'um'],
  [/((a)naly|(b)a|(d)iagno|(p)arenthe|(p)rogno|(s)ynop|(t)he)(sis|ses)$/, 'sis'],
  [/(^analy)(sis|ses)$/, 'sis'],
  [/(\w*)([^f])ves$/, 'fe'],
  [/(\w*)(hive)s$/, ''],
  [/(\w*)(tive)s$/, ''],
  [/(\w*)([lr])ves$/, 'f'],
  [/(\w*([^aeiouy]|qu))ies$/, 'y'],
  [/(s)eries$/, 'eries'],
  [/(m)ovies$/, 'ovie'],
  [/(\w*)(x|ch|ss|sh)es$/, '$2'],
  [/(m|l)ice$/, 'ouse'],
  [/(bus)(es)?$/, ''],
  [/(shoe)s$/, ''],
  [/(cris|test)(is|es)$/, 'is'],
  [/^(a)x[ie]s$/, 'xis'],
  [/(octop|vir)(us|i)$/, 'us'],
  [/(alias|status)(es)?$/, ''],
  [/^(ox)en/, ''],
  [/(vert|ind)ices$/, 'ex'],
  [/(matr)ices$/, 'ix'],
  [/(quiz)zes$/, ''],
  [/(database)s$/, ''],
];

/** to_singular of a capitalized word (the uncountable words and special cases are all lower case). */
function singular(word: string): string {
  for (let r = SINGULAR_RULES.length - 1; r >= 0; r--) {
    const [re, replace] = SINGULAR_RULES[r];
    const m = re.exec(word);
    if (m && m[1] !== undefined) return (m[1] + replace).replace(/\$(\d)/g, (_x, g: string) => m[Number(g)] ?? '');
  }
  return word;
}

function classCase(key: string): string | undefined {
  const plural = camelLike(key, pascalOptions);
  const at = plural.search(/[A-Z][^A-Z]*$/);
  // Without a capital the whole word is singularized, where the lower-case word lists would apply.
  if (at < 0) return undefined;
  return plural.slice(0, at) + singular(plural.slice(at));
}

/**
 * A converter remembering its output per key: the conversions are pure, and the keys converted are the key names
 * written in rules (a missing key is retried on every value a query reaches), so the memo stays small.
 */
function memoized(convert: Converter): Converter {
  const memo = new Map<string, string | undefined>();
  return (key) => {
    if (memo.has(key)) return memo.get(key);
    const out = convert(key);
    memo.set(key, out);
    return out;
  };
}

/** The converters in cfn-guard's order; class case is undefined where this port is not certain. */
export const CONVERTERS: readonly { name: string; convert: Converter }[] = [
  { name: 'camel', convert: memoized((k) => camelLike(k, { newWord: false, firstWord: false, injectable: ' ', hasSeparator: false })) },
  { name: 'class', convert: memoized(classCase) },
  { name: 'kebab', convert: memoized((k) => snakeLike(k, '-')) },
  { name: 'pascal', convert: memoized((k) => camelLike(k, pascalOptions)) },
  { name: 'snake', convert: memoized((k) => snakeLike(k, '_')) },
  { name: 'title', convert: memoized((k) => camelLike(k, { newWord: true, firstWord: true, injectable: ' ', hasSeparator: true })) },
  { name: 'train', convert: memoized((k) => camelLike(k, { newWord: true, firstWord: true, injectable: '-', hasSeparator: true })) },
];

/** Keys whose conversions this port reproduces exactly. */
export function convertible(key: string): boolean {
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

/** Case, separators and punctuation only: a key no converter output can equal normalizes differently. */
export const normalized = (key: string): string => key.toLowerCase().replace(/[^a-z0-9]/g, '');

/** Could `other` be class case's singular of `key`? (the rules only rewrite the ending of the last word) */
export function singularCandidate(key: string, other: string): boolean {
  const a = normalized(key);
  const b = normalized(other);
  if (b === a || b.length === 0) return false;
  return b.startsWith(a.slice(0, Math.max(1, a.length - 5)));
}
