/** The organization model (policies/org.yaml) and the organization policies built from policies/scp, rcp, declarative. */

import { Severity } from '../catalog/model';

export type AccountType = 'sandbox' | 'dev' | 'prod';
export const ACCOUNT_TYPES: readonly AccountType[] = ['sandbox', 'dev', 'prod'];

/** The AWS Organizations policy types Tarmac builds. */
export type OrgPolicyType =
  'SERVICE_CONTROL_POLICY' | 'RESOURCE_CONTROL_POLICY' | 'TAG_POLICY' | 'DECLARATIVE_POLICY_EC2' | 'AISERVICES_OPT_OUT_POLICY' | 'BACKUP_POLICY';

/** Directory name under DIR/org/ for each policy type. */
export const POLICY_TYPE_DIR: Readonly<Record<OrgPolicyType, string>> = {
  SERVICE_CONTROL_POLICY: 'scp',
  RESOURCE_CONTROL_POLICY: 'rcp',
  TAG_POLICY: 'tag',
  DECLARATIVE_POLICY_EC2: 'declarative-ec2',
  AISERVICES_OPT_OUT_POLICY: 'aiservices-opt-out',
  BACKUP_POLICY: 'backup',
};

export interface Quota {
  /** Characters of the policy document as sent. */
  readonly maxSize: number;
  /** Policies of this type attached to one root, OU or account. */
  readonly maxAttached: number;
}

export interface Regions {
  readonly home: string;
  readonly allowed: readonly string[];
}

export interface Account {
  readonly id: string;
  readonly name: string;
  readonly type: AccountType;
  /** The OU the account sits in, or undefined for an account directly under the root. */
  readonly ouId?: string;
  readonly regions: Regions;
  readonly email?: string;
  /** Where in org.yaml the account is described, for error messages. */
  readonly line?: number;
}

export interface OrganizationalUnit {
  readonly id: string;
  readonly name: string;
  /** Names from the root down, joined by '/': Workloads/Prod. */
  readonly path: string;
  readonly parentId: string;
  readonly regions: Regions;
  readonly line?: number;
}

/** A policy AWS or Control Tower attaches, which Tarmac does not build but must count (and may simulate). */
export interface AlreadyAttachedPolicy {
  readonly name: string;
  readonly type: OrgPolicyType;
  /** Target IDs (root, OU, account). */
  readonly targetIds: readonly string[];
  /** The policy text, when Tarmac knows it (FullAWSAccess, RCPFullAWSAccess); simulation uses it. */
  readonly document?: object;
}

export interface Organization {
  readonly file: string;
  readonly id: string;
  readonly rootId: string;
  readonly managementAccountId: string;
  readonly managementAccountName: string;
  readonly regions: Regions;
  /** Role names (optionally with a path) by role key: platform, breakGlass, ... */
  readonly roles: Readonly<Record<string, string>>;
  /** OUs in tree order (parents before children, siblings in file order). */
  readonly ous: readonly OrganizationalUnit[];
  readonly accounts: readonly Account[];
  readonly quotas: Readonly<Record<OrgPolicyType, Quota>>;
  readonly alreadyAttached: readonly AlreadyAttachedPolicy[];
  /** Line of each target ID's description in org.yaml (root, OUs, accounts). */
  readonly lineOf: ReadonlyMap<string, number>;
  /** Org-wide deployment settings; absent when org.yaml has no `deployment` section. */
  readonly deployment?: Deployment;
  readonly configQuotas: ConfigQuotas;
  /** How long exemptions may run (org.yaml `exemptionPolicy`, with defaults). */
  readonly exemptionPolicy: ExemptionPolicy;
}

/** org.yaml `exemptionPolicy`: the longest an exemption may run, and when it counts as expiring. */
export interface ExemptionPolicy {
  readonly maxDays: number;
  readonly expiringWithinDays: number;
}

/** Where and how `tarmac deploy` runs: the StackSets delegated administrator and the platform's own tags. */
export interface Deployment {
  readonly delegatedAdmin: Account;
  readonly tags: Readonly<Record<string, string>>;
  /** Line of the deployment section's keys in org.yaml, for messages. */
  readonly lines: { readonly delegatedAdmin?: number; readonly tags?: number };
}

/** AWS Config quotas per account and region. */
export interface ConfigQuotas {
  readonly rulesPerAccount: number;
  readonly rulesPerConformancePack: number;
  readonly conformancePacksPerAccount: number;
}

/** An IAM policy statement as written (IAM's own key casing). */
export interface IamStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: unknown;
  NotPrincipal?: unknown;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, string | string[] | boolean | number | Array<string | boolean | number>>>;
}

/** One simulation case of an organization policy file. */
export interface PolicyTestCase {
  readonly name: string;
  /** Account name or ID of the principal; from the principal ARN when that is a full ARN. */
  readonly account?: string;
  /** Full principal ARN, or a path relative to the account such as role/Developer. */
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  /** Account that owns the resource; the request's account when omitted. */
  readonly resourceAccount?: string;
  readonly context: Readonly<Record<string, string | readonly string[]>>;
  readonly expect: 'Allowed' | 'Denied';
  /**
   * For a Denied case: the Sid of the file's Deny statement that must be among those that explicitly deny the
   * request (another policy's deny does not count), or `implicit` in a file with Allow statements (an allow-list
   * SCP) when no statement may explicitly deny it. A statement repeated per mandatory tag is named by its
   * expanded Sid (DenyCreateWithoutTagTeam).
   */
  readonly deniedBy?: string;
  /**
   * Instead of an account: an OU path (Suspended). The request then comes from a member account with the ID
   * NEW_ACCOUNT_ID placed directly in that OU, with nothing attached to the account itself, as when an account
   * is moved there; for OUs that hold no account yet.
   */
  readonly ou?: string;
  readonly line?: number;
}

/** A target as written: root, ou:<path>, type:<account type>, account:<name or id>. */
export type TargetRef = string;

/** An organization policy source file: SCP or RCP statements, or a declarative policy, with control metadata. */
export interface OrgControl {
  readonly id: string;
  readonly title: string;
  readonly severity: Severity;
  readonly rationale: string;
  readonly type: OrgPolicyType;
  readonly targets: readonly TargetRef[];
  readonly frameworks: Readonly<Record<string, readonly string[]>>;
  /**
   * The catalog control whose intent this policy enforces at the API; that control lists this policy's id
   * among its aliases (ADR 0012). The id remains the name of the deployed policy.
   */
  readonly control?: string;
  /** IDs of catalog controls this policy enforces as well (the Guard side of the same control). */
  readonly related: readonly string[];
  readonly references: readonly string[];
  readonly tests: readonly PolicyTestCase[];
  readonly file: string;
  /** Role keys from org.yaml whose principals every Deny statement exempts. */
  readonly exemptions: readonly string[];
  /** SCP and RCP statements as written (placeholders unresolved). */
  readonly statements: readonly StatementSource[];
  /** Declared settings of a tag, declarative or AI opt-out policy, already validated against the type's schema. */
  readonly settings?: unknown;
  readonly generatedFrom?: 'tags.yaml';
}

export interface StatementSource {
  readonly statement: IamStatement;
  /** Repeat once per mandatory tag key. */
  readonly forEach?: 'mandatoryTag';
  /** Index in the file's statements list and its line, for messages. */
  readonly index: number;
  readonly line?: number;
}

/** The organization and every organization policy control, validated. */
export interface OrgPolicySet {
  readonly organization: Organization;
  readonly controls: readonly OrgControl[];
}
