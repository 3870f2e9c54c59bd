import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Catalog, Control, MandatoryTag, Profile } from './model';
import { compileTagRule, TAG_RULE_NAMES } from './tag-rules';

/** Bump when the stored shape changes. */
const FORMAT = 1;
/** Entries unused for this long are removed when another is written. */
const MAX_AGE_MS = 7 * 24 * 3600 * 1000;
const CORE_DIR = path.join(__dirname, '..', '..');

/**
 * A loaded catalog remembered between runs, keyed by everything loading reads: the content of every file under
 * the catalog's directory (test cases by name only: loading checks that they exist) and the build of this
 * package. A pre-commit check then skips parsing and validating a hundred YAML files, most of its time. Only a
 * catalog that loaded without errors is stored, so every error is found again; an entry that cannot be read,
 * or that says it is of another key, is a miss. TARMAC_NO_CACHE=1 turns it off; TARMAC_CACHE_DIR moves it.
 */
export function cachedCatalog(root: string, load: () => Catalog): Catalog {
  const dir = cacheDir();
  if (!dir) return load();
  let key: string;
  try {
    key = catalogKey(root);
  } catch {
    return load(); // an unreadable file: loading reports it
  }
  const file = path.join(dir, `catalog-${key}.json`);
  const hit = readEntry(file, key, root);
  if (hit) {
    touch(file);
    return hit;
  }
  const catalog = load();
  writeEntry(dir, file, key, catalog);
  return catalog;
}

function cacheDir(): string | undefined {
  if (process.env.TARMAC_NO_CACHE === '1') return undefined;
  if (process.env.TARMAC_CACHE_DIR) return process.env.TARMAC_CACHE_DIR;
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'tarmac');
}

/** The catalog's files (path and content; test cases by path), and this package's build (its files' stamps). */
export function catalogKey(root: string): string {
  const hash = createHash('sha256').update(`tarmac-catalog-cache/${FORMAT}\0${path.resolve(root)}\0`);
  hash.update(codeStamp());
  for (const f of filesUnder(root, () => true, [])) {
    hash.update(`${path.relative(root, f)}\0`);
    if (!f.split(path.sep).includes('tests')) hash.update(fs.readFileSync(f)).update('\0');
  }
  return hash.digest('hex');
}

let stamp: string | undefined;
/**
 * This package's build: a published package changes only with its version; a checkout (it has src/) by any
 * file, sources included, since under jest (ts-jest) this module runs from src/ and a stale entry must not hide
 * an edit there.
 */
function codeStamp(): string {
  if (stamp === undefined) {
    const parts = [fs.readFileSync(path.join(CORE_DIR, 'package.json'), 'utf8')];
    if (fs.existsSync(path.join(CORE_DIR, 'src')))
      for (const f of filesUnder(CORE_DIR, (name) => /\.(js|ts|json)$/.test(name), ['node_modules'])) {
        const s = fs.statSync(f, { bigint: true });
        parts.push(`${f}\0${s.size}\0${s.mtimeNs}`);
      }
    stamp = parts.join('\0');
  }
  return stamp;
}

function filesUnder(dir: string, keep: (name: string) => boolean, skip: readonly string[]): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (!skip.includes(e.name)) out.push(...filesUnder(full, keep, skip));
    } else if (keep(e.name)) out.push(full);
  }
  return out;
}

interface Entry {
  readonly key: string;
  readonly catalog: Omit<Catalog, 'profiles' | 'controls'> & { profiles: [string, Profile][]; controls: Omit<Control, 'guardFor'>[] };
}

function readEntry(file: string, key: string, root: string): Catalog | undefined {
  let entry: Entry;
  try {
    entry = JSON.parse(fs.readFileSync(file, 'utf8')) as Entry;
  } catch {
    return undefined;
  }
  const c = entry?.catalog;
  if (entry?.key !== key || !c || c.root !== root || !Array.isArray(c.controls) || !Array.isArray(c.profiles) || !Array.isArray(c.tags)) return undefined;
  return { ...c, profiles: new Map(c.profiles), controls: c.controls.map((control) => withGuardFor(control, c.tags)) };
}

/** A generated rule's text per set of resource types is a function of tags.yaml: made again, not stored. */
function withGuardFor(control: Omit<Control, 'guardFor'>, tags: readonly MandatoryTag[]): Control {
  const id = control.id as keyof typeof TAG_RULE_NAMES;
  if (!control.guardFile.endsWith('tags.yaml') || !TAG_RULE_NAMES[id]) return control;
  const say = { message: control.message, fix: control.fix };
  return { ...control, guardFor: (types) => compileTagRule(id, tags, types, say) };
}

function writeEntry(dir: string, file: string, key: string, catalog: Catalog): void {
  const entry: Entry = {
    key,
    catalog: {
      ...catalog,
      profiles: [...catalog.profiles],
      controls: catalog.controls.map(({ guardFor: _made, ...control }) => control),
    },
  };
  try {
    fs.mkdirSync(dir, { recursive: true });
    prune(dir);
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(entry));
    fs.renameSync(tmp, file); // whole or not at all: a concurrent reader sees the old entry or the new one
  } catch {
    // A cache that cannot be written costs the next run time, nothing else.
  }
}

function touch(file: string): void {
  try {
    const now = new Date();
    fs.utimesSync(file, now, now);
  } catch {
    // pruned a little early, at worst
  }
}

function prune(dir: string): void {
  const cutoff = Date.now() - MAX_AGE_MS;
  for (const name of fs.readdirSync(dir)) {
    if (!/^catalog-[0-9a-f]{64}\.json$/.test(name)) continue;
    const file = path.join(dir, name);
    try {
      if (fs.statSync(file).mtimeMs < cutoff) fs.rmSync(file, { force: true });
    } catch {
      // removed by another run
    }
  }
}
