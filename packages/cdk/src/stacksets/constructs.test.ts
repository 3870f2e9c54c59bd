/** The constructs on their own, as a CDK app would use them, read back with aws-cdk-lib's assertions. */
import { Stack, Tags } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { GuardHookBaseline } from './guard-hook-baseline';
import { OrgStackSet, capabilitiesOf } from './org-stack-set';
import { OrganizationPolicies } from './organization-policies';
import { platformApp } from './platform-stack';
import { ProfileConformancePack, conformancePackTemplate } from './profile-conformance-pack';
import { RuleBundlesStack } from './rule-bundles-stack';
import { StackSetInstanceStack } from './stack-set-instance-stack';
import {
  BOUNDARY,
  BUNDLE_BUCKET,
  DEV_CONFIG_RULES,
  HOOK,
  LOG_BUCKET,
  PLATFORM_TAGS,
  PROD_ADVISORY,
  PROD_ENFORCED,
  SCP,
  TAG_POLICY,
  UNITS,
} from './__tests__/fixture';
import { resourcesOf } from './__tests__/templates';

const ORG = 'o-a1b2c3d4e5';
const KEY_ARN = 'arn:aws:kms:eu-west-1:333333333333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const TAGS = Object.entries(PLATFORM_TAGS)
  .map(([Key, Value]) => ({ Key, Value }))
  .sort((a, b) => a.Key.localeCompare(b.Key));

function stack(): Stack {
  return new Stack(platformApp(), 'Test');
}

function baseline(props: Partial<ConstructorParameters<typeof GuardHookBaseline>[2]> = {}): Template {
  const s = stack();
  new GuardHookBaseline(s, 'Hooks', { hook: HOOK, bundleBucketName: BUNDLE_BUCKET, logBucketName: LOG_BUCKET, rulesKeyArn: KEY_ARN, ...props });
  return Template.fromStack(s);
}

describe('GuardHookBaseline', () => {
  const enforced = { key: PROD_ENFORCED.key, versionId: 'v-enforced', failureMode: 'FAIL' as const };
  const advisory = { key: PROD_ADVISORY.key, versionId: 'v-advisory' };

  test('a hook for the enforced controls with the target failure mode, and an advisory one that only warns', () => {
    const template = baseline({ enforced, advisory });
    template.resourceCountIs('AWS::CloudFormation::GuardHook', 2);
    template.hasResourceProperties('AWS::CloudFormation::GuardHook', {
      Alias: 'Tarmac::Guard::Guardrails',
      FailureMode: 'FAIL',
      HookStatus: 'ENABLED',
      RuleLocation: { Uri: `s3://${BUNDLE_BUCKET}/${PROD_ENFORCED.key}`, VersionId: 'v-enforced' },
      LogBucket: LOG_BUCKET,
      TargetOperations: ['RESOURCE', 'CLOUD_CONTROL'],
      TargetFilters: { Actions: ['CREATE', 'UPDATE'] },
      StackFilters: {
        FilteringCriteria: 'ALL',
        StackRoles: { Exclude: [{ 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/TarmacBreakGlass' }] },
      },
      ExecutionRole: { 'Fn::GetAtt': [Match.stringLikeRegexp('^HooksExecutionRole'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::CloudFormation::GuardHook', {
      Alias: 'Tarmac::Guard::GuardrailsAdvisory',
      FailureMode: 'WARN',
      RuleLocation: { Uri: `s3://${BUNDLE_BUCKET}/${PROD_ADVISORY.key}`, VersionId: 'v-advisory' },
    });
  });

  test('only enforced rules: one hook, under the main alias', () => {
    const template = baseline({ enforced: { ...enforced, failureMode: 'WARN' } });
    const hooks = Object.values(template.findResources('AWS::CloudFormation::GuardHook'));
    expect(hooks.map((h) => [h.Properties.Alias, h.Properties.FailureMode])).toEqual([['Tarmac::Guard::Guardrails', 'WARN']]);
  });

  test('only advisory rules: one hook, under the advisory alias, with WARN', () => {
    const template = baseline({ advisory });
    const hooks = Object.values(template.findResources('AWS::CloudFormation::GuardHook'));
    expect(hooks.map((h) => [h.Properties.Alias, h.Properties.FailureMode])).toEqual([['Tarmac::Guard::GuardrailsAdvisory', 'WARN']]);
  });

  test('no StackFilters when the hook has none, and role ARNs are kept as written', () => {
    const arn = 'arn:aws:iam::111111111111:role/Deployer';
    const none = baseline({ enforced, hook: { ...HOOK, stackFilters: undefined } });
    expect(Object.values(none.findResources('AWS::CloudFormation::GuardHook'))[0].Properties.StackFilters).toBeUndefined();
    const byArn = baseline({
      enforced,
      hook: { ...HOOK, stackFilters: { filteringCriteria: 'ANY', stackNames: { include: ['app-*'] }, stackRoles: { include: [arn] } } },
    });
    byArn.hasResourceProperties('AWS::CloudFormation::GuardHook', {
      StackFilters: { FilteringCriteria: 'ANY', StackNames: { Include: ['app-*'] }, StackRoles: { Include: [arn] } },
    });
  });

  test('the execution role is trusted by CloudFormation hooks of its own account and region only, under /tarmac/, with no name', () => {
    const template = baseline({ enforced, advisory });
    template.hasResourceProperties('AWS::IAM::Role', {
      Path: '/tarmac/',
      RoleName: Match.absent(),
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Action: 'sts:AssumeRole',
            Principal: { Service: 'hooks.cloudformation.amazonaws.com' },
            Condition: {
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
              ArnLike: { 'aws:SourceArn': { 'Fn::Sub': 'arn:${AWS::Partition}:cloudformation:${AWS::Region}:${AWS::AccountId}:type/hook/*' } },
            },
          },
        ],
      },
    });
  });

  test('the execution role reads exactly the pinned bundles, writes reports, and uses only the rules key', () => {
    const template = baseline({ enforced, advisory });
    const object = (bucket: string, key: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:s3:::${bucket}/${key}`]] });
    template.hasResourceProperties('AWS::IAM::Role', {
      Policies: [
        {
          PolicyName: 'GuardRulesAndReports',
          PolicyDocument: {
            Statement: [
              {
                Sid: 'ReadPinnedRuleBundles',
                Effect: 'Allow',
                Action: ['s3:GetObject', 's3:GetObjectVersion'],
                Resource: [PROD_ENFORCED.key, PROD_ADVISORY.key].sort().map((k) => object(BUNDLE_BUCKET, k)),
              },
              {
                Sid: 'ListRuleBundleBucket',
                Effect: 'Allow',
                Action: 's3:ListBucket',
                Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:s3:::${BUNDLE_BUCKET}`]] },
              },
              { Sid: 'WriteGuardReports', Effect: 'Allow', Action: 's3:PutObject', Resource: object(LOG_BUCKET, '*') },
              { Sid: 'DecryptBundlesEncryptReports', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: KEY_ARN },
            ],
          },
        },
      ],
    });
  });

  test('refuses to build with no rules at all', () => {
    expect(() => baseline({})).toThrow('needs enforced or advisory rules');
  });
});

