import * as path from 'path';
import { Catalog, resolveCatalog } from '@tarmac/core';

/** How an app names its catalog; both absent: the catalog package among the app's dependencies. */
export interface CatalogSelection {
  /**
   * A policies/ directory.
   * @default $TARMAC_POLICIES, else the installed catalog package (see `catalog`)
   */
  readonly policies?: string;
  /**
   * The installed catalog package to use, when the app depends on several.
   * @default $TARMAC_CATALOG, else the only catalog package among the app's dependencies (or the nearest policies/ above)
   */
  readonly catalog?: string;
}

const catalogs = new Map<string, Catalog>();

/**
 * The catalog an app's checks and aspects read, found as `tarmac check` finds it (see locateCatalog in
 * @tarmac/core). Loaded once per choice per process; an invalid catalog throws InputErrors naming every file
 * and line, and the package it came from.
 */
export function catalogFor(selection: CatalogSelection = {}): Catalog {
  const key = JSON.stringify([
    selection.policies && path.resolve(selection.policies),
    selection.catalog,
    process.cwd(),
    process.env.TARMAC_POLICIES,
    process.env.TARMAC_CATALOG,
  ]);
  let catalog = catalogs.get(key);
  if (!catalog) {
    catalog = resolveCatalog(selection);
    catalogs.set(key, catalog);
  }
  return catalog;
}
