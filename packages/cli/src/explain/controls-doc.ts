import * as path from 'path';
import { loadCatalog } from '@tarmac/core';
import {
  ControlExplanation,
  GuardControlExplanation,
  OrgPolicyExplanation,
  explainControl,
  isUnknown,
  knownIds,
  loadExplainSources,
} from './control-explanation';

const ORG_GROUPS: Readonly<Record<string, string>> = {
  SERVICE_CONTROL_POLICY: 'Service control policies (SCP)',
  RESOURCE_CONTROL_POLICY: 'Resource control policies (RCP)',
};

/**
 * docs/controls.md: every control of a policies/ directory, grouped by service (its folder under controls/),
 * then the organization policies by type. Same sources, same bytes: a test compares the shipped file.
 */
export async function generateControlsDoc(policiesDir: string): Promise<string> {
  const catalog = loadCatalog(path.resolve(policiesDir));
  const sources = await loadExplainSources(catalog);
  // Guard controls by service, then the SCPs, the RCPs and the other organization policies.
  const rank = (e: ControlExplanation) => (e.kind === 'guard' ? 0 : e.type === 'SERVICE_CONTROL_POLICY' ? 1 : e.type === 'RESOURCE_CONTROL_POLICY' ? 2 : 3);
  const explanations = knownIds(sources)
    .map((id) => explainControl(sources, id, { followAliases: false }))
    .sort((a, b) => rank(a) - rank(b));
  const groups = new Map<string, ControlExplanation[]>();
  for (const e of explanations) {
    const group = groupOf(e);
    groups.set(group, [...(groups.get(group) ?? []), e]);
  }
  const label = explanations[0]?.catalog ?? catalog.root;
  const out = [
    '# Controls',
    '',
    `<!-- Generated from policies/ by \`node scripts/generate-controls-doc.js\` (after \`npm run build\`): do not edit by hand. -->`,
    '',
    `Every control of the catalog ${label}: ${catalog.controls.length} Guard controls, checked by \`tarmac check\`, the CDK aspect and the deployed Guard Hooks, ` +
      `and ${explanations.length - catalog.controls.length} organization policies built by \`tarmac build\`. ` +
      '`tarmac explain <ID>` shows one control and where the stack sets deploy it.',
    '',
    '## Contents',
    '',
  ];
  for (const [group, list] of groups) {
    out.push(`- **${group}**: ${list.map((e) => `[${e.id}](#${anchor(e.id)})`).join(', ')}`);
  }
  for (const [group, list] of groups) {
    out.push('', `## ${group}`);
    for (const e of list) out.push('', ...section(e));
  }
  return out.join('\n') + '\n';
}

function groupOf(e: ControlExplanation): string {
  if (e.kind === 'organization-policy') return ORG_GROUPS[e.type] ?? 'Declarative, tag and AI opt-out policies';
  const m = /^policies\/controls\/([^/]+)\//.exec(e.file);
  return m ? m[1] : e.id.split('.')[1].toLowerCase();
}

function anchor(id: string): string {
  return id.toLowerCase().replace(/[^a-z0-9]+/g, '-');
}

function section(e: ControlExplanation): string[] {
  const lines = [`<a id="${anchor(e.id)}"></a>`, '', `### ${e.id}: ${e.title}`, '', `Severity **${e.severity}**. Source: \`${e.file}\`.`, '', e.rationale, ''];
  lines.push(...(e.kind === 'guard' ? guardItems(e) : orgItems(e)));
  const frameworks = Object.entries(e.frameworks);
  if (frameworks.length) lines.push(`- Frameworks: ${frameworks.map(([f, ids]) => `${f} ${ids.join(', ')}`).join('; ')}`);
  if (e.references.length) lines.push(`- References: ${e.references.map((r) => `<${r}>`).join(', ')}`);
  if (e.kind === 'guard') lines.push(`- Fix: ${e.fix}`);
  return lines;
}

function guardItems(e: GuardControlExplanation): string[] {
  const lines = [
    `- Modes: ${Object.entries(e.modes)
      .map(([p, m]) => `${p} ${m}`)
      .join(', ')}`,
    `- Resource types: ${e.resourceTypes.join(', ')}`,
    `- AWS Config rule: ${e.config.rule ? `\`${e.config.rule}\`` : 'none'}`,
    `- AWS Control Tower: ${e.controlTower.length ? e.controlTower.join(', ') : 'none'}`,
  ];
  if (e.aliases.length) lines.push(`- Aliases: ${e.aliases.join(', ')}`);
  const refs = isUnknown(e.organizationPolicies) ? [] : e.organizationPolicies;
  const links = (relation: string) =>
    refs
      .filter((o) => o.relation === relation)
      .map((o) => `[${o.id}](#${anchor(o.id)})`)
      .join(', ');
  if (links('alias')) lines.push(`- Organization policies (the same control at the API): ${links('alias')}`);
  if (links('related')) lines.push(`- Related organization policies: ${links('related')}`);
  return lines;
}

function orgItems(e: OrgPolicyExplanation): string[] {
  const lines = [`- Type: ${e.type}`, `- Targets: ${e.targets.join(', ')}`];
  if (e.exemptions.length) lines.push(`- Exempt roles: ${e.exemptions.join(', ')}`);
  if (e.statements.length) lines.push(`- Statements: ${e.statements.map((s) => `\`${s}\``).join(', ')}`);
  if (e.control) lines.push(`- Control: [${e.control}](#${anchor(e.control)}) (${e.id} is an alias of it)`);
  if (e.related.length) lines.push(`- Related controls: ${e.related.map((id) => `[${id}](#${anchor(id)})`).join(', ')}`);
  return lines;
}
