import { createHash } from 'crypto';
import * as path from 'path';
import type {
  BuiltPolicy,
  ConfigRuleSpec,
  HookDefinition,
  OrgBuild,
  Organization,
  RuleBundle,
  StackSetDefinition,
  StackSetTarget,
  StackSetUnit,
  StackSetsBuild,
} from '@tarmac/core/org';

export const REPO = path.resolve(__dirname, '..', '..', '..', '..', '..');
export const POLICIES = path.join(REPO, 'policies');

/** org.yaml's deployment.tags: what the platform's own resources carry. */
export const PLATFORM_TAGS = { team: 'platform', project: 'tarmac', env: 'prod', domain: 'platform', 'cost-center': 'cc-1000' };
export const BOUNDARY = { name: 'TarmacWorkloadBoundary', path: '/tarmac/' };

export const ADMIN = { accountId: '333333333333', accountName: 'audit', region: 'eu-west-1' };
export const BUNDLE_BUCKET = `tarmac-rule-bundles-${ADMIN.accountId}-${ADMIN.region}`;
export const LOG_BUCKET = `tarmac-rule-logs-${ADMIN.accountId}-${ADMIN.region}`;

export const HOOK: HookDefinition = {
  name: 'guardrails',
  file: path.join(REPO, 'hooks', 'guardrails.yaml'),
  alias: 'Tarmac::Guard::Guardrails',
  advisoryAlias: 'Tarmac::Guard::GuardrailsAdvisory',
  description: "Landing zone controls (LZ.*) from policies/, per the account's profile.",
  targetOperations: ['RESOURCE', 'CLOUD_CONTROL'],
  actions: ['CREATE', 'UPDATE'],
  stackFilters: { filteringCriteria: 'ALL', stackRoles: { exclude: ['TarmacBreakGlass'] } },
  failureMode: 'FAIL',
};

/** A RuleBundle as compileStackSets makes one: content-addressed key, sha256 of the bytes. */
export function bundle(profile: string, mode: 'enforce' | 'warn', controls: string[], hook = HOOK.name): RuleBundle {
  const bytes = Buffer.from(controls.map((id) => `# ${id}\nrule ${id.replace(/\./g, '_').toLowerCase()} { Resources exists }\n`).join(''));
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  return { key: `hooks/${hook}/${sha256}.zip`, sha256, bytes, profile, mode, controls: [...controls].sort() };
}

export const PROD_ENFORCED = bundle('prod', 'enforce', ['LZ.S3.1', 'LZ.S3.2', 'LZ.TAG.1']);
export const PROD_ADVISORY = bundle('prod', 'warn', ['LZ.TAG.2']);
export const SANDBOX_ALL = bundle('sandbox', 'warn', ['LZ.S3.1', 'LZ.TAG.1', 'LZ.TAG.2']);
export const DEV_ENFORCED = bundle('dev', 'enforce', ['LZ.S3.2']);

const PREFERENCES = {
  maxConcurrentPercentage: 25,
  failureTolerancePercentage: 10,
  regionConcurrencyType: 'PARALLEL',
  concurrencyMode: 'STRICT_FAILURE_TOLERANCE',
} as const;

function target(name: string, profile: string, ous: [string, string][], failureMode: 'FAIL' | 'WARN'): StackSetTarget {
  return { name, profile, ouIds: ous.map(([id]) => id), ouPaths: ous.map(([, p]) => p), accountIds: [], accountNames: [], failureMode };
}

const PROD = target(
  'prod',
  'prod',
  [
    ['ou-a1b2-11111111', 'Security'],
    ['ou-a1b2-44444444', 'Workloads/Prod'],
  ],
  'FAIL',
);
const SANDBOX = target('sandbox', 'sandbox', [['ou-a1b2-66666666', 'Sandbox']], 'WARN');
const DEV = target('dev', 'dev', [['ou-a1b2-55555555', 'Workloads/Dev']], 'FAIL');

export const GUARDRAILS: StackSetDefinition = {
  name: 'guardrails',
  file: path.join(REPO, 'stacksets', 'guardrails.yaml'),
  description: "Guard Hooks of each account's profile.",
  hook: 'guardrails',
  config: false,
  targets: [PROD, SANDBOX],
  regions: ['eu-west-1', 'eu-central-1'],
  operationPreferences: PREFERENCES,
  retainStacksOnAccountRemoval: false,
};

