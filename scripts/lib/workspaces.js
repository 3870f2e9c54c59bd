// What scripts/pack-packages.js and scripts/prepack-root.js both need: the workspaces, and where a cfn-guard
// platform package's binary comes from (@cdklabs/cdk-validator-cfnguard, a devDependency).
'use strict';
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..', '..');
const readJson = (file) => JSON.parse(fs.readFileSync(file, 'utf8'));

/** The workspace directories of the root package.json, its globs (dir/*) expanded, sorted. */
function workspaceDirs() {
  return readJson(path.join(ROOT, 'package.json')).workspaces.flatMap((pattern) => {
    if (!pattern.endsWith('/*')) return [path.join(ROOT, pattern)];
    const parent = path.join(ROOT, pattern.slice(0, -2));
    return fs
      .readdirSync(parent, { withFileTypes: true })
      .filter((e) => e.isDirectory() && fs.existsSync(path.join(parent, e.name, 'package.json')))
      .map((e) => path.join(parent, e.name))
      .sort();
  });
}

/**
 * The binary a platform package ships (its `tarmacPlatform.binary`, a path inside an installed package) and the
 * cfn-guard version beside it; `{ missing }` says why it is not available here.
 */
function platformBinary(pkg) {
  const [scope, name, ...rest] = pkg.tarmacPlatform.binary.split('/');
  let source;
  try {
    source = path.dirname(require.resolve(`${scope}/${name}/package.json`, { paths: [ROOT] }));
  } catch {
    return { missing: `${scope}/${name} is not installed` };
  }
  const file = path.join(source, ...rest);
  if (!fs.existsSync(file)) return { missing: `no binary at ${file}` };
  return { file, version: readJson(path.join(source, 'guard-version.json')).version, from: readJson(path.join(source, 'package.json')) };
}

/** Writes bin/cfn-guard (executable) and guard-version.json into dir. */
function writeBinary(dir, binary) {
  fs.mkdirSync(path.join(dir, 'bin'), { recursive: true });
  fs.copyFileSync(binary.file, path.join(dir, 'bin', 'cfn-guard'));
  fs.chmodSync(path.join(dir, 'bin', 'cfn-guard'), 0o755);
  fs.writeFileSync(path.join(dir, 'guard-version.json'), JSON.stringify({ version: binary.version }) + '\n');
}

module.exports = { ROOT, readJson, workspaceDirs, platformBinary, writeBinary };
