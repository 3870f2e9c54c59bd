import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { engineJson } from '../engines/engine';
import { prng } from './__tests__/differential';
import { translateRustRegex, UntranslatableRegex } from './rust-regex';

// Differential test of the translation against the real cfn-guard 3.1.1 (fancy_regex 0.13): a handful of spawns.
const ROOT = path.resolve(__dirname, '../../../..');
const GUARD = path.join(ROOT, 'node_modules/@cdklabs/cdk-validator-cfnguard/bin/ubuntu/x86_64/cfn-guard');
const SEED = 20261207;

const HAND = [
  'bc',
  '^bc',
  '^x',
  '(?i)^abc$',
  'a$',
  '(?m)a$',
  '(?m)^b',
  'a.b',
  '(?s)a.b',
  '^\\d+$',
  '^\\w+$',
  '\\bé',
  '^[[:alpha:]]+$',
  '^\\p{Lu}',
  '^(?=.*x)a',
  '^(?!prod)',
  '(?<=a)b',
  '^(a+)-\\1$',
  '(?P<x>a)b',
  '(?<x>a)b',
  '\\Aab\\z',
  '^a+?$',
  '^(dev|prod)$',
  '^.{3}$',
  '^$',
  '^a{2,3}$',
  '^\\x41$',
  '(?x) a b c ',
  '^[a-z--aeiou]+$',
  '(?i)^straße$',
  '(?i)k',
  '(?i)s',
  '(?i)[a-z]+',
  '(?i)[^a-z]',
  '\\s',
  '\\S',
  '\\D',
  '\\W',
  '\\B',
  '\\<a',
  'a\\>',
  '[\\w--\\d]',
  '[a-z&&[^x]]',
  '[a~~c]',
  '\\x{10FFFF}',
  '\\u00e9',
  '[[:^digit:]]',
  '[[:punct:]]+',
  '\\p{L}+',
  '\\P{L}',
  '\\pN',
  '\\p{Nd}',
  '\\p{^Ll}',
  '\\p{gc=Lo}',
  '\\p{Greek}',
  '\\p{Letter}',
  '(?i)\\w',
  'a(?i)b',
  '(a(?i)b)c',
  '(?i:a)B',
  'a++b',
  '(?>a+)b',
  '(?>a|ab)c',
  '(a)?\\1',
  '(a)\\1',
  '(?U)a+',
  '\\h+',
  '[\\b]',
  '\\K',
  '\\Ga',
  '(?#c)a',
  '[]a]',
  '[^]a]',
  '[a-]',
  '[-a]',
  'a{,2}',
  'a{2',
  'x{',
  '\\.',
  '[.]',
  '\\e',
  'é+',
  '😀',
  '[😀-😂]',
  '(?s:.)',
  '^\\S+@\\S+$',
  '^[\\p{L}\\p{N} ._:/=+@-]*$',
  '(?m)$\\n',
  '\\r?\\n',
  '^[^\\n]*$',
  '(?x)[ ]a',
  '(?-i)a',
  '(?is)A.',
  '(?i)(?-i)a',
  'a|',
  '|a',
  '(|a)b',
  '()',
  '(?:)',
  'a**',
  '*a',
  '(a',
  'a)',
  '\\q',
  '\\p{Foo}',
  '(?<!a)b',
  '(?<=ab|cd)e',
  '(?<=a+)b',
  '(?<=\\d{2})x',
  'arn:aws:[a-z0-9-]+:',
  '^(?:[0-9]{1,3}\\.){3}[0-9]{1,3}$',
  '(?(1)a|b)',
  '\\k<x>',
  '(?P<n>a)(?P=n)',
];

