import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const BIN = path.join(ROOT, 'packages', 'cli', 'bin', 'tarmac.js');
const POLICIES = path.join(ROOT, 'policies');
const EXAMPLES = path.join(ROOT, 'examples', 'templates');

function tarmac(args: string[], cwd = ROOT) {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.TARMAC_POLICIES;
  delete env.TARMAC_CATALOG;
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const tmpdir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-catalog-cli-'));

/** A copy of the example policies, changed by `edit`, in a directory of its own. */
function editedPolicies(edit: (dir: string) => void): string {
  const dir = path.join(tmpdir(), 'policies');
  fs.cpSync(POLICIES, dir, { recursive: true });
  edit(dir);
  return dir;
}

/** A workload project with the tarball installed as npm would (node_modules/<name>), declared as a devDependency. */
function workload(tarball: string, name = '@tarmac/example-catalog'): string {
  const dir = tmpdir();
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'shop', version: '1.0.0', devDependencies: { [name]: `file:${tarball}` } }));
  const target = path.join(dir, 'node_modules', name);
  fs.mkdirSync(target, { recursive: true });
  const r = spawnSync('tar', ['-xzf', tarball, '-C', target, '--strip-components=1']);
  expect(r.status).toBe(0);
  return dir;
}

let tarball: string;
let packOutput: { code: number | null; stdout: string; stderr: string };

beforeAll(() => {
  packOutput = tarmac(['catalog', 'pack', '--out', tmpdir()]);
  tarball = packOutput.stdout.trim().split('\n').pop()!;
}, 120_000);

describe('tarmac catalog pack', () => {
  test('writes an npm package of the catalog and prints its path last', () => {
    expect(packOutput).toMatchObject({ code: 0, stderr: '' });
    expect(packOutput.stdout).toMatch(/^packed @tarmac\/example-catalog@0\.1\.0: \d+ controls, profiles dev, prod, sandbox\n/);
    expect(path.basename(tarball)).toBe('tarmac-example-catalog-0.1.0.tgz');
    const listing = spawnSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
    expect(listing).toEqual(
      expect.arrayContaining([
        'package/package.json',
        'package/README.md',
        'package/policies/catalog.yaml',
        'package/policies/tags.yaml',
        'package/policies/profiles/prod.yaml',
        'package/rules/LZ.S3.1.guard',
        'package/rules/LZ.TAG.1.guard',
      ]),
    );
    expect(listing.filter((f) => /\/\.|\.tarmac-cache/.test(f))).toEqual([]);
    const dir = workload(tarball);
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', '@tarmac', 'example-catalog', 'package.json'), 'utf8'));
    expect(pkg).toMatchObject({
      name: '@tarmac/example-catalog',
      version: '0.1.0',
      license: 'Apache-2.0',
      tarmac: { catalog: 1, policies: 'policies', rules: 'rules' },
    });
    expect(pkg.tarmac.identity.bundles.prod.enforce).toMatch(/^[0-9a-f]{64}$/);
  });

  test('the bundle identity it records is the key `tarmac build` gives the Guard Hook bundle when no exemption is in force', () => {
    const out = tmpdir();
    // After EX-0001 (2027-03-31): a target's bundle carries the exemptions in force for its accounts, the identity the rules alone.
    expect(tarmac(['build', '--out', out, '--format', 'json', '--at', '2027-04-01']).code).toBe(0);
    const manifest = JSON.parse(fs.readFileSync(path.join(out, 'stacksets', 'manifest.json'), 'utf8'));
    const keys: string[] = manifest.bundles.map((b: { key: string }) => b.key);
    const pkg = JSON.parse(spawnSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }).stdout);
    const prod = pkg.tarmac.identity.bundles.prod;
    expect(keys.some((k) => k.endsWith(`/${prod.enforce}.zip`))).toBe(true);
  }, 120_000);

  test('refuses a catalog without catalog.yaml, saying what to write', () => {
    const policies = editedPolicies((dir) => fs.rmSync(path.join(dir, 'catalog.yaml')));
    const out = tmpdir();
    const r = tarmac(['catalog', 'pack', '--policies', policies, '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${path.join(policies, 'catalog.yaml')}: the catalog has no catalog.yaml: a package needs a name and a version`);
    expect(fs.readdirSync(out)).toEqual([]);
  });

  test('refuses a catalog whose tests fail, and writes nothing', () => {
    const policies = editedPolicies((dir) => {
      const file = path.join(dir, 'controls', 's3', 'tests', 'bucket-versioning-enabled.yaml');
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('lz_s3_bucket_versioning_enabled: PASS }', 'lz_s3_bucket_versioning_enabled: FAIL }'));
    });
    const out = tmpdir();
    const r = tarmac(['catalog', 'pack', '--policies', policies, '--out', out, '--skip-simulation']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^FAIL LZ\.S3\.\d+ .*bucket-versioning-enabled\.yaml:\d+ .*expected FAIL, got PASS\/SKIP$/m);
    // The same case on the compiled engine that tarmac check uses by default.
    expect(r.stderr).toMatch(/^FAIL LZ\.S3\.\d+ .*bucket-versioning-enabled\.yaml:\d+ .*expected FAIL, got PASS\/SKIP \(compiled engine\)$/m);
    expect(r.stderr).toContain('the catalog does not pass tarmac test');
    expect(fs.readdirSync(out)).toEqual([]);
  }, 120_000);
});