describe('RuleBundlesStack', () => {
  const bundles = () => {
    const s = new RuleBundlesStack(platformApp(), 'tarmac-rule-bundles', {
      env: { account: '333333333333', region: 'eu-west-1' },
      platformTags: PLATFORM_TAGS,
      organizationId: ORG,
      bundleBucketName: BUNDLE_BUCKET,
      logBucketName: LOG_BUCKET,
    });
    return { template: Template.fromStack(s) };
  };
  const hookRoles = { StringEquals: { 'aws:PrincipalOrgID': ORG }, ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/tarmac/*' } };

  test('the key rotates, and org hook roles may use it only through S3 in its region', () => {
    const { template } = bundles();
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'OrganizationHookRolesUseKeyThroughS3',
            Effect: 'Allow',
            Principal: { AWS: '*' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
            Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG, 'kms:ViaService': 's3.eu-west-1.amazonaws.com' }, ArnLike: hookRoles.ArnLike },
          }),
          Match.objectLike({ Sid: 'S3ServerAccessLogsEncryptLogs', Principal: { Service: 'logging.s3.amazonaws.com' }, Action: 'kms:GenerateDataKey' }),
        ]),
      },
    });
    // Only our own statement names the logging service: CDK's unconditioned grant is not there.
    const statements = Object.values(template.findResources('AWS::KMS::Key'))[0].Properties.KeyPolicy.Statement as { Principal?: { Service?: string } }[];
    expect(statements.filter((s) => s.Principal?.Service === 'logging.s3.amazonaws.com')).toHaveLength(1);
  });

  test('the bundle bucket is named, versioned, KMS-encrypted with a bucket key, private, and logs to the log bucket', () => {
    const { template } = bundles();
    const logBucket = Object.keys(template.findResources('AWS::S3::Bucket', { Properties: { BucketName: LOG_BUCKET } }))[0];
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: BUNDLE_BUCKET,
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RulesKey'), 'Arn'] } },
          },
        ],
      },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      LoggingConfiguration: { DestinationBucketName: { Ref: logBucket }, LogFilePrefix: `access-logs/${BUNDLE_BUCKET}/` },
      Tags: TAGS,
    });
  });

  test('the bundle bucket policy: TLS only, and lists and reads of hooks/* by org roles under /tarmac/ only', () => {
    const { template } = bundles();
    const bundleBucket = Object.keys(template.findResources('AWS::S3::Bucket', { Properties: { BucketName: BUNDLE_BUCKET } }))[0];
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bundleBucket },
      PolicyDocument: {
        Statement: [
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          {
            Sid: 'OrganizationHookRolesReadBundles',
            Effect: 'Allow',
            Principal: { AWS: '*' },
            Action: ['s3:GetObject', 's3:GetObjectVersion'],
            Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bundleBucket, 'Arn'] }, '/hooks/*']] },
            Condition: hookRoles,
          },
          {
            Sid: 'OrganizationHookRolesListBundles',
            Effect: 'Allow',
            Principal: { AWS: '*' },
            Action: 's3:ListBucket',
            Resource: { 'Fn::GetAtt': [bundleBucket, 'Arn'] },
            Condition: hookRoles,
          },
        ],
      },
    });
  });

  test('the log bucket logs itself under its own prefix with a short expiry, and takes org hook reports', () => {
    const { template } = bundles();
    const logBucket = Object.keys(template.findResources('AWS::S3::Bucket', { Properties: { BucketName: LOG_BUCKET } }))[0];
    const bundleBucket = Object.keys(template.findResources('AWS::S3::Bucket', { Properties: { BucketName: BUNDLE_BUCKET } }))[0];
    const own = `access-logs/${LOG_BUCKET}/`;
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: LOG_BUCKET,
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: { DestinationBucketName: Match.absent(), LogFilePrefix: own },
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ Prefix: own, ExpirationInDays: 7, Status: 'Enabled' })]) },
    });
    const statements = [
      { Sid: 'OrganizationHookRolesWriteReports', Effect: 'Allow', Principal: { AWS: '*' }, Action: 's3:PutObject', Condition: hookRoles },
      { Sid: 'HookRolesNeverWriteAccessLogs', Effect: 'Deny', Action: 's3:PutObject', Condition: { ArnLike: hookRoles.ArnLike } },
      // Its own access logs, and the bundle bucket's, each from that bucket only.
      ...[logBucket, bundleBucket].map((source) => ({
        Effect: 'Allow',
        Principal: { Service: 'logging.s3.amazonaws.com' },
        Condition: { ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [source, 'Arn'] } }, StringEquals: { 'aws:SourceAccount': '333333333333' } },
      })),
    ];
    for (const statement of statements) {
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: logBucket },
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike(statement)]) },
      });
    }
  });

  test('outputs the key ARN and both bucket names', () => {
    const { template } = bundles();
    expect(Object.keys(template.findOutputs('*')).sort()).toEqual(['BundleBucketName', 'LogBucketName', 'RulesKeyArn']);
  });
});

describe('OrgStackSet', () => {
  const instance = { Resources: { Role: { Type: 'AWS::IAM::Role', Properties: { Path: '/tarmac/' } } } };
  const props = {
    stackSetName: 'tarmac-guardrails-prod',
    template: instance,
    organizationalUnitIds: ['ou-a1b2-11111111'],
    regions: ['eu-west-1', 'eu-central-1'],
    operationPreferences: {
      maxConcurrentPercentage: 25,
      failureTolerancePercentage: 10,
      regionConcurrencyType: 'PARALLEL',
      concurrencyMode: 'STRICT_FAILURE_TOLERANCE',
    } as const,
    parameters: { RulesVersionId: 'v1', RulesKeyArn: KEY_ARN },
  };

  test('a service-managed, auto-deployed stack set run by the delegated admin, with the instance template minified', () => {
    const s = stack();
    new OrgStackSet(s, 'TarmacGuardrailsProd', props);
    const template = Template.fromStack(s);
    template.hasResourceProperties('AWS::CloudFormation::StackSet', {
      StackSetName: 'tarmac-guardrails-prod',
      PermissionModel: 'SERVICE_MANAGED',
      CallAs: 'DELEGATED_ADMIN',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
      ManagedExecution: { Active: true },
      Capabilities: ['CAPABILITY_IAM'],
      OperationPreferences: {
        MaxConcurrentPercentage: 25,
        FailureTolerancePercentage: 10,
        RegionConcurrencyType: 'PARALLEL',
        ConcurrencyMode: 'STRICT_FAILURE_TOLERANCE',
      },
      StackInstancesGroup: [{ DeploymentTargets: { OrganizationalUnitIds: ['ou-a1b2-11111111'] }, Regions: ['eu-west-1', 'eu-central-1'] }],
      Parameters: [
        { ParameterKey: 'RulesKeyArn', ParameterValue: KEY_ARN },
        { ParameterKey: 'RulesVersionId', ParameterValue: 'v1' },
      ],
      TemplateBody: JSON.stringify(instance),
    });
    // The construct ID is the logical ID: readable in plans, stable across builds.
    expect(Object.keys(template.findResources('AWS::CloudFormation::StackSet'))).toEqual(['TarmacGuardrailsProd']);
  });

  test('capabilities: named IAM only for a named IAM resource, none without IAM', () => {
    expect(capabilitiesOf({ Resources: { R: { Type: 'AWS::IAM::Role', Properties: { RoleName: 'x' } } } })).toEqual(['CAPABILITY_NAMED_IAM']);
    expect(capabilitiesOf(instance)).toEqual(['CAPABILITY_IAM']);
    expect(capabilitiesOf({ Resources: { P: { Type: 'AWS::Config::ConformancePack', Properties: {} } } })).toEqual([]);
  });

  test("refuses an instance template over CloudFormation's 51,200-byte TemplateBody limit, naming the stack set", () => {
    const big = { Resources: { Role: { Type: 'AWS::IAM::Role', Properties: { Description: 'x'.repeat(51_200) } } } };
    expect(() => new OrgStackSet(stack(), 'Big', { ...props, template: big })).toThrow(
      /stack set tarmac-guardrails-prod: its template is 51,\d{3} bytes minified, over CloudFormation's 51,200-byte TemplateBody limit/,
    );
  });

  test('a template of exactly 51,200 bytes is accepted', () => {
    const base = JSON.stringify({ Resources: { Role: { Type: 'AWS::IAM::Role', Properties: { Description: '' } } } }).length;
    const exact = { Resources: { Role: { Type: 'AWS::IAM::Role', Properties: { Description: 'x'.repeat(51_200 - base) } } } };
    expect(Buffer.byteLength(new OrgStackSet(stack(), 'Exact', { ...props, template: exact }).templateBody)).toBe(51_200);
  });
});

describe('ProfileConformancePack', () => {
  test('tarmac-<profile>, with a minified template of managed Config rules', () => {
    const s = stack();
    new ProfileConformancePack(s, 'ConfigRules', { profile: 'dev', rules: DEV_CONFIG_RULES });
    const template = Template.fromStack(s);
    const body = conformancePackTemplate(DEV_CONFIG_RULES);
    template.hasResourceProperties('AWS::Config::ConformancePack', { ConformancePackName: 'tarmac-dev', TemplateBody: JSON.stringify(body) });
    expect(body.Resources).toEqual({
      TarmacRequiredTags1: {
        Type: 'AWS::Config::ConfigRule',
        Properties: {
          ConfigRuleName: 'tarmac-required-tags-1',
          Description: 'Mandatory tags team, project, env, domain, cost-center.',
          Source: { Owner: 'AWS', SourceIdentifier: 'REQUIRED_TAGS' },
          InputParameters: { tag1Key: 'team', tag2Key: 'project', tag3Key: 'env', tag3Value: 'dev,staging,prod' },
        },
      },
      TarmacS3BucketLoggingEnabled: {
        Type: 'AWS::Config::ConfigRule',
        Properties: {
          ConfigRuleName: 'tarmac-s3-bucket-logging-enabled',
          Description: 'LZ.S3.5: S3 buckets have server access logging configured',
          Source: { Owner: 'AWS', SourceIdentifier: 'S3_BUCKET_LOGGING_ENABLED' },
        },
      },
    });
  });

  test('a description over 256 characters is cut to fit; rules whose logical IDs collide are refused', () => {
    const long = conformancePackTemplate([{ name: 'tarmac-x', identifier: 'X', description: 'd'.repeat(300) }]);
    expect((long.Resources.TarmacX as { Properties: { Description: string } }).Properties.Description).toHaveLength(256);
    expect(() =>
      conformancePackTemplate([
        { name: 'tarmac-a-b', identifier: 'X' },
        { name: 'tarmac-a_b', identifier: 'Y' },
      ]),
    ).toThrow(/config rule 'tarmac-a[-_]b' and 'tarmac-a[-_]b' would both have the logical ID TarmacAB/);
  });
});

describe('StackSetInstanceStack', () => {
  const instance = (unit = UNITS[0], boundary = true) => {
    const s = new StackSetInstanceStack(platformApp(), unit.name, {
      unit,
      platformTags: PLATFORM_TAGS,
      bundleBucketName: BUNDLE_BUCKET,
      logBucketName: LOG_BUCKET,
      hookRoleBoundary: boundary ? BOUNDARY : undefined,
    });
    return { stack: s, template: Template.fromStack(s) };
  };

  test('declares exactly the parameters its hooks use, pinning VersionIds by Ref', () => {
    const prod = instance(UNITS[0]);
    expect(prod.stack.parameterNames).toEqual(['RulesVersionId', 'AdvisoryRulesVersionId', 'RulesKeyArn']);
    prod.template.hasResourceProperties('AWS::CloudFormation::GuardHook', {
      Alias: HOOK.alias,
      FailureMode: 'FAIL',
      RuleLocation: { VersionId: { Ref: 'RulesVersionId' } },
    });
    prod.template.hasResourceProperties('AWS::CloudFormation::GuardHook', {
      Alias: HOOK.advisoryAlias,
      FailureMode: 'WARN',
      RuleLocation: { VersionId: { Ref: 'AdvisoryRulesVersionId' } },
    });
    prod.template.hasResourceProperties('AWS::IAM::Role', {
      Policies: [{ PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Resource: { Ref: 'RulesKeyArn' } })]) } }],
    });
    prod.template.hasParameter('RulesVersionId', {
      Type: 'String',
      AllowedPattern: Match.anyValue(),
      Description: Match.stringLikeRegexp(`sha256 ${PROD_ENFORCED.sha256}`),
    });
    prod.template.resourceCountIs('AWS::Config::ConformancePack', 0);
  });

  test('a WARN target gets one hook that warns, under the main alias', () => {
    const { stack: s, template } = instance(UNITS[1]);
    expect(s.parameterNames).toEqual(['RulesVersionId', 'RulesKeyArn']);
    const hooks = Object.values(template.findResources('AWS::CloudFormation::GuardHook'));
    expect(hooks.map((h) => [h.Properties.Alias, h.Properties.FailureMode])).toEqual([[HOOK.alias, 'WARN']]);
  });

  test('with Config rules, a conformance pack named after the profile', () => {
    instance(UNITS[2]).template.hasResourceProperties('AWS::Config::ConformancePack', { ConformancePackName: 'tarmac-dev' });
  });

  test('Config rules alone: no hook, no role, no parameter', () => {
    const { stack: s, template } = instance({ ...UNITS[2], enforced: undefined });
    expect(s.parameterNames).toEqual([]);
    expect(Object.values(resourcesOf(template.toJSON())).map((r) => r.Type)).toEqual(['AWS::Config::ConformancePack']);
  });

  test('the execution role carries the platform tags and the organization boundary', () => {
    instance().template.hasResourceProperties('AWS::IAM::Role', {
      Tags: TAGS,
      PermissionsBoundary: {
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':policy/tarmac/TarmacWorkloadBoundary']],
      },
    });
    instance(UNITS[0], false).template.hasResourceProperties('AWS::IAM::Role', { PermissionsBoundary: Match.absent() });
  });

  test('refuses a unit with nothing to deploy, naming the stack set', () => {
    expect(() => instance({ ...UNITS[2], enforced: undefined, configRules: [] })).toThrow('stack set tarmac-baseline-dev: profile dev has no controls');
  });
});

describe('OrganizationPolicies', () => {
  test('one policy per built policy, with its content as an object, its targets, its controls and the tags', () => {
    const s = stack();
    Object.entries(PLATFORM_TAGS).forEach(([k, v]) => Tags.of(s).add(k, v));
    new OrganizationPolicies(s, 'Policies', { policies: [TAG_POLICY, SCP] });
    const template = Template.fromStack(s);
    template.resourceCountIs('AWS::Organizations::Policy', 2);
    template.hasResourceProperties('AWS::Organizations::Policy', {
      Name: 'tarmac-scp-root-1',
      Type: 'SERVICE_CONTROL_POLICY',
      Content: JSON.parse(SCP.content),
      TargetIds: ['r-a1b2'],
      Description: 'Tarmac: LZ.SCP.1',
      Tags: TAGS,
    });
    template.hasResourceProperties('AWS::Organizations::Policy', { Name: 'tarmac-tag-lz-tag-policy', Type: 'TAG_POLICY', TargetIds: TAG_POLICY.targetIds });
  });

  test('refuses content that is not JSON, naming the policy', () => {
    expect(() => new OrganizationPolicies(stack(), 'P', { policies: [{ ...SCP, content: '{"Version":' }] })).toThrow(
      'organization policy tarmac-scp-root-1: its content is not JSON',
    );
  });
});
