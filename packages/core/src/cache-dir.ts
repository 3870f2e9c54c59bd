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

/** The entry's content; undefined when it cannot be read (a miss). Entries age from when they were written. */
export function readCacheEntry(file: string): Buffer | undefined {
  try {
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
}

const stamps = new Map<string, string>();
/**
 * A package's build, for cache keys: its package.json, the data directories it reads, and in a checkout its
 * last build (tsc -b rewrites tsconfig.tsbuildinfo whenever it writes dist/). Under jest, which runs src/,
 * each run has a cache directory of its own (test/jest-env.js).
 */
export function buildStamp(packageDir: string, dataDirs: readonly string[] = []): string {
  let stamp = stamps.get(packageDir);
  if (stamp === undefined) {
    const parts = [fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8')];
    const stat = (f: string) => {
      const s = fs.statSync(f, { bigint: true });
      parts.push(`${f}\0${s.size}\0${s.mtimeNs}`);
    };
    for (const dir of dataDirs) for (const f of filesUnder(path.join(packageDir, dir))) stat(f);
    const build = path.join(packageDir, 'tsconfig.tsbuildinfo');
    if (fs.existsSync(build)) stat(build);
    stamps.set(packageDir, (stamp = parts.join('\0')));
  }
  return stamp;
}

/** Every file under `dir`, in a stable order; none when it does not exist. */
export function filesUnder(dir: string): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.sort((a, b) => (a.name < b.name ? -1 : 1)).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
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