// A small grammar: atoms, classes, escapes, quantifiers, groups, alternation, anchors, flags, Unicode.
function generate(r: () => number, n: number): string[] {
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
  const atoms = [
    'a',
    'b',
    'k',
    's',
    'é',
    'ß',
    'K',
    'ſ',
    '٣',
    '1',
    ' ',
    '.',
    '\\d',
    '\\w',
    '\\s',
    '\\D',
    '\\W',
    '\\S',
    '\\p{L}',
    '\\p{Lu}',
    '\\p{Nd}',
    '\\P{L}',
    '[a-c]',
    '[^a]',
    '[[:alpha:]]',
    '[[:space:]]',
    '[a-z&&[^b]]',
    '[\\w--a]',
    '\\x{e9}',
    '\\n',
    '\\.',
    '-',
    '_',
  ];
  const expr = (d: number): string => {
    const k = r();
    if (d > 2 || k < 0.35) return pick(atoms);
    if (k < 0.55) return expr(d + 1) + expr(d + 1);
    if (k < 0.65) return `(?:${expr(d + 1)}|${expr(d + 1)})`;
    if (k < 0.72) return `(${expr(d + 1)})`;
    if (k < 0.85)
      return (
        expr(d + 1).replace(/^(.*)$/s, (m) => (m.length === 1 || /^\\.$|^\[.*\]$|^\\p\{\w+\}$/.test(m) ? m : `(?:${m})`)) +
        pick(['*', '+', '?', '{1,2}', '*?', '{2}'])
      );
    if (k < 0.9) return pick(['\\b', '^', '$', '(?m)^', '(?m)$', '(?=a)', '(?!b)', '(?<=a)']) + expr(d + 1);
    return pick(['(?i)', '(?s)', '(?x)', '(?m)']) + expr(d + 1);
  };
  return Array.from({ length: n }, () => expr(0));
}

const SUBJECTS = [
  '',
  'a',
  'ab',
  'abc',
  'ABC',
  'bc',
  'abcd',
  'aa-aa',
  'aa-a',
  'prod',
  'production',
  'x1',
  '12',
  '٣٤',
  'café',
  'xé',
  'é',
  'É',
  'e\u0301',
  'ß',
  'SS',
  'ss',
  'STRASSE',
  'straße',
  'k',
  'K',
  'K',
  's',
  'S',
  'ſ',
  ' ',
  '\t',
  '\n',
  'a\nb',
  'a\r\nb',
  '\u2028',
  '\u00a0',
  '\u3000',
  '\u0085',
  '😀',
  '日本語',
  'a b c',
  'arn:aws:s3:::b/k',
  'dev',
  'aaa',
  'aaaa',
  'a_b',
  'A1_',
  '-',
  '.',
  'x@y',
  'Ⅻ',
  '²',
  '\u200d',
  '\u0345',
  'ι',
  'ǅ',
  'ΣΑΣ',
  'ς',
  'ƛ',
  '\ua7dc',
  '\u1e9e',
  'ɑ',
  'Ω',
];

interface Outcome {
  matched: boolean[][];
  parseError?: string;
}

