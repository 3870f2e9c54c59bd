import { MandatoryTag } from '../catalog/model';
import { composeStatements } from '../org/compose';
import { IamStatement, OrgControl, Organization } from '../org/model';
import { policyJson } from '../org/pack';
import { BudgetScope } from './model';

/** Organizations policy names: 1 to 128 characters. */
export const MAX_POLICY_NAME = 128;
/** The prefix of every budget SCP; never tarmac-, whose policies `tarmac deploy`'s reconciler owns. */
export const BUDGET_POLICY_PREFIX = 'TarmacBudget-';

export interface BudgetDenyInput {
  readonly budget: string;
  readonly scope: BudgetScope;
  readonly denyActions: readonly string[];
  /** Role keys of org.yaml, already checked to exist. */
  readonly exemptions: readonly string[];
  /** account:/ou: targets, already checked to resolve. */
  readonly targetRefs: readonly string[];
  readonly file: string;
  readonly line?: number;
}

export interface BudgetDenyPolicy {
  readonly policyName: string;
  readonly policy: { readonly Version: '2012-10-17'; readonly Statement: readonly IamStatement[] };
  /** Minified, as sent: what the SCP size quota counts. */
  readonly content: string;
}

/** The Sid of a budget's deny statement: letters and digits only, stable for a budget name. */
export function budgetSid(budget: string): string {
  return (
    'DenyNewSpend' +
    budget
      .split(/[^A-Za-z0-9]+/)
      .filter(Boolean)
      .map((w) => w[0].toUpperCase() + w.slice(1))
      .join('')
  );
}

/**
 * The SCP a budget's hard guardrail attaches: one Deny of the new-spend actions on every resource for
 * principals tagged with the budget's scope (aws:PrincipalTag/<tag> = <value>), written as a one-statement
 * organization policy control and composed by the same code as policies/scp, so the exemptions (ArnNotLike
 * aws:PrincipalArn on the org.yaml roles), key order and minified form are exactly those of every other SCP.
 */
export function budgetDenyPolicy(org: Organization, tags: readonly MandatoryTag[], input: BudgetDenyInput): BudgetDenyPolicy {
  const statement: IamStatement = {
    Sid: budgetSid(input.budget),
    Effect: 'Deny',
    Action: [...input.denyActions],
    Resource: '*',
    Condition: { StringEquals: { [`aws:PrincipalTag/${input.scope.tag}`]: input.scope.value } },
  };
  const control: OrgControl = {
    id: `budget:${input.budget}`,
    title: `Budget ${input.budget} hard guardrail`,
    severity: 'high',
    rationale: 'Stops new spend of a team or project whose budget is exhausted.',
    type: 'SERVICE_CONTROL_POLICY',
    targets: input.targetRefs,
    frameworks: {},
    related: [],
    references: [],
    tests: [],
    file: input.file,
    exemptions: input.exemptions,
    statements: [{ statement, index: 0, line: input.line }],
  };
  const composed = composeStatements({ organization: org, controls: [control] }, tags, 'SERVICE_CONTROL_POLICY');
  // No placeholders, so every target composes the same statement; more than one form would be a bug here.
  const forms = new Set([...composed.values()].flat().map((s) => s.json));
  if (forms.size !== 1) throw new Error(`budget ${input.budget}: expected one composed deny statement, got ${forms.size}`);
  const json = [...forms][0];
  const content = policyJson([json]);
  return { policyName: `${BUDGET_POLICY_PREFIX}${input.budget}`, policy: JSON.parse(content) as BudgetDenyPolicy['policy'], content };
}
