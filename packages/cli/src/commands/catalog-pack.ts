import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { InputError, InputErrors, loadCatalogPackage, readCatalogPackage, resolveCatalog } from '@tarmac/core';
import { buildOutput } from '../build-output';
import { packageIdentity, stageCatalog } from '../catalog-package/stage-catalog';
import { UsageError } from '../usage-error';
import { runCatalogTests, testExitCode, testReportText } from './test';

export interface CatalogPackOptions {
  policies?: string;
  out: string;
  skipSimulation?: boolean;
}

const CLI_VERSION: string = require('../../package.json').version;

/**
 * Packs policies/ into an npm package tarball after refusing anything `tarmac build` or `tarmac test` would
 * refuse: a catalog that reaches workload repositories has passed both. Prints the tarball's path last.
 */
export async function catalogPackCommand(opts: CatalogPackOptions): Promise<number> {
  const catalog = resolveCatalog({ policies: opts.policies, packages: false });
  packageIdentity(catalog); // before the slow gates: a catalog without a name cannot be packed
  await buildOutput(catalog.root, catalog);
  const tests = await runCatalogTests(catalog, opts.skipSimulation === true);
  if (testExitCode(tests) !== 0) {
    process.stderr.write(testReportText(tests));
    throw new InputError(
      { file: catalog.root },
      'the catalog does not pass tarmac test (above); nothing was packed',
      'every control and organization policy case passing',
    );
  }
  const out = path.resolve(opts.out);
  fs.mkdirSync(out, { recursive: true });
  const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-catalog-'));
  try {
    const identity = stageCatalog(catalog, stage, `@tarmac/cli@${CLI_VERSION}`);
    // The package as a workload will read it: found, loaded from its own copy of the sources, and verified.
    loadCatalogPackage(readCatalogPackage(stage)!);
    const tarball = npmPack(stage, out);
    process.stdout.write(
      `packed ${identity.name}@${identity.version}: ${catalog.controls.length} controls, profiles ${[...catalog.profiles.keys()].sort().join(', ')}\n${tarball}\n`,
    );
  } finally {
    fs.rmSync(stage, { recursive: true, force: true });
  }
  return 0;
}

function npmPack(dir: string, out: string): string {
  const r = spawnSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', out], {
    cwd: dir,
    encoding: 'utf8',
    shell: process.platform === 'win32',
  });
  if (r.error) throw new UsageError(`cannot run npm to write the tarball: ${r.error.message}`);
  if (r.status !== 0) throw new InputErrors([new InputError({ file: dir }, `npm pack failed (exit ${r.status}): ${r.stderr.trim()}`)]);
  const [packed] = JSON.parse(r.stdout) as { filename: string }[];
  return path.join(out, packed.filename);
}
