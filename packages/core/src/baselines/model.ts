/**
 * The baselines every member account gets (policies/baselines/), deployed by the stack sets of stacksets/ with
 * `baseline: account` or `baseline: network`. Key names mirror the YAML, so the @tarmac/cdk constructs take
 * these types as their props. A profile (sandbox, dev, prod) picks the settings that differ by account type.
 */

import type { IamStatement } from '../org/model';

/** Security services CloudFormation can turn on in one account and region. */
export interface SecurityServices {
  readonly guardDuty: boolean;
  readonly securityHub: boolean;
  readonly macie: boolean;
  readonly detective: boolean;
}

/** The organization's permissions boundary, as deployed: a customer managed policy in every member account. */
export interface PermissionsBoundaryDocument {
  readonly name: string;
  /** IAM path, e.g. /tarmac/. */
  readonly path: string;
  readonly description: string;
  /** The policy's statements (policies/permissions-boundary.yaml `statements:`), IAM actions validated. */
  readonly statements: readonly IamStatement[];
}

/** policies/baselines/account.yaml, resolved for one profile. */
export interface AccountBaselineSettings {
  readonly profile: string;
  /** Global resources (IAM) are created in this region only; the others skip them. */
  readonly homeRegion: string;
  readonly permissionsBoundary: PermissionsBoundaryDocument;
  readonly accessAnalyzer: {
    /** Also run an unused-access analyzer (a paid feature) reporting access unused for this many days. Absent: off. */
    readonly unusedAccessAgeDays?: number;
  };
  /**
   * A customer managed KMS key for EBS default encryption, with a key policy EC2 and Auto Scaling can use in
   * this account. CloudFormation cannot make it the default (ModifyEbsDefaultKmsKeyId is an EC2 API call):
   * docs/baselines.md says how.
   */
  readonly ebsDefaultKey?: { readonly alias: string };
  readonly securityServices: SecurityServices;
}

export type NatGateways = 'none' | 'single' | 'perAz';

/** The organization's IPAM pool for one region: VPC CIDRs are allocated from it, so none overlap. */
export interface IpamPool {
  readonly region: string;
  /** ipam-pool-0123456789abcdef0, shared with the organization through AWS RAM. */
  readonly id: string;
  /** The pool's provisioned CIDR, e.g. 10.0.0.0/12 (used to check that every VPC fits). */
  readonly cidr: string;
  readonly line?: number;
}

/** policies/baselines/network.yaml, resolved for one profile. */
export interface NetworkBaselineSettings {
  readonly profile: string;
  readonly ipamPools: readonly IpamPool[];
  /** Netmask length of each VPC allocated from the pool, e.g. 22. */
  readonly vpcNetmaskLength: number;
  /** AZs the subnets span (2 to 6). */
  readonly availabilityZones: number;
  /** Netmask length of every subnet (public and private), e.g. 25. */
  readonly subnetNetmaskLength: number;
  readonly natGateways: NatGateways;
  readonly flowLogs: { readonly retentionDays: number; readonly trafficType: 'ALL' | 'ACCEPT' | 'REJECT' };
  /** Interface endpoint services, short names: ssm, ssmmessages, ec2messages, ... */
  readonly interfaceEndpoints: readonly string[];
  /** Gateway endpoint services: s3, dynamodb. */
  readonly gatewayEndpoints: readonly string[];
}

/** policies/baselines/account.yaml and network.yaml as loaded: shared settings plus the per-profile ones. */
export interface Baselines {
  /** Settings per profile name; absent when account.yaml is absent. */
  readonly account?: ReadonlyMap<string, AccountBaselineSettings>;
  readonly network?: ReadonlyMap<string, NetworkBaselineSettings>;
  readonly files: { readonly account?: string; readonly network?: string };
}
