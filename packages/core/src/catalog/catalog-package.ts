import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { InputError, InputErrors, collectInputErrors } from '../errors';
import { buildRuleBundle, bundleControls } from '../stacksets/rule-bundle';
import { loadCatalog } from './load-catalog';
import { Catalog } from './model';

/** The layout `tarmac catalog pack` writes; bump when a reader of an older layout would misread a newer one. */
export const CATALOG_PACKAGE_FORMAT = 1;

/**
 * What a catalog package's package.json says under "tarmac": where its sources are, and the identity of every
 * rule bundle the Guard Hooks run, so a pinned catalog version is provably the one deployed.
 */
export interface CatalogPackageManifest {
  /** The layout version (CATALOG_PACKAGE_FORMAT). */
  readonly catalog: number;
  /** The policies/ sources, relative to the package root. */
  readonly policies: string;
  /** The generated Guard rules (tag controls), relative to the package root. */
  readonly rules: string;
  readonly identity: CatalogBundleIdentity;
}

/**
 * SHA-256 of each rule bundle `tarmac build` makes of this catalog (the key of its object in the bundle bucket),
 * per profile: `enforce` and `warn` for a hook target in FAIL mode, `all` for one in WARN mode (every control in
 * one bundle). Null where the profile has no such controls (no bundle is deployed). `controls`: SHA-256 of each
 * control's rule text.
 */
export interface CatalogBundleIdentity {
  readonly bundles: Readonly<Record<string, { readonly enforce: string | null; readonly warn: string | null; readonly all: string | null }>>;
  readonly controls: Readonly<Record<string, string>>;
  /**
   * SHA-256 of the sources beside the rules that change a verdict at check and synth time: the exemptions and
   * the org.yaml their scopes resolve through (null: absent). The bundles above are the rules alone: a hook
   * target's bundle also carries the exemptions in force for its accounts on the day of the build (ADR 0012).
   */
  readonly files?: Readonly<Record<string, string | null>>;
}

/** The files `files` covers, relative to policies/. */
const DECISION_FILES = ['exemptions.yaml', 'org.yaml'];

/** A package found installed, read far enough to know it is a catalog. */
export interface CatalogPackage {
  readonly name: string;
  readonly version: string;
  /** The package directory. */
  readonly root: string;
  readonly manifest: CatalogPackageManifest;
}

export function catalogBundleIdentity(catalog: Catalog): CatalogBundleIdentity {
  const bundles: Record<string, { enforce: string | null; warn: string | null; all: string | null }> = {};
  const sha = (controls: Catalog['controls']) => (controls.length ? buildRuleBundle('catalog', controls, '-', 'enforce').sha256 : null);
  for (const [name, profile] of [...catalog.profiles].sort(([a], [b]) => a.localeCompare(b))) {
    const enforced = bundleControls(catalog, profile, 'enforce');
    const warned = bundleControls(catalog, profile, 'warn');
    bundles[name] = { enforce: sha(enforced), warn: sha(warned), all: sha([...enforced, ...warned].sort((a, b) => a.id.localeCompare(b.id))) };
  }
  const controls = Object.fromEntries(catalog.controls.map((c) => [c.id, sha256(c.guard)]));
  const files = Object.fromEntries(DECISION_FILES.map((f) => [f, fileSha256(path.join(catalog.root, f))]));
  return { bundles, controls, files };
}

const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

function fileSha256(file: string): string | null {
  return fs.existsSync(file) ? sha256(fs.readFileSync(file)) : null;
}

/** How errors and reports name an installed catalog package. */
export function packageLabel(pkg: Pick<CatalogPackage, 'name' | 'version' | 'root'>): string {
  return `catalog package ${pkg.name}@${pkg.version} (${pkg.root})`;
}

/**
 * Reads a package directory's package.json: undefined when it is not a catalog (no "tarmac" key), an error
 * naming the package when it claims to be one and the claim is malformed.
 */
