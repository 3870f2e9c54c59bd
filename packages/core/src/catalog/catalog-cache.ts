import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { buildStamp, filesUnder, readCacheEntry, tarmacCacheDir, writeCacheEntry } from '../cache-dir';
import { Catalog, Control, MandatoryTag, Profile } from './model';
import { compileTagRule, TAG_RULE_NAMES } from './tag-rules';

/** Bump when the stored shape changes. */
const FORMAT = 1;
const CORE_DIR = path.join(__dirname, '..', '..');

/**
 * A loaded catalog remembered between runs, keyed by everything loading reads: the content of every file under
 * the catalog's directory and the build of this package. A pre-commit check then skips parsing and validating a hundred YAML files, most of its time. Only a
 * catalog that loaded without errors is stored, so every error is found again; an entry that cannot be read,
 * or that says it is of another key, is a miss. TARMAC_NO_CACHE=1 turns it off; TARMAC_CACHE_DIR moves it.
 */
export function cachedCatalog(root: string, load: () => Catalog): Catalog {
  const dir = tarmacCacheDir();
  if (!dir) return load();
  let key: string;
  try {
    key = catalogKey(root);
  } catch {
    return load(); // an unreadable file: loading reports it
  }
  const file = path.join(dir, `catalog-${key}.json`);
  const hit = readEntry(file, key, root);
  if (hit) return hit;
  const catalog = load();
  writeEntry(file, key, catalog);
  return catalog;
}

/** The catalog's files (path and content) and this package's build. */
export function catalogKey(root: string): string {
  const hash = createHash('sha256').update(`tarmac-catalog-cache/${FORMAT}\0${path.resolve(root)}\0`);
  hash.update(buildStamp(CORE_DIR, ['schemas', 'data']));
  // Every file, test cases included: loading reads only whether those exist, but a rule is not told from a
  // test case by its directory's name alone, and a file left out of the key could hide an edit.
  for (const f of filesUnder(root))
    hash
      .update(`${path.relative(root, f)}\0`)
      .update(fs.readFileSync(f))
      .update('\0');
  return hash.digest('hex');
}

interface Entry {
  readonly key: string;
  readonly catalog: Omit<Catalog, 'profiles' | 'controls'> & { profiles: [string, Profile][]; controls: Omit<Control, 'guardFor'>[] };
}

function readEntry(file: string, key: string, root: string): Catalog | undefined {
  let entry: Entry;
  try {
    entry = JSON.parse(readCacheEntry(file)?.toString('utf8') ?? '') as Entry;
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

function writeEntry(file: string, key: string, catalog: Catalog): void {
  const entry: Entry = {
    key,
    catalog: {
      ...catalog,
      profiles: [...catalog.profiles],
      controls: catalog.controls.map(({ guardFor: _made, ...control }) => control),
    },
  };
  writeCacheEntry(file, JSON.stringify(entry), /^catalog-[0-9a-f]{64}\.json$/);
}
