/**
 * Generative test: mutate real templates in ways that should not change (or should not remove) what
 * `tarmac check` blocks, and check every mutant on native cfn-guard and the compiled engine (a share on the
 * WebAssembly engine too), in-process, through checkSources; the engines must agree.
 * A policy checker that passes what it should block is a security bug.
 *
 *   TARMAC_GEN_SEED      run seed (default below); mutant i is regenerated from `${seed}:${i}`
 *   TARMAC_GEN_COUNT     number of mutants (default 3000)
 *   TARMAC_GEN_WASM_SHARE share of mutants also run on the WebAssembly engine, which costs ~30 ms a template
 *                        against native's ~1 ms (default 0.3; the long run uses 1)
 *   TARMAC_GEN_ONLY      comma-separated mutant indexes to replay (with the same seed and count)
 *   TARMAC_GEN_FAMILIES  comma-separated family names to restrict the run to
 *   TARMAC_GEN_BASES     how many bases to mutate: a seeded sample (default 250), or `all`
 *   TARMAC_GEN_CT_SHARE  share of mutants also checked with --control-tower (default 0.01)
 *   TARMAC_GEN_CORPUS=1  also mutate ../shared/corpus/templates (read in place; see scripts/generative/run.js,
 *                        the long run: `node scripts/generative/run.js`)
 *   TARMAC_GEN_VERBOSE=1 print, per family/variant and engine, the exit codes base -> mutant
 *   TARMAC_GEN_REPORT    write every violation as JSON to this file
 */
import * as fs from 'fs';
import { CompiledEngine, GuardEngine, NativeEngine, WasmEngine } from '@tarmac/guard';
import { generateMutants, FAMILIES } from './generate';
import { FileResult, RunResult, Source, runCheck } from './harness';
import { pathSegments } from './model';
import { Mutant, Target } from './mutant';
import { Subject, Violation, checkAgreement, checkFailClosed, checkRun, formatViolations } from './properties';
import { Base, loadBases, sampleBases } from './seeds';
import { write } from './serialize';

const RUN_SEED = process.env.TARMAC_GEN_SEED || 'tarmac-fail-closed-1';
const COUNT = Number(process.env.TARMAC_GEN_COUNT || 3000);
const WASM_SHARE = Number(process.env.TARMAC_GEN_WASM_SHARE ?? 0.3);
/** A fixed, seeded part of the run goes to the WebAssembly engine too (all of the bases). */
const onWasm = (s: Subject) => !s.mutant || (s.mutant.index * 0.6180339887) % 1 < WASM_SHARE;
const ONLY = process.env.TARMAC_GEN_ONLY ? new Set(process.env.TARMAC_GEN_ONLY.split(',').map(Number)) : undefined;
const ONLY_FAMILIES = process.env.TARMAC_GEN_FAMILIES ? new Set(process.env.TARMAC_GEN_FAMILIES.split(',')) : undefined;
const CT_SHARE = Number(process.env.TARMAC_GEN_CT_SHARE ?? 0.01);
const BASES = process.env.TARMAC_GEN_BASES === 'all' ? Infinity : Number(process.env.TARMAC_GEN_BASES || 250);
const CORPUS = process.env.TARMAC_GEN_CORPUS === '1';
const TIMEOUT = Math.max(240_000, COUNT * 200);
/** The settings that decide what mutant i is: enough to regenerate it alone. */
const REPLAY = [
  `TARMAC_GEN_SEED=${RUN_SEED}`,
  process.env.TARMAC_GEN_BASES ? `TARMAC_GEN_BASES=${process.env.TARMAC_GEN_BASES}` : '',
  CORPUS ? 'TARMAC_GEN_CORPUS=1' : '',
  process.env.TARMAC_GEN_CT_SHARE ? `TARMAC_GEN_CT_SHARE=${CT_SHARE}` : '',
  process.env.TARMAC_GEN_FAMILIES ? `TARMAC_GEN_FAMILIES=${process.env.TARMAC_GEN_FAMILIES}` : '',
]
  .filter(Boolean)
  .join(' ');

type EngineName = 'native' | 'compiled' | 'wasm';

interface State {
  bases: Base[];
  mutants: Mutant[];
  violations: Violation[];
  timings: string[];
}

const state: State = { bases: [], mutants: [], violations: [], timings: [] };
const engines: Record<EngineName, GuardEngine | undefined> = { native: undefined, compiled: undefined, wasm: undefined };

const baseFile = (b: Base, ct: boolean) => `${ct ? 'base-ct' : 'base'}/${String(b.id).padStart(4, '0')}.json`;

