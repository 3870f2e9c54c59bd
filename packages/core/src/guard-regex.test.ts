import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { InputError, InputErrors } from './errors';
import { guardRegexLiteral, guardRegexProblem } from './guard-regex';
import { loadCatalog } from './catalog/load-catalog';
import { compileTagRule } from './catalog/tag-rules';

const POLICIES = path.resolve(__dirname, '..', '..', '..', 'policies');

describe('guardRegexProblem', () => {
  test.each([
    ['the team pattern', '^[a-z][a-z0-9-]{1,38}[a-z0-9]$'],
    ['the cost center pattern', '^cc-[0-9]{2,6}$'],
    ['an alternation of values', '^(dev|staging|prod)$'],
    ['a non-capturing group, lazy and open counts', '^(?:ab)+?x{2,}y{3}?z*?$'],
    ['escaped metacharacters', '^\\^\\$\\.\\|\\?\\*\\+\\(\\)\\[\\]\\{\\}\\\\\\/\\-x$'],
    ['a slash, escaped or not, before the end', '^arn:aws:s3:::[a-z0-9-]+/logs\\/x$'],
    ['metacharacters that are literal inside a class', '[.*+?(){}|$^]'],
    ['a dash first or last in a class, and escaped', '[-a][a-][a\\-z]'],
    ['character escapes', '\\t\\n\\r\\f\\v\\x41\\u00e9[\\x30-\\x39\\u00c0-\\u00ff]'],
    ['non-ASCII literals and ranges in the BMP', '^[é-ü]+ß$'],
    ['a character beyond the BMP as a plain literal', '^a😀b$'],
    ['lookaheads', '^(?!aws:)(?=[a-z])[a-z:]+$'],
    ['empty alternatives and groups', '^(a|)b(?:)$|c'],
    ['a backslash before the end, in a class', 'a[\\\\]'],
  ])('accepts %s', (_name, pattern) => {
    expect(guardRegexProblem(pattern)).toBeUndefined();
    expect(() => new RegExp(pattern)).not.toThrow();
  });

  test.each([
    [
      "the brief's class range with a class escape",
      '^cc-[\\d-z]+$',
      /\\d-z: a range cannot have the class escape \\d as an end \(Guard refuses it.*write 0-9z\\- for those three/,
    ],
    ['\\d', '^[a-z]\\d+$', /\\d matches non-ASCII digits .* use \[0-9\] \(character 7 of the pattern\)/],
    ['\\d in a class', '[a\\d]', /\\d .*: write 0-9 in the class instead/],
    ['\\w', '\\w+', /use \[A-Za-z0-9_\]/],
    ['\\s', 'a\\sb', /use \[ \\t\\n\\r\\f\\v\]/],
    ['\\D', '\\D', /negation of \\d.*list the characters you allow in a class/],
    ['\\b', '\\bx', /word boundary.*anchor with \^ and \$/],
    ['.', '^a.b$', /\. matches \\r, \\u2028 and \\u2029 in Guard but not in JavaScript.*list the characters you allow in a class/],
    ['a negated class', '[^/]+', /negated class.*list the characters you allow instead/],
    ['[^]', '[^]', /negated class/],
    ['an empty class', '[]a]', /escape \] as \\\]/],
    ['\\Z', 'a\\Z', /write \$/],
    ['\\A', '\\Aa', /write \^/],
    ['\\z', 'a\\z', /write \$/],
    ['\\cA', '\\cA', /write \\xHH \(for example \\x01 for \\cA\)/],
    ['a**', 'a**', /a quantifier cannot follow another.*\(\?:a\*\)\*/],
    ['a possessive quantifier', 'a++', /possessive.*\(\?:a\+\)\+/],
    ['\\Q..\\E', '\\Q.\\E', /\\Q is an error or a special sequence in Guard and the letter Q in JavaScript: write Q/],
    ['\\R', 'a\\R', /write R/],
    ['\\N', 'a\\N', /write N/],
    ['\\p{L}', '\\p{L}', /Unicode class in Guard/],
    ['\\x{41}', '\\x{41}', /write \\xHH/],
    ['\\u{41}', '\\u{41}', /write \\uHHHH/],
    ['an unknown letter escape', '\\q', /write q/],
    ['a needless punctuation escape', 'a\\:b', /write : without the backslash/],
    ['\\<', '\\<a', /write < without the backslash/],
    ['a backreference', '(a)\\1', /backreferences/],
    ['a named group', '(?<n>a)', /named groups: nothing reads the name, write \(\.\.\.\)/],
    ['inline flags', '(?i)abc', /inline flags.*\[Aa\]/],
    ['lookbehind', '(?<=a)b', /lookbehind/],
    ['a repeated lookahead', '(?=a)*', /\(\?=a\) cannot be repeated/],
    ['a repeated anchor', '^*a', /\^ cannot be repeated/],
    ['a repeated empty group', 'a(?:)+', /\(\?:\) holds no character to repeat \(Guard refuses it\): remove the quantifier \+/],
    ['a repeated group of anchors', '(?:^)*a', /holds no character to repeat/],
    ['a repeated group of a lookahead', '(?:(?=a))*a', /holds no character to repeat/],
    ['nothing to repeat', '*a', /\* has nothing to repeat: escape it as \\\*/],
    ['{,n}', 'a{,3}', /write \{0,3\}/],
    ['a lone brace', 'a{b', /escape it as \\\{/],
    ['a lone closing brace', 'a}', /escape it as \\\}/],
    ['a lone closing bracket', 'a]', /escape it as \\\]/],
    ['a backwards count', 'a{3,2}', /write \{2,3\}/],
    ['a backwards range', '[z-a]', /write a-z/],
    ['a huge count', 'a{5000}', /more than 1000 times/],
    ['a pattern that expands too far', '([a-z]{100}){100}', /repeats to 10000 elements/],
    ['a nested class', '[[a]]', /nested class in Guard: escape it as \\\[/],
    ['class intersection', '[a&&b]', /set operation.*\\&\\&/],
    ['class difference', '[a--b]', /set operation/],
    ['class symmetric difference', '[a~~b]', /set operation/],
    ['a dash after a range', '[a-z-0]', /escape it as \\- or put it last/],
    ['an unclosed group', '(ab', /never closed: add \)/],
    ['an unmatched )', 'ab)', /closes no group/],
    ['an unclosed class', '[ab', /never closed: add \]/],
    ['a trailing lone backslash', 'ab\\', /lone \\/],
    ['a trailing slash', 'a/', /write the last \/ as \[\/\]/],
    ['a trailing escaped slash', 'a\\/', /write the last \/ as \[\/\]/],
    ['a trailing escaped backslash', 'a\\\\', /write the last \\\\ as \[\\\\\]/],
    ['the empty pattern', '', /leave pattern out/],
    ['a raw newline', 'a\nb', /write it as \\n/],
    ['a raw line separator', 'a\u2028b', /write it as \\u2028/],
    ['a repeated character beyond the BMP', 'a😀+', /group it, \(\?:😀\)\+/],
    ['a character beyond the BMP in a class', '[a😀]', /take it out of the class/],
    ['a surrogate escape', '\\ud83d', /half of a surrogate pair/],
  ])('refuses %s', (_name, pattern, message) => {
    expect(guardRegexProblem(pattern)).toMatch(message);
  });

  test('every pattern in policies/tags.yaml is accepted', () => {
    const text = fs.readFileSync(path.join(POLICIES, 'tags.yaml'), 'utf8');
    const patterns = [...text.matchAll(/^\s*pattern:\s*(.+)$/gm)].map((m) => m[1].trim());
    expect(patterns.length).toBeGreaterThan(0);
    for (const p of patterns) expect([p, guardRegexProblem(p)]).toEqual([p, undefined]);
  });

  test('guardRegexLiteral is how the LZ.TAG.2 rule embeds a pattern', () => {
    const pattern = '^arn:aws:s3:::[a-z/]+/x$';
    const rule = compileTagRule('LZ.TAG.2', [{ key: 'k', description: 'd', pattern }], new Set(['AWS::S3::Bucket']));
    expect(rule).toContain(`== ${guardRegexLiteral(pattern)}`);
  });
});

