import * as fs from 'fs';
import * as path from 'path';
import { InputError } from '../errors';
import { CatalogPackage, loadCatalogPackage, packagePoliciesDir, readCatalogPackage } from './catalog-package';
import { loadCatalog } from './load-catalog';
import { Catalog } from './model';

export interface CatalogChoice {
  /** A policies/ directory (--policies); wins over everything. */
  readonly policies?: string;
  /** The name of an installed catalog package (--catalog), when several are installed. */
  readonly catalog?: string;
  /** Where the search starts (the project). */
  readonly cwd?: string;
  /** Whether installed catalog packages count (false for the platform team's commands on their own sources). */
  readonly packages?: boolean;
}

export type CatalogLocation =
  | { readonly dir: string; readonly source: 'option' | 'environment' | 'policies directory' }
  | { readonly dir: string; readonly source: 'package'; readonly package: CatalogPackage };

/** This package's own directory: catalogs installed beside Tarmac (a global or pre-commit install) are found from it. */
const TOOL_DIR = path.resolve(__dirname, '..', '..');

/**
 * Which catalog a command or a CDK app uses, first match wins:
 * 1. `policies` (--policies), then $TARMAC_POLICIES: a policies/ directory;
 * 2. `catalog` (--catalog), then $TARMAC_CATALOG: an installed catalog package by name;
 * 3. the catalog packages the project depends on (every package.json from the working directory up), and the
 *    nearest policies/ directory above it (the platform team's own repository); both at once is ambiguous;
 * 4. catalog packages installed beside Tarmac itself (`npm i -g`, pre-commit's additional_dependencies).
 * Two candidates at one step are an error naming both: a catalog is never chosen silently.
 */
export function locateCatalog(choice: CatalogChoice = {}): CatalogLocation {
  const cwd = path.resolve(choice.cwd ?? process.cwd());
  if (choice.policies) return { dir: path.resolve(cwd, choice.policies), source: 'option' };
  if (process.env.TARMAC_POLICIES) return { dir: path.resolve(cwd, process.env.TARMAC_POLICIES), source: 'environment' };
  const name = choice.catalog ?? process.env.TARMAC_CATALOG;
  if (name) return named(name, cwd);

  const policiesDir = nearestPoliciesDir(cwd);
  const declared = choice.packages === false ? [] : declaredCatalogs(cwd);
  const candidates: CatalogLocation[] = [
    ...(policiesDir ? [{ dir: policiesDir, source: 'policies directory' as const }] : []),
    ...declared.map((pkg) => ({ dir: packagePoliciesDir(pkg), source: 'package' as const, package: pkg })),
  ];
  if (!candidates.length && choice.packages !== false)
    candidates.push(...besideTool().map((pkg) => ({ dir: packagePoliciesDir(pkg), source: 'package' as const, package: pkg })));
  if (candidates.length === 1) return candidates[0];
  if (candidates.length > 1) {
    const list = candidates.map((c) => (c.source === 'package' ? `${c.package.name}@${c.package.version}` : `${c.dir}`)).join(', ');
    throw new InputError(
      { file: cwd },
      `several Tarmac catalogs apply here: ${list}`,
      `one chosen with --catalog NAME (or { catalog: 'NAME' } in a CDK app) or --policies DIR`,
    );
  }
  throw new InputError(
    { file: cwd },
    choice.packages === false
      ? 'no policies/ directory (with tags.yaml) here or above'
      : "no Tarmac catalog: no catalog package among the project's dependencies or installed beside tarmac, and no policies/ directory above",
    choice.packages === false
      ? 'to run in the repository that holds policies/, or --policies DIR'
      : "your organization's catalog package installed (npm i -D @your-org/<catalog>; your platform team names it), or --policies DIR",
  );
}

/** Locates, loads and, for a package, verifies the catalog; errors name the package they came from. */
export function resolveCatalog(choice: CatalogChoice = {}): Catalog {
  const location = locateCatalog(choice);
  return location.source === 'package' ? loadCatalogPackage(location.package) : loadCatalog(location.dir);
}

