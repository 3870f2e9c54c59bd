import * as fs from 'fs';
import * as path from 'path';

/**
 * Where the catalog is: --policies, else $TARMAC_POLICIES, else the nearest policies/ above the working
 * directory (like git finds .git), else the catalog that ships with Tarmac. Shared by the CLI and the CDK
 * constructs, so `tarmac check` and `cdk synth` in one checkout read the same catalog.
 */
export function resolvePoliciesDir(explicit?: string, cwd = process.cwd()): string {
  if (explicit) return explicit;
  if (process.env.TARMAC_POLICIES) return process.env.TARMAC_POLICIES;
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'policies', 'tags.yaml'))) return path.join(dir, 'policies');
    if (path.dirname(dir) === dir) break;
  }
  return path.resolve(__dirname, '..', '..', '..', 'policies'); // packages/core/{src,dist} -> the repository root
}
