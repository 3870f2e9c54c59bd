import { loadCatalog } from '../catalog/load-catalog';
import { OrgBuild, buildOrgPolicies } from '../org/build-org';
import { loadOrgPolicies } from '../org/load-org-policies';
import { POLICIES } from '../org/__tests__/fixture';
import { DEPLOY_API_ACTIONS } from './deploy-api-actions';
import { DeploymentSite, STACKSETS_EXEC_ROLE, deploymentRequests, deploymentSites } from './deployment-requests';
import { loadDeployment } from './load-deployment';
import { siteClassKey } from './request-classes';
import { targetAccounts } from './load-stacksets';
import { StackSetsBuild, StackSetsManifest } from './model';

const PLATFORM_TAGS = { team: 'platform', project: 'tarmac' };

let org: OrgBuild;
let deployment: StackSetsBuild;
let manifest: StackSetsManifest;
let files: Map<string, string>;

const template = (resources: Record<string, string>) =>
  JSON.stringify({ Resources: Object.fromEntries(Object.entries(resources).map(([id, Type]) => [id, { Type }])) });

/** A guardrails instance: the hook, its execution role, its pinned bundle and its log bucket. */
const hookTemplate = (name: string) =>
  JSON.stringify({
    Resources: {
      HookRole: { Type: 'AWS::IAM::Role', Properties: { Path: '/tarmac/' } },
      Hook: {
        Type: 'AWS::CloudFormation::GuardHook',
        Properties: {
          ExecutionRole: { 'Fn::GetAtt': ['HookRole', 'Arn'] },
          RuleLocation: { Uri: `s3://${deployment.bundleBucket}/hooks/${name}.zip`, VersionId: { Ref: 'V' } },
          LogBucket: deployment.logBucket,
        },
      },
    },
  });

beforeAll(async () => {
  const catalog = loadCatalog(POLICIES);
  const set = (await loadOrgPolicies(catalog))!;
  org = buildOrgPolicies(set, catalog);
  deployment = loadDeployment(catalog, set.organization)!;
  // The templates as the CDK synthesizes them are tested in @tarmac/cdk; here, one resource type per stack set kind.
  files = new Map();
  const stackSets = deployment.units.map((u) => {
    const file = `stacksets/instances/${u.name}.template.json`;
    files.set(file, u.hook ? hookTemplate(u.name) : template({ Detector: 'AWS::GuardDuty::Detector' }));
    return { name: u.name, instanceTemplate: file };
  });
  files.set('stacksets/tarmac-rule-bundles.template.json', template({ Bucket: 'AWS::S3::Bucket' }));
  manifest = {
    stackSets,
    stacks: [{ name: 'tarmac-rule-bundles', template: 'stacksets/tarmac-rule-bundles.template.json', region: 'eu-west-1', templateBytes: 0 }],
  } as unknown as StackSetsManifest;
});

const sitesOf = () => deploymentSites(org, deployment, manifest, files);
const site = (sites: DeploymentSite[], name: string, account: string, region: string) =>
  sites.find((s) => s.name === name && s.account.name === account && s.region === region);

