import * as fs from 'fs';
import { diffCatalogs, formatCatalogDiff, isEmptyDiff } from '../catalog-package/catalog-diff';
import { openCatalog, scratchDir } from '../catalog-package/open-catalog';

/** Prints what moving from one catalog to another changes; exits as diff(1) does: 0 same, 1 different. */
export async function catalogDiffCommand(from: string, to: string, opts: { format: 'text' | 'json' }): Promise<number> {
  const scratch = scratchDir();
  try {
    const diff = diffCatalogs(openCatalog(from, scratch), openCatalog(to, scratch));
    process.stdout.write(opts.format === 'json' ? JSON.stringify(diff, null, 2) + '\n' : formatCatalogDiff(diff));
    return isEmptyDiff(diff) ? 0 : 1;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