export function readCatalogPackage(root: string): CatalogPackage | undefined {
  const file = path.join(root, 'package.json');
  let pkg: { name?: unknown; version?: unknown; tarmac?: unknown };
  try {
    pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new InputError({ file }, `cannot read the package's package.json: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (pkg === null || typeof pkg !== 'object' || pkg.tarmac === undefined) return undefined;
  const name = typeof pkg.name === 'string' ? pkg.name : '(unnamed)';
  const version = typeof pkg.version === 'string' ? pkg.version : '(no version)';
  const m = pkg.tarmac as Partial<CatalogPackageManifest> | null;
  const bad = (problem: string) =>
    new InputErrors([new InputError({ file }, `${packageLabel({ name, version, root })}: ${problem}`, 'a package made by `tarmac catalog pack`')]);
  if (!m || typeof m !== 'object' || typeof m.catalog !== 'number') throw bad('its "tarmac" key does not say which catalog layout it has');
  if (m.catalog > CATALOG_PACKAGE_FORMAT)
    throw bad(`it has catalog layout ${m.catalog}; this tarmac reads layout ${CATALOG_PACKAGE_FORMAT} (upgrade @tarmac/cli)`);
  if (typeof m.policies !== 'string' || typeof m.rules !== 'string' || !m.identity || typeof m.identity !== 'object')
    throw bad('its "tarmac" key lacks policies, rules or identity');
  return { name, version, root, manifest: m as CatalogPackageManifest };
}

/** The policies/ directory inside a catalog package, refusing one that would lead outside it. */
export function packagePoliciesDir(pkg: CatalogPackage): string {
  const dir = path.resolve(pkg.root, pkg.manifest.policies);
  if (path.relative(pkg.root, dir).startsWith('..'))
    throw new InputError(
      { file: path.join(pkg.root, 'package.json') },
      `${packageLabel(pkg)}: its policies directory ${pkg.manifest.policies} is outside the package`,
    );
  return dir;
}

/**
 * A loaded catalog is the one the package declares: same name and version in catalog.yaml, and the rule bundles
 * and control rules hash to the identity recorded when it was packed (an edited node_modules copy, or a package
 * assembled by hand, would otherwise check with rules no hook runs).
 */
export function verifyCatalogPackage(catalog: Catalog, pkg: CatalogPackage): void {
  const label = packageLabel(pkg);
  const file = path.join(pkg.root, 'package.json');
  const errors: InputError[] = [];
  if (!catalog.identity) errors.push(new InputError({ file }, `${label}: its policies have no catalog.yaml`));
  else if (catalog.identity.name !== pkg.name || catalog.identity.version !== pkg.version) {
    errors.push(
      new InputError({ file }, `${label}: its catalog.yaml says ${catalog.identity.name}@${catalog.identity.version}`, 'the name and version of the package'),
    );
  }
  const actual = catalogBundleIdentity(catalog);
  const declared = pkg.manifest.identity;
  for (const id of new Set([...Object.keys(actual.controls), ...Object.keys(declared.controls ?? {})])) {
    if (actual.controls[id] !== declared.controls?.[id]) {
      errors.push(
        new InputError(
          { file },
          `${label}: control ${id} ${!declared.controls?.[id] ? 'is not in the identity it was packed with' : !actual.controls[id] ? 'was packed but is missing' : 'has rule text that differs from the one it was packed with'}`,
          'the package exactly as `tarmac catalog pack` wrote it: reinstall it',
        ),
      );
    }
  }
  for (const profile of new Set([...Object.keys(actual.bundles), ...Object.keys(declared.bundles ?? {})])) {
    const a = actual.bundles[profile];
    const d = declared.bundles?.[profile];
    for (const kind of ['enforce', 'warn', 'all'] as const) {
      if (a?.[kind] !== d?.[kind]) {
        errors.push(
          new InputError(
            { file },
            `${label}: the ${kind} rule bundle of profile ${profile} is ${short(a?.[kind])}, not the ${short(d?.[kind])} it declares`,
            'the package exactly as `tarmac catalog pack` wrote it: reinstall it',
          ),
        );
      }
    }
  }
  // A package packed before `files` existed declares none: only the absence of those files matches that.
  for (const f of DECISION_FILES) {
    const [a, d] = [actual.files?.[f] ?? null, declared.files?.[f] ?? null];
    if (a !== d)
      errors.push(
        new InputError(
          { file },
          `${label}: ${f} is ${short(a)}, not the ${short(d)} it was packed with`,
          'the package exactly as `tarmac catalog pack` wrote it: reinstall it (exemptions are changed in the catalog, then packed)',
        ),
      );
  }
  if (errors.length) throw new InputErrors(errors);
}

const short = (sha: string | null | undefined) => (sha ? `sha256:${sha.slice(0, 12)}` : 'absent');

/** Loads a package's policies/ (every error naming the package) and verifies it is the catalog it declares. */
export function loadCatalogPackage(pkg: CatalogPackage): Catalog {
  let catalog: Catalog;
  try {
    catalog = loadCatalog(packagePoliciesDir(pkg));
  } catch (err) {
    throw new InputErrors(collectInputErrors(err).map((e) => new InputError(e.location, `${packageLabel(pkg)}: ${e.problem}`, e.expected)));
  }
  verifyCatalogPackage(catalog, pkg);
  return catalog;
}
