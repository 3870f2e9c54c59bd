import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as v8 from 'v8';
import { readCacheEntry, tarmacCacheDir, writeCacheEntry } from '@tarmac/core';
import type { GuardFile } from './ast';
import { parseGuard } from './parse';

/** Bump when the stored shape changes. */
const FORMAT = 1;
const GUARD_DIR = path.join(__dirname, '..', '..');

let stamp: string | undefined;
/** This package's build: its version, and in a checkout its last build (tsc -b rewrites tsconfig.tsbuildinfo). */
function parserStamp(): string {
  if (stamp === undefined) {
    const parts = [fs.readFileSync(path.join(GUARD_DIR, 'package.json'), 'utf8')];
    const build = path.join(GUARD_DIR, 'tsconfig.tsbuildinfo');
    if (fs.existsSync(build)) {
      const s = fs.statSync(build, { bigint: true });
      parts.push(`${s.size}\0${s.mtimeNs}`);
    }
    stamp = parts.join('\0');
  }
  return stamp;
}

/**
 * parseGuard, remembered between runs by the rule text, its file name (positions name it) and this build: the
 * 237 Control Tower rules take 130-230 ms to parse in a fresh process and about 50 ms to read back. The tree
 * is stored with v8.serialize, which keeps every value as parsed (undefined, NaN, shared nodes). A text that
 * does not parse is not stored (the error is found again), and an entry that cannot be read, or that names
 * another key, is a miss.
 */
export function parseGuardCached(text: string, file: string): GuardFile {
  const dir = tarmacCacheDir('guard-ast');
  if (!dir) return parseGuard(text, file);
  const key = createHash('sha256').update(`tarmac-guard-ast/${FORMAT}\0${parserStamp()}\0${file}\0`).update(text).digest('hex');
  const entry = path.join(dir, `${key}.v8`);
  const data = readCacheEntry(entry);
  if (data) {
    try {
      const stored = v8.deserialize(data) as { key?: unknown; ast?: GuardFile };
      if (stored?.key === key && stored.ast && Array.isArray(stored.ast.rules)) return stored.ast;
    } catch {
      // not an entry: a miss
    }
  }
  const ast = parseGuard(text, file);
  writeCacheEntry(entry, v8.serialize({ key, ast }), /^[0-9a-f]{64}\.v8$/);
  return ast;
}
