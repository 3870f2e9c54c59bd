#!/usr/bin/env node
// Packs every publishable package of the monorepo into OUTDIR, ready for `npm publish <tarball>`:
//   npm run build && node scripts/pack-packages.js OUTDIR
// Builds nothing. Prints the tarball paths, one per line, and nothing else on stdout (progress and npm's
// own messages go to stderr).
//
// - @tarmac/core, guard, cdk, cli, simulate: `npm pack` of the workspace as it is. Refused (exit 1, no
//   tarball left) when a tarball would ship a test, a fixture, or a dist file whose source is gone (a stale
//   build: rm -rf packages/*/dist packages/*/tsconfig.tsbuildinfo && npm run build), or when a path the
//   package reads at runtime (main, bin, `files`) is missing.
// - @tarmac/cfn-guard-<os>-<cpu> (packages/cfn-guard/*): committed without the binary and private, because
//   npm refuses to install a workspace whose os/cpu do not match the machine. Each is staged in a temporary
//   directory with its platform's cfn-guard binary and guard-version.json copied from
//   @cdklabs/cdk-validator-cfnguard (a devDependency), LICENSE and NOTICE, and os/cpu set, then packed. A
//   platform whose binary is not available is skipped (said on stderr). The binary for this machine is run
//   and must report the version in guard-version.json.
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const { ROOT, readJson, workspaceDirs, platformBinary, writeBinary } = require('./lib/workspaces');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function fail(message) {
  process.stderr.write(`pack-packages: ${message}\n`);
  process.exit(1);
}

/** npm pack DIR into OUTDIR; returns the tarball's path and the files it holds. */
function npmPack(dir, outDir) {
  const json = execFileSync(NPM, ['pack', '--json', '--loglevel=warn', '--pack-destination', outDir], {
    cwd: dir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    shell: process.platform === 'win32',
  });
  const [result] = JSON.parse(json);
  return { tarball: path.join(outDir, result.filename), files: result.files.map((f) => f.path) };
}

