#!/usr/bin/env node
// npm run bench: tarmac check (catalog + --control-tower; the default compiled engine, and --engine native for
// reference) against plain `cfn-guard validate` with the same rules over ../shared/corpus/templates, side by
// side in one run, with peak memory; the same on the corpus five times over, and the fixed cost of a run;
// then the pre-commit case (one small template, cold process) and one template of 5,000 resources. Prints
// times, ratios against the targets, and verdict parity.
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

// GNU time reports the peak resident set (KB) of the process, or of its largest child, on stderr's last line.
const GNU_TIME = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

function timed(cmd, args, opts = {}) {
  const [c, a] = GNU_TIME ? [GNU_TIME, ['-f', 'peak-kb %M', cmd, ...args]] : [cmd, args];
  const t = process.hrtime.bigint();
  const r = spawnSync(c, a, { encoding: 'utf8', maxBuffer: 1 << 30, ...opts });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  const peak = /peak-kb (\d+)\s*$/.exec(r.stderr || '');
  return { ...r, ms, peakMb: peak ? Number(peak[1]) / 1024 : undefined };
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
const natives = [];
for (let i = 0; i < RUNS; i++) {
  baselines.push(timed(cfnGuard, ['validate', '-r', ruleDir, '-d', CORPUS, '--structured', '-S', 'none', '-o', 'json']));
  tarmacs.push(timed(process.execPath, [TARMAC, 'check', CORPUS, '--control-tower', '--format', 'json']));
  natives.push(timed(process.execPath, [TARMAC, 'check', CORPUS, '--control-tower', '--format', 'json', '--engine', 'native']));
}
fs.rmSync(ruleDir, { recursive: true, force: true });
const median = (runs) => runs.slice().sort((a, b) => a.ms - b.ms)[Math.floor(runs.length / 2)];
const baseline = median(baselines);
const tarmac = median(tarmacs);
const tarmacNative = median(natives);

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

/** One template of `count` resources: buckets, queues, roles and security groups, some compliant, some not. */
function bigTemplate(count) {
  const Resources = {};
  const tags = [{ Key: 'team', Value: 'data' }];
  for (let i = 0; i < count; i++) {
    const k = i % 4;
    if (k === 0) Resources[`Bucket${i}`] = { Type: 'AWS::S3::Bucket', Properties: i % 8 ? { Tags: tags } : { BucketName: `b-${i}`, Tags: tags } };
    if (k === 1) Resources[`Queue${i}`] = { Type: 'AWS::SQS::Queue', Properties: i % 3 ? { SqsManagedSseEnabled: true } : {} };
    if (k === 2)
      Resources[`Role${i}`] = {
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
          Tags: tags,
        },
      };
    if (k === 3)
      Resources[`Group${i}`] = {
        Type: 'AWS::EC2::SecurityGroup',
        Properties: {
          GroupDescription: 'bench',
          SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: i % 5 ? '10.0.0.0/8' : '0.0.0.0/0' }],
        },
      };
  }
  return { AWSTemplateFormatVersion: '2010-09-09', Resources };
}

// The corpus five times over (~250 templates, the size issue 18 was measured at): fixed costs (Node's start,
// loading modules and the catalog: ~0.2 s, see `tarmac check` on an empty directory) weigh less there.
const scaledDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-bench-x5-'));
for (let i = 1; i <= 5; i++) fs.cpSync(CORPUS, path.join(scaledDir, `copy${i}`), { recursive: true });
const scaledRules = fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-bench-rules-x5-'));
rules.forEach((r, i) => fs.writeFileSync(path.join(scaledRules, `${String(i).padStart(3, '0')}-${r.id}.guard`), r.text));
const scaledBaseline = timed(cfnGuard, ['validate', '-r', scaledRules, '-d', scaledDir, '--structured', '-S', 'none', '-o', 'json']);
const scaledTarmac = timed(process.execPath, [TARMAC, 'check', scaledDir, '--control-tower', '--format', 'json']);
const emptyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-bench-empty-'));
const emptyRuns = Array.from({ length: 3 }, () => timed(process.execPath, [TARMAC, 'check', emptyDir]).ms).sort((a, b) => a - b);
for (const d of [scaledDir, scaledRules, emptyDir]) fs.rmSync(d, { recursive: true, force: true });

const small = path.join(ROOT, 'examples', 'templates', 'ingest-queue.json');
const coldRuns = Array.from({ length: 5 }, () => timed(process.execPath, [TARMAC, 'check', small]).ms).sort((a, b) => a - b);
const bigDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-bench-big-'));
const big = path.join(bigDir, 'big.json');
fs.writeFileSync(big, JSON.stringify(bigTemplate(5000), null, 2));
const bigRuns = Array.from({ length: 3 }, () => timed(process.execPath, [TARMAC, 'check', big, '--format', 'json']));
const bigRun = median(bigRuns);
fs.rmSync(bigDir, { recursive: true, force: true });