/** Runs cfn-guard once: rule r_i tests pattern i against every element of one list of subjects. */
function runGuard(dir: string, patterns: string[], subjects: string[]): Outcome {
  const rules = patterns.map((p, i) => `rule r_${i} { Resources.V.Properties.L[*] == /${p.replace(/\//g, '\\/')}/ }`).join('\n');
  fs.writeFileSync(path.join(dir, 'rules.guard'), rules + '\n');
  // engineJson, as the engines write data: cfn-guard's YAML loader would turn a raw U+0085 into a line break.
  fs.writeFileSync(path.join(dir, 'data.json'), engineJson({ Resources: { V: { Type: 'T', Properties: { L: subjects } } } }));
  const res = spawnSync(GUARD, ['validate', '-r', path.join(dir, 'rules.guard'), '-d', path.join(dir, 'data.json'), '-o', 'json', '--show-summary', 'none'], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  if (res.status === 5) return { matched: [], parseError: res.stderr + res.stdout };
  if (!res.stdout) throw new Error(`cfn-guard exited ${res.status} ${res.signal ?? ''}: ${(res.stderr ?? '').slice(0, 500)} ${res.error ?? ''}`);
  const report = JSON.parse(res.stdout);
  const matched = patterns.map(() => subjects.map(() => true));
  for (const item of report.not_compliant ?? []) {
    const i = Number(/^r_(\d+)$/.exec(item.Rule.name)![1]);
    const walk = (v: unknown): void => {
      if (typeof v === 'string') {
        const m = /^\/Resources\/V\/Properties\/L\/(\d+)$/.exec(v);
        if (m) matched[i][Number(m[1])] = false;
      } else if (v && typeof v === 'object') Object.values(v).forEach(walk);
    };
    walk(item.Rule.checks);
  }
  return { matched };
}

function translateAll(patterns: string[]): { ok: [string, RegExp][]; refused: [string, string][] } {
  const ok: [string, RegExp][] = [];
  const refused: [string, string][] = [];
  for (const p of patterns) {
    try {
      ok.push([p, translateRustRegex(p)]);
    } catch (e) {
      if (!(e instanceof UntranslatableRegex)) throw e;
      refused.push([p, e.reason]);
    }
  }
  return { ok, refused };
}

describe('translateRustRegex', () => {
  it('translates the documented cases', () => {
    expect(translateRustRegex('(?P<x>a)b').test('ab')).toBe(true);
    expect(translateRustRegex('^\\d+$').test('٣٤')).toBe(true);
    expect(translateRustRegex('\\bé').test('xé')).toBe(false);
    // Unicode case folding changed after 15.0 (cfn-guard's tables): refused rather than guessed.
    expect(() => translateRustRegex('(?i)^straße$')).toThrow(UntranslatableRegex);
    expect(translateRustRegex('a.b').test('a\rb')).toBe(true);
    expect(() => translateRustRegex('(?i)a(?-i)b')).toThrow(UntranslatableRegex);
    expect(() => translateRustRegex('(a)?\\1')).toThrow(/may not have matched/);
  });
});

describe('translateRustRegex against cfn-guard 3.1.1', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rust-regex-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it(`agrees on every translated pattern and subject (seed ${SEED})`, () => {
    const r = prng(SEED);
    const patterns = [...new Set([...HAND, ...generate(r, 400)])].filter((p) => !p.endsWith('\\'));
    const subjects = [
      ...SUBJECTS,
      ...Array.from({ length: 40 }, () => Array.from({ length: 1 + Math.floor(r() * 4) }, () => SUBJECTS[Math.floor(r() * SUBJECTS.length)]).join('')),
    ];
    const { ok, refused } = translateAll(patterns);
    // A pattern we translate but cfn-guard refuses would break the batch: find those by halving (each is a bug).
    const invalid: string[] = [];
    const check = (batch: [string, RegExp][]): [string, RegExp][] => {
      if (batch.length === 0) return [];
      const out = runGuard(
        dir,
        batch.map(([p]) => p),
        subjects,
      );
      if (!out.parseError) {
        const disagreements: string[] = [];
        batch.forEach(([p, re], i) =>
          subjects.forEach((s, j) => {
            if (re.test(s) !== out.matched[i][j])
              disagreements.push(`/${p}/ on ${JSON.stringify(s)}: guard ${out.matched[i][j]}, js ${re.test(s)} (batch of ${batch.length})`);
          }),
        );
        expect(disagreements).toEqual([]);
        return batch;
      }
      if (batch.length === 1) {
        invalid.push(batch[0][0]);
        return [];
      }
      const mid = batch.length >> 1;
      return [...check(batch.slice(0, mid)), ...check(batch.slice(mid))];
    };
    const checked = check(ok);
    console.log(
      `rust-regex differential (seed ${SEED}): ${patterns.length} patterns, ${checked.length} translated x ${subjects.length} subjects = ${checked.length * subjects.length} comparisons, ${refused.length} refused`,
    );
    expect(invalid).toEqual([]);
  });

  it('agrees on the Unicode sets, every BMP code point and every 17th above (one spawn)', () => {
    // The set of each class over all non-surrogate code points, split by our translation, must be what cfn-guard says.
    const classes: [string, string][] = [
      ['\\d', '\\D'],
      ['\\w', '\\W'],
      ['\\s', '\\S'],
      ['.', '\\n'],
      ['\\p{L}', '\\P{L}'],
      ['\\p{Lu}', '\\P{Lu}'],
      ['\\p{Ll}', '\\P{Ll}'],
      ['\\p{Lo}', '\\P{Lo}'],
      ['\\p{Mn}', '\\P{Mn}'],
      ['\\p{Mc}', '\\P{Mc}'],
      ['\\p{N}', '\\P{N}'],
      ['\\p{P}', '\\P{P}'],
      ['\\p{S}', '\\P{S}'],
      ['\\p{Z}', '\\P{Z}'],
      ['\\p{Cn}', '\\P{Cn}'],
      ['\\p{LC}', '\\P{LC}'],
      ['(?i)[a-z]', '(?i)[^a-z]'],
      ['[[:word:]]', '[[:^word:]]'],
    ];
    const all: string[] = [];
    // Every code point would make a data file of hundreds of MB for cfn-guard's YAML loader; above the BMP, a sample.
    for (let c = 0; c <= 0x10ffff; c += c < 0x10000 ? 1 : 17) if (c < 0xd800 || c > 0xdfff) all.push(String.fromCodePoint(c));
    const patterns: string[] = [];
    const subjects: string[] = [];
    for (const [pos, neg] of classes) {
      const re = translateRustRegex(`^(?:${pos})$`);
      const inside = all.filter((ch) => re.test(ch));
      const outside = all.filter((ch) => !re.test(ch));
      expect(translateRustRegex(`^(?:${neg})$`).test(outside[0] ?? '')).toBe(outside.length > 0);
      const flags = /^\(\?i\)/.exec(pos)?.[0] ?? '';
      patterns.push(`${flags}^(?:${pos.slice(flags.length)})*$`, `${flags}^(?:${neg.slice(flags.length)})*$`);
      subjects.push(inside.join(''), outside.join(''));
    }
    // Rule i reads subject i only, so the report names nothing but a disagreement.
    const rules = patterns.map((p, i) => `rule r_${i} { Resources.V.Properties.S${i} == /${p.replace(/\//g, '\\/')}/ }`).join('\n');
    fs.writeFileSync(path.join(dir, 'rules.guard'), rules + '\n');
    const properties = Object.fromEntries(subjects.map((subject, i) => [`S${i}`, subject]));
    fs.writeFileSync(path.join(dir, 'data.json'), engineJson({ Resources: { V: { Type: 'T', Properties: properties } } }));
    const res = spawnSync(GUARD, ['validate', '-r', path.join(dir, 'rules.guard'), '-d', path.join(dir, 'data.json'), '-o', 'json', '--show-summary', 'none'], {
      encoding: 'utf8',
      maxBuffer: 1 << 30,
    });
    expect(res.status).toBe(0);
    expect(JSON.parse(res.stdout).not_compliant ?? []).toEqual([]);
  });
});

