import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** Entries unused for this long are removed when another is written. */
const MAX_AGE_MS = 7 * 24 * 3600 * 1000;

/**
 * Where Tarmac keeps what it derives from sources between runs (the loaded catalog, parsed Guard rules), each
 * entry keyed by the content it was derived from: $TARMAC_CACHE_DIR, else $XDG_CACHE_HOME/tarmac or
 * ~/.cache/tarmac; undefined with TARMAC_NO_CACHE=1.
 */
export function tarmacCacheDir(...sub: string[]): string | undefined {
  if (process.env.TARMAC_NO_CACHE === '1') return undefined;
  const base = process.env.TARMAC_CACHE_DIR || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'tarmac');
  return path.join(base, ...sub);
}

/** The entry's content, marked used; undefined when it cannot be read (a miss). */
export function readCacheEntry(file: string): Buffer | undefined {
  try {
    const data = fs.readFileSync(file);
    const now = new Date();
    fs.utimesSync(file, now, now);
    return data;
  } catch {
    return undefined;
  }
}

/** Written whole or not at all (a concurrent reader sees the old entry or the new one); old entries pruned. */
export function writeCacheEntry(file: string, data: string | Buffer, entries: RegExp): void {
  try {
    const dir = path.dirname(file);
    fs.mkdirSync(dir, { recursive: true });
    pruneCache(dir, entries);
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, file);
  } catch {
    // A cache that cannot be written costs the next run time, nothing else.
  }
}

const pruned = new Set<string>();

/** Once per directory and process: a run that writes hundreds of entries scans the directory once. */
function pruneCache(dir: string, entries: RegExp): void {
  if (pruned.has(dir)) return;
  pruned.add(dir);
  const cutoff = Date.now() - MAX_AGE_MS;
  for (const name of fs.readdirSync(dir)) {
    if (!entries.test(name)) continue;
    const file = path.join(dir, name);
    try {
      if (fs.statSync(file).mtimeMs < cutoff) fs.rmSync(file, { force: true });
    } catch {
      // removed by another run
    }
  }
}
