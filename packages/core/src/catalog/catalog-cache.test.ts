import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { InputErrors } from '../errors';
import { loadCatalog } from './load-catalog';

const POLICIES = path.resolve(__dirname, '..', '..', '..', '..', 'policies');

let cacheDir: string;
let catalog: string;
const saved = process.env.TARMAC_CACHE_DIR;
beforeEach(() => {
  cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-cache-'));
  process.env.TARMAC_CACHE_DIR = cacheDir;
  catalog = fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-catalog-'));
  fs.cpSync(POLICIES, catalog, { recursive: true });
});
afterAll(() => {
  if (saved === undefined) delete process.env.TARMAC_CACHE_DIR;
  else process.env.TARMAC_CACHE_DIR = saved;
});

const entries = () => fs.readdirSync(cacheDir).filter((n) => n.startsWith('catalog-'));
const edit = (file: string, from: string | RegExp, to: string) => {
  const full = path.join(catalog, file);
  const text = fs.readFileSync(full, 'utf8');
  const next = text.replace(from, to);
  if (next === text) throw new Error(`${from} not in ${file}`);
  fs.writeFileSync(full, next);
};
/** What a check depends on, comparable: JSON drops the functions, so the generated rules are called. */
const shape = (root: string) => {
  const c = loadCatalog(root);
  const types = new Set(['AWS::S3::Bucket', 'AWS::SQS::Queue']);
  return JSON.stringify({ ...c, profiles: [...c.profiles], generated: c.controls.map((x) => x.guardFor?.(types)) });
};

describe('the catalog cache', () => {
  test('a cached load equals a fresh one, generated rules included', () => {
    const fresh = shape(catalog);
    expect(entries()).toHaveLength(1);
    expect(shape(catalog)).toBe(fresh);
    process.env.TARMAC_CACHE_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-cache-')); // nothing cached there
    expect(shape(catalog)).toBe(fresh);
  });

  test('an edit to any file the catalog is read from is seen by the next load, even of the same length', () => {
    loadCatalog(catalog);
    edit('profiles/prod.yaml', 'default: enforce', 'default: warn   ');
    expect(loadCatalog(catalog).profiles.get('prod')!.default).toBe('warn');
  });

  test('an edit that breaks the catalog is an error after a cached load, and errors are never cached', () => {
    loadCatalog(catalog);
    edit('profiles/prod.yaml', 'default: enforce', 'default: enforced');
    expect(() => loadCatalog(catalog)).toThrow(InputErrors);
    expect(() => loadCatalog(catalog)).toThrow(InputErrors);
    expect(entries()).toHaveLength(1);
  });

  test('a removed test case file is an error after a cached load', () => {
    loadCatalog(catalog);
    fs.rmSync(path.join(catalog, 'controls', 's3', 'tests', 'bucket-versioning-enabled.yaml'));
    expect(() => loadCatalog(catalog)).toThrow(/test cases are missing/);
  });

  test('an unreadable, truncated or foreign entry is a miss, never a catalog', () => {
    const fresh = shape(catalog);
    const [name] = entries();
    const file = path.join(cacheDir, name);
    for (const corrupt of [
      '',
      '{"key":',
      JSON.stringify({ key: 'another', catalog: {} }),
      JSON.stringify({ key: name.slice(8, -5), catalog: { root: '/elsewhere' } }),
    ]) {
      fs.writeFileSync(file, corrupt);
      expect(shape(catalog)).toBe(fresh);
    }
  });

  test('TARMAC_NO_CACHE=1 reads and writes nothing', () => {
    process.env.TARMAC_NO_CACHE = '1';
    try {
      loadCatalog(catalog);
      expect(entries()).toEqual([]);
    } finally {
      delete process.env.TARMAC_NO_CACHE;
    }
  });
});
