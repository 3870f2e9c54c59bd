/**
 * Org-wide enforcement, as written in hooks/ and stacksets/ and as built into DIR/stacksets/.
 * AWS CloudFormation StackSets reach the accounts; Tarmac describes what they deploy and never loops over accounts.
 */

import type { AccountBaselineSettings, NetworkBaselineSettings } from '../baselines/model';
import type { CostExport, FinOpsBuild } from '../finops/model';

export type FailureMode = 'FAIL' | 'WARN';
/** What a stack set deploys besides (or instead of) a hook: the baselines of policies/baselines and policies/finops. */
export type BaselineKind = 'account' | 'network' | 'finops';
export type HookTargetOperation = 'RESOURCE' | 'STACK' | 'CHANGE_SET' | 'CLOUD_CONTROL';
export type HookAction = 'CREATE' | 'UPDATE' | 'DELETE';
export type RegionConcurrency = 'SEQUENTIAL' | 'PARALLEL';

/** AWS's StackFilters, as CloudFormation spells them (camelCase in the YAML, PascalCase in the template). */
export interface HookStackFilters {
  readonly filteringCriteria: 'ALL' | 'ANY';
  readonly stackNames?: { readonly include?: readonly string[]; readonly exclude?: readonly string[] };
  readonly stackRoles?: { readonly include?: readonly string[]; readonly exclude?: readonly string[] };
}

/** hooks/<name>.yaml: one Guard Hook, evaluated in every account and region its stack sets reach. */
export interface HookDefinition {
  /** The file stem: hooks/guardrails.yaml is 'guardrails'. */
  readonly name: string;
  readonly file: string;
  /** Name1::Name2::Name3 under the organization's namespace; never starts with AWS. */
  readonly alias: string;
  /** The alias of the companion hook that carries a profile's warn-mode controls (FailureMode WARN). */
  readonly advisoryAlias: string;
  readonly description: string;
  readonly targetOperations: readonly HookTargetOperation[];
  readonly actions: readonly HookAction[];
  readonly stackFilters?: HookStackFilters;
  /** Failure mode of the enforced controls where a stack set target does not say. */
  readonly failureMode: FailureMode;
}

export interface OperationPreferences {
  readonly maxConcurrentPercentage: number;
  readonly failureTolerancePercentage: number;
  readonly regionConcurrencyType: RegionConcurrency;
  readonly concurrencyMode: 'STRICT_FAILURE_TOLERANCE' | 'SOFT_FAILURE_TOLERANCE';
}

/** One group of OUs (or of accounts) that gets one profile's controls or baseline: one AWS stack set. */
export interface StackSetTarget {
  /** Unique in its file; names the stack set: tarmac-<file>-<name>. Defaults to the profile. */
  readonly name: string;
  /** Absent only for a baseline that has no per-profile settings (finops). */
  readonly profile?: string;
  /**
   * OU IDs (resolved from the paths in the file). For an account target, the OUs the accounts sit in, narrowed
   * to accountIds by the stack set's account filter (AccountFilterType INTERSECTION).
   */
  readonly ouIds: readonly string[];
  /** OU paths as written (or of the accounts' OUs), for messages and plans. */
  readonly ouPaths: readonly string[];
  /** Accounts the target is narrowed to (`accounts:` in the file); empty for an OU target. */
  readonly accountIds: readonly string[];
  readonly accountNames: readonly string[];
  /** FAIL or WARN for a hook; FAIL (unused) for a baseline. */
  readonly failureMode: FailureMode;
  readonly line?: number;
}

/** stacksets/<name>.yaml: what is deployed org-wide, to which OUs and regions, how fast. */
export interface StackSetDefinition {
  readonly name: string;
  readonly file: string;
  readonly description: string;
  /** The hook in hooks/ whose rules the stack instances carry (exactly one of hook and baseline). */
  readonly hook?: string;
  /** The baseline the stack instances deploy (exactly one of hook and baseline). */
  readonly baseline?: BaselineKind;
  /** Also deploy the profile's AWS Config rules (REQUIRED_TAGS and the managed rules controls map to) as a conformance pack. */
  readonly config: boolean;
  readonly targets: readonly StackSetTarget[];
  /**
   * `management:` of a hook stack set: the management account, which service-managed stack sets never reach, gets
   * the hook as a plain stack tarmac-<file>-management in org.yaml's home region (`tarmac deploy --management`).
   * Its target names the management account; it has no OU.
   */
  readonly management?: StackSetTarget;
  readonly regions: readonly string[];
  readonly operationPreferences: OperationPreferences;
  readonly retainStacksOnAccountRemoval: boolean;
}

