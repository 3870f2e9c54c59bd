import * as path from 'path';
import { Catalog, loadCatalog, resolvePoliciesDir } from '@tarmac/core';

const catalogs = new Map<string, Catalog>();

/**
 * The catalog an app's checks and aspects read: `policies` if given, else the directory the CLI would use
 * ($TARMAC_POLICIES, the nearest policies/ above the working directory, Tarmac's own). Loaded once per
 * directory per process; an invalid catalog throws InputErrors naming every file and line.
 */
export function catalogFor(policies?: string): Catalog {
  const dir = path.resolve(resolvePoliciesDir(policies));
  let catalog = catalogs.get(dir);
  if (!catalog) {
    catalog = loadCatalog(dir);
    catalogs.set(dir, catalog);
  }
  return catalog;
}
