/**
 * The child process behind checkStackTemplatesSync: reads a StackCheckRequest on stdin, prints the JSON
 * report on stdout. Bad input is part of the report (errors); anything else exits non-zero.
 */
import * as fs from 'fs';
import { InputError, collectInputErrors, dayOf, loadCatalog, loadExemptionSet, profileNamed } from '@tarmac/core';
import { checkSources } from './check';
import { StackCheckRequest } from './check-sync';
import { createEngine } from './engines/create-engine';
import { CheckReport } from './findings';
import { formatJson } from './format/json';
import { discoverStackTemplates } from './template/discover';

async function run(request: StackCheckRequest): Promise<CheckReport> {
  const catalog = loadCatalog(request.policies);
  const profile = profileNamed(catalog, request.profile);
  const today = request.at === undefined ? new Date() : dayOf(request.at);
  if (!today) throw new InputError({ file: request.policies }, `${request.at} is not a day`, 'YYYY-MM-DD');
  const engine = createEngine(request.engine, request.cacheDir);
  try {
    return await checkSources(discoverStackTemplates(request.templates), {
      catalog,
      profile,
      engine,
      controlTower: request.controlTower,
      rules: request.rules,
      exemptions: () => loadExemptionSet(catalog, today),
    });
  } finally {
    engine.dispose();
  }
}

function errorReport(errors: InputError[], catalog: string): CheckReport {
  return {
    findings: [],
    errors,
    engine: { name: 'none', version: '' },
    catalog,
    evaluated: [],
    summary: { files: 0, templates: 0, resources: 0, findings: 0, blocking: 0, exempted: 0, unchecked: 0, skipped: 0, skippedBy: {}, durationMs: 0 },
  };
}

async function main(): Promise<void> {
  const request = JSON.parse(fs.readFileSync(0, 'utf8')) as StackCheckRequest;
  let report: CheckReport;
  try {
    report = await run(request);
  } catch (err) {
    report = errorReport(collectInputErrors(err), request.policies);
  }
  process.stdout.write(formatJson(report));
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 70;
});
