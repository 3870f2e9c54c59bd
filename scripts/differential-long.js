#!/usr/bin/env node
/**
 * The long differential run of the compiled Guard evaluator against native cfn-guard: the seeded suite of
 * packages/guard/src/compiled/differential.test.ts with many more mutants per rule, over successive seeds,
 * until at least --pairs (rule file, document) pairs were compared. Any disagreement (outside the
 * default seed's named list) fails the run and prints the seed, the rule, the document and both outcomes;
 * refusals (UnsupportedGuard: the rule goes to native) are printed.
 *
 *   node scripts/differential-long.js [--pairs 100000] [--seed 1] [--mutants 120]
 *
 * Replay one seed: TARMAC_DIFF_SEED=<seed> TARMAC_DIFF_MUTANTS=<mutants> npx jest packages/guard/src/compiled/differential.test.ts
 */
const { spawnSync } = require('child_process');
const path = require('path');

const root = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const target = option('pairs', 100000);
const mutants = option('mutants', 120);
let seed = option('seed', 1);

let pairs = 0;
let evaluated = 0;
const failedSeeds = [];
const byKind = {};
const started = Date.now();
while (pairs < target) {
  const run = spawnSync(process.execPath, [require.resolve('jest/bin/jest', { paths: [root] }), 'packages/guard/src/compiled/differential.test.ts'], {
    cwd: root,
    env: { ...process.env, TARMAC_DIFF_SEED: String(seed), TARMAC_DIFF_MUTANTS: String(mutants) },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const output = `${run.stdout}\n${run.stderr}`;
  const summary = /differential \(seed \d+\): .*?(\d+) pairs, (\d+) evaluated.*/.exec(output);
  if (!summary) {
    process.stderr.write(output);
    console.error(`seed ${seed}: no summary line (exit ${run.status})`);
    process.exit(2);
  }
  pairs += Number(summary[1]);
  evaluated += Number(summary[2]);
  console.log(summary[0].trim());
  const kinds = /disagreements by kind: (\{.*\})/.exec(output);
  for (const [k, n] of Object.entries(kinds ? JSON.parse(kinds[1]) : {})) byKind[k] = (byKind[k] ?? 0) + n;
  if (run.status !== 0) {
    failedSeeds.push(seed);
    process.stdout.write(output);
  }
  seed++;
}
console.log(`disagreements by kind: ${JSON.stringify(byKind)}`);
console.log(
  `${pairs} pairs (${evaluated} evaluated) in ${Math.round((Date.now() - started) / 1000)} s; ${failedSeeds.length ? `disagreements with seeds ${failedSeeds.join(', ')}` : 'no disagreement'}`,
);
process.exit(failedSeeds.length ? 1 : 0);
