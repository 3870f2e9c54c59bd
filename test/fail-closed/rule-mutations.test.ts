/**
 * Mutation test of rule loading (issue 15): every catalog rule, the ones generated from tags.yaml included,
 * with a syntax error injected. `check` (on a template the rule applies to), `test` and `build` must each
 * report an error naming that rule's file, and line where the file is its own; never a pass.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Catalog, Control, InputError, loadCatalog, readSourceFile } from '@tarmac/core';
import { Rng } from '../generative/prng';
import { GuardEngine, NativeEngine, WasmEngine, checkSources, exitCodeOf, catalogRuleProblems, runControlTests, shapeOf } from '@tarmac/guard';

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'packages', 'cli', 'bin', 'tarmac.js');
const SEED = process.env.TARMAC_GEN_SEED ?? 'rule-mutations-15';

/** Seeded, so a failure reproduces with TARMAC_GEN_SEED. */
const prng = (seed: string): (() => number) => {
  const rng = new Rng(seed);
  return () => rng.next();
};

interface Mutation {
  readonly text: string;
  /** The line the error is at, when the mutation decides it. */
  readonly line?: number;
}

/**
 * A syntax error Guard cannot parse past: a comparison in a clause turned into `===` (outside comments and
 * `<< >>` messages, where anything goes), else the file's last closing brace removed.
 */
function breakRule(text: string, random: () => number): Mutation {
  const lines = text.split('\n');
  let inMessage = false;
  const candidates: number[] = [];
  lines.forEach((l, i) => {
    if (/^\s*<</.test(l)) inMessage = true;
    if (!inMessage && !/^\s*#/.test(l) && / == /.test(l)) candidates.push(i);
    if (/>>\s*$/.test(l)) inMessage = false;
  });
  if (candidates.length) {
    const i = candidates[Math.floor(random() * candidates.length)];
    lines[i] = lines[i].replace(' == ', ' === ');
    return { text: lines.join('\n'), line: i + 1 };
  }
  const last = text.lastIndexOf('}');
  return { text: text.slice(0, last) + text.slice(last + 1) };
}

/** The policies directory copied, every .guard file broken on disk; the generated rules broken in memory. */
function brokenCatalog(): { catalog: Catalog; mutations: Map<string, Mutation>; dir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-mutated-'));
  fs.cpSync(path.join(ROOT, 'policies'), dir, { recursive: true });
  const random = prng(SEED);
  const pristine = loadCatalog(dir);
  const mutations = new Map<string, Mutation>();
  for (const c of pristine.controls) {
    const m = breakRule(c.guard, random);
    mutations.set(c.id, m);
    if (c.guardFile.endsWith('.guard')) fs.writeFileSync(c.guardFile, m.text);
  }
  const catalog = loadCatalog(dir);
  return { catalog: withRules(catalog, (c) => mutations.get(c.id)!.text), mutations, dir };
}

function withRules(catalog: Catalog, text: (c: Control) => string | undefined): Catalog {
  return {
    ...catalog,
    controls: catalog.controls.map((c) => (text(c) === undefined ? c : { ...c, guard: text(c)!, guardFor: c.guardFor && (() => text(c)!) })),
  };
}

/** The template of the control's first FAIL case, so the check sends the broken rule to the engine. */
function failingTemplate(control: Control): string {
  const cases = readSourceFile(control.testFile).value as { input: unknown; expectations: { rules: Record<string, string> } }[];
  const c = cases.find((x) => shapeOf(x.input) === 'template' && x.expectations.rules[control.rule] === 'FAIL')!;
  return JSON.stringify(c.input);
}

const expectNamed = (errors: readonly InputError[], control: Control, mutation: Mutation) => {
  const own = control.guardFile.endsWith('.guard');
  // Two generated rules share a source (tags.yaml): the control ID tells them apart.
  const error = errors.find((e) => e.location.file === control.guardFile && e.message.includes(`Guard rule ${control.id} `));
  expect(error?.message).toBeDefined();
  if (own && mutation.line) expect(error!.location.line).toBe(mutation.line);
};

const { catalog: broken, mutations, dir } = brokenCatalog();
const pristine = loadCatalog(path.join(ROOT, 'policies'));
const profile = pristine.profiles.get('prod')!;

describe(`every catalog rule with a syntax error (seed ${SEED})`, () => {
  test('the mutations cover every control, generated rules included', () => {
    expect(mutations.size).toBe(pristine.controls.length);
    expect(broken.controls.filter((c) => !c.guardFile.endsWith('.guard')).map((c) => c.id)).toEqual(['LZ.TAG.1', 'LZ.TAG.2']);
  });

  const check = async (engine: GuardEngine, control: Control) => {
    const one = withRules(pristine, (c) => (c.id === control.id ? mutations.get(c.id)!.text : undefined));
    const report = await checkSources(
      { sources: [{ file: 'case.json', read: () => Buffer.from(failingTemplate(control)) }], skipped: [], errors: [] },
      { catalog: one, profile, engine },
    );
    expect(exitCodeOf(report)).toBe(2);
    expectNamed(
      report.errors,
      pristine.controls.find((c) => c.id === control.id)!,
      mutations.get(control.id)!,
    );
  };

  test('check on native cfn-guard: exit 2 naming each rule file', async () => {
    const engine = new NativeEngine();
    for (const control of pristine.controls) await check(engine, control);
  });

  test('check on the WebAssembly engine: exit 2 naming the rule file (a seeded sample: each costs an engine build)', async () => {
    const random = prng(`${SEED}:wasm-sample`);
    const sample = [...pristine.controls].sort(() => random() - 0.5).slice(0, 5);
    const engine = new WasmEngine();
    try {
      for (const control of sample) await check(engine, control);
    } finally {
      engine.dispose();
    }
  });

  test('test: each control is an error naming its rule file, and none passes', async () => {
    const results = await runControlTests(broken);
    for (const r of results) expectNamed(r.errors, r.control, mutations.get(r.control.id)!);
  });

  test('build refuses each rule that does not parse, before writing anything', async () => {
    const errors = await catalogRuleProblems(broken);
    expect(errors).toHaveLength(broken.controls.length);
    for (const c of broken.controls) expectNamed(errors, c, mutations.get(c.id)!);
  });

  test('the commands exit 2 naming the file', () => {
    const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args, '--policies', dir], { encoding: 'utf8', cwd: ROOT });
    const versioning = broken.controls.find((c) => c.id === 'LZ.S3.4')!;
    const template = path.join(dir, 'bucket.json');
    fs.writeFileSync(template, failingTemplate(versioning));
    for (const r of [
      run('check', template),
      run('check', template, '--engine', 'wasm'),
      run('test', '--skip-simulation'),
      run('build', '--out', path.join(dir, 'out')),
    ]) {
      expect(r.status).toBe(2);
      expect(r.stdout + r.stderr).toContain(`${versioning.guardFile}:${mutations.get('LZ.S3.4')!.line}`);
    }
    expect(fs.existsSync(path.join(dir, 'out'))).toBe(false);
  });
});