export const BASELINE: StackSetDefinition = {
  ...GUARDRAILS,
  name: 'baseline',
  file: path.join(REPO, 'stacksets', 'baseline.yaml'),
  description: "Guard Hooks and Config rules of each account's profile.",
  config: true,
  targets: [DEV],
  regions: ['eu-west-1'],
  operationPreferences: { ...PREFERENCES, regionConcurrencyType: 'SEQUENTIAL', concurrencyMode: 'SOFT_FAILURE_TOLERANCE' },
  retainStacksOnAccountRemoval: true,
};

export const DEV_CONFIG_RULES: ConfigRuleSpec[] = [
  {
    name: 'tarmac-required-tags-1',
    identifier: 'REQUIRED_TAGS',
    description: 'Mandatory tags team, project, env, domain, cost-center.',
    inputParameters: { tag1Key: 'team', tag2Key: 'project', tag3Key: 'env', tag3Value: 'dev,staging,prod' },
    controls: ['LZ.TAG.1', 'LZ.TAG.2'],
  },
  {
    name: 'tarmac-s3-bucket-logging-enabled',
    identifier: 'S3_BUCKET_LOGGING_ENABLED',
    description: 'LZ.S3.5: S3 buckets have server access logging configured',
    controls: ['LZ.S3.5'],
  },
];

export const UNITS: StackSetUnit[] = [
  {
    name: 'tarmac-guardrails-prod',
    definition: GUARDRAILS,
    target: PROD,
    hook: HOOK,
    enforced: PROD_ENFORCED,
    advisory: PROD_ADVISORY,
    configRules: [],
    accountsByOu: { 'ou-a1b2-11111111': 2, 'ou-a1b2-44444444': 2 },
    wave: 1,
  },
  {
    name: 'tarmac-guardrails-sandbox',
    definition: GUARDRAILS,
    target: SANDBOX,
    hook: HOOK,
    enforced: SANDBOX_ALL,
    configRules: [],
    accountsByOu: { 'ou-a1b2-66666666': 1 },
    wave: 1,
  },
  {
    name: 'tarmac-baseline-dev',
    definition: BASELINE,
    target: DEV,
    hook: HOOK,
    enforced: DEV_ENFORCED,
    configRules: DEV_CONFIG_RULES,
    accountsByOu: { 'ou-a1b2-55555555': 1 },
    wave: 1,
  },
];

/** Three stack sets: prod (FAIL, enforced and advisory), sandbox (WARN, one bundle), dev (FAIL, with Config rules). */
export function fixtureBuild(overrides: Partial<StackSetsBuild> = {}): StackSetsBuild {
  return {
    organizationId: 'o-a1b2c3d4e5',
    managementAccountId: '111111111111',
    delegatedAdmin: ADMIN,
    bundleBucket: BUNDLE_BUCKET,
    logBucket: LOG_BUCKET,
    // Out of order on purpose: the output must not depend on it.
    bundles: [SANDBOX_ALL, PROD_ENFORCED, DEV_ENFORCED, PROD_ADVISORY],
    units: [UNITS[1], UNITS[0], UNITS[2]],
    ...overrides,
  };
}

export const SCP: BuiltPolicy = {
  type: 'SERVICE_CONTROL_POLICY',
  name: 'tarmac-scp-root-1',
  file: 'org/scp/tarmac-scp-root-1.json',
  content: '{"Version":"2012-10-17","Statement":[{"Sid":"DenyLeaveOrganization","Effect":"Deny","Action":"organizations:LeaveOrganization","Resource":"*"}]}',
  bytes: 0,
  targetIds: ['r-a1b2'],
  controls: ['LZ.SCP.1'],
};

export const TAG_POLICY: BuiltPolicy = {
  type: 'TAG_POLICY',
  name: 'tarmac-tag-lz-tag-policy',
  file: 'org/tag/tarmac-tag-lz-tag-policy.json',
  content: '{"tags":{"env":{"tag_key":{"@@assign":"env"},"tag_value":{"@@assign":["dev","staging","prod"]}}}}',
  bytes: 0,
  targetIds: ['ou-a1b2-33333333', 'ou-a1b2-66666666'],
  controls: ['LZ.TAG.3'],
};

/** An OrgBuild with two policies; only what synthesis reads is filled in. */
export function fixtureOrg(policies: BuiltPolicy[] = [TAG_POLICY, SCP]): OrgBuild {
  const organization = { file: path.join(POLICIES, 'org.yaml'), id: 'o-a1b2c3d4e5', rootId: 'r-a1b2', managementAccountId: '111111111111' } as Organization;
  return { organization, policies, usage: [], companions: new Map() };
}
