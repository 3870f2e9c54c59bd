#!/usr/bin/env node
// npm run bench: tarmac check (catalog + --control-tower) against plain `cfn-guard validate` with the same
// rules over ../shared/corpus/templates, side by side in one run; then the pre-commit case (one small
// template, cold process). Prints times, ratios and verdict parity at (template, rule) level.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { loadCatalog } = require('@tarmac/core');
const g = require('@tarmac/guard');

const ROOT = path.resolve(__dirname, '..', '..');
const CORPUS_PATH = path.resolve(ROOT, '..', 'shared', 'corpus', 'templates');
const TARMAC = path.join(ROOT, 'packages', 'cli', 'bin', 'tarmac.js');
if (!fs.existsSync(CORPUS_PATH)) {
  console.error(`bench: ${CORPUS_PATH} not found (the corpus lives in ../shared beside the repo)`);
  process.exit(2);
}
// cfn-guard reports resolved paths: compare both sides relative to the real corpus directory.
const CORPUS = fs.realpathSync(CORPUS_PATH);
const rel = (file) => path.relative(CORPUS, fs.realpathSync(file));

function timed(cmd, args, opts = {}) {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 30, ...opts });
  return { ...r, ms: Number(process.hrtime.bigint() - t) / 1e6 };
}

// The same rules for both: every catalog control of the prod profile (tag rules compiled) and Control Tower.
const catalog = loadCatalog(path.join(ROOT, 'policies'));
const rules = g.selectRules({ catalog, profile: catalog.profiles.get('prod'), controlTower: true });
const ruleDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-bench-'));
rules.forEach((r, i) => fs.writeFileSync(path.join(ruleDir, `${String(i).padStart(3, '0')}-${r.id}.guard`), r.text));
const cfnGuard = g.nativeGuardBinary();

// Side by side, interleaved, three times each: the median resists a busy machine better than one run.
const RUNS = 3;
const baselines = [];
const tarmacs = [];
for (let i = 0; i < RUNS; i++) {
  baselines.push(timed(cfnGuard, ['validate', '-r', ruleDir, '-d', CORPUS, '--structured', '-S', 'none', '-o', 'json']));
  tarmacs.push(timed(process.execPath, [TARMAC, 'check', CORPUS, '--control-tower', '--format', 'json']));
}
fs.rmSync(ruleDir, { recursive: true, force: true });
const median = (runs) => runs.slice().sort((a, b) => a.ms - b.ms)[Math.floor(runs.length / 2)];
const baseline = median(baselines);
const tarmac = median(tarmacs);

// Verdict parity at (template, rule name) level, on the documents Tarmac evaluates (short forms, Fn::ForEach,
// SAM and the intrinsics a template decides already expanded): plain cfn-guard with every rule on every
// template, against Tarmac's native engine with dispatch by type, narrowing and batching. Any difference is
// a verdict those optimizations lost or invented.
function parity() {
  const docs = fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-bench-docs-'));
  const ruleFiles = fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-bench-rules-'));
  const templates = g.discoverTemplates([CORPUS]).sources.flatMap((s) => {
    try {
      return [g.parseTemplate(s.read(), s.file)];
    } catch {
      return []; // refused input is not a verdict
    }
  });
  templates.forEach((t, i) => fs.writeFileSync(path.join(docs, `${String(i).padStart(3, '0')}.json`), g.canonicalJson(t)));
  // Generated rules narrowed to each template's types are equivalent there; the full text for plain cfn-guard.
  rules.forEach((r, i) => fs.writeFileSync(path.join(ruleFiles, `${String(i).padStart(3, '0')}.guard`), r.text));
  const plain = new Set();
  const run = spawnSync(cfnGuard, ['validate', '-r', ruleFiles, '-d', docs, '--structured', '-S', 'none', '-o', 'json'], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  for (const report of JSON.parse(run.stdout)) {
    const i = Number(path.basename(report.name, '.json'));
    for (const nc of report.not_compliant) plain.add(`${rel(templates[i].file)} ${nc.Rule.name}`);
  }
  fs.rmSync(docs, { recursive: true, force: true });
  fs.rmSync(ruleFiles, { recursive: true, force: true });
  const engine = new g.NativeEngine();
  const jobs = templates.map((template) => ({ template, rules: rules.filter((r) => g.ruleApplies(r, template.types)) }));
  return engine.evaluate(jobs).then((results) => {
    const tarmac = new Set(results.flatMap((r) => r.violations.map((v) => `${rel(r.job.template.file)} ${v.ruleName}`)));
    return { plain, tarmac, templates: templates.length };
  });
}

const small = path.join(ROOT, 'examples', 'templates', 'ingest-queue.json');
const coldRuns = Array.from({ length: 5 }, () => timed(process.execPath, [TARMAC, 'check', small]).ms).sort((a, b) => a - b);

const tarmacReport = JSON.parse(tarmac.stdout);
const s = tarmacReport.summary;
console.log(`corpus: ${s.templates} templates, ${s.resources} resources, ${rules.length} rules (catalog + Control Tower)`);
const spread = (runs) => runs.map((r) => (r.ms / 1000).toFixed(2)).join(', ');
console.log(`  plain cfn-guard validate   ${(baseline.ms / 1000).toFixed(2)} s   (median of ${spread(baselines)})`);
console.log(`  tarmac check               ${(tarmac.ms / 1000).toFixed(2)} s   (median of ${spread(tarmacs)}; ${tarmacReport.engine.name} engine)`);
console.log(`  ratio                      ${(baseline.ms / tarmac.ms).toFixed(1)}x faster (target >= 10x)`);
parity().then(({ plain, tarmac: mine, templates }) => {
  const onlyPlain = [...plain].filter((k) => !mine.has(k));
  const onlyTarmac = [...mine].filter((k) => !plain.has(k));
  console.log(
    `parity (template, rule) FAIL verdicts on ${templates} canonical documents: ${plain.size} plain cfn-guard (every rule everywhere), ${mine.size} tarmac (dispatched, narrowed, batched)`,
  );
  console.log(`  only plain cfn-guard: ${onlyPlain.length}`);
  console.log(`  only tarmac:          ${onlyTarmac.length}`);
  for (const k of [...onlyPlain, ...onlyTarmac].slice(0, 20)) console.log(`    ${k}`);
  console.log(`pre-commit: one small template, cold process: median ${coldRuns[2].toFixed(0)} ms (target < 1000 ms)`);
});