describe('deploymentSites', () => {
  test('one site per stack set instance (account x region), as the StackSets execution role, at the target line', () => {
    const sites = sitesOf();
    const instances = sites.filter((s) => s.name.startsWith('stack set '));
    expect(instances).toHaveLength(deployment.units.reduce((n, u) => n + targetAccounts(org.organization, u.target).length * u.definition.regions.length, 0));
    const prod = deployment.units.find((u) => u.name === 'tarmac-account-baseline-prod')!;
    // ml-prod allows one region only, yet the prod stack sets reach eu-central-1 there: exactly what must be checked.
    expect(site(sites, 'stack set tarmac-account-baseline-prod', 'ml-prod', 'eu-central-1')).toMatchObject({
      file: prod.definition.file,
      line: prod.target.line,
      account: { id: '777777777777', name: 'ml-prod' },
      principalArn: `arn:aws:iam::777777777777:role/${STACKSETS_EXEC_ROLE}`,
      resources: new Map([['AWS::GuardDuty::Detector', [{ logicalId: 'Detector', arns: {} }]]]),
      viaCloudFormation: false,
    });
    expect(STACKSETS_EXEC_ROLE).toMatch(/^stacksets-exec-[0-9a-f]{32}$/);
  });

  test('the delegated administrator: the plain stacks through CloudFormation and the API calls of tarmac deploy, as the pipeline role', () => {
    const sites = sitesOf().filter((s) => s.account.name === 'audit' && s.principalArn.endsWith('TarmacPlatformPipeline'));
    const pipeline = {
      account: { id: '333333333333', name: 'audit' },
      principalArn: 'arn:aws:iam::333333333333:role/TarmacPlatformPipeline',
      file: org.organization.file,
    };
    expect(sites).toEqual([
      expect.objectContaining({ ...pipeline, name: 'stack tarmac-rule-bundles', region: 'eu-west-1', viaCloudFormation: true }),
      expect.objectContaining({
        ...pipeline,
        name: 'the API calls of tarmac deploy',
        region: 'eu-west-1',
        viaCloudFormation: false,
        calls: { actions: DEPLOY_API_ACTIONS, by: 'tarmac deploy' },
      }),
    ]);
    expect(sites[0].line).toBe(org.organization.deployment!.lines.delegatedAdmin);
  });

  test("each guardrails instance's hooks read their bundle in the delegated administrator's bucket, as their execution role", () => {
    const hooks = site(sitesOf(), 'the Guard Hooks of stack set tarmac-guardrails-prod', 'ml-prod', 'eu-central-1')!;
    expect(hooks.principalArn).toMatch(/^arn:aws:iam::777777777777:role\/tarmac\/StackSet-tarmac-guardrails-[^/]*-HookRole-A1B2C3D4E5F6$/);
    expect(hooks.calls).toEqual({
      actions: ['kms:Decrypt', 'kms:GenerateDataKey', 's3:GetObject', 's3:GetObjectVersion', 's3:ListBucket', 's3:PutObject'],
      by: 'reading the rule bundles and writing reports',
      resourceAccountId: '333333333333',
      endpointRegion: 'eu-west-1',
      arns: {
        object: [`arn:aws:s3:::${deployment.bundleBucket}/hooks/tarmac-guardrails-prod.zip`, `arn:aws:s3:::${deployment.logBucket}/A1B2C3D4E5F6`],
        bucket: [`arn:aws:s3:::${deployment.bundleBucket}`],
      },
    });
    // Under the member account's SCPs and the bucket account's RCPs, the bucket policy taken as granting it.
    const { requests } = deploymentRequests(org, [hooks], PLATFORM_TAGS);
    const read = requests.find((r) => r.action === 's3:GetObject')!;
    expect(read.request).toMatchObject({ accountId: '777777777777', resourceAccountId: '333333333333', context: { 'aws:RequestedRegion': 'eu-west-1' } });
    expect(read.request.scpLevels.at(-1)!.targetId).toBe('777777777777');
    expect(read.request.rcpLevels.map((l) => l.targetId)).toEqual(['r-a1b2', 'ou-a1b2-11111111', '333333333333']);
    expect(read.request.resourcePolicy).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: hooks.principalArn }, Action: 's3:GetObject', Resource: '*' }],
    });
    expect(read.resources).toEqual(hooks.calls!.arns);
  });

  test('a template the build does not have is an error, not a site without resources', () => {
    const missing = new Map(files);
    missing.delete('stacksets/tarmac-rule-bundles.template.json');
    expect(() => deploymentSites(org, deployment, manifest, missing)).toThrow('the build has no stacksets/tarmac-rule-bundles.template.json');
  });
});

