import type { CallAs } from './clients';
import type { OuTarget, StackSetKind } from './desired';
import type { TargetGroup } from './targets';

/** What `tarmac plan` prints and `--format json` serializes: the difference between the build and AWS. */
export interface Plan {
  readonly region?: string;
  readonly callAs: CallAs;
  readonly organizationId?: string;
  readonly delegatedAdmin?: { readonly accountId: string; readonly accountName: string; readonly region: string };
  readonly bundleBucket?: string;
  readonly bundles: readonly BundlePlan[];
  readonly stacks: readonly StackPlan[];
  readonly policies: readonly PolicyPlan[];
  readonly stackSets: readonly StackSetPlan[];
  /** Changes that delete something: deploy performs them only with --allow-delete. */
  readonly removals: number;
  /** The management account's stacks, which this plan leaves alone: `tarmac plan --management` plans them. */
  readonly managementStacks: readonly { readonly name: string; readonly region: string; readonly note: string }[];
  /** The cost allocation tags the build relies on, and that they are checked only with --management. */
  readonly costAllocationTags: { readonly keys: readonly string[]; readonly note: string };
}

/** `tarmac plan --management`: the management account's stacks and the cost allocation tags the build relies on. */
export interface ManagementPlan {
  readonly managementAccountId: string;
  readonly stacks: readonly StackPlan[];
  readonly costAllocationTags: TagCheck;
  /** IAM principal tags the saved queries rely on: activated on their own, which no API reports, so named, not checked. */
  readonly principalCostAllocationTags: readonly string[];
  readonly anomalyMonitors: MonitorCheck;
}

/** Monitors AWS already has that a monitor of the billing stack would collide with (GetAnomalyMonitors). */
export interface MonitorCheck {
  readonly collisions: readonly {
    /** The billing stack's monitor, by AWS name. */
    readonly monitor: string;
    readonly dimension: 'SERVICE' | 'TAG';
    readonly existing: { readonly name: string; readonly arn: string };
  }[];
  /** Set when the check could not be made: the stack is then not deployed. */
  readonly error?: string;
}

/** Whether the cost allocation tags are active, as Cost Explorer says (ListCostAllocationTags). */
export interface TagCheck {
  readonly keys: readonly string[];
  /** Keys Cost Explorer lists as Inactive, or does not list at all (no resource has carried them yet). */
  readonly inactive: readonly { readonly key: string; readonly status: 'Inactive' | 'absent' }[];
  /** Set when the check could not be made: the tags are then unknown, never taken as active. */
  readonly error?: string;
}

export interface BundlePlan {
  readonly key: string;
  readonly sha256: string;
  readonly profile: string;
  readonly mode: string;
  /** upload: a new object (and version); unchanged: the key exists with this content; conflict: it exists with other bytes. */
  readonly action: 'upload' | 'unchanged' | 'conflict';
  readonly versionId?: string;
  readonly note?: string;
}

export interface StackPlan {
  readonly name: string;
  readonly region: string;
  /** blocked: the stack is in a state it cannot be updated from (e.g. ROLLBACK_COMPLETE), or (--management) a bundle its parameters pin is not uploaded yet. */
  readonly action: 'create' | 'update' | 'unchanged' | 'blocked';
  readonly status?: string;
  readonly note?: string;
}

export interface PolicyPlan {
  readonly type: string;
  readonly name: string;
  readonly id?: string;
  readonly action: 'create' | 'update' | 'unchanged' | 'delete';
  readonly contentChanged: boolean;
  readonly attach: readonly string[];
  readonly detach: readonly string[];
  readonly needsAllowDelete: boolean;
}

export interface FieldChange {
  readonly field: string;
  readonly from?: string;
  readonly to?: string;
}

export interface StackSetPlan {
  readonly name: string;
  /** Absent for a stack set the build no longer has (deleted whatever it deployed). */
  readonly kind?: StackSetKind;
  readonly wave?: 0 | 1;
  readonly profile?: string;
  readonly action: 'create' | 'update' | 'unchanged' | 'delete';
  /** What differs in the stack set itself (template, parameters, auto-deployment, ...). */
  readonly changes: readonly FieldChange[];
  readonly ous: readonly OuTarget[];
  /** An account target's accounts (the OUs narrowed by AccountFilterType INTERSECTION). */
  readonly accounts?: readonly { readonly id: string; readonly name: string }[];
  readonly regions: readonly string[];
  /** Accounts × regions: the target's accounts, or those org.yaml places under each OU. */
  readonly instances: number;
  readonly addTargets: readonly TargetGroup[];
  readonly removeTargets: readonly TargetGroup[];
  readonly needsAllowDelete: boolean;
  readonly status?: string;
}

/** One stack instance as AWS reports it after an operation or in `tarmac status`. */
export interface InstanceStatus {
  readonly account: string;
  readonly region: string;
  readonly ou?: string;
  /** CURRENT, OUTDATED or INOPERABLE. */
  readonly status: string;
  /** SUCCEEDED, FAILED, CANCELLED, INOPERABLE, SKIPPED_SUSPENDED_ACCOUNT, RUNNING, PENDING, FAILED_IMPORT. */
  readonly detailedStatus?: string;
  readonly reason?: string;
  readonly drift?: string;
}

/** How an instance counts in the exit code. */
export type InstanceVerdict = 'ok' | 'skipped' | 'failed' | 'inoperable' | 'outdated';

export interface OperationOutcome {
  readonly operationId: string;
  readonly action: string;
  readonly status: string;
  readonly reason?: string;
}

export interface StackSetOutcome {
  readonly name: string;
  /** Absent for a stack set the build no longer has. */
  readonly wave?: 0 | 1;
  readonly action: StackSetPlan['action'] | 'not attempted';
  readonly operations: readonly OperationOutcome[];
  readonly instances: readonly InstanceStatus[];
  /** What went wrong, for people; empty on success. */
  readonly errors: readonly string[];
  readonly skippedRemovals: readonly string[];
}

export interface StepOutcome {
  readonly name: string;
  readonly action: string;
  readonly ok: boolean;
  readonly detail?: string;
}

export interface DeployReport {
  readonly stacks: readonly StepOutcome[];
  readonly bundles: readonly StepOutcome[];
  readonly policies: readonly StepOutcome[];
  readonly stackSets: readonly StackSetOutcome[];
  /** Removals not performed because --allow-delete was not given. */
  readonly skippedRemovals: readonly string[];
  /** What the deploy left alone on purpose and how to do it (the management stacks without --management). */
  readonly notes: readonly string[];
}

/** `tarmac deploy --management`: the tag check, then each management stack (none when the check refused). */
export interface ManagementReport {
  readonly costAllocationTags: TagCheck;
  /** Absent when the deploy was refused before the monitors were checked. */
  readonly anomalyMonitors?: MonitorCheck;
  /** Why nothing was deployed (inactive tags without --allow-inactive-tags, or a check that failed). */
  readonly refused?: string;
  readonly stacks: readonly StepOutcome[];
}
