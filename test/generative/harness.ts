/**
 * Runs in-memory templates through `checkSources` (the code path of `tarmac check`) on one engine, in one
 * call, and splits the report by file.
 */
import * as path from 'path';
import { Catalog, InputError, Profile, loadCatalog } from '@tarmac/core';
import { CheckReport, Finding, GuardEngine, checkSources } from '@tarmac/guard';
import { ROOT } from './seeds';

export interface Source {
  readonly file: string;
  readonly bytes: Uint8Array;
}

export interface FileResult {
  /** What `tarmac check` on this file alone exits with: 2 when it has errors, 1 with blocking findings, else 0. */
  readonly exit: 0 | 1 | 2;
  readonly findings: Finding[];
  readonly errors: InputError[];
}

export interface RunResult {
  readonly engine: string;
  /** What checkSources threw, if it did (a crash: never acceptable). */
  readonly thrown?: unknown;
  readonly report?: CheckReport;
  readonly byFile: ReadonlyMap<string, FileResult>;
  /** Errors that name no file of this run. */
  readonly stray: InputError[];
  readonly ms: number;
}

let catalog: Catalog | undefined;

export function prodSetup(): { catalog: Catalog; profile: Profile } {
  catalog ??= loadCatalog(path.join(ROOT, 'policies'));
  return { catalog, profile: catalog.profiles.get('prod')! };
}

export async function runCheck(engine: GuardEngine, sources: readonly Source[], options: { controlTower?: boolean } = {}): Promise<RunResult> {
  const { catalog: c, profile } = prodSetup();
  const started = Date.now();
  const discovery = { sources: sources.map((s) => ({ file: s.file, read: () => s.bytes })), skipped: [], errors: [] };
  let report: CheckReport | undefined;
  let thrown: unknown;
  try {
    report = await checkSources(discovery, { catalog: c, profile, engine, controlTower: options.controlTower });
  } catch (err) {
    thrown = err;
  }
  const byFile = new Map<string, { findings: Finding[]; errors: InputError[] }>(sources.map((s) => [s.file, { findings: [], errors: [] }]));
  const stray: InputError[] = [];
  for (const f of report?.findings ?? []) byFile.get(f.file)?.findings.push(f);
  for (const e of report?.errors ?? []) {
    const entry = byFile.get(e.location?.file);
    if (entry) entry.errors.push(e);
    else stray.push(e);
  }
  const results = new Map<string, FileResult>();
  for (const [file, r] of byFile) {
    const exit = r.errors.length ? 2 : r.findings.some((f) => f.mode === 'enforce') ? 1 : 0;
    results.set(file, { exit, ...r });
  }
  return { engine: engine.name, thrown, report, byFile: results, stray, ms: Date.now() - started };
}