const tarmacReport = JSON.parse(tarmac.stdout);
const nativeReport = JSON.parse(tarmacNative.stdout);
const s = tarmacReport.summary;
console.log(`corpus: ${s.templates} templates, ${s.resources} resources, ${rules.length} rules (catalog + Control Tower)`);
const spread = (runs) => runs.map((r) => (r.ms / 1000).toFixed(2)).join(', ');
const mem = (r) => (r.peakMb === undefined ? '' : `, peak ${r.peakMb.toFixed(0)} MB`);
console.log(`  plain cfn-guard validate        ${(baseline.ms / 1000).toFixed(2)} s   (median of ${spread(baselines)}${mem(baseline)})`);
console.log(
  `  tarmac check                    ${(tarmac.ms / 1000).toFixed(2)} s   (median of ${spread(tarmacs)}; ${tarmacReport.engine.name} engine${mem(tarmac)})`,
);
console.log(`  tarmac check --engine native    ${(tarmacNative.ms / 1000).toFixed(2)} s   (median of ${spread(natives)}${mem(tarmacNative)})`);
const ratio = baseline.ms / tarmac.ms;
console.log(`  ratio to plain cfn-guard        ${ratio.toFixed(1)}x faster (target >= 20x): ${ratio >= 20 ? 'MET' : 'NOT MET'}`);
if (tarmac.peakMb && baseline.peakMb) {
  const m = tarmac.peakMb / baseline.peakMb;
  console.log(`  peak memory / plain cfn-guard's ${m.toFixed(2)} (target <= 2): ${m <= 2 ? 'MET' : 'NOT MET'}`);
  if (tarmacNative.peakMb) console.log(`  peak memory / tarmac --engine native's ${(tarmac.peakMb / tarmacNative.peakMb).toFixed(2)}`);
}
const scaledTemplates = JSON.parse(scaledTarmac.stdout).summary.templates;
const scaledRatio = scaledBaseline.ms / scaledTarmac.ms;
console.log(
  `corpus x5 (${scaledTemplates} templates): plain cfn-guard ${(scaledBaseline.ms / 1000).toFixed(2)} s, tarmac check ${(scaledTarmac.ms / 1000).toFixed(2)} s: ${scaledRatio.toFixed(1)}x (target >= 20x): ${scaledRatio >= 20 ? 'MET' : 'NOT MET'}`,
);
console.log(`  fixed cost: tarmac check on an empty directory, median ${emptyRuns[1].toFixed(0)} ms`);
// The same findings from both engines of tarmac check: every field a report shows.
const findingKey = (f) => JSON.stringify([f.file, f.stack, f.controlId, f.ruleName, f.logicalId, f.path, f.message, f.verdict, f.mode]);
const compiledFindings = new Set(tarmacReport.findings.map(findingKey));
const nativeFindings = new Set(nativeReport.findings.map(findingKey));
const differ = [...compiledFindings].filter((k) => !nativeFindings.has(k)).length + [...nativeFindings].filter((k) => !compiledFindings.has(k)).length;
console.log(`  findings: ${compiledFindings.size} compiled, ${nativeFindings.size} native, ${differ} differ (target 0)`);
parity().then(({ plain, tarmac: mine, templates }) => {
  const onlyPlain = [...plain].filter((k) => !mine.has(k));
  const onlyTarmac = [...mine].filter((k) => !plain.has(k));
  console.log(
    `parity (template, rule) FAIL verdicts on ${templates} canonical documents: ${plain.size} plain cfn-guard (every rule everywhere), ${mine.size} tarmac (dispatched, narrowed, batched)`,
  );
  console.log(`  only plain cfn-guard: ${onlyPlain.length}`);
  console.log(`  only tarmac:          ${onlyTarmac.length}`);
  for (const k of [...onlyPlain, ...onlyTarmac].slice(0, 20)) console.log(`    ${k}`);
  console.log(
    `pre-commit: one small template, cold process: median ${coldRuns[2].toFixed(0)} ms (target <= 200 ms): ${coldRuns[2] <= 200 ? 'MET' : 'NOT MET'}`,
  );
  const bigReport = JSON.parse(bigRun.stdout);
  console.log(
    `one template of ${bigReport.summary.resources} resources, cold process: median ${bigRun.ms.toFixed(0)} ms, ${bigReport.summary.findings} findings (target < 1000 ms): ${bigRun.ms < 1000 ? 'MET' : 'NOT MET'}`,
  );
});