describe('loadTags', () => {
  test('a pattern Guard cannot read is an error at its line in tags.yaml, saying what to write', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-catalog-'));
    fs.cpSync(POLICIES, root, { recursive: true });
    const file = path.join(root, 'tags.yaml');
    const original = fs.readFileSync(file, 'utf8');
    const edited = original.replace('pattern: ^cc-[0-9]{2,6}$', 'pattern: "^cc-[\\\\d-z]+$"');
    expect(edited).not.toBe(original);
    fs.writeFileSync(file, edited);
    const line = edited.split('\n').findIndex((l) => l.includes('^cc-[')) + 1;
    let errors: readonly InputError[] = [];
    try {
      loadCatalog(root);
    } catch (e) {
      if (!(e instanceof InputErrors)) throw e;
      errors = e.errors;
    }
    const error = errors.find((e) => e.location.file === file);
    expect(error).toBeDefined();
    expect(error!.location.line).toBe(line);
    expect(error!.message).toMatch(
      new RegExp(`tags\\.yaml:${line}:\\d+: pattern \\^cc-\\[\\\\d-z\\]\\+\\$ of tag cost-center: \\\\d-z: a range cannot have the class escape`),
    );
    expect(error!.message).toMatch(/\(expected a regular expression JavaScript and Guard read alike/);
  });
});
