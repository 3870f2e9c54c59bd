import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Catalog, InputError, loadCatalog, loadCatalogPackage, readCatalogPackage } from '@tarmac/core';

/**
 * A catalog named on the command line: a package tarball, a package directory, a policies/ directory (or one
 * holding policies/), or an npm spec fetched with `npm pack`. Packages are verified against their identity.
 * Temporary files live under `scratch`, which the caller removes.
 */
export function openCatalog(spec: string, scratch: string): Catalog {
  if (fs.existsSync(spec)) {
    const stat = fs.statSync(spec);
    if (stat.isFile()) return fromTarball(spec, scratch);
    return fromDirectory(spec);
  }
  if (/^[./~]/.test(spec) || /\.tgz$/.test(spec))
    throw new InputError({ file: spec }, 'no such file or directory', 'a catalog package tarball, a directory or an npm spec');
  return fromTarball(fetchPackage(spec, scratch), scratch);
}

function fromDirectory(dir: string): Catalog {
  const pkg = fs.existsSync(path.join(dir, 'package.json')) ? readCatalogPackage(dir) : undefined;
  if (pkg) return loadCatalogPackage(pkg);
  if (fs.existsSync(path.join(dir, 'tags.yaml'))) return loadCatalog(dir);
  if (fs.existsSync(path.join(dir, 'policies', 'tags.yaml'))) return loadCatalog(path.join(dir, 'policies'));
  throw new InputError(
    { file: dir },
    'not a Tarmac catalog: no package.json with a "tarmac" key, no tags.yaml, no policies/',
    'a catalog package or a policies/ directory',
  );
}

function fromTarball(file: string, scratch: string): Catalog {
  const dir = fs.mkdtempSync(path.join(scratch, 'catalog-'));
  const r = spawnSync('tar', ['-xzf', path.resolve(file), '-C', dir], { encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new InputError({ file }, `cannot unpack: ${r.error?.message ?? r.stderr.trim()}`, 'an npm package tarball (.tgz)');
  // npm tarballs hold one top directory, "package".
  const [top] = fs.readdirSync(dir);
  if (!top) throw new InputError({ file }, 'the tarball is empty', 'an npm package tarball (.tgz)');
  const root = path.join(dir, top);
  if (!readCatalogPackage(root))
    throw new InputError({ file }, 'not a Tarmac catalog: its package.json has no "tarmac" key', 'a package made by `tarmac catalog pack`');
  return fromDirectory(root);
}

function fetchPackage(spec: string, scratch: string): string {
  const r = spawnSync('npm', ['pack', spec, '--json', '--ignore-scripts', '--pack-destination', scratch], {
    cwd: scratch,
    encoding: 'utf8',
    shell: process.platform === 'win32',
  });
  if (r.error || r.status !== 0)
    throw new InputError(
      { file: spec },
      `cannot fetch it with npm pack: ${r.error?.message ?? lastLines(r.stderr)}`,
      'a catalog package tarball, a directory or an npm spec such as @acme/controls@1.4.0',
    );
  const [packed] = JSON.parse(r.stdout) as { filename: string }[];
  return path.join(scratch, packed.filename);
}

const lastLines = (text: string) => text.trim().split('\n').slice(-3).join(' ');

export function scratchDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-diff-'));
}
