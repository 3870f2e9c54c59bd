import { Catalog, InputError, Profile } from '@tarmac/core';
import { createEngine } from '../engines/create-engine';
import { catalogDispatchProblems, catalogRules } from './catalog-rules';

/** Every control on: a rule must parse whichever profile will run it. */
const EVERY_CONTROL: Omit<Profile, 'file'> = {
  name: 'every-control',
  description: '',
  default: 'enforce',
  controls: {},
  controlTower: 'off',
  uncheckable: 'enforce',
};

/**
 * What makes the catalog's rules unfit to run, each an error at its file and line: a rule (generated ones
 * included) that does not parse, and metadata that would route a rule away from templates it can fail on.
 * `tarmac build` refuses to bundle them for the Guard Hooks; `tarmac test` reports them.
 */
export async function catalogRuleProblems(catalog: Catalog): Promise<InputError[]> {
  const engine = createEngine('auto');
  try {
    return [...(await engine.unparsableRules(catalogRules(catalog, { ...EVERY_CONTROL, file: catalog.root }))), ...catalogDispatchProblems(catalog)];
  } finally {
    engine.dispose();
  }
}