beforeAll(async () => {
  const bases = sampleBases(loadBases({ corpus: CORPUS }), BASES, RUN_SEED);
  state.bases = bases;
  engines.native = new NativeEngine();
  // The compiled engine's fallback is native cfn-guard, as createEngine('auto') makes it.
  engines.compiled = new CompiledEngine(() => new NativeEngine());
  engines.wasm = new WasmEngine();
  const names: EngineName[] = ['native', 'compiled', 'wasm'];
  if (!engines.native) throw new Error('unreachable');

  // 1. The unmutated bases on the reference engine (native cfn-guard): their blocking findings are what
  //    the mutants target.
  const baseSubjects: Subject[] = bases.map((b) => ({ file: baseFile(b, false), bytes: Buffer.from(write(b.doc, 'json')), base: b, controlTower: false }));
  const nativeBases = await runCheck(engines.native, baseSubjects.map(toSource), {});
  state.timings.push(`native: ${baseSubjects.length} bases in ${nativeBases.ms} ms`);
  const targets = new Map<number, Target[]>();
  for (const b of bases) {
    const r = nativeBases.byFile.get(baseFile(b, false));
    if (!r || r.exit !== 1) continue;
    // Only resources written in the template (not those a transform such as SAM generates from them).
    const written = (f: { logicalId?: string }) => f.logicalId !== undefined && Object.prototype.hasOwnProperty.call(b.doc.Resources, f.logicalId);
    targets.set(
      b.id,
      r.findings
        .filter((f) => f.mode === 'enforce' && written(f))
        .map((f) => ({ controlId: f.controlId, logicalId: f.logicalId!, path: pathSegments(f.path) })),
    );
  }

  // 2. The mutants.
  const started = Date.now();
  state.mutants = generateMutants({ runSeed: RUN_SEED, count: COUNT, bases, targets, controlTowerShare: CT_SHARE, only: ONLY, families: ONLY_FAMILIES });
  state.timings.push(`generated ${state.mutants.length} mutants in ${Date.now() - started} ms`);
  const subjects = (ct: boolean): Subject[] =>
    state.mutants.filter((m) => m.controlTower === ct).map((m) => ({ file: m.file, bytes: m.bytes, mutant: m, base: m.base, controlTower: ct }));
  const plain = subjects(false);
  const ct = subjects(true);
  // With --control-tower the verdicts change: the bases of those mutants are checked again with it.
  const ctBases: Subject[] = [...new Set(ct.map((s) => s.base))].map((b) => ({
    file: baseFile(b, true),
    bytes: Buffer.from(write(b.doc, 'json')),
    base: b,
    controlTower: true,
  }));

  // 3. Every mutant on native and compiled, a share on WebAssembly: one checkSources call per engine and rule
  //    set (the WebAssembly engine is built once per call, so its bases go in the same call as the mutants).
  const runs = {} as Record<EngineName, { bases: RunResult; plain: RunResult; ct?: RunResult }>;
  const on = (n: EngineName, subjects: Subject[]) => (n === 'wasm' ? subjects.filter(onWasm) : subjects);
  for (const n of names) {
    const mine = on(n, plain);
    const p = n === 'native' ? await runCheck(engines[n]!, mine.map(toSource), {}) : await runCheck(engines[n]!, [...baseSubjects, ...mine].map(toSource), {});
    state.timings.push(`${n}: ${mine.length} mutants${n === 'native' ? '' : ` and ${baseSubjects.length} bases`} in ${p.ms} ms`);
    let c: RunResult | undefined;
    if (on(n, ct).length) {
      c = await runCheck(engines[n]!, [...ctBases, ...on(n, ct)].map(toSource), { controlTower: true });
      state.timings.push(`${n}: ${on(n, ct).length} mutants and ${ctBases.length} bases with --control-tower in ${c.ms} ms`);
    }
    runs[n] = { bases: n === 'native' ? nativeBases : p, plain: p, ct: c };
  }

  // 4. The properties.
  const violations: Violation[] = [];
  for (const n of names) {
    violations.push(...checkRun(runs[n].bases, n === 'native' ? baseSubjects : [...baseSubjects, ...on(n, plain)]));
    if (n === 'native') violations.push(...checkRun(runs[n].plain, plain));
    if (runs[n].ct) violations.push(...checkRun(runs[n].ct!, [...ctBases, ...on(n, ct)]));
  }
  const resultOf = (n: EngineName, s: Subject): FileResult | undefined =>
    (s.controlTower ? runs[n].ct : s.mutant ? runs[n].plain : runs[n].bases)?.byFile.get(s.file);
  const baseResultOf = (n: EngineName, s: Subject): FileResult | undefined =>
    (s.controlTower ? runs[n].ct : runs[n].bases)?.byFile.get(baseFile(s.base, s.controlTower));
  for (const s of [...baseSubjects, ...ctBases, ...plain, ...ct]) {
    violations.push(...checkFailClosed(s, 'native', baseResultOf('native', s), resultOf('native', s)));
    violations.push(...checkFailClosed(s, 'compiled', baseResultOf('compiled', s), resultOf('compiled', s)));
    violations.push(
      ...checkAgreement(
        s,
        { engine: 'native', r: resultOf('native', s) },
        { engine: 'compiled', r: resultOf('compiled', s) },
        baseResultOf('native', s),
        baseResultOf('compiled', s),
      ),
    );
    if (!onWasm(s)) continue;
    violations.push(...checkFailClosed(s, 'wasm', baseResultOf('wasm', s), resultOf('wasm', s)));
    violations.push(
      ...checkAgreement(
        s,
        { engine: 'native', r: resultOf('native', s) },
        { engine: 'wasm', r: resultOf('wasm', s) },
        baseResultOf('native', s),
        baseResultOf('wasm', s),
      ),
    );
  }
  state.violations = violations;

  const byFamily = new Map<string, number>();
  for (const m of state.mutants) byFamily.set(m.family, (byFamily.get(m.family) ?? 0) + 1);
  const blockingBases = targets.size;
  console.log(
    [
      `generative run: seed ${RUN_SEED}, ${state.mutants.length} mutants of ${bases.length} bases (${blockingBases} blocking)${CORPUS ? ', corpus included' : ''}`,
      `families: ${[...byFamily].map(([f, c]) => `${f} ${c}`).join(', ')}`,
      ...state.timings,
      `violations: ${violations.length}`,
    ].join('\n'),
  );
  if (process.env.TARMAC_GEN_VERBOSE) {
    // Bases the checker refuses: their mutants are only checked for crashes, locations and agreement.
    const refused = baseSubjects.filter((s) => runs.native.bases.byFile.get(s.file)?.exit === 2);
    if (refused.length)
      console.log(
        `bases with errors (native): ${refused.map((s) => `${s.base.name}: ${runs.native.bases.byFile.get(s.file)!.errors[0].message}`).join('\n  ')}`,
      );
    // Exit codes per family/variant and engine: what the checker did with each kind of mutant.
    const table = new Map<string, Record<string, number>>();
    for (const s of [...plain, ...ct]) {
      const row = `${s.mutant!.family}/${s.mutant!.variant}`;
      const counts = table.get(row) ?? table.set(row, {}).get(row)!;
      for (const n of names) {
        const e = resultOf(n, s)?.exit;
        const be = baseResultOf(n, s)?.exit;
        counts[`${n} ${be}->${e}`] = (counts[`${n} ${be}->${e}`] ?? 0) + 1;
      }
    }
    console.log(
      [...table]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(
          ([k, c]) =>
            `${k.padEnd(48)} ${Object.entries(c)
              .sort()
              .map(([x, y]) => `${x}: ${y}`)
              .join('  ')}`,
        )
        .join('\n'),
    );
  }
  if (process.env.TARMAC_GEN_REPORT) {
    fs.writeFileSync(
      process.env.TARMAC_GEN_REPORT,
      JSON.stringify(
        violations.map((v) => ({
          property: v.property,
          kind: v.kind,
          engine: v.engine,
          detail: v.detail,
          file: v.subject?.file,
          base: v.subject?.base.name,
          seed: v.subject?.mutant?.seed,
          index: v.subject?.mutant?.index,
          family: v.subject?.mutant?.family,
          variant: v.subject?.mutant?.variant,
          description: v.subject?.mutant?.description,
          text: v.subject ? Buffer.from(v.subject.bytes).toString('utf8').slice(0, 4000) : undefined,
        })),
        null,
        2,
      ),
    );
  }
}, TIMEOUT);

