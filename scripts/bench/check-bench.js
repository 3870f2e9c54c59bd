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

// Verdict parity: FAIL set at (template, rule name) level.
const plainFails = new Set();
for (const report of JSON.parse(baseline.stdout)) {
  for (const nc of report.not_compliant) plainFails.add(`${rel(report.name)} ${nc.Rule.name}`);
}
const tarmacReport = JSON.parse(tarmac.stdout);
const tarmacFails = new Set(tarmacReport.findings.map((f) => `${rel(f.file)} ${f.ruleName}`));
const onlyPlain = [...plainFails].filter((k) => !tarmacFails.has(k));
const onlyTarmac = [...tarmacFails].filter((k) => !plainFails.has(k));
// Known causes where plain cfn-guard reads a different document: raw YAML short forms, Fn::ForEach.
const explained = (k) => /\.ya?ml /.test(k) || /fn-foreach/.test(k);

const small = path.join(ROOT, 'examples', 'templates', 'ingest-queue.json');
const coldRuns = Array.from({ length: 5 }, () => timed(process.execPath, [TARMAC, 'check', small]).ms).sort((a, b) => a - b);

const s = tarmacReport.summary;
console.log(`corpus: ${s.templates} templates, ${s.resources} resources, ${rules.length} rules (catalog + Control Tower)`);
const spread = (runs) => runs.map((r) => (r.ms / 1000).toFixed(2)).join(', ');
console.log(`  plain cfn-guard validate   ${(baseline.ms / 1000).toFixed(2)} s   (median of ${spread(baselines)})`);
console.log(`  tarmac check               ${(tarmac.ms / 1000).toFixed(2)} s   (median of ${spread(tarmacs)}; ${tarmacReport.engine.name} engine)`);
console.log(`  ratio                      ${(baseline.ms / tarmac.ms).toFixed(1)}x faster (target >= 10x)`);
console.log(`parity (template, rule) FAIL verdicts: ${plainFails.size} plain, ${tarmacFails.size} tarmac`);
console.log(`  only plain cfn-guard: ${onlyPlain.length} (${onlyPlain.filter(explained).length} in YAML or Fn::ForEach templates)`);
console.log(`  only tarmac:          ${onlyTarmac.length} (${onlyTarmac.filter(explained).length} in YAML or Fn::ForEach templates)`);
const unexplained = [...onlyPlain, ...onlyTarmac].filter((k) => !explained(k));
console.log(`  unexplained:          ${unexplained.length}`);
for (const k of unexplained.slice(0, 20)) console.log(`    ${k}`);
console.log(`pre-commit: one small template, cold process: median ${coldRuns[2].toFixed(0)} ms (target < 1000 ms)`);
