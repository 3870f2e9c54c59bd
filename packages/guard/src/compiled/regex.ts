import { translateRustRegex } from './rust-regex';

const cache = new Map<string, RegExp>();

/** A Rust regex (fancy_regex) as an exact JavaScript RegExp; throws UntranslatableRegex when there is none. */
export function rustRegex(source: string): RegExp {
  let re = cache.get(source);
  if (!re) {
    re = translateRustRegex(source);
    cache.set(source, re);
  }
  return re;
}

/** fancy_regex's unanchored is_match. */
export function regexMatches(source: string, text: string): boolean {
  const re = rustRegex(source);
  re.lastIndex = 0;
  return re.test(text);
}
