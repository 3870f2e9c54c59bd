import * as fs from 'fs';
import * as path from 'path';
import { CATALOG_PACKAGE_FORMAT, Catalog, CatalogIdentity, CatalogPackageManifest, InputError, catalogBundleIdentity } from '@tarmac/core';
import { catalogReadme } from './catalog-readme';

/** Where the package keeps the sources and the rules, below its root. */
const POLICIES = 'policies';
const RULES = 'rules';

/**
 * Writes the catalog as an npm package directory: package.json (with the "tarmac" manifest: layout, where the
 * sources are, the identity of every rule bundle), policies/ (the sources as written, so every enforcement
 * point loads them exactly as here), rules/<control>.guard (every control's rule, generated ones included, for
 * plain cfn-guard) and a README listing the controls.
 */
export function stageCatalog(catalog: Catalog, dir: string, packedWith: string): CatalogIdentity {
  const identity = packageIdentity(catalog);
  const manifest: CatalogPackageManifest = { catalog: CATALOG_PACKAGE_FORMAT, policies: POLICIES, rules: RULES, identity: catalogBundleIdentity(catalog) };
  copySources(catalog.root, path.join(dir, POLICIES));
  fs.mkdirSync(path.join(dir, RULES));
  for (const control of catalog.controls) fs.writeFileSync(path.join(dir, RULES, `${control.id}.guard`), control.guard);
  const pkg = {
    name: identity.name,
    version: identity.version,
    description: identity.description,
    license: identity.license ?? 'UNLICENSED',
    ...(identity.repository ? { repository: identity.repository } : {}),
    keywords: ['tarmac-catalog', 'policy-as-code', 'cloudformation-guard', 'aws'],
    files: [POLICIES, RULES, 'README.md'],
    tarmac: { ...manifest, packedWith },
  };
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
  fs.writeFileSync(path.join(dir, 'README.md'), catalogReadme(catalog, identity, manifest));
  return identity;
}

/** The name and version a package of the catalog takes, from its catalog.yaml. */
export function packageIdentity(catalog: Catalog): CatalogIdentity {
  if (catalog.identity) return catalog.identity;
  throw new InputError(
    { file: path.join(catalog.root, 'catalog.yaml') },
    'the catalog has no catalog.yaml: a package needs a name and a version',
    'catalog.yaml with name (e.g. "@acme/landing-zone-controls"), version and description',
  );
}

/** The sources as written: regular files only, no dot files (editor state, .tarmac-cache), symlinks refused. */
function copySources(from: string, to: string): void {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.')) continue;
    const source = path.join(from, entry.name);
    if (entry.isDirectory()) copySources(source, path.join(to, entry.name));
    else if (entry.isFile()) fs.copyFileSync(source, path.join(to, entry.name));
    else throw new InputError({ file: source }, 'not a regular file or directory: a catalog package holds only files', 'the file itself, not a link');
  }
}
