// Jest globalSetup: brings every package's dist/ up to date with its src/ before any test runs. Most tests run
// src/ through ts-jest, but some run the compiled code: the CLI spawns (packages/cli/bin/tarmac.js requires
// dist/), check-sync's runner (packages/guard/dist/check-runner.js), the CDK parity and hook tests. Without this,
// `npx jest <file>` after a source edit passes or fails against the previous build.
//
// The same `tsc -b` as `npm run build` (read from package.json, so the two cannot drift apart). It is incremental:
// when dist/ is current it only compares timestamps: 0.6 s on an idle 2-CPU machine, 1 s under load (`time node
// node_modules/typescript/bin/tsc -b packages/cli packages/simulate packages/cdk examples/cdk-app` on an up-to-date
// tree), which is all it adds to `npm test` and `npm run test:corpus`: both build first.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');

module.exports = function ensureBuild() {
  const script = require(path.join(ROOT, 'package.json')).scripts.build;
  const projects = /^tsc -b((?: [\w./-]+)+)$/.exec(script)?.[1].trim().split(' ');
  if (!projects) throw new Error(`test/ensure-build.js: the build script is no longer \`tsc -b <projects>\` (${script}): teach this file to run it`);
  // tsc -b trusts each package's tsconfig.tsbuildinfo, which sits beside dist/, not in it: after `rm -rf
  // packages/*/dist` it would call the build current. A package without its entry point is rebuilt from scratch.
  const force = packagesBuilt().some((dir) => !fs.existsSync(path.join(dir, require(path.join(dir, 'package.json')).main)));
  const command = `tsc -b ${force ? '--force ' : ''}${projects.join(' ')}`;
  const started = Date.now();
  const run = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc', { paths: [ROOT] }), '-b', ...(force ? ['--force'] : []), ...projects], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (run.error || run.signal) throw new Error(`test/ensure-build.js: ${command} did not run: ${run.error?.message ?? `killed by ${run.signal}`}`);
  // On type errors tsc -b exits 1 or 2 (2: some projects had none) but still writes dist/ (TypeScript 5.6 and later):
  // the tests spawn the source as it is, as ts-jest runs it without type-checking. `npm run typecheck` reports them.
  if (run.status === 1 || run.status === 2)
    process.stderr.write(`\nensure-build: ${command} reported the errors above; dist/ is written anyway, so the tests run on\n`);
  else if (run.status !== 0) throw new Error(`test/ensure-build.js: ${command} exited with ${run.status}: dist/ may not match the sources`);
  const seconds = (Date.now() - started) / 1000;
  if (seconds > 5) process.stderr.write(`\nensure-build: dist/ brought up to date (${command}) in ${seconds.toFixed(0)} s\n`);
};

/** The packages tsc builds: those with a tsconfig.json (the cfn-guard binary packages have none). */
function packagesBuilt() {
  const packages = path.join(ROOT, 'packages');
  return fs
    .readdirSync(packages)
    .map((name) => path.join(packages, name))
    .filter((dir) => fs.existsSync(path.join(dir, 'tsconfig.json')));
}