describe('deploymentRequests', () => {
  const requestsAt = (name: string, account: string, region: string) => {
    const s = site(sitesOf(), name, account, region)!;
    return deploymentRequests(org, [s], PLATFORM_TAGS);
  };

  test('create handler permissions carry the platform tags as request tags; update and delete also as resource tags', () => {
    const { requests, unchecked } = requestsAt('stack set tarmac-guardrails-prod', 'ml-prod', 'eu-central-1');
    expect(unchecked).toEqual([]);
    const create = requests.find((r) => r.action === 'iam:CreateRole' && r.phase === 'new')!;
    expect(create.neededBy).toEqual(['AWS::IAM::Role']);
    expect(create.request).toMatchObject({
      accountId: '777777777777',
      resource: '*',
      resourceAccountId: '777777777777',
      // IAM's one endpoint is in us-east-1, whatever Region the stack runs in.
      context: {
        'aws:RequestedRegion': 'us-east-1',
        'aws:RequestTag/team': 'platform',
        'aws:RequestTag/project': 'tarmac',
        'aws:TagKeys': ['team', 'project'],
      },
    });
    expect(create.request.context).not.toHaveProperty('aws:ResourceTag/team');
    // The role CloudFormation names for the instance's stack, so a Deny that names other roles can be told apart.
    expect(create.resources).toEqual({
      role: [expect.stringMatching(/^arn:aws:iam::777777777777:role\/tarmac\/StackSet-tarmac-guardrails-pro[^/]*-HookRole-A1B2C3D4E5F6$/)],
    });
    const remove = requests.find((r) => r.action === 'iam:DeleteRole')!;
    expect(remove.phase).toBe('existing');
    expect(remove.request.context).toMatchObject({ 'aws:ResourceTag/team': 'platform', 'aws:RequestTag/team': 'platform' });
    // A regional service is called in the instance's own Region.
    expect(requests.find((r) => r.action === 'cloudformation:ActivateType')!.request.context['aws:RequestedRegion']).toBe('eu-central-1');
  });

  test("each request carries the account's SCP and RCP chains, root first", () => {
    const { requests } = requestsAt('stack set tarmac-guardrails-prod', 'ml-prod', 'eu-central-1');
    const { scpLevels, rcpLevels } = requests[0].request;
    expect(scpLevels.map((l) => l.targetId)).toEqual(['r-a1b2', 'ou-a1b2-33333333', 'ou-a1b2-44444444', '777777777777']);
    expect(scpLevels[3].policies.map((p) => p.name)).toEqual(expect.arrayContaining(['FullAWSAccess']));
    expect(rcpLevels[0].policies.length).toBeGreaterThan(0);
  });

  test('a stack without a service role calls through CloudFormation; the API calls of tarmac deploy are requested as they are', () => {
    const bundle = requestsAt('stack tarmac-rule-bundles', 'audit', 'eu-west-1').requests;
    expect(bundle.find((r) => r.action === 's3:CreateBucket')!.request.context).toMatchObject({
      'aws:CalledVia': ['cloudformation.amazonaws.com'],
      'aws:ViaAWSService': 'true',
    });
    const deploy = requestsAt('the API calls of tarmac deploy', 'audit', 'eu-west-1').requests;
    expect(deploy.map((r) => r.action).sort()).toEqual([...DEPLOY_API_ACTIONS].sort());
    expect(deploy.every((r) => r.neededBy.join() === 'tarmac deploy' && !('aws:CalledVia' in r.request.context))).toBe(true);
  });

  test('a resource type without known handler permissions is returned as unchecked, never dropped or passed', () => {
    const s = {
      ...site(sitesOf(), 'stack set tarmac-guardrails-dev', 'data-dev', 'eu-west-1')!,
      resources: new Map([
        [
          'Custom::Thing',
          [
            { logicalId: 'A', arns: {} },
            { logicalId: 'B', arns: {} },
          ],
        ],
        ['AWS::IAM::Role', [{ logicalId: 'R', arns: {} }]],
      ]),
    };
    const { requests, unchecked } = deploymentRequests(org, [s], PLATFORM_TAGS);
    expect(unchecked).toEqual([{ site: s, type: 'Custom::Thing', logicalIds: ['A', 'B'] }]);
    expect(new Set(requests.flatMap((r) => r.neededBy))).toEqual(new Set(['AWS::IAM::Role']));
  });
});

describe('siteClassKey', () => {
  const key = (name: string, account: string, region: string) => siteClassKey(org, site(sitesOf(), name, account, region)!);

  test('instances of one stack set in accounts with the same chain are one class; another chain or Region is not', () => {
    // log-archive and audit sit in the Security OU with nothing attached to either account.
    expect(key('stack set tarmac-guardrails-prod', 'log-archive', 'eu-west-1')).toBe(key('stack set tarmac-guardrails-prod', 'audit', 'eu-west-1'));
    // ml-prod has an SCP of its own (one allowed Region); network is in another OU.
    expect(key('stack set tarmac-guardrails-prod', 'data-prod', 'eu-west-1')).not.toBe(key('stack set tarmac-guardrails-prod', 'ml-prod', 'eu-west-1'));
    expect(key('stack set tarmac-guardrails-prod', 'log-archive', 'eu-west-1')).not.toBe(key('stack set tarmac-guardrails-prod', 'network', 'eu-west-1'));
    expect(key('stack set tarmac-guardrails-prod', 'log-archive', 'eu-west-1')).not.toBe(
      key('stack set tarmac-guardrails-prod', 'log-archive', 'eu-central-1'),
    );
    expect(key('stack set tarmac-guardrails-prod', 'log-archive', 'eu-west-1')).not.toBe(
      key('stack set tarmac-account-baseline-prod', 'log-archive', 'eu-west-1'),
    );
  });
});
