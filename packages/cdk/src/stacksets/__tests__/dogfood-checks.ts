/** The dogfood checks (ADR 0006 decision 7), shared by every test of a platform template. */
import { loadCatalog, profileNamed } from '@tarmac/core';
import { checkSources, createEngine, loadCloudFormationValidate } from '@tarmac/guard';
import { POLICIES } from './fixture';
import { NamedTemplate } from './templates';

/** Findings that block under the prod profile, with the code and catalog of `tarmac check --profile prod`; an error is never a pass. */
export async function blockingFindings(templates: readonly NamedTemplate[]): Promise<string[]> {
  const catalog = loadCatalog(POLICIES);
  const engine = createEngine('auto');
  try {
    const report = await checkSources(
      { sources: templates.map((t) => ({ file: t.name, read: () => Buffer.from(t.text) })), skipped: [], errors: [] },
      { catalog, profile: profileNamed(catalog, 'prod'), engine },
    );
    if (report.errors.length || report.summary.templates !== templates.length)
      throw new Error(`not every template was checked: ${report.errors.map((e) => e.message).join('; ')}`);
    return report.findings.filter((f) => f.mode === 'enforce').map((f) => `${f.file} ${f.logicalId} [${f.controlId}] ${f.message}`);
  } finally {
    engine.dispose();
  }
}

/** Error and fatal diagnostics of the WebAssembly engine's resource schema validation (no Guard rules). */
export function schemaErrors(templates: readonly NamedTemplate[]): string[] {
  const lib = loadCloudFormationValidate();
  const engine = new lib.CompositeEngine({ guardRules: [] });
  try {
    const problems: string[] = [];
    for (const t of templates) {
      const report = engine.validateTemplate(new lib.TemplateContent(t.text, t.name));
      if (report.status !== 'OK') problems.push(`${t.name}: status ${report.status}`);
      for (const d of report.diagnostics.filter((x) => /^(error|fatal)$/i.test(x.severity))) {
        problems.push(`${t.name} ${d.entity?.logicalId ?? ''} ${d.propertyPath ?? ''}: ${d.ruleId} ${d.message}`);
      }
    }
    return problems;
  } finally {
    engine.free();
  }
}
