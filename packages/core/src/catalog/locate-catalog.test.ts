import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { InputError, InputErrors, collectInputErrors } from '../errors';
import { CATALOG_PACKAGE_FORMAT, catalogBundleIdentity } from './catalog-package';
import { loadCatalog } from './load-catalog';
import { locateCatalog, resolveCatalog } from './locate-catalog';

const POLICIES = path.resolve(__dirname, '..', '..', '..', '..', 'policies');
const IDENTITY = catalogBundleIdentity(loadCatalog(POLICIES));

/** A workload project: a package.json declaring `deps`, each installed under node_modules as a catalog package (or as given). */
function project(deps: Record<string, 'catalog' | 'plain' | 'missing'>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-project-'));
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({ name: 'shop', version: '1.0.0', devDependencies: Object.fromEntries(Object.keys(deps).map((d) => [d, '*'])) }),
  );
  for (const [name, kind] of Object.entries(deps)) if (kind !== 'missing') install(dir, name, kind);
  return dir;
}

function install(dir: string, name: string, kind: 'catalog' | 'plain'): string {
  const root = path.join(dir, 'node_modules', name);
  fs.mkdirSync(root, { recursive: true });
  if (kind === 'plain') {
    fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name, version: '1.0.0' }));
    return root;
  }
  fs.cpSync(POLICIES, path.join(root, 'policies'), { recursive: true });
  fs.writeFileSync(path.join(root, 'policies', 'catalog.yaml'), `name: "${name}"\nversion: 2.1.0\ndescription: test catalog\n`);
  fs.writeFileSync(
    path.join(root, 'package.json'),
    JSON.stringify({ name, version: '2.1.0', tarmac: { catalog: CATALOG_PACKAGE_FORMAT, policies: 'policies', rules: 'rules', identity: IDENTITY } }),
  );
  return root;
}

function messages(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    return collectInputErrors(err).map((e) => e.message);
  }
  throw new Error('expected input errors');
}

const saved = { ...process.env };
beforeEach(() => {
  delete process.env.TARMAC_POLICIES;
  delete process.env.TARMAC_CATALOG;
});
afterAll(() => {
  process.env = saved;
});

