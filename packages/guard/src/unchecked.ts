import { Profile } from '@tarmac/core';
import { Finding } from './findings';
import { GuardRule, ruleApplies } from './rules/guard-rule';
import { ParsedTemplate } from './template/parse-template';

const FIX =
  'Check what CloudFormation will deploy: create a change set, then run tarmac check on the output of ' +
  '`aws cloudformation get-template --change-set-name NAME --stack-name STACK --template-stage Processed`.';

/**
 * What a transform owns and Tarmac could not expand is not a pass: every selected rule that could apply to
 * what it may create gets a finding, blocking where the control is enforced unless the profile says
 * `uncheckable: warn` (see ADR 0008).
 */
export function uncheckedFindings(template: ParsedTemplate, rules: readonly GuardRule[], profile: Profile): Finding[] {
  const out: Finding[] = [];
  for (const part of template.unchecked) {
    const anything = part.mayCreate.includes('*');
    const types: ReadonlySet<string> = new Set(part.mayCreate);
    for (const rule of rules) {
      if (!anything && !ruleApplies(rule, types)) continue;
      out.push({
        controlId: rule.id,
        origin: rule.origin,
        title: rule.title,
        severity: rule.severity,
        verdict: 'unchecked',
        mode: rule.mode === 'enforce' ? profile.uncheckable : 'warn',
        file: template.file,
        stack: template.stack,
        logicalId: part.logicalId,
        resourceType: part.type,
        line: part.location.line,
        column: part.location.column,
        message: `Not checked: ${part.reason}, so Tarmac cannot tell whether it meets this control.`,
        fix: FIX,
        ruleName: rule.names[0] ?? rule.id,
      });
    }
  }
  return out;
}
