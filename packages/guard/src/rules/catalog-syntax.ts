import { Catalog, InputError, Profile } from '@tarmac/core';
import { createEngine } from '../engines/create-engine';
import { catalogRules } from './catalog-rules';

/** Every control on: a rule must parse whichever profile will run it. */
const EVERY_CONTROL: Omit<Profile, 'file'> = { name: 'every-control', description: '', default: 'enforce', controls: {}, controlTower: 'off', uncheckable: 'enforce' };

/**
 * The catalog's Guard rules (generated ones included) that do not parse, each an error at its file and line:
 * what `tarmac build` bundles for the Guard Hooks must be rules Guard can run.
 */
export async function unparsableCatalogRules(catalog: Catalog): Promise<InputError[]> {
  const engine = createEngine('auto');
  try {
    return await engine.unparsableRules(catalogRules(catalog, { ...EVERY_CONTROL, file: catalog.root }));
  } finally {
    engine.dispose();
  }
}
