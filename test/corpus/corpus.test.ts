import * as fs from 'fs';
import * as path from 'path';
import { loadCatalog } from '@tarmac/core';
import {
  CompiledEngine,
  EvaluationJob,
  GuardEngine,
  NativeEngine,
  WasmEngine,
  discoverTemplates,
  parseTemplate,
  ruleApplies,
  selectRules,
  checkPaths,
  exitCodeOf,
} from '@tarmac/guard';

const ROOT = path.resolve(__dirname, '..', '..');
const CORPUS = path.resolve(ROOT, '..', 'shared', 'corpus', 'templates');
const catalog = loadCatalog(path.join(ROOT, 'policies'));
const profile = catalog.profiles.get('prod')!;

const run = fs.existsSync(CORPUS) ? describe : describe.skip;

run('real-world corpus (../shared/corpus/templates)', () => {
  test('tarmac check with the catalog and Control Tower rules exits 1 with findings from both, and no errors', async () => {
    const engine = new NativeEngine();
    const report = await checkPaths([CORPUS], { catalog, profile, engine, controlTower: true });
    expect(report.errors.map((e) => e.message)).toEqual([]);
    expect(exitCodeOf(report)).toBe(1);
    expect(report.findings.some((f) => f.origin === 'catalog')).toBe(true);
    expect(report.findings.some((f) => f.origin === 'control-tower')).toBe(true);
    expect(report.summary.templates).toBeGreaterThanOrEqual(45);
  });

  test('the compiled, WebAssembly and native engines agree at (template, rule, resource) level on canonical JSON', async () => {
    const rules = selectRules({ catalog, profile, controlTower: true });
    const jobs: EvaluationJob[] = discoverTemplates([CORPUS]).sources.map((s) => {
      const template = parseTemplate(s.read(), s.file);
      return { template, rules: rules.filter((r) => ruleApplies(r, template.types)) };
    });
    const verdicts = async (engine: GuardEngine, withPaths = false) => {
      const results = await engine.evaluate(jobs);
      engine.dispose();
      expect(results.flatMap((r) => r.errors.map((e) => e.message))).toEqual([]);
      return new Set(
        results.flatMap((r) =>
          r.violations.map(
            (v) =>
              `${path.relative(CORPUS, r.job.template.file)} ${v.ruleName} ${v.logicalId ?? '(template)'}${withPaths ? ` ${(v.paths ?? []).join(',')} ${v.message ?? ''}` : ''}`,
          ),
        ),
      );
    };
    const native = await verdicts(new NativeEngine());
    const wasm = await verdicts(new WasmEngine());
    // The compiled engine's attributions are cfn-guard's to the property path and message.
    const nativePaths = await verdicts(new NativeEngine(), true);
    const compiled = await verdicts(new CompiledEngine(() => new NativeEngine()), true);
    expect([...compiled].filter((k) => !nativePaths.has(k))).toEqual([]);
    expect([...nativePaths].filter((k) => !compiled.has(k))).toEqual([]);
    expect([...wasm].filter((k) => !native.has(k))).toEqual([]);
    expect([...native].filter((k) => !wasm.has(k))).toEqual([]);
    expect(native.size).toBeGreaterThan(50);
  });
});
