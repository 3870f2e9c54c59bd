import { createHash } from 'crypto';
import * as path from 'path';
import * as v8 from 'v8';
import { buildStamp, readCacheEntry, tarmacCacheDir, writeCacheEntry } from '@tarmac/core';

/** Bump when a stored shape changes. */
const FORMAT = 1;
const GUARD_DIR = path.join(__dirname, '..');

/**
 * What `derive` makes of a rule text, remembered between runs by the text, the file name it is read under
 * and this package's build (see tarmacCacheDir): a fresh process reads the 237 Control Tower rules' parse
 * trees back in ~50 ms instead of parsing them in 130-230 ms, and their analyses in ~5 ms instead of ~300 ms.
 * Stored with v8.serialize, which keeps every value as made (undefined, NaN, Sets, shared nodes). What throws
 * is not stored (the error is met again); an entry that cannot be read, names another key or fails `valid`
 * is a miss.
 */
export function cachedFromText<T>(kind: string, text: string, file: string, derive: () => T, valid: (stored: unknown) => boolean): T {
  const dir = tarmacCacheDir(kind);
  if (!dir) return derive();
  const key = createHash('sha256')
    .update(`tarmac-${kind}/${FORMAT}\0${buildStamp(GUARD_DIR)}\0${file}\0`)
    .update(text)
    .digest('hex');
  const entry = path.join(dir, `${key}.v8`);
  const data = readCacheEntry(entry);
  if (data) {
    try {
      const stored = v8.deserialize(data) as { key?: unknown; value?: unknown };
      if (stored?.key === key && valid(stored.value)) return stored.value as T;
    } catch {
      // not an entry: a miss
    }
  }
  const value = derive();
  writeCacheEntry(entry, v8.serialize({ key, value }), /^[0-9a-f]{64}\.v8$/);
  return value;
}
