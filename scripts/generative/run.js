#!/usr/bin/env node
/**
 * The long generative fail-closed run: many more mutants than `npm test`, every base (not a sample), more
 * of them with --control-tower, and the real-world templates of ../shared/corpus/templates (read in
 * place, never copied). Every violation is also written as JSON (default tarmac-generative-report.json in
 * the OS temp directory).
 *
 *   node scripts/generative/run.js [--count N] [--seed S] [--no-corpus] [--families a,b] [--report FILE]
 *
 * Replay one mutant of a failure: TARMAC_GEN_SEED=<seed> TARMAC_GEN_COUNT=<count> TARMAC_GEN_BASES=all \
 *   TARMAC_GEN_CORPUS=1 TARMAC_GEN_ONLY=<index> npx jest test/generative/fail-closed.test.ts
 */
const { spawnSync } = require('child_process');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..', '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};

const env = {
  ...process.env,
  TARMAC_GEN_COUNT: option('count', process.env.TARMAC_GEN_COUNT || '20000'),
  TARMAC_GEN_SEED: option('seed', process.env.TARMAC_GEN_SEED || `long-${new Date().toISOString().slice(0, 10)}`),
  TARMAC_GEN_BASES: 'all',
  TARMAC_GEN_CORPUS: args.includes('--no-corpus') ? '0' : '1',
  TARMAC_GEN_CT_SHARE: process.env.TARMAC_GEN_CT_SHARE || '0.03',
  TARMAC_GEN_WASM_SHARE: process.env.TARMAC_GEN_WASM_SHARE || '1',
  TARMAC_GEN_REPORT: option('report', process.env.TARMAC_GEN_REPORT || path.join(os.tmpdir(), 'tarmac-generative-report.json')),
  TARMAC_GEN_VERBOSE: '1',
};
if (option('families')) env.TARMAC_GEN_FAMILIES = option('families');

console.log(
  `generative long run: seed ${env.TARMAC_GEN_SEED}, ${env.TARMAC_GEN_COUNT} mutants, corpus ${env.TARMAC_GEN_CORPUS === '1' ? 'on' : 'off'}, report ${env.TARMAC_GEN_REPORT}`,
);
const jest = require.resolve('jest/bin/jest', { paths: [root] });
const result = spawnSync(process.execPath, [jest, '--runInBand', 'test/generative/fail-closed.test.ts'], { cwd: root, env, stdio: 'inherit' });
process.exit(result.status === null ? 1 : result.status);