function named(name: string, cwd: string): CatalogLocation {
  const root = [...nodeModulesAbove(cwd), ...nodeModulesAbove(TOOL_DIR)]
    .map((nm) => path.join(nm, name))
    .find((dir) => fs.existsSync(path.join(dir, 'package.json')));
  if (!root) throw new InputError({ file: cwd }, `catalog package ${name} is not installed here`, `npm i -D ${name}`);
  const pkg = readCatalogPackage(root);
  if (!pkg)
    throw new InputError(
      { file: path.join(root, 'package.json') },
      `${name} is not a Tarmac catalog: its package.json has no "tarmac" key`,
      'a package made by `tarmac catalog pack`',
    );
  return { dir: packagePoliciesDir(pkg), source: 'package', package: pkg };
}

/** Like git finding .git: the nearest policies/ holding tags.yaml. */
function nearestPoliciesDir(cwd: string): string | undefined {
  for (let dir = cwd; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'policies', 'tags.yaml'))) return path.join(dir, 'policies');
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** Catalog packages declared by any package.json from cwd up (a workspace package, then its monorepo root), installed. */
function declaredCatalogs(cwd: string): CatalogPackage[] {
  const found: CatalogPackage[] = [];
  const seen = new Set<string>();
  for (let dir = cwd; ; dir = path.dirname(dir)) {
    const names = dependencyNames(path.join(dir, 'package.json')).filter((n) => !seen.has(n));
    const searched = names.length ? nodeModulesAbove(dir) : [];
    for (const name of names) {
      seen.add(name);
      const root = searched.map((nm) => path.join(nm, name)).find((d) => fs.existsSync(path.join(d, 'package.json')));
      const pkg = root && readCatalogPackage(root);
      if (pkg) found.push(pkg);
    }
    if (path.dirname(dir) === dir) return found;
  }
}

function dependencyNames(file: string): string[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return []; // no package.json at this level
  }
  let pkg: Record<string, unknown>;
  try {
    pkg = JSON.parse(text);
  } catch (err) {
    throw new InputError({ file }, `not valid JSON (${(err as Error).message}); Tarmac reads it to find the catalog package`);
  }
  const names = new Set<string>();
  for (const field of ['dependencies', 'devDependencies', 'optionalDependencies']) {
    const deps = pkg?.[field];
    if (deps && typeof deps === 'object') for (const n of Object.keys(deps)) names.add(n);
  }
  return [...names].sort();
}

/** Every catalog package at the top of a node_modules directory that holds Tarmac (a global or pre-commit install). */
function besideTool(): CatalogPackage[] {
  const found: CatalogPackage[] = [];
  for (const nm of nodeModulesAbove(TOOL_DIR)) {
    for (const dir of topLevelPackages(nm)) {
      const pkg = readCatalogPackage(dir);
      if (pkg && !found.some((f) => f.name === pkg.name)) found.push(pkg);
    }
  }
  return found;
}

function topLevelPackages(nm: string): string[] {
  const out: string[] = [];
  for (const entry of safeReaddir(nm)) {
    if (entry.startsWith('.')) continue;
    const dir = path.join(nm, entry);
    if (entry.startsWith('@')) out.push(...safeReaddir(dir).map((e) => path.join(dir, e)));
    else out.push(dir);
  }
  return out.filter((d) => fs.existsSync(path.join(d, 'package.json')));
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir).sort();
  } catch {
    return [];
  }
}

/** The node_modules directories Node's resolution would search from dir. */
function nodeModulesAbove(dir: string): string[] {
  const out: string[] = [];
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (path.basename(d) !== 'node_modules' && fs.existsSync(path.join(d, 'node_modules'))) out.push(path.join(d, 'node_modules'));
    if (path.dirname(d) === d) return out;
  }
}
