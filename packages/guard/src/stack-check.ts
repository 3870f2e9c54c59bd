import { InputError, collectInputErrors, dayOf, loadCatalog, loadExemptionSet, profileNamed } from '@tarmac/core';
import { CheckOptions } from './check';
import type { StackCheckRequest } from './check-sync';
import { CheckReport } from './findings';
import { Discovery, discoverStackTemplates } from './template/discover';

/**
 * A StackCheckRequest as checkSources takes it (without the engine), the same for the child process
 * (check-runner) and in-process (checkStackTemplatesSync), so the verdicts are the same by construction; or,
 * for bad input, the report saying so.
 */
export function stackCheckInputs(request: StackCheckRequest): { discovery: Discovery; options: Omit<CheckOptions, 'engine'> } | CheckReport {
  try {
    const catalog = loadCatalog(request.policies);
    const profile = profileNamed(catalog, request.profile);
    const today = request.at === undefined ? new Date() : dayOf(request.at);
    if (!today) throw new InputError({ file: request.policies }, `${request.at} is not a day`, 'YYYY-MM-DD');
    return {
      discovery: discoverStackTemplates(request.templates),
      options: { catalog, profile, controlTower: request.controlTower, rules: request.rules, exemptions: () => loadExemptionSet(catalog, today) },
    };
  } catch (err) {
    return errorReport(collectInputErrors(err), request.policies);
  }
}

/** A report of input errors only (collectInputErrors rethrows anything else). */
export function errorReport(errors: InputError[], catalog: string): CheckReport {
  return {
    findings: [],
    errors,
    engine: { name: 'none', version: '' },
    catalog,
    evaluated: [],
    summary: { files: 0, templates: 0, resources: 0, findings: 0, blocking: 0, exempted: 0, unchecked: 0, skipped: 0, skippedBy: {}, durationMs: 0 },
  };
}
