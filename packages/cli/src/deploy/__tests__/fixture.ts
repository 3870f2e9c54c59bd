import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { ResourceStatus, StackEvent } from '@aws-sdk/client-cloudformation';
import type { StackSetsManifest } from '@tarmac/core/org';

export const BUNDLE_STACK = 'tarmac-rule-bundles';
export const BUCKET = 'tarmac-rule-bundles-111111111111-eu-west-1';
export const PROD = 'tarmac-guardrails-prod';
export const DEV = 'tarmac-guardrails-dev';
/** With `baselines`: the account baseline on the prod OUs (wave 0), and the finops baseline for one account (wave 0). */
export const ACCOUNT_BASELINE = 'tarmac-baselines-prod';
export const FINOPS = 'tarmac-finops-finops';
/** The finops account: one of the two accounts of ou-prod-1111, so the account filter has something to leave out. */
export const FINOPS_ACCOUNT = '200000000002';
export const BILLING_STACK = 'tarmac-finops-billing';
export const MANAGEMENT_ACCOUNT = '000000000000';
export const COST_TAGS = ['cost-center', 'project', 'team'];
/** The anomaly monitors the fixture's billing stack creates, as the manifest lists them. */
export const BILLING_MONITORS = [
  { name: 'tarmac-cost-centers', dimension: 'TAG' as const },
  { name: 'tarmac-services', dimension: 'SERVICE' as const },
];
export const ACCOUNTS: Record<string, string[]> = {
  'ou-prod-1111': ['200000000001', '200000000002'],
  'ou-prod-2222': ['200000000003'],
  'ou-dev-3333': ['300000000001'],
  'ou-old-9999': ['900000000001'],
};

export const instanceTemplate = (alias: string) =>
  JSON.stringify({
    Resources: {
      Hook: {
        Type: 'AWS::CloudFormation::GuardHook',
        Properties: { Alias: alias, RuleLocation: { Uri: { Ref: 'RulesUri' }, VersionId: { Ref: 'RulesVersion' } } },
      },
    },
  });

export interface Fixture {
  readonly dir: string;
  readonly bundles: { readonly key: string; readonly sha256: string; readonly bytes: Buffer }[];
  remove(): void;
}

function bundle(name: string) {
  const bytes = Buffer.from(`PK fake zip of ${name}`);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  return { key: `hooks/guardrails/${sha256}.zip`, sha256, bytes, file: `stacksets/bundles/${sha256}.zip` };
}

/**
 * A build directory by hand, shaped like `tarmac build` writes it: two guardrails stack sets (wave 1: prod on
 * two OUs and two regions, dev on one OU and one region), two bundles, the bundle bucket stack, and two
 * organization policies. With `baselines`: an account baseline on the prod OUs and the FinOps stack set
 * narrowed to one account of ou-prod-1111 (both wave 0), the management account's billing stack in us-east-1,
 * and the cost allocation tags it relies on.
 */
