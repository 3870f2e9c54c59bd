import { Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { FinOpsBuild } from '@tarmac/core/org';
import { Construct } from 'constructs';
import { PlatformStack, PlatformStackProps, partitionOf } from '../stacksets/platform-stack';
import { BudgetGuardrails } from './budget-guardrails';
import { CostAlertTopics } from './cost-alert-topics';
import { CostAnomalyDetection } from './cost-anomaly-detection';
import { CostDataExport } from './cost-data-export';
import { BILLING_REGION } from './names';

export interface FinOpsBillingStackProps extends PlatformStackProps {
  /** What policies/finops/ compiles to (loadFinOps). */
  readonly finops: FinOpsBuild;
  /** The organization (o-...), to which the budget actions' roles are limited. Required when a budget has a hard guardrail. */
  readonly organizationId?: string;
  /**
   * A permissions boundary that exists in the management account, by name and IAM path, for the budget action
   * roles. The organization's workload boundary is deployed to member accounts only (the account baseline),
   * so it is not the default. @default a boundary the stack creates, allowing exactly what the actions do
   */
  readonly actionRoleBoundary?: { readonly name: string; readonly path?: string };
}

/**
 * The management account's FinOps stack, tarmac-finops-billing in us-east-1 (ADR 0007), deployed by
 * `tarmac deploy --management` with that account's credentials: the cost alert topics, the budgets with
 * their guardrails, cost anomaly detection and the CUR 2.0 export. The FinOps account's side (bucket, Glue,
 * Athena) is CostAnalytics, in a stack set instance.
 */
export class FinOpsBillingStack extends PlatformStack {
  readonly topics: CostAlertTopics;
  readonly budgets: BudgetGuardrails;
  readonly anomalyDetection?: CostAnomalyDetection;
  readonly dataExport?: CostDataExport;

  constructor(scope: Construct, id: string, props: FinOpsBillingStackProps) {
    super(scope, id, {
      description: 'Tarmac: budgets and their guardrails, cost anomaly detection and the CUR 2.0 export (policies/finops).',
      ...props,
      env: { ...props.env, region: props.env?.region ?? BILLING_REGION },
    });
    if (!Token.isUnresolved(this.region) && this.region !== BILLING_REGION) {
      throw new Error(
        `${this.node.path}: the billing stack belongs in ${BILLING_REGION}, where Budgets, Cost Anomaly Detection and Data Exports have their resources; not in ${this.region}`,
      );
    }
    const { finops } = props;
    this.topics = new CostAlertTopics(this, 'Topics', { topics: finops.notifications.topics });
    this.budgets = new BudgetGuardrails(this, 'Budgets', {
      budgets: finops.budgets,
      notifications: finops.notifications,
      topics: this.topics,
      organizationId: props.organizationId,
      permissionsBoundary: props.actionRoleBoundary && boundaryPolicy(this, props.actionRoleBoundary),
    });
    if (finops.anomalyDetection) {
      this.anomalyDetection = new CostAnomalyDetection(this, 'AnomalyDetection', {
        anomalyDetection: finops.anomalyDetection,
        notifications: finops.notifications,
        topics: this.topics,
      });
    }
    if (finops.costExport) this.dataExport = new CostDataExport(this, 'DataExport', { costExport: finops.costExport });
  }
}

function boundaryPolicy(scope: Construct, boundary: { readonly name: string; readonly path?: string }): iam.IManagedPolicy {
  const path = boundary.path ?? '/';
  if (!/^\/([\w+=,.@-]+\/)*$/.test(path)) throw new Error(`${scope.node.path}: the boundary's IAM path '${path}' must start and end with '/'`);
  const arn = `arn:${partitionOf(scope)}:iam::${PlatformStack.of(scope).account}:policy${path}${boundary.name}`;
  return iam.ManagedPolicy.fromManagedPolicyArn(scope, 'PermissionsBoundary', arn);
}
