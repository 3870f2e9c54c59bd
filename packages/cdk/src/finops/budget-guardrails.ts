import { Stack } from 'aws-cdk-lib';
import * as budgets from 'aws-cdk-lib/aws-budgets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as organizations from 'aws-cdk-lib/aws-organizations';
import type { Budget, HardGuardrail, NotificationTargets } from '@tarmac/core/org';
import { Construct } from 'constructs';
import { compareNames, shorten, uniqueLogicalIds } from '../stacksets/names';
import { partitionOf } from '../stacksets/platform-stack';
import { CostAlertTopics } from './cost-alert-topics';
import { FINOPS_PREFIX, atLine, awsName, duplicates } from './names';
import { ResolvedTargets, resolveTargets } from './notify-targets';

export interface BudgetGuardrailsProps {
  /** budgets.yaml `budgets`. */
  readonly budgets: readonly Budget[];
  /** budgets.yaml `notifications`: what `notify` names. */
  readonly notifications: NotificationTargets;
  /** The topics of `notifications.topics`. */
  readonly topics: CostAlertTopics;
  /**
   * The organization (o-...) whose accounts and OUs the budget actions attach their SCP to: the action roles
   * may touch those targets only. Required when a budget has a hard guardrail.
   */
  readonly organizationId?: string;
  /**
   * Permissions boundary of the budget action roles (LZ.IAM.2). @default a managed policy this construct
   * creates, allowing exactly what the actions do: attach and detach their own SCPs to and from their targets
   */
  readonly permissionsBoundary?: iam.IManagedPolicy;
}

/** What a hard guardrail deploys: the unattached SCP, the role Budgets runs the action as, and the action. */
export interface BudgetStop {
  readonly policy: organizations.CfnPolicy;
  readonly role: iam.Role;
  readonly action: budgets.CfnBudgetsAction;
}

/** BudgetName: no ':' or '\', not "/action/", at most 100 characters (Budgets API). */
const MAX_BUDGET_NAME = 100;
/** Per notification: one SNS subscriber and up to ten e-mail subscribers (AWS::Budgets::Budget). */
const MAX_EMAILS = 10;
/** Organizations policy Description: at most 512 characters. */
const MAX_DESCRIPTION = 512;
const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;
const ACCOUNT_ID = /^\d{12}$/;
const OU_ID = /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/;

/**
 * Budgets as code (policies/finops/budgets.yaml), in the management account, which alone sees every
 * account's cost (ADR 0007).
 *
 * Per budget: AWS::Budgets::Budget tarmac-<name>, monthly cost of one value of one cost allocation tag, with
 * the soft guardrail as two notifications (actual spend above actualPercent, forecast above forecastPercent)
 * to the budget's `notify` targets.
 *
 * The scope is CostFilters `TagKeyValue: ["user:<key>$<value>"]`, the form the Budgets API has always taken
 * for user-defined cost allocation tags (https://docs.aws.amazon.com/cost-management/latest/userguide/budgets-create-filters.html).
 * FilterExpression is newer, but a budget created with it and no Metrics is malformed (its history fails with
 * "Selected metrics cannot be null", hashicorp/terraform-provider-aws#46866), and its tag key spelling is not
 * documented; a filter that silently counts nothing is the failure to avoid.
 *
 * Per hard guardrail: the deny SCP as an AWS::Organizations::Policy created unattached (its name never starts
 * with tarmac-, so `tarmac deploy`'s policy reconciler leaves it alone), a role only Budgets of this account
 * can assume, allowed to attach and detach that SCP of type SERVICE_CONTROL_POLICY to and from the budget's
 * targets and nothing else, and an AWS::Budgets::BudgetsAction APPLY_SCP_POLICY at thresholdPercent of
 * actual spend, automatic or waiting for approval.
 */
