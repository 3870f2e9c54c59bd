// json-scan against jsonc-parser's syntax tree (what parseJsonSource used before) on seeded random JSON text:
// the same repeated key found first, and the same offset for every path a report may locate.
import { Node, parseTree } from 'jsonc-parser';
import { firstDuplicateKey, scanPositions, ScannedNode } from './json-scan';

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KEYS = ['Type', 'Properties', 'a', 'é', '"q"', 'back\\slash', 'A', 'Ü', 'x y', '{', '[', ':', ','];
/** A key as JSON text, sometimes with escapes a scanner must decode (\u0041 is A). */
function keyText(r: () => number, key: string): string {
  const plain = JSON.stringify(key);
  if (r() < 0.3) return plain.replace(/A/g, '\\u0041').replace(/é/g, '\\u00e9');
  return plain;
}
const space = (r: () => number) => ['', ' ', '\n', '\t', '\r\n  '][Math.floor(r() * 5)];

/** Random JSON text; repeated keys in some objects when `duplicates`. */
function randomJson(r: () => number, depth: number, duplicates: boolean): string {
  const k = r();
  if (depth > 4 || k < 0.3) {
    const scalars = ['0', '-1.5e3', 'true', 'false', 'null', '"s"', '"a\\"b\\\\"', '"}]"', '"\\u005d"'];
    return scalars[Math.floor(r() * scalars.length)];
  }
  const n = Math.floor(r() * 5);
  if (k < 0.6) return `[${space(r)}${Array.from({ length: n }, () => `${randomJson(r, depth + 1, duplicates)}${space(r)}`).join(',')}]`;
  const keys = Array.from({ length: n }, () => KEYS[Math.floor(r() * KEYS.length)]);
  const unique = duplicates ? keys : [...new Set(keys)];
  return `{${space(r)}${unique.map((key) => `${keyText(r, key)}${space(r)}:${space(r)}${randomJson(r, depth + 1, duplicates)}`).join(`,${space(r)}`)}${space(r)}}`;
}

/** From the tree: the repeated key that comes first in the text (of any object). */
function treeDuplicate(root: Node): number | undefined {
  let first: number | undefined;
  const stack = [root];
  for (let node = stack.pop(); node; node = stack.pop()) {
    if (node.type === 'object') {
      const seen = new Set<string>();
      for (const p of node.children ?? []) {
        const key = p.children![0];
        if (seen.has(key.value) && (first === undefined || key.offset < first)) first = key.offset;
        seen.add(key.value);
      }
    }
    stack.push(...(node.children ?? []));
  }
  return first;
}

/** Every path into the tree with the offset the old locate gave for it: the key of a member, the item. */
function treePaths(node: Node, prefix: (string | number)[], out: Map<string, number>): void {
  if (node.type === 'object') {
    const seen = new Set<string>();
    for (const p of node.children ?? []) {
      const key = p.children![0];
      if (seen.has(key.value)) continue; // the first of a repeated key is the one located
      seen.add(key.value);
      out.set(JSON.stringify([...prefix, key.value]), key.offset);
      treePaths(p.children![1], [...prefix, key.value], out);
    }
  } else if (node.type === 'array') {
    (node.children ?? []).forEach((item, i) => {
      out.set(JSON.stringify([...prefix, i]), item.offset);
      treePaths(item, [...prefix, i], out);
    });
  }
}

function scanLocate(root: ScannedNode, path: (string | number)[]): number | undefined {
  let node: ScannedNode | undefined = root;
  let offset: number | undefined;
  for (const key of path) {
    if (node?.members && typeof key === 'string') {
      const m = node.members.get(key);
      if (!m) return undefined;
      offset = m.keyOffset;
      node = m.value;
    } else if (node?.items && typeof key === 'number') {
      node = node.items[key];
      if (!node) return undefined;
      offset = node.offset;
    } else return undefined;
  }
  return offset;
}

describe('json-scan agrees with a syntax tree on seeded random JSON', () => {
  const SEED = 20261207;
  const CASES = 3000;

  test(`${CASES} documents with repeated keys: the same first repeated key`, () => {
    const r = rng(SEED);
    let found = 0;
    for (let i = 0; i < CASES; i++) {
      const text = `${space(r)}${randomJson(r, 0, true)}${space(r)}`;
      JSON.parse(text); // valid JSON, as parseJsonSource guarantees before scanning
      const expected = treeDuplicate(parseTree(text)!);
      expect([i, firstDuplicateKey(text)?.offset]).toEqual([i, expected]);
      if (expected !== undefined) found++;
    }
    expect(found).toBeGreaterThan(CASES / 10); // the generator does produce repeats
  });

  test(`${CASES} documents: the same offset for every path, and the root`, () => {
    const r = rng(SEED + 1);
    let paths = 0;
    for (let i = 0; i < CASES; i++) {
      const text = `${space(r)}${randomJson(r, 0, r() < 0.2)}${space(r)}`;
      const tree = parseTree(text)!;
      const scanned = scanPositions(text);
      expect(scanned.offset).toBe(tree.offset);
      const expected = new Map<string, number>();
      treePaths(tree, [], expected);
      for (const [path, offset] of expected) {
        expect([text, path, scanLocate(scanned, JSON.parse(path) as (string | number)[])]).toEqual([text, path, offset]);
        paths++;
      }
    }
    expect(paths).toBeGreaterThan(CASES * 2);
  });
});
