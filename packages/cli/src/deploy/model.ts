import type { CallAs } from './clients';
import type { OuTarget, TargetGroup } from './desired';

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
  /** blocked: the stack is in a state it cannot be updated from (e.g. ROLLBACK_COMPLETE). */
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
  readonly action: 'create' | 'update' | 'unchanged' | 'delete';
  /** What differs in the stack set itself (template, parameters, auto-deployment, ...). */
  readonly changes: readonly FieldChange[];
  readonly ous: readonly OuTarget[];
  readonly regions: readonly string[];
  /** Accounts × regions, from the accounts org.yaml places under each OU. */
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
}
