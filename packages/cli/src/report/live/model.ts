/**
 * What `tarmac report --live` reads from AWS, before it is compared with the intended state. Collected from
 * the delegated administrator with the standard credential chain; each member account (and the management
 * account) is read through the read-only role the account baseline deploys (REPORT_READER_ROLE).
 */

/** What the build says an account should have in each of its regions: the collector's input. */
export interface AccountExpectation {
  readonly id: string;
  readonly name: string;
  readonly regions: readonly string[];
  /** The Guard Hooks the guardrails stack set (or the management stack) activates: their type names (aliases). */
  readonly hookTypeNames: readonly string[];
  /** The conformance pack of the account's profile (ConformancePackName); absent when it has no Config rules. */
  readonly conformancePack?: string;
  /** The account baseline turns Security Hub on (with its default standards) for the account's profile. */
  readonly securityHub: boolean;
}

export interface LiveNonCompliantResource {
  /** The conformance pack's rule name (as Config names it, with the pack's suffix). */
  readonly rule: string;
  readonly resourceType: string;
  readonly resourceId: string;
}

export interface LiveConformancePack {
  readonly name: string;
  /** false: DescribeConformancePackCompliance answered NoSuchConformancePackException. */
  readonly found: boolean;
  readonly nonCompliant: readonly LiveNonCompliantResource[];
}

/** A Guard Hook invocation that failed validation (HOOK_COMPLETE_FAILED), from ListHookResults and GetHookResult. */
export interface LiveHookFailure {
  readonly hookResultId: string;
  readonly typeName: string;
  readonly invokedAt?: string;
  readonly targetType?: string;
  readonly targetId?: string;
  readonly failureMode?: string;
  readonly reason?: string;
  /** The rules that failed (GetHookResult's annotations whose status is FAILED). */
  readonly failedRules: readonly { readonly name: string; readonly message?: string }[];
}

export interface LiveRegion {
  readonly region: string;
  /** Per expected hook type name: whether DescribeType finds it activated in this account and region. */
  readonly hooks: readonly { readonly typeName: string; readonly present: boolean }[];
  readonly conformancePack?: LiveConformancePack;
  readonly hookFailures: readonly LiveHookFailure[];
  /** StandardsArn of every standard GetEnabledStandards lists; null when Security Hub is not enabled. Absent when not expected. */
  readonly securityHubStandards?: readonly string[] | null;
  /** A read of this region that failed (access denied, throttled past retries): named, never dropped. */
  readonly errors: readonly string[];
}

export interface LiveAccount {
  readonly id: string;
  /** The reader role could not be assumed: nothing else was read in this account. */
  readonly error?: string;
  readonly regions: readonly LiveRegion[];
}

/** Every kind of difference between the intended state (sources and build) and what AWS says. */
export const LIVE_FINDING_KINDS = [
  // Organizations
  'account-placement',
  'policy-outside-tarmac',
  'policy-missing',
  'policy-changed',
  'attachment-missing',
  // StackSets
  'stack-set-missing',
  'instance-missing',
  'instance-not-current',
  'expired-exemption-deployed',
  // In the accounts
  'hook-missing',
  'conformance-pack-missing',
  'noncompliant-resource',
  'security-hub-standards',
  // What could not be read is a difference too: never a silent omission.
  'not-read',
] as const;
export type LiveFindingKind = (typeof LIVE_FINDING_KINDS)[number];

export interface LiveFinding {
  readonly kind: LiveFindingKind;
  /** The account it is about (ID); absent for the organization as a whole (a policy, a stack set). */
  readonly account?: string;
  readonly region?: string;
  /** Controls it concerns, when known. */
  readonly controls?: readonly string[];
  /** What it is about: a policy, a stack set, a resource. */
  readonly subject: string;
  readonly message: string;
  /** What to do about it. */
  readonly fix: string;
}

/** A Guard Hook that blocked a deployment (FailureMode FAIL): the control working, not a difference. */
export interface LiveBlocked {
  readonly account: string;
  readonly region: string;
  readonly typeName: string;
  readonly invokedAt?: string;
  readonly target?: string;
  readonly controls: readonly string[];
}

/** What `--live` adds to the report. */
export interface LiveReport {
  /** When AWS was read (ISO 8601). */
  readonly collectedAt: string;
  /** Hook results invoked since this instant were read. */
  readonly hookResultsSince: string;
  readonly findings: readonly LiveFinding[];
  readonly blocked: readonly LiveBlocked[];
  /** Per account: regions read, non-compliant resources, findings. */
  readonly accounts: readonly {
    readonly id: string;
    readonly read: boolean;
    readonly findings: number;
    readonly nonCompliant: number;
    readonly securityHubStandards?: readonly string[] | null;
  }[];
}
