import * as path from 'path';
import { Catalog } from '../catalog/model';
import { Organization } from '../org/model';
import { compileStackSets } from './compile-stacksets';
import { loadHooks } from './load-hooks';
import { loadStackSets } from './load-stacksets';
import { StackSetsBuild } from './model';

/** hooks/ and stacksets/ sit beside policies/ (DESIGN.md layout). */
export function deploymentDirs(policiesDir: string): { hooks: string; stacksets: string } {
  const root = path.dirname(path.resolve(policiesDir));
  return { hooks: path.join(root, 'hooks'), stacksets: path.join(root, 'stacksets') };
}

/**
 * Loads and compiles hooks/ and stacksets/ for this catalog and organization. Undefined when there is no
 * stack set to build. Throws InputErrors naming every problem.
 */
export function loadDeployment(catalog: Catalog, org: Organization): StackSetsBuild | undefined {
  const dirs = deploymentDirs(catalog.root);
  const hooks = loadHooks(dirs.hooks);
  return compileStackSets(catalog, org, hooks, loadStackSets(dirs.stacksets, org, catalog, hooks));
}