export function makeFixture(edit: { devTemplate?: string; baselines?: boolean } = {}): Fixture {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-deploy-'));
  const prodBundle = bundle('prod');
  const devBundle = bundle('dev');
  const write = (rel: string, content: string | Buffer) => {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), content);
  };
  const stackSet = (name: string, ous: string[], regions: string[], versionParam: string | undefined, body: string, accounts?: string[]) => ({
    Type: 'AWS::CloudFormation::StackSet',
    Properties: {
      StackSetName: name,
      PermissionModel: 'SERVICE_MANAGED',
      CallAs: 'DELEGATED_ADMIN',
      // As the build writes it: an account target is not auto-deployed.
      AutoDeployment: accounts ? { Enabled: false } : { Enabled: true, RetainStacksOnAccountRemoval: false },
      Capabilities: ['CAPABILITY_NAMED_IAM'],
      ManagedExecution: { Active: true },
      OperationPreferences: {
        MaxConcurrentPercentage: 25,
        FailureTolerancePercentage: 10,
        RegionConcurrencyType: 'PARALLEL',
        ConcurrencyMode: 'SOFT_FAILURE_TOLERANCE',
      },
      StackInstancesGroup: [
        { DeploymentTargets: { OrganizationalUnitIds: ous, ...(accounts ? { AccountFilterType: 'INTERSECTION', Accounts: accounts } : {}) }, Regions: regions },
      ],
      TemplateBody: body,
      Parameters: versionParam
        ? [
            { ParameterKey: 'RulesVersion', ParameterValue: { Ref: versionParam } },
            { ParameterKey: 'RulesUri', ParameterValue: { Ref: 'BucketUri' } },
            { ParameterKey: 'Profile', ParameterValue: name.split('-').pop() },
          ]
        : [{ ParameterKey: 'Profile', ParameterValue: name.split('-').pop() }],
    },
  });
  // As the build records it: the template minified.
  const bytesOf = (rel: string) => Buffer.byteLength(JSON.stringify(JSON.parse(fs.readFileSync(path.join(dir, rel), 'utf8'))));
  const baselineTemplate = (type: string) => JSON.stringify({ Resources: { Baseline: { Type: type, Properties: {} } } });
  write(
    'stacksets/stacksets.template.json',
    JSON.stringify({
      Parameters: { ProdVersion: { Type: 'String' }, DevVersion: { Type: 'String' }, BucketUri: { Type: 'String' } },
      Resources: {
        ProdStackSet: stackSet(
          PROD,
          ['ou-prod-1111', 'ou-prod-2222'],
          ['eu-west-1', 'eu-central-1'],
          'ProdVersion',
          instanceTemplate('Tarmac::Guard::Guardrails'),
        ),
        DevStackSet: stackSet(DEV, ['ou-dev-3333'], ['eu-west-1'], 'DevVersion', edit.devTemplate ?? instanceTemplate('Tarmac::Guard::Guardrails')),
        ...(edit.baselines
          ? {
              AccountBaselineStackSet: stackSet(
                ACCOUNT_BASELINE,
                ['ou-prod-1111', 'ou-prod-2222'],
                ['eu-west-1', 'eu-central-1'],
                undefined,
                baselineTemplate('AWS::IAM::ManagedPolicy'),
              ),
              FinOpsStackSet: stackSet(FINOPS, ['ou-prod-1111'], ['us-east-1'], undefined, baselineTemplate('AWS::S3::Bucket'), [FINOPS_ACCOUNT]),
            }
          : {}),
      },
    }),
  );
  write('stacksets/bundle-stack.template.json', JSON.stringify({ Resources: { Bucket: { Type: 'AWS::S3::Bucket' } }, Outputs: { BucketUri: { Value: 'x' } } }));
  // The billing stack's budget action runs as a named role: CloudFormation wants CAPABILITY_NAMED_IAM for it.
  if (edit.baselines) write(`stacksets/${BILLING_STACK}.template.json`, billingTemplate());
  write(prodBundle.file, prodBundle.bytes);
  write(devBundle.file, devBundle.bytes);
  const unit = (name: string, logicalId: string, ous: { id: string; path: string; accounts: number }[], regions: string[], b: { key: string }) => ({
    name,
    logicalId,
    source: 'stacksets/guardrails.yaml',
    instanceTemplate: `stacksets/${name}.template.json`,
    kind: 'guardrails' as const,
    wave: 1 as const,
    ous,
    regions,
    profile: name.split('-').pop()!,
    failureMode: 'FAIL' as const,
    bundles: [b.key],
  });
  const prodOus = [
    { id: 'ou-prod-1111', path: 'Workloads/Prod', accounts: 2 },
    { id: 'ou-prod-2222', path: 'Security', accounts: 1 },
  ];
  const manifest: StackSetsManifest = {
    formatVersion: 1,
    organizationId: 'o-abc123',
    delegatedAdmin: { accountId: '111111111111', accountName: 'platform', region: 'eu-west-1' },
    managementAccountId: MANAGEMENT_ACCOUNT,
    bundleBucket: BUCKET,
    bundles: [
      {
        key: prodBundle.key,
        file: prodBundle.file,
        sha256: prodBundle.sha256,
        profile: 'prod',
        mode: 'enforce',
        controls: ['LZ.S3.1'],
        versionParameter: 'ProdVersion',
      },
      {
        key: devBundle.key,
        file: devBundle.file,
        sha256: devBundle.sha256,
        profile: 'dev',
        mode: 'enforce',
        controls: ['LZ.S3.1'],
        versionParameter: 'DevVersion',
      },
    ],
    stacks: [
      {
        name: BUNDLE_STACK,
        template: 'stacksets/bundle-stack.template.json',
        region: 'eu-west-1',
        templateBytes: bytesOf('stacksets/bundle-stack.template.json'),
      },
    ],
    organizationPoliciesTemplate: 'stacksets/organization-policies.template.json',
    stackSetsTemplate: 'stacksets/stacksets.template.json',
    managementStacks: edit.baselines
      ? [
          {
            name: BILLING_STACK,
            template: `stacksets/${BILLING_STACK}.template.json`,
            region: 'us-east-1',
            templateBytes: bytesOf(`stacksets/${BILLING_STACK}.template.json`),
          },
        ]
      : [],
    costAllocationTags: edit.baselines ? COST_TAGS : [],
    principalCostAllocationTags: edit.baselines ? ['team'] : [],
    anomalyMonitors: edit.baselines ? BILLING_MONITORS : [],
    parameters: {
      ProdVersion: { bundle: prodBundle.key },
      DevVersion: { bundle: devBundle.key },
      BucketUri: { output: { stack: BUNDLE_STACK, key: 'BucketUri' } },
    },
    // The build lists guardrails first; deploy orders by wave.
    stackSets: [
      unit(PROD, 'ProdStackSet', prodOus, ['eu-west-1', 'eu-central-1'], prodBundle),
      unit(DEV, 'DevStackSet', [{ id: 'ou-dev-3333', path: 'Workloads/Dev', accounts: 1 }], ['eu-west-1'], devBundle),
      ...(edit.baselines
        ? [
            {
              name: ACCOUNT_BASELINE,
              logicalId: 'AccountBaselineStackSet',
              source: 'stacksets/baselines.yaml',
              instanceTemplate: `stacksets/${ACCOUNT_BASELINE}.template.json`,
              kind: 'account' as const,
              wave: 0 as const,
              ous: prodOus,
              regions: ['eu-west-1', 'eu-central-1'],
              profile: 'prod',
              failureMode: 'FAIL' as const,
              bundles: [],
            },
            {
              name: FINOPS,
              logicalId: 'FinOpsStackSet',
              source: 'stacksets/finops.yaml',
              instanceTemplate: `stacksets/${FINOPS}.template.json`,
              kind: 'finops' as const,
              wave: 0 as const,
              ous: [prodOus[0]],
              accounts: [{ id: FINOPS_ACCOUNT, name: 'finops' }],
              regions: ['us-east-1'],
              failureMode: 'FAIL' as const,
              bundles: [],
            },
          ]
        : []),
    ],
  };
  write('stacksets/manifest.json', JSON.stringify(manifest, null, 2));
  const policies = [
    {
      type: 'SERVICE_CONTROL_POLICY',
      name: 'tarmac-scp-root-1',
      file: 'org/scp/tarmac-scp-root-1.json',
      bytes: 0,
      targets: ['r-root'],
      controls: ['LZ.ORG.1'],
    },
    {
      type: 'TAG_POLICY',
      name: 'tarmac-tag-lz-tag-1',
      file: 'org/tag/tarmac-tag-lz-tag-1.json',
      bytes: 0,
      targets: ['ou-prod-1111', 'ou-dev-3333'],
      controls: ['LZ.TAG.1'],
    },
  ];
  write(
    policies[0].file,
    JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'DenyLeave', Effect: 'Deny', Action: 'organizations:LeaveOrganization', Resource: '*' }] }),
  );
  write(policies[1].file, JSON.stringify({ tags: { CostCenter: { tag_key: { '@@assign': 'CostCenter' } } } }));
  write('org/manifest.json', JSON.stringify({ organization: { rootId: 'r-root', ous: [], accounts: [] }, policies }, null, 2));
  return { dir, bundles: [prodBundle, devBundle], remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** The management account's billing stack, reduced to what matters here: a named IAM role and a budget. */
export function billingTemplate(budgetAmount = 1000): string {
  return JSON.stringify({
    Resources: {
      BudgetActionRole: {
        Type: 'AWS::IAM::Role',
        Properties: { RoleName: 'TarmacBudgetActions', AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [] } },
      },
      TeamBudget: {
        Type: 'AWS::Budgets::Budget',
        Properties: { Budget: { BudgetType: 'COST', TimeUnit: 'MONTHLY', BudgetLimit: { Amount: budgetAmount, Unit: 'USD' } } },
      },
    },
  });
}

/** One CloudFormation stack event, as DescribeStackEvents lists it (newest first: give a later `at` to a newer one). */
export function stackEvent(stack: string, logicalId: string, type: string, status: string, reason: string | undefined, at: number): StackEvent {
  return {
    StackId: `arn:aws:cloudformation:us-east-1:${MANAGEMENT_ACCOUNT}:stack/${stack}/1`,
    EventId: `${logicalId}-${at}`,
    StackName: stack,
    LogicalResourceId: logicalId,
    ResourceType: type,
    ResourceStatus: status as ResourceStatus,
    ...(reason ? { ResourceStatusReason: reason } : {}),
    Timestamp: new Date(at * 1000),
  };
}
