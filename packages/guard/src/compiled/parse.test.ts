import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadCatalog } from '@tarmac/core';
import { Rng } from '../../../../test/generative/prng';
import { cfnGuardTree } from './__tests__/cfn-tree';
import { GuardParseError, parseGuard } from './parse';

/**
 * Oracle tests of the Guard parser against cfn-guard 3.1.1's own (`cfn-guard parse-tree --print-json`):
 * - every catalog rule, generated rule and Control Tower rule parses, and our tree, printed in cfn-guard's JSON
 *   shape (__tests__/cfn-tree.ts), equals cfn-guard's whole tree: rule names, clause structure in CNF, operators,
 *   values, messages, queries and the line and column of every clause;
 * - seeded token mutations (delete, duplicate, swap, drop a brace or quote, join or split lines) of those
 *   rules: we accept exactly when cfn-guard accepts, and then build the same tree.
 * TARMAC_GUARD_PARSE_MUTANTS raises the number of mutants per rule; TARMAC_GUARD_PARSE_SEED changes the seed.
 */

const ROOT = path.join(__dirname, '..', '..', '..', '..');
const CFN_GUARD = path.join(ROOT, 'node_modules/@cdklabs/cdk-validator-cfnguard/bin/ubuntu/x86_64/cfn-guard');
const CT_DIR = path.join(ROOT, 'node_modules/@cdklabs/cdk-validator-cfnguard/rules/control-tower/cfn-guard');
const SEED = process.env.TARMAC_GUARD_PARSE_SEED ?? '20261207';
const MUTANTS = Number(process.env.TARMAC_GUARD_PARSE_MUTANTS ?? 6);
const CT_SAMPLE = 60;

const haveOracle = fs.existsSync(CFN_GUARD) && os.platform() === 'linux' && os.arch() === 'x64';
const oracleIt = haveOracle ? it : it.skip;

const walk = (dir: string): string[] =>
  fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : e.name.endsWith('.guard') ? [path.join(dir, e.name)] : []));

interface Source {
  readonly name: string;
  readonly text: string;
}