describe('catalog and Control Tower regexes', () => {
  const files = (dir: string): string[] =>
    fs.existsSync(dir)
      ? fs
          .readdirSync(dir, { withFileTypes: true })
          .flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.guard') ? [path.join(dir, e.name)] : []))
      : [];
  const literals = (text: string): string[] => [...text.matchAll(/(?:==|!=|\bIN\b|\[|,|=)\s*\/((?:\\\/|[^/\n])*)\//g)].map((m) => m[1].replace(/\\\//g, '/'));
  // Patterns in the shipped rules that are refused on purpose, with the reason.
  const REFUSED: Record<string, string> = {};

  it.each([
    ['catalog', path.join(ROOT, 'policies/controls')],
    ['Control Tower', path.join(ROOT, 'node_modules/@cdklabs/cdk-validator-cfnguard/rules/control-tower/cfn-guard')],
  ])('every regex of the %s translates', (_name, dir) => {
    const found = [...new Set(files(dir).flatMap((f) => literals(fs.readFileSync(f, 'utf8'))))];
    const { ok, refused } = translateAll(found);
    console.log(`${_name}: ${found.length} distinct regexes, ${ok.length} translated, ${refused.length} refused`);
    expect(refused.filter(([p]) => !(p in REFUSED))).toEqual([]);
  });

  it('every tag pattern translates', () => {
    const tags = fs.readFileSync(path.join(ROOT, 'policies/tags.yaml'), 'utf8');
    const patterns = [...tags.matchAll(/^\s*pattern:\s*(.+)$/gm)].map((m) => m[1].trim().replace(/^'(.*)'$/, '$1'));
    const { refused } = translateAll(patterns);
    expect(patterns.length).toBeGreaterThan(0);
    expect(refused).toEqual([]);
  });
});

void execFileSync;