export class BudgetGuardrails extends Construct {
  /** Each budget, by its name in budgets.yaml. */
  readonly budgets: ReadonlyMap<string, budgets.CfnBudget>;
  /** Each hard guardrail, by its budget's name. */
  readonly stops: ReadonlyMap<string, BudgetStop>;
  /** The boundary this construct created for the action roles, when none was given and there is a role. */
  readonly boundary?: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: BudgetGuardrailsProps) {
    super(scope, id);
    const sorted = [...props.budgets].sort((a, b) => compareNames(a.name, b.name));
    this.validate(sorted, props);
    const ids = uniqueLogicalIds(
      sorted.map((b) => b.name),
      'budget',
    );
    const stack = Stack.of(this);
    const hard = sorted.filter((b) => b.hard);

    // The boundary lists every stop policy, so the policies come first; the roles take it after.
    const policies = new Map(hard.map((b) => [b.name, this.stopPolicy(ids.get(b.name)!, b, b.hard!)]));
    const targetArns = (h: HardGuardrail) => h.targetIds.map((t) => organizationsTargetArn(this, props.organizationId!, t));
    if (hard.length && !props.permissionsBoundary) {
      this.boundary = new iam.ManagedPolicy(this, 'ActionRoleBoundary', {
        description: 'Tarmac budget actions: the most their roles can ever do, whatever is attached to them later',
        statements: [
          attachDetach(
            'BudgetActionsAttachTheirStopPolicies',
            [...policies.values()].map((p) => p.attrArn),
            [...new Set(hard.flatMap((b) => targetArns(b.hard!)))].sort(),
          ),
        ],
      });
    }
    const boundary = props.permissionsBoundary ?? this.boundary;

    const created = new Map<string, budgets.CfnBudget>();
    const stops = new Map<string, BudgetStop>();
    for (const b of sorted) {
      const logicalId = ids.get(b.name)!;
      const targets = resolveTargets(`${this.node.path}: budget '${b.name}'${atLine(b.line)}`, b.notify, props.notifications, props.topics);
      if (targets.topicArns.length > 1 || targets.emails.length > MAX_EMAILS) {
        throw new Error(
          `${this.node.path}: budget '${b.name}'${atLine(b.line)} notifies ${targets.topicArns.length} topics and ${targets.emails.length} e-mail addresses; AWS Budgets allows one SNS topic and ${MAX_EMAILS} e-mail addresses per notification`,
        );
      }
      const subscribers = budgetSubscribers(targets);
      const budget = new budgets.CfnBudget(this, logicalId, {
        budget: {
          budgetName: awsName(b.name),
          budgetType: 'COST',
          timeUnit: 'MONTHLY',
          budgetLimit: { amount: b.amount, unit: b.currency },
          costFilters: { TagKeyValue: [`user:${b.scope.tag}$${b.scope.value}`] },
        },
        notificationsWithSubscribers: [
          {
            notification: { notificationType: 'ACTUAL', comparisonOperator: 'GREATER_THAN', threshold: b.soft.actualPercent, thresholdType: 'PERCENTAGE' },
            subscribers,
          },
          {
            notification: {
              notificationType: 'FORECASTED',
              comparisonOperator: 'GREATER_THAN',
              threshold: b.soft.forecastPercent,
              thresholdType: 'PERCENTAGE',
            },
            subscribers,
          },
        ],
      });
      created.set(b.name, budget);
      if (!b.hard) continue;

      const policy = policies.get(b.name)!;
      const role = new iam.Role(this, `${logicalId}ActionRole`, {
        description: shorten(`Tarmac: AWS Budgets attaches ${b.hard.policyName} when budget ${awsName(b.name)} reaches ${b.hard.thresholdPercent}%`, 1000),
        assumedBy: new iam.ServicePrincipal('budgets.amazonaws.com').withConditions({ StringEquals: { 'aws:SourceAccount': stack.account } }),
        permissionsBoundary: boundary,
        inlinePolicies: {
          AttachStopPolicy: new iam.PolicyDocument({ statements: [attachDetach('AttachAndDetachTheStopPolicy', [policy.attrArn], targetArns(b.hard))] }),
        },
      });
      const action = new budgets.CfnBudgetsAction(this, `${logicalId}Stop`, {
        budgetName: awsName(b.name),
        actionType: 'APPLY_SCP_POLICY',
        actionThreshold: { type: 'PERCENTAGE', value: b.hard.thresholdPercent },
        notificationType: 'ACTUAL',
        approvalModel: b.hard.approval,
        executionRoleArn: role.roleArn,
        definition: { scpActionDefinition: { policyId: policy.attrId, targetIds: [...b.hard.targetIds] } },
        subscribers: actionSubscribers(targets),
      });
      // BudgetName is a plain name, not a reference: the budget must exist before its action.
      action.addResourceDependency(budget);
      stops.set(b.name, { policy, role, action });
    }
    this.budgets = created;
    this.stops = stops;
  }

  private stopPolicy(logicalId: string, budget: Budget, hard: HardGuardrail): organizations.CfnPolicy {
    return new organizations.CfnPolicy(this, `${logicalId}StopPolicy`, {
      name: hard.policyName,
      type: 'SERVICE_CONTROL_POLICY',
      content: hard.policy,
      description: shorten(
        `Tarmac: attached by the action of budget ${awsName(budget.name)} at ${hard.thresholdPercent}% (${hard.targetRefs.join(', ')}); detach to lift`,
        MAX_DESCRIPTION,
      ),
    });
  }

  /** Props that would deploy a budget that cannot work, or not deploy at all, are refused here. */
  private validate(list: readonly Budget[], props: BudgetGuardrailsProps): void {
    const where = (b: Budget) => `${this.node.path}: budget '${b.name}'${atLine(b.line)}`;
    const twice = duplicates(list.map((b) => b.name));
    if (twice.length) throw new Error(`${this.node.path}: budget names must be unique; ${twice.map((n) => `'${n}'`).join(', ')} appear more than once`);
    const policyNames = duplicates(list.flatMap((b) => (b.hard ? [b.hard.policyName] : [])));
    if (policyNames.length) throw new Error(`${this.node.path}: stop policy names must be unique; ${policyNames.join(', ')} appear more than once`);
    for (const b of list) {
      const name = awsName(b.name);
      if (!b.name || /[:\\]/.test(name) || name.includes('/action/') || name.length > MAX_BUDGET_NAME) {
        throw new Error(`${where(b)}: the budget name ${name} must not contain ':', '\\' or '/action/' and must be at most ${MAX_BUDGET_NAME} characters`);
      }
      if (!(Number.isFinite(b.amount) && b.amount > 0)) throw new Error(`${where(b)}: amount must be a positive number, not ${b.amount}`);
      if (!/^[A-Z]{3}$/.test(b.currency)) throw new Error(`${where(b)}: currency must be an ISO 4217 code such as USD, not '${b.currency}'`);
      if (!b.scope.tag || !b.scope.value || b.scope.tag.includes('$')) {
        throw new Error(`${where(b)}: the scope needs a cost allocation tag key (without '$') and a value, not '${b.scope.tag}'='${b.scope.value}'`);
      }
      for (const [what, value] of [
        ['soft.actualPercent', b.soft.actualPercent],
        ['soft.forecastPercent', b.soft.forecastPercent],
      ] as const) {
        if (!(Number.isFinite(value) && value > 0)) throw new Error(`${where(b)}: ${what} must be a positive percentage, not ${value}`);
      }
      if (b.hard) this.validateHard(where(b), b.hard, props);
    }
  }

  private validateHard(where: string, hard: HardGuardrail, props: BudgetGuardrailsProps): void {
    if (!(Number.isFinite(hard.thresholdPercent) && hard.thresholdPercent > 0))
      throw new Error(`${where}: hard.thresholdPercent must be a positive percentage, not ${hard.thresholdPercent}`);
    if (hard.approval !== 'AUTOMATIC' && hard.approval !== 'MANUAL')
      throw new Error(`${where}: hard.approval must be AUTOMATIC or MANUAL, not '${String(hard.approval)}'`);
    if (hard.policyName.toLowerCase().startsWith(FINOPS_PREFIX)) {
      throw new Error(
        `${where}: the stop policy name ${hard.policyName} starts with '${FINOPS_PREFIX}', which tarmac deploy's organization policy reconciler owns and would detach`,
      );
    }
    if (!/^[\w+=,.@-]{1,128}$/.test(hard.policyName))
      throw new Error(`${where}: the stop policy name '${hard.policyName}' is not a valid Organizations policy name (1-128 of letters, digits and +=,.@-_)`);
    if (!hard.policy.Statement.length) throw new Error(`${where}: the stop policy has no statement`);
    if (!hard.targetIds.length) throw new Error(`${where}: the hard guardrail has no target to attach its policy to`);
    for (const t of hard.targetIds) {
      if (t.startsWith('r-'))
        throw new Error(`${where}: the hard guardrail targets the organization root ${t}; a budget stop must never deny the whole organization`);
      if (!ACCOUNT_ID.test(t) && !OU_ID.test(t)) throw new Error(`${where}: target '${t}' is neither an account ID (12 digits) nor an OU ID (ou-...)`);
    }
    if (props.organizationId === undefined)
      throw new Error(`${where}: a hard guardrail needs organizationId, so its action role can be limited to that organization's accounts and OUs`);
    if (!ORGANIZATION_ID.test(props.organizationId))
      throw new Error(`${this.node.path}: organizationId '${props.organizationId}' is not an organization ID (o-...)`);
  }
}