/** A zip of Guard rule files for one profile and mode, built reproducibly: same rules, same bytes. */
export interface RuleBundle {
  /** Object key in the bundle bucket; content-addressed, so a key is never written twice. */
  readonly key: string;
  readonly sha256: string;
  readonly bytes: Uint8Array;
  readonly profile: string;
  readonly mode: 'enforce' | 'warn';
  /** Control IDs inside, sorted. */
  readonly controls: readonly string[];
  /**
   * The exemptions the bundle's Guard files carry (ADR 0012), by exemption ID then control; absent when none.
   * They are part of the bytes, so the key changes when one is added or expires.
   */
  readonly exemptions?: readonly { readonly control: string; readonly id: string; readonly expires: string }[];
}

/** CloudFormation's limit on an inline TemplateBody (stacks, stack sets and conformance packs alike), in bytes. */
export const MAX_TEMPLATE_BODY_BYTES = 51_200;

/** A stack `tarmac deploy` creates or updates itself, with its template inline. */
export interface PlainStack {
  readonly name: string;
  readonly template: string;
  readonly region: string;
  /** The size of the minified TemplateBody deploy sends; CloudFormation takes at most 51,200 bytes inline. */
  readonly templateBytes: number;
}

/** DIR/stacksets/manifest.json: what `tarmac plan` and `tarmac deploy` read. Paths are relative to DIR. */
export interface StackSetsManifest {
  readonly formatVersion: 1;
  readonly organizationId: string;
  /** The delegated administrator for StackSets: where the bundle bucket and the stack sets live. */
  readonly delegatedAdmin: { readonly accountId: string; readonly accountName: string; readonly region: string };
  readonly managementAccountId: string;
  readonly bundleBucket: string;
  readonly bundles: readonly {
    readonly key: string;
    readonly file: string;
    readonly sha256: string;
    readonly profile: string;
    readonly mode: string;
    readonly controls: readonly string[];
    readonly versionParameter: string;
  }[];
  /** Stacks `tarmac deploy` deploys as plain stacks in the delegated admin account: the bundle bucket stack. */
  readonly stacks: readonly PlainStack[];
  /**
   * The management-account stack with an AWS::Organizations::Policy per built policy, for organizations that
   * manage their policies with CloudFormation. `tarmac deploy` uses the Organizations API instead (ADR 0006).
   */
  readonly organizationPoliciesTemplate: string;
  /**
   * The stack sets stack: one AWS::CloudFormation::StackSet per target. Its parameters are filled at deploy:
   * each bundle's VersionId after upload, and the outputs of the bundle stack.
   */
  readonly stackSetsTemplate: string;
  /**
   * Plain stacks in the management account (tarmac-finops-billing: budgets, budget actions, anomaly detection,
   * the CUR 2.0 export). StackSets cannot reach the management account; `tarmac deploy --management` deploys
   * these with the management account's credentials.
   */
  readonly managementStacks: readonly PlainStack[];
  /** Cost allocation tags the build relies on; `tarmac plan` reports any that is not active. */
  readonly costAllocationTags: readonly string[];
  /** IAM principal tags the saved queries rely on: activated on their own, which no API reports (see FinOpsBuild). */
  readonly principalCostAllocationTags: readonly string[];
  /**
   * What fills each management stack's parameters, by stack name then parameter: a bundle's VersionId, or the
   * ARN of the KMS key a bundle is encrypted with (`bundleKey`). `tarmac deploy --management` reads both from the
   * bundle object (HeadObject) with the management account's credentials; the bundles must already be uploaded
   * by `tarmac deploy`. Absent or empty when no management stack has parameters.
   */
  readonly managementParameters?: Readonly<Record<string, Readonly<Record<string, { readonly bundle: string } | { readonly bundleKey: string }>>>>;
  /**
   * The AWS managed anomaly monitors the billing stack creates (adopted ones are not), by AWS name. AWS allows
   * one per dimension, so `tarmac plan --management` looks for another monitor of the same dimension first.
   */
  readonly anomalyMonitors: readonly { readonly name: string; readonly dimension: 'SERVICE' | 'TAG' }[];
  readonly parameters: Readonly<Record<string, { readonly bundle: string } | { readonly output: { readonly stack: string; readonly key: string } }>>;
  readonly stackSets: readonly {
    readonly name: string;
    readonly logicalId: string;
    readonly source: string;
    readonly instanceTemplate: string;
    /** guardrails (a hook and Config rules) or the baseline it deploys. */
    readonly kind: 'guardrails' | BaselineKind;
    /** 0: baselines, deployed and completed first; 1: hooks. */
    readonly wave: 0 | 1;
    readonly ous: readonly { readonly id: string; readonly path: string; readonly accounts: number }[];
    /** For an account target: the accounts the OUs are narrowed to (AccountFilterType INTERSECTION). */
    readonly accounts?: readonly { readonly id: string; readonly name: string }[];
    readonly regions: readonly string[];
    readonly profile?: string;
    readonly failureMode: FailureMode;
    readonly bundles: readonly string[];
  }[];
}

