import { InputError, collectInputErrors, dayOf, loadCatalog, loadExemptionSet, profileNamed } from '@tarmac/core';
import { CheckOptions } from './check';
import type { StackCheckRequest } from './check-sync';
import { createEngine } from './engines/create-engine';
import { CheckReport } from './findings';
import { Discovery, discoverStackTemplates } from './template/discover';

/**
 * A StackCheckRequest as checkSources takes it, the same for the child process (check-runner) and in-process
 * (checkStackTemplatesSync), so the verdicts are the same by construction; or, for bad input (an engine that
 * is not installed too), the report saying so. The caller disposes of options.engine.
 */
export function stackCheckInputs(request: StackCheckRequest): { discovery: Discovery; options: CheckOptions } | CheckReport {
  try {
    const catalog = loadCatalog(request.policies);
    const profile = profileNamed(catalog, request.profile);
    const today = request.at === undefined ? new Date() : dayOf(request.at);
    if (!today) throw new InputError({ file: request.policies }, `${request.at} is not a day`, 'YYYY-MM-DD');
    const discovery = discoverStackTemplates(request.templates);
    const engine = createEngine(request.engine, request.cacheDir);
    return {
      discovery,
      options: { catalog, profile, engine, controlTower: request.controlTower, rules: request.rules, exemptions: () => loadExemptionSet(catalog, today) },
    };
  } catch (err) {
    return errorReport(collectInputErrors(err), request.policies);
  }
}

/** A report of input errors only (collectInputErrors rethrows anything else). */
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
