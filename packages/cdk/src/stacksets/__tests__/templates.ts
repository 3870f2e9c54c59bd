import { IPolicyValidationPlugin, PolicyValidationPluginReport } from 'aws-cdk-lib';

/** A template as written under DIR/stacksets/, or one carried inside another as a TemplateBody string. */
export interface NamedTemplate {
  readonly name: string;
  readonly text: string;
  readonly template: Record<string, unknown>;
}

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

/** Inline templates: a StackSet's and a conformance pack's TemplateBody. */
const CARRIERS = new Set(['AWS::CloudFormation::StackSet', 'AWS::Config::ConformancePack']);

/** Every template file of a build, and every template carried inside one, named file#LogicalId. */
export function allTemplates(files: ReadonlyMap<string, string | Uint8Array>): NamedTemplate[] {
  const out: NamedTemplate[] = [];
  const add = (name: string, text: string) => {
    const template = JSON.parse(text) as Record<string, unknown>;
    out.push({ name, text, template });
    for (const [id, r] of Object.entries((template.Resources ?? {}) as Resources)) {
      const body = r.Properties?.TemplateBody;
      if (CARRIERS.has(r.Type) && typeof body === 'string') add(`${name}#${id}`, body);
    }
  };
  for (const [file, content] of files) if (file.endsWith('.template.json')) add(file, String(content));
  return out;
}

/** A plugin that hands every report it returns to `reports` too: the CDK keeps them in a file we delete. */
export function capturing(plugin: IPolicyValidationPlugin, reports: PolicyValidationPluginReport[]): IPolicyValidationPlugin {
  return {
    name: plugin.name,
    version: plugin.version,
    ruleIds: plugin.ruleIds,
    validate: (context) => {
      const report = plugin.validate(context);
      reports.push(report);
      return report;
    },
  };
}

/** The resources of a template, by logical ID. */
export function resourcesOf(template: Record<string, unknown>): Resources {
  return (template.Resources ?? {}) as Resources;
}