function sources(): { catalog: Source[]; controlTower: Source[] } {
  const files = walk(path.join(ROOT, 'policies', 'controls')).map((f) => ({ name: path.relative(ROOT, f), text: fs.readFileSync(f, 'utf8') }));
  const generated = loadCatalog(path.join(ROOT, 'policies')).controls.map((c) => ({ name: `control ${c.id}`, text: c.guard }));
  const seen = new Set(files.map((f) => f.text));
  const catalog = [...files, ...generated.filter((g) => !seen.has(g.text))];
  const controlTower = walk(CT_DIR).map((f) => ({ name: path.relative(CT_DIR, f), text: fs.readFileSync(f, 'utf8') }));
  return { catalog, controlTower };
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-parse-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** cfn-guard's tree, or undefined when it rejects the text. */
function oracle(text: string): unknown {
  const file = path.join(tmp, 'rule.guard');
  fs.writeFileSync(file, text);
  const r = spawnSync(CFN_GUARD, ['parse-tree', '--rules', file, '--print-json'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return r.status === 0 ? JSON.parse(r.stdout) : undefined;
}

/** Our tree in cfn-guard's shape, or undefined when we reject the text; JSON round trip as the oracle's. */
function ours(text: string): unknown {
  try {
    return JSON.parse(JSON.stringify(cfnGuardTree(parseGuard(text, 'rule.guard'))));
  } catch (e) {
    if (e instanceof GuardParseError) return undefined;
    throw e;
  }
}

describe('Guard parser', () => {
  it('reads the constructs of the language into a typed tree with positions', () => {
    const f = parseGuard(
      [
        'let types = [\'a\', "b"]',
        'rule r when %types !empty {',
        '  AWS::S3::Bucket {',
        '    some Properties.Tags[*].Key == /^x/ or Properties.N in r[1,5) <<too big>>',
        '  }',
        '  not other',
        '}',
      ].join('\n'),
      'f.guard',
    );
    expect(f.assignments[0]).toMatchObject({ name: 'types', value: { kind: 'value', value: { kind: 'list' } } });
    const r = f.rules[0];
    expect(r).toMatchObject({ name: 'r', pos: { line: 2, column: 1 } });
    expect(r.conditions?.[0][0]).toMatchObject({ kind: 'access', comparator: { op: 'empty', negated: true } });
    const type = r.block.conjunctions[0][0];
    expect(type).toMatchObject({ kind: 'type', typeName: 'AWS::S3::Bucket' });
    const line = type.kind === 'type' ? type.block.conjunctions[0] : [];
    expect(line).toHaveLength(2);
    expect(line[0]).toMatchObject({ kind: 'access', pos: { line: 4, column: 5 }, query: { matchAll: false } });
    expect(line[1]).toMatchObject({
      message: 'too big',
      compareWith: { value: { kind: 'range', lower: 1, upper: 5, lowerInclusive: true, upperInclusive: false } },
    });
    expect(r.block.conjunctions[1][0]).toMatchObject({ kind: 'rule', name: 'other', negation: true });
  });

  it('names the file, line, column and what was expected when text does not parse', () => {
    expect(() => parseGuard('rule r {\n  Properties.X ==\n}\n', 'bad.guard')).toThrow(GuardParseError);
    const error = (() => {
      try {
        parseGuard('rule r {\n  Properties.X == 1\n', 'bad.guard');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(GuardParseError);
    expect(error).toMatchObject({ file: 'bad.guard', line: 3, column: 1 });
    expect((error as Error).message).toMatch(/^bad\.guard:3:1: expected '}'/);
  });

  oracleIt('builds the same tree as cfn-guard parse-tree for every catalog, generated and Control Tower rule', () => {
    const { catalog, controlTower } = sources();
    const all = [...catalog, ...controlTower];
    expect(catalog.length).toBeGreaterThan(40);
    expect(controlTower).toHaveLength(237);
    const differ = all.filter((s) => JSON.stringify(ours(s.text)) !== JSON.stringify(oracle(s.text)) || ours(s.text) === undefined).map((s) => s.name);
    console.log(`guard parser oracle: ${catalog.length} catalog and generated rules, ${controlTower.length} Control Tower rules, ${differ.length} differ`);
    expect(differ).toEqual([]);
  });

  oracleIt('agrees with cfn-guard on the corners of the grammar', () => {
    const differ = EDGE_CASES.filter((text) => JSON.stringify(ours(text)) !== JSON.stringify(oracle(text))).map((text) => {
      const want = oracle(text) === undefined ? 'rejects' : 'accepts';
      const got = ours(text) === undefined ? 'rejects' : 'accepts';
      return `${JSON.stringify(text)}: cfn-guard ${want}, ours ${got}`;
    });
    expect(differ).toEqual([]);
    const accepted = EDGE_CASES.filter((text) => oracle(text) !== undefined).length;
    expect(accepted).toBeGreaterThan(40);
    expect(EDGE_CASES.length - accepted).toBeGreaterThan(30);
  });

  oracleIt('accepts exactly the seeded mutants cfn-guard accepts, with the same tree', () => {
    const { catalog, controlTower } = sources();
    const rng = new Rng(SEED);
    const ct = controlTower.filter((_, i) => i % Math.ceil(controlTower.length / CT_SAMPLE) === 0);
    const disagreements: string[] = [];
    let accepted = 0;
    let total = 0;
    for (const s of [...catalog, ...ct]) {
      for (let m = 0; m < MUTANTS; m++) {
        const mutant = mutate(s.text, rng);
        if (mutant === undefined) continue;
        total++;
        const want = oracle(mutant.text);
        const got = ours(mutant.text);
        if (want !== undefined) accepted++;
        if (JSON.stringify(want) !== JSON.stringify(got)) {
          disagreements.push(
            `${s.name} ${mutant.how}: cfn-guard ${want === undefined ? 'rejects' : 'accepts'}, ours ${got === undefined ? 'rejects' : 'accepts'}`,
          );
        }
      }
    }
    console.log(`guard parser mutants: ${total} (cfn-guard accepts ${accepted}), seed ${SEED}, disagreements ${disagreements.length}`);
    expect(disagreements).toEqual([]);
    expect(total).toBeGreaterThan(500);
  });
});

/** Texts where keywords are prefixes, whitespace matters, or nom's error/failure distinction decides. */
const EDGE_CASES = [
  '',
  '# only a comment\n',
  'let x = 1',
  'let x = 1.5e5',
  'let x = 1e5',
  'let x = 1.5e',
  'let x = -1.5',
  'let x = 99999999999999999999',
  'let x = /a\\//',
  'let x = /(?i)abc/',
  'let x = /\\q/',
  'let x = /[/',
  "let x = 'a\\'b'",
  "let x = 'open",
  'let x = /(?P<n>a)(?P=n)/',
  'let x = /a++/',
  'let x = /(?>a)/',
  'let x = /(?#c)a/',
  'let x = /\\Z/',
  'let x = /\\p{L}\\pL/',
  'let x = /(?i:a)/',
  'let x = /[[:alpha:]]/',
  'let x = /\\x{41}/',
  'let x = /\\_\\-\\ /',
  'let x = /a{/',
  'let x = r[1,5)',
  'let x = r[1,2.5]',
  'let x = r[a,z]',
  'let x = r( 1 , 5 ]',
  'let x = {a: 1, "b c": [null, true], a: 2}',
  'let x = true_thing',
  'let x = nullable',
  'let x',
  'let x == 1',
  'letter == 1',
  'let x = count(Resources.*)',
  'let x = count(Resources.*',
  'let x = %y.a',
  'let x = %y[*].a',
  'let x = %y[0]',
  'let x = some this.a',
  'let x = Resources.*[ Type == /S3/ ]',
  'let x = Resources.*[ r | Type == /S3/ ]',
  'let x = Resources[ keys == /a/ ]',
  "let x = Resources[ k | keys not in ['a'] ]",
  "let x = Resources[ keysX == 'a' ]",
  'let x = Resources[x]',
  'let x = Resources[ x ]',
  "let x = Resources['x']",
  'let x = Resources[]',
  'let x = Resources[0 ]',
  'let x = Resources[ 0]',
  'let x = Resources.0.-1',
  'Resources.* exists',
  'Resources.*\n  .Type exists',
  'rule r { a }',
  'rule r {\n a\n}',
  'rule r {\n a <<msg>>\n}',
  'rule r {\n a or b\n}',
  'rule r {\n a # c\n}',
  'rule r {\n not a\n !b\n}',
  'rule r {}',
  'rule r when a { b exists }',
  'rule r when a b { c exists }',
  'rule r when x exists {\n y exists\n}',
  'rule r(a, b) { %a == %b }',
  'rule r(a,a) { %a exists }',
  'rule r (a) { %a exists }',
  'rule r { q(%x, 1) <<m>> }',
  'rule r { not q(1) }',
  'rules_x == 1',
  'rule r-x { a exists }',
  'whenever == 1',
  'when a exists { b exists }',
  'when a { b }',
  'AWS::S3::Bucket { Properties exists }',
  'AWS::S3::Bucket Properties exists',
  'AWS::S3::Bucket{ Properties exists }',
  'AWS::S3::Bucket::MODULE { Properties exists }',
  'Custom::Thing { Properties exists }',
  'AWS::S3::Bucket when Properties exists { Properties.A exists }',
  'AWS::S3::Bucket when Properties exists Properties.A exists',
  'AWS::S3::Bucket { a exists } or AWS::S3::Bucket { b exists }',
  'a exists or b exists\nc exists |OR| d exists OR e exists',
  'a exists or\n b exists',
  'a exists orb exists',
  'a not exists',
  'a !exists',
  'a notexists',
  'not a exists',
  'a != 1',
  'a in [1, 2]',
  'a not in [1]',
  'a !in [1]',
  'a IN %x',
  'a is_string',
  'a !is_list',
  'a not IS_STRUCT',
  'a >= 1 << m >>',
  'a << 1',
  'a == 1 <<unclosed',
  'a == b.c',
  'a == to_upper(b)',
  'a == join(b, ",")',
  'a == f( b , c )',
  'a == f(b #c\n)',
  'a == f()',
  'a { b exists }',
  'a !empty { b exists }',
  'a not empty { b exists }',
  'a { when b exists { c exists } }',
  'a { let v = b\n %v exists }',
  'a {\n}',
  '"quoted key".b exists',
  'a."quoted".b exists',
  'a.%v exists',
  'this exists',
  'thisIs exists',
  'some a[*] exists',
  'somea exists',
  'SOME a exists',
  'a == 1\r\nb == 2',
  'rule r {\r\n a\r\n}',
  'a == "é" # ü\nb == 1',
  'rule r { AWS::S3::Bucket { a exists } }',
  'rule r {\n  let x = 1\n  %x == 1\n}',
  'rule r { x }\n',
  'rule r {\n  x <<m>> or y\n}',
  'rule r {\n  x\n  or y\n}',
];

/** Rough tokens for mutation only: whitespace, comments, strings, regexes, messages, words, operators. */
const TOKEN =
  /\s+|#[^\n]*|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|\/(?:[^/\\\n]|\\.)+\/|<<[\s\S]*?>>|[A-Za-z_%][\w:]*|-?\d+(?:\.\d+)?|==|!=|>=|<=|\|OR\||[\s\S]/g;

function mutate(text: string, rng: Rng): { text: string; how: string } | undefined {
  const tokens = text.match(TOKEN) ?? [];
  const code = tokens.map((_, i) => i).filter((i) => !/^\s|^#/.test(tokens[i]));
  if (code.length < 2) return undefined;
  const at = code[rng.int(0, code.length - 1)];
  const t = [...tokens];
  const where = (i: number): string => `token ${i} ${JSON.stringify(tokens[i].slice(0, 30))}`;
  const kind = rng.int(0, 7);
  if (kind === 7) {
    // Inside a regex, string or message: what the regex crate accepts, escapes, unclosed literals.
    const literals = code.filter((i) => /^['"/<]/.test(tokens[i]) && tokens[i].length > 2);
    if (literals.length === 0) return undefined;
    const i = literals[rng.int(0, literals.length - 1)];
    const lit = tokens[i];
    const k = rng.int(1, lit.length - 2);
    const extra = ['(', ')', '[', ']', '{', '}', '\\', '?', '*', '+', '|', '/', "'", '"', '>', 'q', '{2}'][rng.int(0, 16)];
    t[i] = rng.chance(0.5) ? lit.slice(0, k) + lit.slice(k + 1) : lit.slice(0, k) + extra + lit.slice(k);
    return { text: t.join(''), how: `change ${where(i)} to ${JSON.stringify(t[i].slice(0, 40))}` };
  }
  if (kind === 0) {
    t.splice(at, 1);
    return { text: t.join(''), how: `delete ${where(at)}` };
  }
  if (kind === 1) {
    t.splice(at, 0, tokens[at], ' ');
    return { text: t.join(''), how: `duplicate ${where(at)}` };
  }
  if (kind === 2) {
    const next = code[code.indexOf(at) + 1] ?? code[0];
    [t[at], t[next]] = [t[next], t[at]];
    return { text: t.join(''), how: `swap ${where(at)} with ${where(next)}` };
  }
  if (kind === 3 || kind === 4) {
    const chars = kind === 3 ? /[{}]/g : /['"]/g;
    const hits = [...text.matchAll(chars)].map((m) => m.index ?? 0);
    if (hits.length === 0) return undefined;
    const i = hits[rng.int(0, hits.length - 1)];
    return { text: text.slice(0, i) + text.slice(i + 1), how: `drop ${JSON.stringify(text[i])} at ${i}` };
  }
  const spaces = tokens.map((_, i) => i).filter((i) => /^\s+$/.test(tokens[i]) && (kind === 5 ? tokens[i].includes('\n') : !tokens[i].includes('\n')));
  if (spaces.length === 0) return undefined;
  const i = spaces[rng.int(0, spaces.length - 1)];
  t[i] = kind === 5 ? ' ' : '\n';
  return { text: t.join(''), how: `${kind === 5 ? 'join lines' : 'split line'} at ${where(i)}` };
}
