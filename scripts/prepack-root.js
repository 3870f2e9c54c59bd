#!/usr/bin/env node
// prepack of the repository's root package (`npm pack` at the root). That tarball bundles @tarmac/cli and the
// workspace packages it runs on (bundleDependencies in package.json); the pre-commit framework builds it from
// `repo:` and installs it with `npm install -g`, on the machine that runs the hook. Before npm packs:
// 1. Refuses (exit 1) a bundled workspace package with dependencies of its own under packages/<name>/node_modules:
//    npm would put them at that path in the tarball, not under node_modules/@tarmac/<name>, where Node looks,
//    and the installed tarmac would fail with "Cannot find module". npm nests a dependency there when the root's
//    copy does not satisfy the package's range: make it (an override in the root package.json) and npm install.
// 2. Copies this machine's cfn-guard binary and guard-version.json into its platform package
//    (packages/cfn-guard/<os>-<cpu>/, ignored by git), which the tarball bundles as an optional dependency of
//    @tarmac/guard: the installed tarmac has the native engine. The binary comes from
//    @cdklabs/cdk-validator-cfnguard (a devDependency), as in scripts/pack-packages.js.
// Prints nothing on stdout: pre-commit reads npm pack's stdout as the tarball's name.
'use strict';
const fs = require('fs');
const path = require('path');
const { ROOT, readJson, workspaceDirs, platformBinary, writeBinary } = require('./lib/workspaces');

/** Every workspace package by name, with its directory. */
function workspaces() {
  return new Map(workspaceDirs().map((dir) => [readJson(path.join(dir, 'package.json')).name, dir]));
}

/** The workspace packages the root tarball bundles: bundleDependencies and, from them, dependencies and optionalDependencies. */
function bundledWorkspaces(all) {
  const bundled = new Map();
  const visit = (name) => {
    if (bundled.has(name) || !all.has(name)) return;
    const dir = all.get(name);
    bundled.set(name, dir);
    const pkg = readJson(path.join(dir, 'package.json'));
    for (const dep of [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.optionalDependencies ?? {})]) visit(dep);
  };
  for (const name of readJson(path.join(ROOT, 'package.json')).bundleDependencies ?? []) visit(name);
  return bundled;
}

function nestedDependencies(dir) {
  const nm = path.join(dir, 'node_modules');
  if (!fs.existsSync(nm)) return [];
  return fs.readdirSync(nm).flatMap((e) => (e.startsWith('@') ? fs.readdirSync(path.join(nm, e)).map((s) => `${e}/${s}`) : e.startsWith('.') ? [] : [e]));
}

function stageNativeGuard(all) {
  const key = `${process.platform}-${process.arch}`;
  const dir = all.get(`@tarmac/cfn-guard-${key}`);
  if (!dir) {
    process.stderr.write(`prepack: no cfn-guard package for ${key}: the packed tarmac has no native engine here\n`);
    return;
  }
  const binary = platformBinary(readJson(path.join(dir, 'package.json')));
  if (binary.missing) throw new Error(`prepack: ${binary.missing}`);
  writeBinary(dir, binary);
  const { version } = binary;
  process.stderr.write(`prepack: cfn-guard ${version} for ${key} staged in ${path.relative(ROOT, dir)}\n`);
}

function main() {
  const all = workspaces();
  const bundled = bundledWorkspaces(all);
  const nested = [...bundled].flatMap(([name, dir]) =>
    nestedDependencies(dir).map((dep) => `${path.relative(ROOT, path.join(dir, 'node_modules', dep))} (of ${name})`),
  );
  if (nested.length) {
    process.stderr.write(
      `prepack: refusing to pack: npm would bundle these at their path on disk, where the installed packages cannot find them:\n  ${nested.join('\n  ')}\n` +
        'Make the copy at the root satisfy each range (an "overrides" entry in the root package.json), then npm install.\n',
    );
    process.exitCode = 1;
    return;
  }
  stageNativeGuard(all);
}

main();