afterAll(() => {
  engines.native?.dispose();
  engines.wasm?.dispose();
});

function toSource(s: Subject): Source {
  return { file: s.file, bytes: s.bytes };
}

function expectNone(property: Violation['property'] | readonly Violation['property'][]): void {
  const wanted = new Set(Array.isArray(property) ? property : [property]);
  const found = state.violations.filter((v) => wanted.has(v.property));
  if (found.length) throw new Error(formatViolations(found, RUN_SEED, REPLAY));
}

test('the run is the size asked for and covers every family', () => {
  if (ONLY || ONLY_FAMILIES) return;
  expect(state.mutants.length).toBeGreaterThanOrEqual(COUNT * 0.99);
  if (COUNT < 500) return; // too few to expect every family
  const families = new Set(state.mutants.map((m) => m.family));
  expect(FAMILIES.filter((f) => !families.has(f.name)).map((f) => f.name)).toEqual([]);
});

test('P1: checkSources never throws and no error is a JavaScript failure', () => {
  expectNone('P1 no crash');
});

test('P2: every error names the mutant file, and a parse or shape error its line', () => {
  expectNone('P2 errors name file and line');
});

test('P3: fail closed: no mutant of a blocking template passes, meaning-preserving ones keep every blocking finding', () => {
  expectNone(['P3 fail closed', 'P3b third-party type stays allowed']);
});

test('P4: the native and WebAssembly engines agree on findings and on which files have errors', () => {
  expectNone('P4 engines agree');
});
