import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { InputErrors } from '../errors';
import { loadCatalog } from './load-catalog';

const POLICIES = path.resolve(__dirname, '..', '..', '..', '..', 'policies');

/** A copy of the real catalog to break one file at a time. */
function copyCatalog(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-catalog-'));
  fs.cpSync(POLICIES, dir, { recursive: true });
  return dir;
}

function errorsOf(root: string): string[] {
  try {
    loadCatalog(root);
  } catch (e) {
    if (e instanceof InputErrors) return e.errors.map((x) => x.message);
    throw e;
  }
  throw new Error('expected InputErrors');
}

describe('loadCatalog', () => {
  test('loads the bundled catalog: at least 40 controls, three profiles, five mandatory tags', () => {
    const catalog = loadCatalog(POLICIES);
    expect(catalog.controls.length).toBeGreaterThanOrEqual(40);
    expect([...catalog.profiles.keys()].sort()).toEqual(['dev', 'prod', 'sandbox']);
    expect(catalog.tags.map((t) => t.key)).toEqual(['team', 'project', 'env', 'domain', 'cost-center']);
    for (const c of catalog.controls) expect(c.frameworks['nist-800-53-r5'].length).toBeGreaterThan(0);
  });

  test('an unknown key is an error at its line and column, listing the allowed keys', () => {
    const root = copyCatalog();
    const file = path.join(root, 'controls', 's3', 'bucket-kms-encryption.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('severity: high', 'severity: high\nseverity_override: low'));
    const message = errorsOf(root).find((m) => m.includes('severity_override')) ?? '';
    expect(message).toMatch(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:4:1: unknown key 'severity_override'`));
    expect(message).toMatch(/expected one of: id, title, severity/);
  });

  test('a misspelt resource type is refused with a suggestion', () => {
    const root = copyCatalog();
    const file = path.join(root, 'controls', 's3', 'bucket-kms-encryption.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('[AWS::S3::Bucket]', '[AWS::S3::Bukcet]'));
    expect(errorsOf(root).join('\n')).toMatch(/unknown resource type AWS::S3::Bukcet; did you mean AWS::S3::Bucket\?/);
  });

  test('a wrong enum value, a duplicate ID and a profile naming an unknown control are all reported in one pass', () => {
    const root = copyCatalog();
    const file = path.join(root, 'controls', 's3', 'bucket-kms-encryption.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('severity: high', 'severity: severe'));
    fs.appendFileSync(path.join(root, 'profiles', 'dev.yaml'), '  LZ.NOPE.1: warn\n');
    const errors = errorsOf(root).join('\n');
    expect(errors).toMatch(/bucket-kms-encryption\.yaml:3:\d+: 'severity' has value "severe" \(expected one of: critical, high/);
    expect(errors).toMatch(/dev\.yaml:\d+:\d+: unknown control LZ\.NOPE\.1/);
  });

  test('malformed YAML and duplicate keys name the file and line', () => {
    const root = copyCatalog();
    fs.writeFileSync(path.join(root, 'tags.yaml'), 'tags:\n  - key: team\n    key: project\n    description: x\n    pattern: a\n');
    expect(errorsOf(root).join('\n')).toMatch(/tags\.yaml:3:\d+: duplicate key/);
  });
});
