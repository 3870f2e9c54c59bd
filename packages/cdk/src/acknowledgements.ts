import { PolicyViolation, Validations } from 'aws-cdk-lib';
import { closestMatch } from '@tarmac/core';
import { IConstruct } from 'constructs';

/** The rule name of the warnings below: an acknowledgement that silences nothing is worth a look. */
export const ACKNOWLEDGEMENT_RULE = 'acknowledgement';

/**
 * Acknowledgements that cannot mean what their author intended, as warnings: `Tarmac::X` where X is not a
 * control this pack evaluates (a typo, or a control the profile turns off), and a bare control ID (the CDK
 * files it under construct annotations, so it would silence no Tarmac finding).
 */
export function acknowledgementProblems(root: IConstruct, pluginName: string, ruleIds: ReadonlySet<string>): PolicyViolation[] {
  const prefix = `${pluginName}::`;
  const byMessage = new Map<string, string[]>();
  for (const node of root.node.findAll()) {
    for (const entry of node.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY || !entry.data) continue;
      for (const qualified of Object.keys(entry.data as Record<string, string>)) {
        const message = problemOf(qualified, prefix, ruleIds);
        if (message) byMessage.set(message, [...(byMessage.get(message) ?? []), node.node.path]);
      }
    }
  }
  return [...byMessage].map(([description, paths]) => ({
    ruleName: ACKNOWLEDGEMENT_RULE,
    description,
    severity: 'warning',
    violatingResources: paths.map((constructPath) => ({ constructPath, locations: ['Metadata'] })),
  }));
}

/**
 * Acknowledging an alias acknowledges its control (ADR 0012): `Tarmac::LZ.SCP.5` on a construct becomes
 * `Tarmac::LZ.EC2.2` there, with the alias kept in the reason. The CDK matches acknowledgements to findings by
 * exact rule name after the plugins have run, so this rewrites the acknowledgement metadata in place; call it
 * from validate(), before acknowledgementProblems, so neither reports an alias as unknown.
 */
export function acknowledgeAliases(root: IConstruct, pluginName: string, aliases: ReadonlyMap<string, string>): void {
  if (!aliases.size) return;
  const prefix = `${pluginName}::`;
  for (const node of root.node.findAll()) {
    for (const entry of node.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY || !entry.data) continue;
      const data = entry.data as Record<string, string>;
      for (const qualified of Object.keys(data)) {
        const control = qualified.startsWith(prefix) ? aliases.get(qualified.slice(prefix.length)) : undefined;
        if (!control) continue;
        const canonical = `${prefix}${control}`;
        data[canonical] ??= `${data[qualified]} (acknowledged as ${qualified}, an alias of ${control})`;
        delete data[qualified];
      }
    }
  }
}

function problemOf(qualified: string, prefix: string, ruleIds: ReadonlySet<string>): string | undefined {
  if (qualified.startsWith(prefix)) {
    const id = qualified.slice(prefix.length);
    if (ruleIds.has(id)) return undefined;
    const guess = closestMatch(id, ruleIds);
    return `acknowledgement '${qualified}' names no control this pack evaluates${guess ? `; did you mean '${prefix}${guess}'?` : ''}`;
  }
  const bare = qualified.replace(/^annotation::/i, '');
  if (ruleIds.has(bare)) return `acknowledgement '${bare}' silences no Tarmac finding: acknowledge Tarmac controls as '${prefix}${bare}'`;
  return undefined;
}
