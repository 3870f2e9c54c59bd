import * as fs from 'fs';
import * as path from 'path';
import { Catalog } from '../catalog/model';
import { InputError, InputErrors, collectInputErrors } from '../errors';
import { Organization } from '../org/model';
import { loadAccountBaseline } from './load-account-baseline';
import { loadNetworkBaseline } from './load-network-baseline';
import { Baselines } from './model';

/** policies/baselines/account.yaml and network.yaml. */
export function baselineFiles(policiesDir: string): { account: string; network: string } {
  const dir = path.join(policiesDir, 'baselines');
  return { account: path.join(dir, 'account.yaml'), network: path.join(dir, 'network.yaml') };
}

/**
 * Loads whichever of policies/baselines/account.yaml and network.yaml exist, resolved per profile. A file
 * that is absent leaves its baseline undefined (a stack set asking for it is refused where it asks).
 * Collects the problems of both files and throws InputErrors.
 */
export function loadBaselines(catalog: Catalog, org: Organization): Baselines {
  const files = baselineFiles(catalog.root);
  const errors: InputError[] = [];
  const attempt = <T>(file: string, load: (file: string) => T): T | undefined => {
    if (!fs.existsSync(file)) return undefined;
    try {
      return load(file);
    } catch (err) {
      errors.push(...collectInputErrors(err));
      return undefined;
    }
  };
  const account = attempt(files.account, (f) => loadAccountBaseline(f, catalog, org));
  const network = attempt(files.network, (f) => loadNetworkBaseline(f, catalog, org));
  if (errors.length) throw new InputErrors(errors);
  return {
    ...(account ? { account } : {}),
    ...(network ? { network } : {}),
    files: { ...(account ? { account: files.account } : {}), ...(network ? { network: files.network } : {}) },
  };
}
