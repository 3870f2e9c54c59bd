/**
 * FinOps as code (policies/finops/): budgets with soft and hard guardrails, cost anomaly detection and the
 * CUR 2.0 export with its Athena workgroup. Key names mirror the YAML, so the @tarmac/cdk constructs take
 * these types as their props.
 *
 * Where each piece runs (ADR 0007): budgets, budget actions, anomaly monitors and the data export need the
 * payer's view of the whole organization, so they live in the management account (stack tarmac-finops-billing,
 * us-east-1, deployed with `tarmac deploy --management`); the cost data bucket, the Glue table and the Athena
 * workgroup live in the FinOps account (stack set tarmac-finops-*).
 */

import type { IamStatement } from '../org/model';

/** An SNS topic Tarmac creates for cost alerts (budgets and anomalies); chat integrations subscribe to it. */
export interface NotificationTopic {
  /** Name in budgets.yaml; the SNS topic is tarmac-<name>. */
  readonly name: string;
  readonly description: string;
  readonly line?: number;
}

/** A named e-mail address alerts go to. */
export interface EmailContact {
  readonly name: string;
  readonly address: string;
  readonly line?: number;
}

/** policies/finops/budgets.yaml `notifications:`: the targets budgets and anomaly subscriptions name. */
export interface NotificationTargets {
  readonly topics: readonly NotificationTopic[];
  readonly emails: readonly EmailContact[];
}

/** Which costs a budget counts: those carrying one value of one mandatory (cost-allocation) tag. */
export interface BudgetScope {
  /** A key of tags.yaml, e.g. team or project. */
  readonly tag: string;
  readonly value: string;
}

/** Alerts before money is gone: a percentage of actual and of forecast spend. */
export interface SoftGuardrail {
  /** Notify when actual spend passes this percentage of the amount. @default 80 */
  readonly actualPercent: number;
  /** Notify when forecast spend passes this percentage of the amount. @default 100 */
  readonly forecastPercent: number;
}

export type ApprovalModel = 'AUTOMATIC' | 'MANUAL';

/**
 * The stop: at thresholdPercent of actual spend, an AWS Budgets action (APPLY_SCP_POLICY) attaches a deny SCP
 * to the targets. The SCP denies new-spend actions to principals tagged with the budget's scope, except the
 * platform and break-glass roles of org.yaml; existing resources keep running.
 */
export interface HardGuardrail {
  /** @default 100 */
  readonly thresholdPercent: number;
  /** AUTOMATIC runs the action at the threshold; MANUAL waits for someone to approve it in the Budgets console. */
  readonly approval: ApprovalModel;
  /** Targets as written in the YAML (account:<name>, ou:<path>), for messages. */
  readonly targetRefs: readonly string[];
  /** The account and OU IDs the SCP is attached to when the action runs. */
  readonly targetIds: readonly string[];
  /** The Organizations policy the action attaches: not attached until then. Its name never starts with tarmac-. */
  readonly policyName: string;
  /** The deny SCP, complete (Version and Statement), as simulated in tests and deployed. */
  readonly policy: { readonly Version: '2012-10-17'; readonly Statement: readonly IamStatement[] };
  /** The policy exactly as sent to AWS Organizations (minified), whose length the SCP size quota counts. */
  readonly content?: string;
  /** Role keys of org.yaml the deny exempts (platform, breakGlass). */
  readonly exemptions?: readonly string[];
  /** Line of each targetRefs entry in budgets.yaml, for messages about a target. */
  readonly targetLines?: readonly (number | undefined)[];
}

/** One budget of policies/finops/budgets.yaml. */
export interface Budget {
  /** Unique; the AWS budget is tarmac-<name>. */
  readonly name: string;
  readonly description?: string;
  /** Monthly amount, > 0. */
  readonly amount: number;
  /** ISO currency code, e.g. USD. */
  readonly currency: string;
  readonly scope: BudgetScope;
  readonly soft: SoftGuardrail;
  readonly hard?: HardGuardrail;
  /** Names of notification targets (topics and e-mails) that receive this budget's alerts. */
  readonly notify: readonly string[];
  readonly line?: number;
}

export type AnomalyFrequency = 'IMMEDIATE' | 'DAILY' | 'WEEKLY';

/** An AWS managed (DIMENSIONAL) cost anomaly monitor: each value of the dimension is evaluated on its own. */
export interface AnomalyMonitor {
  /** Unique; the AWS monitor is tarmac-<name>. */
  readonly name: string;
  readonly dimension: 'SERVICE' | 'TAG';
  /** For dimension TAG: the mandatory tag whose values are monitored, e.g. cost-center. */
  readonly tag?: string;
  /**
   * AWS::CE::AnomalyMonitor MonitorSpecification for dimension TAG (the tag key to analyze), as the JSON string
   * CloudFormation takes; absent for SERVICE. See anomaly-monitor-spec.ts for what is and is not confirmed.
   */
  readonly monitorSpecification?: string;
  /**
   * An existing monitor's ARN: subscriptions use it and none is created. AWS allows one AWS managed monitor per
   * dimension and may have made the SERVICE one itself (Default-Services-Monitor), so creating another fails.
   */
  readonly adopt?: string;
  readonly line?: number;
}