describe('a workload repository with the catalog package installed', () => {
  test('tarmac check finds it with no flag, and the report names it', () => {
    const dir = workload(tarball);
    fs.copyFileSync(path.join(EXAMPLES, 'data-lake.yaml'), path.join(dir, 'data-lake.yaml'));
    const r = tarmac(['check', 'data-lake.yaml', '--format', 'json'], dir);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.catalog).toBe('@tarmac/example-catalog@0.1.0');
    expect(report.findings.map((f: { controlId: string }) => f.controlId)).toContain('LZ.S3.2');
  });

  test('a package edited after install is refused with the package named: exit 2, never a pass', () => {
    const dir = workload(tarball);
    const guard = path.join(dir, 'node_modules', '@tarmac', 'example-catalog', 'policies', 'controls', 's3', 'bucket-kms-encryption.guard');
    // Weakened by hand, its messages intact: only the identity can tell.
    fs.writeFileSync(guard, fs.readFileSync(guard, 'utf8').replace('check_bucket_kms(%template_buckets.Properties)', '%template_buckets.Properties exists'));
    fs.copyFileSync(path.join(EXAMPLES, 'data-lake.yaml'), path.join(dir, 'data-lake.yaml'));
    const r = tarmac(['check', 'data-lake.yaml'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /catalog package @tarmac\/example-catalog@0\.1\.0 \(.*\): control LZ\.S3\.2 has rule text that differs from the one it was packed with/,
    );
  });

  test('an exemption added to an installed package is refused: exemptions change in the catalog, then it is packed', () => {
    const dir = workload(tarball);
    const exemptions = path.join(dir, 'node_modules', '@tarmac', 'example-catalog', 'policies', 'exemptions.yaml');
    fs.writeFileSync(exemptions, fs.readFileSync(exemptions, 'utf8').replace('controls: [LZ.S3.2]', 'controls: [LZ.S3.2, LZ.S3.1]'));
    fs.copyFileSync(path.join(EXAMPLES, 'data-lake.yaml'), path.join(dir, 'data-lake.yaml'));
    const r = tarmac(['check', 'data-lake.yaml', '--account', 'data-prod', '--stack-name', 'legacy-ingest-eu'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /catalog package @tarmac\/example-catalog@0\.1\.0 \(.*\): exemptions\.yaml is sha256:\w{12}, not the sha256:\w{12} it was packed with/,
    );
  });

  test('two installed catalogs: exit 2 naming both until --catalog chooses', () => {
    const dir = workload(tarball);
    const second = path.join(dir, 'node_modules', '@acme', 'pci-controls');
    fs.cpSync(path.join(dir, 'node_modules', '@tarmac', 'example-catalog'), second, { recursive: true });
    for (const [file, from, to] of [
      ['package.json', '"name": "@tarmac/example-catalog"', '"name": "@acme/pci-controls"'],
      ['policies/catalog.yaml', 'name: "@tarmac/example-catalog"', 'name: "@acme/pci-controls"'],
    ]) {
      const p = path.join(second, file);
      fs.writeFileSync(p, fs.readFileSync(p, 'utf8').replace(from, to));
    }
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    pkg.devDependencies['@acme/pci-controls'] = '1.0.0';
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(pkg));
    fs.copyFileSync(path.join(EXAMPLES, 'ingest-queue.json'), path.join(dir, 'q.json'));
    const r = tarmac(['check', 'q.json'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('several Tarmac catalogs apply here: @acme/pci-controls@0.1.0, @tarmac/example-catalog@0.1.0');
    const chosen = tarmac(['check', 'q.json', '--catalog', '@acme/pci-controls', '--format', 'json'], dir);
    expect(chosen.code).toBe(0);
    expect(JSON.parse(chosen.stdout).catalog).toBe('@acme/pci-controls@0.1.0');
  });

  test('no catalog installed: exit 2 saying how to get one', () => {
    const dir = tmpdir();
    fs.writeFileSync(path.join(dir, 'package.json'), '{"name": "shop"}');
    fs.copyFileSync(path.join(EXAMPLES, 'ingest-queue.json'), path.join(dir, 'q.json'));
    const r = tarmac(['check', 'q.json'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no Tarmac catalog: .* \(expected your organization's catalog package installed \(npm i -D @your-org\/<catalog>/);
  });
});

describe('tarmac catalog diff', () => {
  test('the same catalog twice: no differences, exit 0', () => {
    const r = tarmac(['catalog', 'diff', tarball, POLICIES]);
    expect(r).toMatchObject({ code: 0, stdout: '@tarmac/example-catalog@0.1.0 -> @tarmac/example-catalog@0.1.0: no differences\n' });
  });

  test('says what a bump changes: newly blocking controls first, then removals, rule text and tags', () => {
    const next = editedPolicies((dir) => {
      const edit = (file: string, from: RegExp | string, to: string) =>
        fs.writeFileSync(path.join(dir, file), fs.readFileSync(path.join(dir, file), 'utf8').replace(from, to));
      edit('catalog.yaml', 'version: 0.1.0', 'version: 0.2.0');
      edit('profiles/dev.yaml', 'LZ.S3.4: warn', 'LZ.S3.4: enforce');
      fs.rmSync(path.join(dir, 'controls', 's3', 'bucket-policy-tls-only.yaml'));
      fs.rmSync(path.join(dir, 'controls', 's3', 'bucket-policy-tls-only.guard'));
      fs.appendFileSync(path.join(dir, 'controls', 's3', 'bucket-kms-encryption.guard'), '\n# tightened\n');
    });
    const r = tarmac(['catalog', 'diff', tarball, next]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('@tarmac/example-catalog@0.1.0 -> @tarmac/example-catalog@0.2.0');
    expect(r.stdout).toMatch(/Newly blocking \(enforce\):\n {2}dev: LZ\.S3\.4 warn -> enforce\n/);
    expect(r.stdout).toMatch(/Controls removed:\n {2}LZ\.S3\.3 /);
    expect(r.stdout).toMatch(/Rule text changed:\n {2}LZ\.S3\.2\n/);
    const json = JSON.parse(tarmac(['catalog', 'diff', tarball, next, '--format', 'json']).stdout);
    expect(json.modes).toEqual(
      expect.arrayContaining([
        { profile: 'dev', id: 'LZ.S3.4', from: 'warn', to: 'enforce' },
        { profile: 'prod', id: 'LZ.S3.3', from: 'enforce', to: 'absent' },
      ]),
    );
  });

  test('a tarball that is not a catalog, or a missing path, is exit 2', () => {
    const dir = tmpdir();
    fs.writeFileSync(path.join(dir, 'package.json'), '{"name": "left-pad", "version": "1.0.0"}');
    const other = spawnSync('npm', ['pack', '--ignore-scripts', '--pack-destination', dir], { cwd: dir, encoding: 'utf8' });
    expect(other.status).toBe(0);
    const r = tarmac(['catalog', 'diff', path.join(dir, 'left-pad-1.0.0.tgz'), tarball]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('not a Tarmac catalog: its package.json has no "tarmac" key');
    expect(tarmac(['catalog', 'diff', './nope.tgz', tarball]).code).toBe(2);
  });
});