/** Attach and detach, of SCPs only, these policies to and from these targets (both are resources of the call). */
function attachDetach(sid: string, policyArns: string[], targetArns: string[]): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid,
    actions: ['organizations:AttachPolicy', 'organizations:DetachPolicy'],
    resources: [...policyArns, ...targetArns],
    conditions: { StringEquals: { 'organizations:PolicyType': 'SERVICE_CONTROL_POLICY' } },
  });
}

/**
 * The ARN Organizations authorizes an attachment target by (Service Authorization Reference, AWS Organizations):
 * arn:aws:organizations::<management account>:account/o-<org>/<account id> or .../ou/o-<org>/ou-....
 */
export function organizationsTargetArn(scope: Construct, organizationId: string, targetId: string): string {
  const account = Stack.of(scope).account;
  const kind = ACCOUNT_ID.test(targetId) ? 'account' : OU_ID.test(targetId) ? 'ou' : undefined;
  if (!kind) throw new Error(`target '${targetId}' is neither an account ID nor an OU ID`);
  return `arn:${partitionOf(scope)}:organizations::${account}:${kind}/${organizationId}/${targetId}`;
}

function budgetSubscribers(targets: ResolvedTargets): budgets.CfnBudget.SubscriberProperty[] {
  return [
    ...targets.topicArns.map((address) => ({ subscriptionType: 'SNS', address })),
    ...targets.emails.map((address) => ({ subscriptionType: 'EMAIL', address })),
  ];
}

function actionSubscribers(targets: ResolvedTargets): budgets.CfnBudgetsAction.SubscriberProperty[] {
  return [...targets.topicArns.map((address) => ({ type: 'SNS', address })), ...targets.emails.map((address) => ({ type: 'EMAIL', address }))];
}