/** An AWS Config managed rule in a conformance pack, with the controls it reports for. */
export interface ConfigRuleSpec {
  /** ConfigRuleName: unique in the account. */
  readonly name: string;
  /** Managed rule identifier, e.g. S3_BUCKET_LOGGING_ENABLED, REQUIRED_TAGS. */
  readonly identifier: string;
  readonly description: string;
  readonly inputParameters?: Readonly<Record<string, string>>;
  readonly controls: readonly string[];
}

/** One AWS stack set as built: a stackset definition's target with everything its instance template needs. */
export interface StackSetUnit {
  /** The stack set's name: tarmac-<file>-<target>. */
  readonly name: string;
  readonly definition: StackSetDefinition;
  readonly target: StackSetTarget;
  /** The hook of a guardrails stack set; absent for a baseline. */
  readonly hook?: HookDefinition;
  /** The baseline, resolved for the target's profile; absent for a guardrails stack set. */
  readonly baseline?: BaselineUnit;
  /**
   * Deploy order: every stack set of wave 0 (baselines) completes before wave 1 (hooks) starts, because the
   * hook execution role carries the permissions boundary the account baseline creates.
   */
  readonly wave: 0 | 1;
  /** The controls the profile enforces, in a hook with the target's failure mode (absent when there are none). */
  readonly enforced?: RuleBundle;
  /** The controls the profile only warns about, in the advisory hook (FailureMode WARN). */
  readonly advisory?: RuleBundle;
  /** The conformance pack's rules ([] when the stack set has config: false). */
  readonly configRules: readonly ConfigRuleSpec[];
  /** Accounts org.yaml places under each target OU (its whole subtree), by OU ID. */
  readonly accountsByOu: Readonly<Record<string, number>>;
}

/** A baseline as one stack set target gets it. */
export type BaselineUnit =
  | { readonly kind: 'account'; readonly settings: AccountBaselineSettings }
  | { readonly kind: 'network'; readonly settings: NetworkBaselineSettings }
  | { readonly kind: 'finops'; readonly costExport: CostExport };

/** Everything `tarmac build` knows about org-wide deployment before the templates are synthesized. */
export interface StackSetsBuild {
  readonly organizationId: string;
  readonly managementAccountId: string;
  readonly delegatedAdmin: { readonly accountId: string; readonly accountName: string; readonly region: string };
  /** Versioned, KMS-encrypted, org-readable bucket holding the rule bundles, in the delegated admin account's home region. */
  readonly bundleBucket: string;
  /** Server access logs of the bundle bucket, and the Guard Hooks' output reports. */
  readonly logBucket: string;
  readonly bundles: readonly RuleBundle[];
  readonly units: readonly StackSetUnit[];
  /**
   * The hooks the management account gets as plain stacks (`management:` of a hook stack set), one per stack set
   * file that asks, each in `region`. Not stack sets: `tarmac deploy --management` deploys them. No Config rules.
   */
  readonly management?: readonly (StackSetUnit & { readonly region: string })[];
  /** policies/finops compiled: the management account's billing stack is built from it. Absent without policies/finops. */
  readonly finops?: FinOpsBuild;
}
