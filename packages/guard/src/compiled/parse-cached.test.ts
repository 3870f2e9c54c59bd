import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as v8 from 'v8';
import { parseGuardCached } from './parse-cached';
import { GuardParseError, parseGuard } from './parse';
import { loadRuleFiles } from './__tests__/differential';

const saved = process.env.TARMAC_CACHE_DIR;
let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-ast-cache-'));
  process.env.TARMAC_CACHE_DIR = dir;
});
afterAll(() => {
  if (saved === undefined) delete process.env.TARMAC_CACHE_DIR;
  else process.env.TARMAC_CACHE_DIR = saved;
});
const entries = () => fs.readdirSync(path.join(dir, 'guard-ast'));

describe('the parsed-rule cache', () => {
  const rules = loadRuleFiles();

  test('every catalog and Control Tower rule file reads back as parseGuard makes it', () => {
    expect(rules.length).toBeGreaterThan(280);
    for (const r of rules) expect(parseGuardCached(r.text, r.file)).toEqual(parseGuard(r.text, r.file)); // stored
    expect(entries()).toHaveLength(new Set(rules.map((r) => `${r.file}\0${r.text}`)).size);
    for (const r of rules) expect(parseGuardCached(r.text, r.file)).toEqual(parseGuard(r.text, r.file)); // read back
  });

  test('an edit to the text, or another file name, is another entry', () => {
    const text = "rule r { Resources.*[ Type == 'AWS::S3::Bucket' ] { Properties exists } }\n";
    parseGuardCached(text, 'a.guard');
    const edited = parseGuardCached(text.replace('S3::Bucket', 'SQS::Queue'), 'a.guard');
    expect(JSON.stringify(edited)).toContain('AWS::SQS::Queue');
    expect(parseGuardCached(text, 'b.guard').file).toBe('b.guard');
    expect(entries()).toHaveLength(3);
  });

  test('a text that does not parse is an error every time, never stored', () => {
    for (let i = 0; i < 2; i++) expect(() => parseGuardCached('rule r { Resources.*[ Type == ] exists }', 'bad.guard')).toThrow(GuardParseError);
    expect(fs.existsSync(path.join(dir, 'guard-ast'))).toBe(false);
  });

  test('an unreadable, truncated or foreign entry is a miss', () => {
    const text = "rule r { Resources.*[ Type == 'AWS::S3::Bucket' ] { Properties exists } }\n";
    const fresh = parseGuard(text, 'a.guard');
    parseGuardCached(text, 'a.guard');
    const [name] = entries();
    const file = path.join(dir, 'guard-ast', name);
    const other = parseGuard('rule other { Resources exists }\n', 'a.guard');
    for (const corrupt of [
      Buffer.alloc(0),
      Buffer.from('not v8'),
      v8.serialize({ key: 'another', value: other }),
      v8.serialize({ key: name.slice(0, 64), value: {} }),
    ]) {
      fs.writeFileSync(file, corrupt);
      expect(parseGuardCached(text, 'a.guard')).toEqual(fresh);
    }
  });
});