/** What a tarball of a TypeScript package must not hold: tests, fixtures, and build output without a source. */
function unwanted(dir, files) {
  const problems = [];
  for (const file of files) {
    if (/(^|\/)(__tests__|__fixtures__)\//.test(file) || /\.test\.(js|d\.ts)(\.map)?$/.test(file)) problems.push(`${file} is a test or fixture`);
    const built = /^dist\/(.+?)\.(js|d\.ts)(\.map)?$/.exec(file);
    if (built && !fs.existsSync(path.join(dir, 'src', `${built[1]}.ts`))) problems.push(`${file} has no source (src/${built[1]}.ts): a stale build`);
  }
  return problems;
}

/** What the package reads at runtime and must ship: main, bin files, every `files` entry. */
function missingAtRuntime(pkg, files) {
  const shipped = new Set(files);
  const under = (entry) => files.some((f) => f === entry || f.startsWith(`${entry.replace(/\/$/, '')}/`));
  const wanted = [
    ...(pkg.main ? [pkg.main] : []),
    ...Object.values(typeof pkg.bin === 'string' ? { bin: pkg.bin } : (pkg.bin ?? {})),
    ...(pkg.files ?? []),
  ].map((p) => p.replace(/^\.\//, ''));
  return wanted.filter((p) => !shipped.has(p) && !under(p)).map((p) => `${p} is not in the tarball`);
}

function packWorkspace(dir, outDir) {
  const pkg = readJson(path.join(dir, 'package.json'));
  if (!fs.existsSync(path.join(dir, 'dist'))) fail(`${pkg.name}: no dist/ (run npm run build first)`);
  const { tarball, files } = npmPack(dir, outDir);
  const problems = [...unwanted(dir, files), ...missingAtRuntime(pkg, files)];
  if (problems.length) {
    fs.rmSync(tarball, { force: true });
    fail(`${pkg.name}: refused to pack:\n  ${problems.join('\n  ')}`);
  }
  process.stderr.write(`packed ${pkg.name}@${pkg.version} (${files.length} files)\n`);
  return tarball;
}

/** The binary package of one platform, staged and packed; undefined when its binary is not available. */
function packPlatform(dir, outDir, guardPkg) {
  const pkg = readJson(path.join(dir, 'package.json'));
  const { os: osName, cpu } = pkg.tarmacPlatform;
  const wanted = guardPkg.optionalDependencies?.[pkg.name];
  if (wanted !== pkg.version) fail(`${pkg.name}@${pkg.version}: @tarmac/guard's optionalDependencies ask for ${wanted ?? 'nothing'}`);
  const binary = platformBinary(pkg);
  if (binary.missing) {
    process.stderr.write(`skipped ${pkg.name}: ${binary.missing}\n`);
    return undefined;
  }
  const { file: from, version: guardVersion } = binary;
  if (osName === process.platform && cpu === process.arch) {
    const reported = execFileSync(from, ['--version'], { encoding: 'utf8' }).trim();
    if (!reported.endsWith(` ${guardVersion}`)) fail(`${from} reports "${reported}", guard-version.json says ${guardVersion}`);
  }

  const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-cfn-guard-'));
  try {
    const { private: _private, tarmacPlatform: _platform, scripts: _scripts, devDependencies: _dev, ...manifest } = pkg;
    // os/cpu: npm installs this package on its platform only; preferUnplugged: Yarn PnP keeps the binary on disk.
    const staged = { ...manifest, os: [osName], cpu: [cpu], preferUnplugged: true };
    fs.writeFileSync(path.join(stage, 'package.json'), JSON.stringify(staged, null, 2) + '\n');
    writeBinary(stage, binary);
    fs.copyFileSync(path.join(dir, '..', 'LICENSE'), path.join(stage, 'LICENSE'));
    fs.writeFileSync(path.join(stage, 'NOTICE'), notice(guardVersion, osName, cpu, binary.from));
    const { tarball, files } = npmPack(stage, outDir);
    const expected = ['LICENSE', 'NOTICE', 'bin/cfn-guard', 'guard-version.json', 'package.json'];
    if (JSON.stringify([...files].sort()) !== JSON.stringify(expected)) {
      fs.rmSync(tarball, { force: true });
      fail(`${pkg.name}: the tarball holds ${files.join(', ')}; expected ${expected.join(', ')}`);
    }
    process.stderr.write(`packed ${pkg.name}@${pkg.version} (cfn-guard ${guardVersion}, ${osName}/${cpu})\n`);
    return tarball;
  } finally {
    fs.rmSync(stage, { recursive: true, force: true });
  }
}

function notice(guardVersion, osName, cpu, from) {
  return [
    `This package contains the cfn-guard ${guardVersion} executable for ${osName}/${cpu}, unmodified, from`,
    'AWS CloudFormation Guard (https://github.com/aws-cloudformation/cloudformation-guard),',
    'Copyright Amazon.com, Inc. or its affiliates. All Rights Reserved.',
    'Licensed under the Apache License, Version 2.0 (see LICENSE).',
    '',
    `It was copied from ${from.name}@${from.version} (${from.license}), which redistributes the same binary.`,
    '',
  ].join('\n');
}

function main() {
  const out = process.argv[2];
  if (!out || process.argv.length > 3) fail('usage: node scripts/pack-packages.js OUTDIR');
  const outDir = path.resolve(out);
  fs.mkdirSync(outDir, { recursive: true });
  const guardPkg = readJson(path.join(ROOT, 'packages', 'guard', 'package.json'));
  const tarballs = [];
  for (const dir of workspaceDirs()) {
    const pkg = readJson(path.join(dir, 'package.json'));
    if (pkg.tarmacPlatform) {
      const tarball = packPlatform(dir, outDir, guardPkg);
      if (tarball) tarballs.push(tarball);
    } else if (!pkg.private) {
      tarballs.push(packWorkspace(dir, outDir));
    }
  }
  process.stdout.write(tarballs.map((t) => `${t}\n`).join(''));
}

main();
