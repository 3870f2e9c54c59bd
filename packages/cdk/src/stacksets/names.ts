/**
 * Names shared by the templates and the manifest that `tarmac plan` and `tarmac deploy` read: a name changed
 * here changes both, so they cannot drift apart.
 */

/** Stack names, which are also the template file stems. */
export const RULE_BUNDLES_STACK = 'tarmac-rule-bundles';
export const STACK_SETS_STACK = 'tarmac-stacksets';
export const ORGANIZATION_POLICIES_STACK = 'tarmac-organization-policies';
/** The management account's FinOps stack (ADR 0007): budgets, budget actions, anomaly detection, the CUR 2.0 export. */
export const FINOPS_BILLING_STACK = 'tarmac-finops-billing';
/** Budgets, Cost Explorer and Data Exports are served from us-east-1. */
export const BILLING_REGION = 'us-east-1';

/** Paths under the build directory. */
export const STACKSETS_DIR = 'stacksets';
export const templateFile = (stem: string): string => `${STACKSETS_DIR}/${stem}.template.json`;
export const instanceTemplateFile = (stackSetName: string): string => `${STACKSETS_DIR}/instances/${stackSetName}.template.json`;
export const bundleFile = (sha256: string): string => `${STACKSETS_DIR}/bundles/${sha256}.zip`;
export const MANIFEST_FILE = `${STACKSETS_DIR}/manifest.json`;

/** Outputs of the rule bundles stack. */
export const RULES_KEY_ARN = 'RulesKeyArn';
export const BUNDLE_BUCKET_NAME = 'BundleBucketName';
export const LOG_BUCKET_NAME = 'LogBucketName';

/** Parameters of a stack instance template. */
export const RULES_VERSION_ID = 'RulesVersionId';
export const ADVISORY_RULES_VERSION_ID = 'AdvisoryRulesVersionId';

/**
 * The stack sets stack's parameter for one bundle's S3 VersionId, known only after `tarmac deploy` uploads it.
 * Named by the bundle's hash, so a parameter means one set of rule bytes for as long as it exists.
 */
export function bundleVersionParameter(sha256: string): string {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`bundle sha256 '${sha256}' is not 64 lower-case hex digits`);
  return `Bundle${sha256.slice(0, 12)}VersionId`;
}

/**
 * S3 version IDs are opaque, URL-safe and at most 1,024 bytes; 'null' is the version of an object written
 * while versioning was off. The pattern catches a pasted key, ARN or URL before CloudFormation does.
 */
export const S3_VERSION_ID_PATTERN = '^[A-Za-z0-9._-]{1,1024}$';

export const KMS_KEY_ARN_PATTERN = '^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[0-9a-fA-F-]+$';

/** IAM path of the hook execution roles; bucket and key policies trust roles under it in the organization. */
export const HOOK_ROLE_PATH = '/tarmac/';

/** A profile's conformance pack is tarmac-<profile>; the report reader role may read these only. */
export const CONFORMANCE_PACK_NAME_PREFIX = 'tarmac-';

/** tarmac-guardrails-prod -> TarmacGuardrailsProd: a readable CloudFormation logical ID. */
export function pascalCase(name: string): string {
  const id = name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('');
  if (!/^[A-Za-z]/.test(id)) throw new Error(`'${name}' does not start with a letter, so it cannot name a CloudFormation logical ID`);
  return id;
}

/** Logical IDs from names, refusing two names that would collide (tarmac-a-b and tarmac-a_b). */
export function uniqueLogicalIds(names: readonly string[], what: string): Map<string, string> {
  const ids = new Map<string, string>();
  const seen = new Map<string, string>();
  for (const name of names) {
    const id = pascalCase(name);
    const other = seen.get(id);
    if (other !== undefined && other !== name) throw new Error(`${what} '${name}' and '${other}' would both have the logical ID ${id}`);
    seen.set(id, name);
    ids.set(name, id);
  }
  return ids;
}

/** Text cut to a CloudFormation length limit, marked as cut. */
export function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 3)}...`;
}

/** Ordering by code unit, not locale: the same bytes on every machine, whatever its LANG. */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