/** Who hears about anomalies, how often, above what impact. */
export interface AnomalySubscription {
  readonly name: string;
  readonly monitors: readonly string[];
  /** IMMEDIATE alerts go to SNS topics only; DAILY and WEEKLY summaries to e-mail only (AWS's rule). */
  readonly frequency: AnomalyFrequency;
  /** Alert when an anomaly's total impact is at least this amount (in the billing currency). */
  readonly thresholdAbsolute?: number;
  /** ...or at least this percentage above expected spend. */
  readonly thresholdPercent?: number;
  readonly notify: readonly string[];
  readonly line?: number;
}

/** policies/finops/anomaly-detection.yaml */
export interface AnomalyDetection {
  readonly monitors: readonly AnomalyMonitor[];
  readonly subscriptions: readonly AnomalySubscription[];
}

/** An Athena saved query shipped with the workgroup. */
export interface SavedQuery {
  readonly name: string;
  readonly description: string;
  /** SQL against the Glue table; the database and table names are substituted at build. */
  readonly sql: string;
}

/**
 * policies/finops/cost-export.yaml: CUR 2.0 as a BCM Data Export (created in the management account, which
 * sees every account) delivered as daily Parquet with resource IDs to a bucket in the FinOps account, with a
 * Glue table over it and an Athena workgroup to query it by the mandatory tags.
 */
export interface CostExport {
  /** Export name: tarmac-<name>. */
  readonly name: string;
  /** The FinOps account: owns the bucket, the Glue database and the Athena workgroup. */
  readonly account: { readonly id: string; readonly name: string };
  /** Region of the bucket, the Glue database and the workgroup: the FinOps account's home region. */
  readonly region: string;
  readonly managementAccountId: string;
  /** tarmac-cost-data-<account id>-<region> */
  readonly bucketName: string;
  /** Key prefix of the delivered files. */
  readonly prefix: string;
  /** Include the IAM principal of each line item (Bedrock cost by calling principal). */
  readonly includeIamPrincipal: boolean;
  readonly lifecycle: {
    /** Days before delivered files move to S3 Standard-IA. */
    readonly infrequentAccessAfterDays: number;
    /** Days before they move to Glacier Instant Retrieval (absent: never). */
    readonly glacierAfterDays?: number;
    /** Days before they are deleted. */
    readonly expireAfterDays: number;
  };
  readonly athena: {
    /** Workgroup: tarmac-<workgroup>. */
    readonly workgroup: string;
    /** Glue database name (lower case, digits, underscores). */
    readonly database: string;
    /** Glue table over the delivered files (lower case, digits, underscores); the saved queries read it. */
    readonly table?: string;
    /** A query scanning more than this many bytes is cancelled. */
    readonly bytesScannedCutoffPerQuery: number;
    /** Days query results are kept. */
    readonly resultsExpireAfterDays: number;
  };
  /** The Glue table's columns: exactly what the export's query selects, with Hive types. */
  readonly columns: readonly { readonly name: string; readonly type: string }[];
  /**
   * The Glue table's partition keys (projected, not crawled): billing_period, the yyyy-MM of the
   * BILLING_PERIOD=... folder Data Exports writes under <prefix>/<export name>/data/.
   */
  readonly partitionKeys?: readonly { readonly name: string; readonly type: string }[];
  /** The export's TableConfigurations for COST_AND_USAGE_REPORT, as Data Exports spells them (values "TRUE"/"FALSE"/...). */
  readonly tableConfiguration?: Readonly<Record<string, string>>;
  /** The export's SQL (SELECT <columns> FROM COST_AND_USAGE_REPORT). */
  readonly query: string;
  readonly savedQueries: readonly SavedQuery[];
  readonly line?: number;
}

/** Everything policies/finops/ compiles to. Absent pieces are absent files. */
export interface FinOpsBuild {
  readonly notifications: NotificationTargets;
  readonly budgets: readonly Budget[];
  readonly anomalyDetection?: AnomalyDetection;
  readonly costExport?: CostExport;
  /**
   * Cost allocation tags the build relies on (budget scopes, anomaly monitors, saved queries): they must be
   * active in the management account, or budgets count nothing. `tarmac plan` checks them.
   */
  readonly costAllocationTags: readonly string[];
  /**
   * Tags of the calling IAM principal the saved queries group Amazon Bedrock cost by (CUR 2.0 with IAM
   * principal data). AWS activates these for cost allocation on their own, and ListCostAllocationTags does
   * not say whether they are ("Using IAM principal for cost allocation"): `tarmac plan --management` names them.
   */
  readonly principalCostAllocationTags: readonly string[];
  /** The files read, for messages. */
  readonly files: { readonly budgets?: string; readonly anomalyDetection?: string; readonly costExport?: string };
}