describe('locateCatalog', () => {
  test('finds the catalog package the project depends on, beside other dependencies', () => {
    const dir = project({ 'left-pad': 'plain', '@acme/controls': 'catalog', 'not-installed-yet': 'missing' });
    const found = locateCatalog({ cwd: path.join(dir) });
    expect(found).toMatchObject({ source: 'package', package: { name: '@acme/controls', version: '2.1.0' } });
    expect(found.dir).toBe(path.join(dir, 'node_modules', '@acme', 'controls', 'policies'));
    const catalog = resolveCatalog({ cwd: dir });
    expect(catalog.identity).toMatchObject({ name: '@acme/controls', version: '2.1.0' });
  });

  test('from a workspace package, the monorepo root declaring the catalog counts', () => {
    const dir = project({ '@acme/controls': 'catalog' });
    const app = path.join(dir, 'packages', 'app');
    fs.mkdirSync(app, { recursive: true });
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', dependencies: { 'aws-cdk-lib': '*' } }));
    expect(locateCatalog({ cwd: app })).toMatchObject({ source: 'package', package: { name: '@acme/controls' } });
  });

  test('--policies, then $TARMAC_POLICIES, win over an installed package', () => {
    const dir = project({ '@acme/controls': 'catalog' });
    expect(locateCatalog({ cwd: dir, policies: POLICIES })).toEqual({ dir: POLICIES, source: 'option' });
    process.env.TARMAC_POLICIES = POLICIES;
    expect(locateCatalog({ cwd: dir })).toEqual({ dir: POLICIES, source: 'environment' });
  });

  test('two installed catalogs with no choice are an error naming both; --catalog or $TARMAC_CATALOG chooses', () => {
    const dir = project({ '@acme/controls': 'catalog', '@acme/pci-controls': 'catalog' });
    expect(messages(() => locateCatalog({ cwd: dir }))).toEqual([
      expect.stringMatching(
        /several Tarmac catalogs apply here: @acme\/controls@2\.1\.0, @acme\/pci-controls@2\.1\.0 \(expected one chosen with --catalog NAME/,
      ),
    ]);
    expect(locateCatalog({ cwd: dir, catalog: '@acme/pci-controls' })).toMatchObject({ package: { name: '@acme/pci-controls' } });
    process.env.TARMAC_CATALOG = '@acme/controls';
    expect(locateCatalog({ cwd: dir })).toMatchObject({ package: { name: '@acme/controls' } });
  });

  test('an installed catalog and a policies/ directory above are ambiguous, not a silent choice', () => {
    const dir = project({ '@acme/controls': 'catalog' });
    fs.cpSync(POLICIES, path.join(dir, 'policies'), { recursive: true });
    expect(messages(() => locateCatalog({ cwd: dir }))).toEqual([expect.stringContaining('several Tarmac catalogs apply here')]);
    expect(locateCatalog({ cwd: dir, packages: false })).toEqual({ dir: path.join(dir, 'policies'), source: 'policies directory' });
  });

  test('no catalog: the error says how to get one', () => {
    const dir = project({ 'left-pad': 'plain' });
    expect(messages(() => locateCatalog({ cwd: dir }))).toEqual([
      expect.stringMatching(/no Tarmac catalog: .*\(expected your organization's catalog package installed \(npm i -D /),
    ]);
  });

  test('--catalog naming a package that is not installed, or not a catalog, is an error naming it', () => {
    const dir = project({ 'left-pad': 'plain' });
    expect(messages(() => locateCatalog({ cwd: dir, catalog: '@acme/controls' }))).toEqual([
      expect.stringMatching(/catalog package @acme\/controls is not installed here \(expected npm i -D @acme\/controls\)/),
    ]);
    expect(messages(() => locateCatalog({ cwd: dir, catalog: 'left-pad' }))).toEqual([
      expect.stringMatching(/left-pad is not a Tarmac catalog: its package.json has no "tarmac" key/),
    ]);
  });

  test('a package whose "tarmac" key is malformed, or from a newer layout, is refused with the package named', () => {
    const dir = project({ '@acme/controls': 'catalog' });
    const file = path.join(dir, 'node_modules', '@acme', 'controls', 'package.json');
    const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
    fs.writeFileSync(file, JSON.stringify({ ...pkg, tarmac: { catalog: CATALOG_PACKAGE_FORMAT + 1 } }));
    expect(messages(() => locateCatalog({ cwd: dir }))).toEqual([
      expect.stringMatching(/catalog package @acme\/controls@2\.1\.0 .*: it has catalog layout 2; this tarmac reads layout 1/),
    ]);
    fs.writeFileSync(file, JSON.stringify({ ...pkg, tarmac: { catalog: 1, policies: '../../../etc', rules: 'rules', identity: IDENTITY } }));
    expect(messages(() => locateCatalog({ cwd: dir }))).toEqual([expect.stringContaining('is outside the package')]);
    fs.writeFileSync(file, JSON.stringify({ ...pkg, tarmac: true }));
    expect(messages(() => locateCatalog({ cwd: dir }))).toEqual([expect.stringContaining('does not say which catalog layout')]);
  });
});

describe('resolveCatalog refuses a package that is not what it says', () => {
  const policiesOf = (dir: string) => path.join(dir, 'node_modules', '@acme', 'controls', 'policies');

  test('a rule edited after packing: the control and the bundles that carry it are named', () => {
    const dir = project({ '@acme/controls': 'catalog' });
    const guard = path.join(policiesOf(dir), 'controls', 's3', 'bucket-public-access-block.guard');
    fs.appendFileSync(guard, '\n# relaxed by hand\n');
    const errors = messages(() => resolveCatalog({ cwd: dir }));
    expect(errors[0]).toMatch(/catalog package @acme\/controls@2\.1\.0 \(.*\): control LZ\.S3\.\d+ has rule text that differs from the one it was packed with/);
    expect(errors.some((e) => /the enforce rule bundle of profile prod is sha256:[0-9a-f]{12}, not the sha256:[0-9a-f]{12} it declares/.test(e))).toBe(true);
  });

  test('a control removed, or a profile relaxed, after packing', () => {
    const dir = project({ '@acme/controls': 'catalog' });
    const prod = path.join(policiesOf(dir), 'profiles', 'prod.yaml');
    fs.writeFileSync(prod, fs.readFileSync(prod, 'utf8').replace(/^default: enforce$/m, 'default: warn'));
    expect(messages(() => resolveCatalog({ cwd: dir })).join('\n')).toMatch(/rule bundle of profile prod/);
    const other = project({ '@acme/controls': 'catalog' });
    fs.rmSync(path.join(policiesOf(other), 'controls', 's3', 'bucket-policy-tls-only.yaml')); // LZ.S3.3, which no profile names
    expect(messages(() => resolveCatalog({ cwd: other })).join('\n')).toMatch(/control LZ\.S3\.3 was packed but is missing/);
  });

  test('catalog.yaml naming another package or version', () => {
    const dir = project({ '@acme/controls': 'catalog' });
    fs.writeFileSync(path.join(policiesOf(dir), 'catalog.yaml'), 'name: "@acme/controls"\nversion: 2.0.0\ndescription: x\n');
    expect(messages(() => resolveCatalog({ cwd: dir }))).toEqual([
      expect.stringMatching(/its catalog\.yaml says @acme\/controls@2\.0\.0 \(expected the name and version of the package\)/),
    ]);
  });

  test('broken sources inside a package: every error carries the package name and the file', () => {
    const dir = project({ '@acme/controls': 'catalog' });
    fs.writeFileSync(path.join(policiesOf(dir), 'tags.yaml'), 'tags: [unclosed\n');
    let err: unknown;
    try {
      resolveCatalog({ cwd: dir });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputErrors);
    const first = (err as InputErrors).errors[0] as InputError;
    expect(first.location.file).toBe(path.join(policiesOf(dir), 'tags.yaml'));
    expect(first.message).toContain('catalog package @acme/controls@2.1.0');
  });
});
