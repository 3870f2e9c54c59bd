import { ConfigQuotas, ExemptionPolicy, OrgPolicyType, Quota } from './model';

/**
 * AWS Organizations quotas as of 2026-11 (SCPs went to 10,240 characters and 10 per target in May 2026).
 * org.yaml overrides any of them; they are data, not constants baked into the packer.
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html
 */
export const DEFAULT_QUOTAS: Readonly<Record<OrgPolicyType, Quota>> = {
  SERVICE_CONTROL_POLICY: { maxSize: 10240, maxAttached: 10 },
  RESOURCE_CONTROL_POLICY: { maxSize: 5120, maxAttached: 5 },
  TAG_POLICY: { maxSize: 10000, maxAttached: 10 },
  DECLARATIVE_POLICY_EC2: { maxSize: 10000, maxAttached: 10 },
  AISERVICES_OPT_OUT_POLICY: { maxSize: 2500, maxAttached: 5 },
  BACKUP_POLICY: { maxSize: 10000, maxAttached: 10 },
};

/**
 * AWS Config quotas as of 2026-11, per account and region: 1,000 rules (MaxNumberOfConfigRulesExceededException
 * says so), 130 rules in one conformance pack, 50 conformance packs. org.yaml's configQuotas overrides them.
 * https://docs.aws.amazon.com/config/latest/developerguide/configlimits.html
 */
/** Exemptions run at most half a year, and show as expiring two weeks before they lapse. */
export const DEFAULT_EXEMPTION_POLICY: Readonly<ExemptionPolicy> = { maxDays: 180, expiringWithinDays: 14 };

export const DEFAULT_CONFIG_QUOTAS: Readonly<ConfigQuotas> = { rulesPerAccount: 1000, rulesPerConformancePack: 130, conformancePacksPerAccount: 50 };

/**
 * The AWS-managed allow-all policies whose text simulation needs. RCPFullAWSAccess is not here: it cannot
 * be detached, and the simulator adds it to every level itself.
 */
export const ALLOW_ALL: Readonly<Record<string, object>> = {
  FullAWSAccess: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
};
