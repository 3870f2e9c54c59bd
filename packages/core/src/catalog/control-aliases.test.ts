import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { InputError, InputErrors } from '../errors';
import { canonicalControlId, controlIdsOf, controlNamed } from './control-aliases';
import { loadCatalog } from './load-catalog';

const POLICIES = path.resolve(__dirname, '..', '..', '..', '..', 'policies');
const roots: string[] = [];
afterAll(() => roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })));

/** A copy of the real catalog with one control file edited. */
function catalogWith(edits: Record<string, (text: string) => string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-aliases-'));
  roots.push(root);
  fs.cpSync(POLICIES, root, { recursive: true });
  for (const [rel, edit] of Object.entries(edits)) {
    const file = path.join(root, rel);
    const text = fs.readFileSync(file, 'utf8');
    const edited = edit(text);
    if (edited === text) throw new Error(`edit of ${rel} changed nothing`);
    fs.writeFileSync(file, edited);
  }
  return root;
}

function errorsOf(root: string): InputError[] {
  try {
    loadCatalog(root);
  } catch (e) {
    if (e instanceof InputErrors) return [...e.errors];
    throw e;
  }
  throw new Error('expected InputErrors');
}

const lineOf = (file: string, text: string) =>
  fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .findIndex((l) => l.includes(text)) + 1;

describe('control aliases', () => {
  const catalog = loadCatalog(POLICIES);

  test('IMDSv2 and the tag controls answer to the IDs of the organization policies that enforce them', () => {
    expect(controlIdsOf(controlNamed(catalog, 'LZ.EC2.2')!)).toEqual(['LZ.EC2.2', 'LZ.SCP.5']);
    expect(canonicalControlId(catalog, 'LZ.SCP.5')).toBe('LZ.EC2.2');
    expect(canonicalControlId(catalog, 'LZ.SCP.9')).toBe('LZ.TAG.1');
    expect(canonicalControlId(catalog, 'LZ.TAG.3')).toBe('LZ.TAG.2');
    expect(canonicalControlId(catalog, 'LZ.S3.1')).toBe('LZ.S3.1');
    // LZ.DEC.1 only sets account defaults, several intents at once: related to LZ.EC2.2, not an alias (ADR 0012).
    expect(canonicalControlId(catalog, 'LZ.DEC.1')).toBeUndefined();
    expect(canonicalControlId(catalog, 'LZ.NOPE.1')).toBeUndefined();
  });

  test('a control without aliases has none', () => {
    expect(controlNamed(catalog, 'LZ.S3.1')!.aliases).toEqual([]);
  });

  test('an alias used by two controls is refused at its line', () => {
    const root = catalogWith({ 'controls/s3/bucket-kms-encryption.yaml': (t) => t.replace('id: LZ.S3.2\n', 'id: LZ.S3.2\naliases: [LZ.SCP.5]\n') });
    const file = path.join(root, 'controls', 's3', 'bucket-kms-encryption.yaml');
    const [e, ...more] = errorsOf(root);
    expect(more).toEqual([]);
    expect(e.location).toMatchObject({ file, line: lineOf(file, 'aliases:') });
    expect(e.problem).toBe('alias LZ.SCP.5 of LZ.S3.2 is already an alias of LZ.EC2.2');
  });

  test("an alias that is another control's ID is refused at its line", () => {
    const root = catalogWith({ 'controls/s3/bucket-kms-encryption.yaml': (t) => t.replace('id: LZ.S3.2\n', 'id: LZ.S3.2\naliases: [LZ.S3.1]\n') });
    const file = path.join(root, 'controls', 's3', 'bucket-kms-encryption.yaml');
    const [e] = errorsOf(root);
    expect(e.message).toMatch(
      new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${lineOf(file, 'aliases:')}:\\d+: alias LZ.S3.1 of LZ.S3.2 is the ID of the control in `),
    );
  });

  test('a malformed alias is a schema error', () => {
    const root = catalogWith({ 'controls/s3/bucket-kms-encryption.yaml': (t) => t.replace('id: LZ.S3.2\n', 'id: LZ.S3.2\naliases: [s3-kms]\n') });
    expect(errorsOf(root).map((e) => e.message)).toContainEqual(expect.stringMatching(/bucket-kms-encryption\.yaml:2:\d+: .*s3-kms/));
  });

  test('a profile names a control by its own ID, not an alias', () => {
    const root = catalogWith({ 'profiles/dev.yaml': (t) => `${t.trimEnd()}\n  LZ.SCP.5: warn\n` });
    expect(errorsOf(root).map((e) => e.message)).toEqual([
      expect.stringMatching(/dev\.yaml:\d+:\d+: LZ\.SCP\.5 is an alias of LZ\.EC2\.2 \(expected the control's own ID, LZ\.EC2\.2\)/),
    ]);
  });
});
