import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { InputError, InputErrors } from '../errors';
import { loadCatalog } from './load-catalog';

const POLICIES = path.resolve(__dirname, '..', '..', '..', '..', 'policies');
const FILE = 'permissions-boundary.yaml';

const roots: string[] = [];
/** A copy of the real catalog whose permissions-boundary.yaml is `text` (or removed, for undefined). */
function catalogWithBoundary(text: string | undefined): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-boundary-'));
  roots.push(root);
  fs.cpSync(POLICIES, root, { recursive: true });
  if (text === undefined) fs.rmSync(path.join(root, FILE));
  else fs.writeFileSync(path.join(root, FILE), text);
  return root;
}
afterAll(() => {
  for (const root of roots) fs.rmSync(root, { recursive: true, force: true });
});

function errorsOf(root: string): readonly InputError[] {
  try {
    loadCatalog(root);
  } catch (e) {
    if (e instanceof InputErrors) return e.errors;
    throw e;
  }
  throw new Error('expected InputErrors');
}

const DESCRIPTION = 'description: Caps every workload role and user.\n';

test('the real catalog declares TarmacWorkloadBoundary under /tarmac/', () => {
  const boundary = loadCatalog(POLICIES).permissionsBoundary;
  expect(boundary).toEqual({
    name: 'TarmacWorkloadBoundary',
    path: '/tarmac/',
    description: expect.stringMatching(/\S{10,}/),
    file: path.join(POLICIES, FILE),
    statements: expect.arrayContaining([expect.objectContaining({ Sid: 'DenyBoundaryRemoval', Effect: 'Deny' })]),
    statementLines: expect.any(Array),
  });
  expect(boundary!.statementLines).toHaveLength(boundary!.statements!.length);
});

test('a catalog without the file loads, with permissionsBoundary undefined', () => {
  const catalog = loadCatalog(catalogWithBoundary(undefined));
  expect(catalog.permissionsBoundary).toBeUndefined();
  expect(catalog.controls.length).toBeGreaterThan(0);
});

test('path defaults to /', () => {
  const root = catalogWithBoundary(`name: Boundary\n${DESCRIPTION}`);
  expect(loadCatalog(root).permissionsBoundary).toEqual(expect.objectContaining({ name: 'Boundary', path: '/', file: path.join(root, FILE) }));
});

test('an unknown key is refused at its line, listing the allowed keys', () => {
  const root = catalogWithBoundary(`name: Boundary\npath: /tarmac/\n${DESCRIPTION}arn: arn:aws:iam::111122223333:policy/Boundary\n`);
  const errors = errorsOf(root);
  expect(errors).toHaveLength(1);
  expect(errors[0].location).toEqual(expect.objectContaining({ file: path.join(root, FILE), line: 4 }));
  expect(errors[0].message).toMatch(/permissions-boundary\.yaml:4:\d+: unknown key 'arn'/);
  expect(errors[0].message).toMatch(/name, path, description/);
});

test.each([
  ['a space', 'Workload Boundary'],
  ['a slash (that belongs in path)', 'tarmac/Boundary'],
  ['more than 128 characters', 'B'.repeat(129)],
])('a name with %s is refused at its line', (_why, name) => {
  const root = catalogWithBoundary(`${DESCRIPTION}name: ${name}\n`);
  const errors = errorsOf(root);
  expect(errors).toHaveLength(1);
  expect(errors[0].location).toEqual(expect.objectContaining({ file: path.join(root, FILE), line: 2 }));
  expect(errors[0].message).toMatch(/permissions-boundary\.yaml:2:\d+: 'name' has value/);
});

test('a path without its slashes is refused at its line', () => {
  const root = catalogWithBoundary(`name: Boundary\n${DESCRIPTION}path: tarmac\n`);
  const errors = errorsOf(root);
  expect(errors.map((e) => [e.location.file, e.location.line])).toEqual([[path.join(root, FILE), 3]]);
  expect(errors[0].message).toMatch(/'path' has value "tarmac"/);
});

test('a missing name is refused, naming the file', () => {
  const root = catalogWithBoundary(DESCRIPTION);
  const errors = errorsOf(root);
  expect(errors).toHaveLength(1);
  expect(errors[0].location.file).toBe(path.join(root, FILE));
  expect(errors[0].message).toMatch(/name/);
});

test('a boundary problem is reported with the other catalog problems in one pass', () => {
  const root = catalogWithBoundary(`name: Bad Name\n${DESCRIPTION}`);
  fs.appendFileSync(path.join(root, 'profiles', 'dev.yaml'), '  LZ.NOPE.1: warn\n');
  const messages = errorsOf(root)
    .map((e) => e.message)
    .join('\n');
  expect(messages).toMatch(/permissions-boundary\.yaml:1:\d+: 'name' has value "Bad Name"/);
  expect(messages).toMatch(/dev\.yaml:\d+:\d+: unknown control LZ\.NOPE\.1/);
});
