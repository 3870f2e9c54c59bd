/**
 * Self-tests of the generator (no product code): the writers round-trip every base through an
 * independent YAML reader, and the text-level meaning-preserving families really preserve the document.
 */
import * as fs from 'fs';
import { readCfn } from './cfn-yaml';
import { generateMutants } from './generate';
import { Entries, isMap } from './model';
import { Target } from './mutant';
import { Rng } from './prng';
import { CORPUS, loadBases } from './seeds';
import { FORMATS, write } from './serialize';

// The corpus, when it is there (npm test does not need it).
const bases = loadBases({ corpus: fs.existsSync(CORPUS) });

/** Plain values, Entries as maps (last key wins), for comparing what a reader sees. */
function plain(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(plain);
  if (v instanceof Entries) return Object.fromEntries(v.entries.map(([k, x]) => [k, plain(x)]));
  if (isMap(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

test('the PRNG is deterministic per seed', () => {
  const a = new Rng('x:1');
  const b = new Rng('x:1');
  const c = new Rng('x:2');
  const seq = (r: Rng) => Array.from({ length: 5 }, () => r.int(0, 1000));
  expect(seq(a)).toEqual(seq(b));
  expect(seq(new Rng('x:1'))).not.toEqual(seq(c));
});

test('there are bases from the examples and from the control test cases', () => {
  expect(bases.some((b) => b.name.startsWith('examples/'))).toBe(true);
  expect(bases.filter((b) => b.name.startsWith('policies/')).length).toBeGreaterThan(300);
});

test.each(FORMATS)('every base round-trips through the %s writer', (format) => {
  for (const b of bases) {
    const text = write(b.doc, format);
    expect({ name: b.name, doc: readCfn(text)[0] }).toEqual({ name: b.name, doc: plain(b.doc) });
  }
});

test('meaning-preserving text families (escaped keys, key order, serialization, encoding) keep the document', () => {
  // Pretend every resource of every base failed somewhere, so the families have targets.
  const targets = new Map<number, Target[]>(
    bases.map((b) => [b.id, Object.keys(b.doc.Resources as object).map((logicalId) => ({ controlId: 'X', logicalId, path: ['Properties'] }))]),
  );
  const mutants = generateMutants({
    runSeed: 'self-test',
    count: 1500,
    bases,
    targets,
    families: new Set(['escaped-keys', 'key-order', 'serialization', 'encoding']),
  });
  expect(mutants.length).toBe(1500);
  let checked = 0;
  for (const m of mutants.filter((x) => x.preserving)) {
    let text = Buffer.from(m.bytes).toString('utf8');
    if (m.variant === 'cr') text = text.replace(/\r/g, '\n');
    const docs = readCfn(text);
    expect({ seed: m.seed, description: m.description, doc: docs[0] }).toEqual({ seed: m.seed, description: m.description, doc: plain(m.base.doc) });
    checked++;
  }
  expect(checked).toBeGreaterThan(1000);
});
