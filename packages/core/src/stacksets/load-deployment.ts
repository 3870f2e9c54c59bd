import * as path from 'path';
import { permissionsBoundaryProblems } from '../baselines/boundary-statements';
import { loadBaselines } from '../baselines/load-baselines';
import { Catalog } from '../catalog/model';
import { InputError, InputErrors, collectInputErrors } from '../errors';
import { loadFinOps } from '../finops/load-finops';
import { Organization } from '../org/model';
import { compileStackSets } from './compile-stacksets';
import { loadHooks } from './load-hooks';
import { loadStackSets } from './load-stacksets';
import { StackSetsBuild } from './model';
import { BuildExemptions } from '../exemptions/model';

/** hooks/ and stacksets/ sit beside policies/ (DESIGN.md layout). */
export function deploymentDirs(policiesDir: string): { hooks: string; stacksets: string } {
  const root = path.dirname(path.resolve(policiesDir));
  return { hooks: path.join(root, 'hooks'), stacksets: path.join(root, 'stacksets') };
}

/**
 * Loads and compiles hooks/, policies/baselines/, policies/finops/ and stacksets/ for this catalog and
 * organization. Undefined when there is no stack set to build. Throws InputErrors naming every problem.
 * The permissions boundary's IAM names need the (asynchronous) IAM catalog: loadDeploymentChecked adds them.
 * `exempt`: the exemptions and day for the rule bundles (compileStackSets); without them none is carried.
 */
export function loadDeployment(catalog: Catalog, org: Organization, exempt?: BuildExemptions): StackSetsBuild | undefined {
  const dirs = deploymentDirs(catalog.root);
  const errors: InputError[] = [];
  const attempt = <T>(load: () => T): T | undefined => {
    try {
      return load();
    } catch (err) {
      errors.push(...collectInputErrors(err));
      return undefined;
    }
  };
  const hooks = attempt(() => loadHooks(dirs.hooks));
  const baselines = attempt(() => loadBaselines(catalog, org));
  const finops = attempt(() => loadFinOps(catalog, org));
  // Stack sets are checked against all three: with one of them broken, their errors would only echo it.
  if (errors.length || !hooks || !baselines) throw new InputErrors(errors);
  const sources = { baselines, ...(finops ? { finops } : {}) };
  return compileStackSets(catalog, org, hooks, loadStackSets(dirs.stacksets, org, catalog, hooks, sources), sources, exempt);
}

/**
 * loadDeployment, plus the checks that need the IAM catalog: every action, condition key and operator of
 * the permissions boundary's statements. Every problem of both, at once. What `tarmac build` should call.
 */
export async function loadDeploymentChecked(catalog: Catalog, org: Organization, exempt?: BuildExemptions): Promise<StackSetsBuild | undefined> {
  const iam = await permissionsBoundaryProblems(catalog);
  let build: StackSetsBuild | undefined;
  try {
    build = loadDeployment(catalog, org, exempt);
  } catch (err) {
    throw new InputErrors([...collectInputErrors(err), ...iam]);
  }
  if (iam.length) throw new InputErrors(iam);
  return build;
}
