/** What `tarmac build` writes under DIR/stacksets/: the files, the manifest, and that they agree. */
import { createHash } from 'crypto';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { tagSupport } from '@tarmac/core';
import type { ConfigRuleSpec, StackSetsManifest } from '@tarmac/core/org';
import { SynthesizedStackSets, synthesizeStackSets } from './synthesize';
import { conformancePackTemplate } from './profile-conformance-pack';
import {
  BOUNDARY,
  DEV_ENFORCED,
  HOOK,
  PLATFORM_TAGS,
  PROD_ADVISORY,
  PROD_ENFORCED,
  SANDBOX_ALL,
  UNITS,
  bundle,
  fixtureBuild,
  fixtureOrg,
} from './__tests__/fixture';
import { allTemplates, resourcesOf } from './__tests__/templates';
import { fixtureFinOps } from '../finops/__tests__/fixture';

const OPTS = { platformTags: PLATFORM_TAGS, permissionsBoundary: BOUNDARY };
const param = (sha256: string) => `Bundle${sha256.slice(0, 12)}VersionId`;

let built: SynthesizedStackSets;
beforeAll(() => {
  built = synthesizeStackSets(fixtureBuild(), fixtureOrg(), OPTS);
});

const json = (file: string) => JSON.parse(String(built.files.get(file)));

test('writes every template, every bundle and the manifest, and nothing else', () => {
  expect([...built.files.keys()]).toEqual([
    ...[DEV_ENFORCED, PROD_ADVISORY, PROD_ENFORCED, SANDBOX_ALL].map((b) => `stacksets/bundles/${b.sha256}.zip`).sort(),
    'stacksets/instances/tarmac-baseline-dev.template.json',
    'stacksets/instances/tarmac-guardrails-prod.template.json',
    'stacksets/instances/tarmac-guardrails-sandbox.template.json',
    'stacksets/manifest.json',
    'stacksets/tarmac-organization-policies.template.json',
    'stacksets/tarmac-rule-bundles.template.json',
    'stacksets/tarmac-stacksets.template.json',
  ]);
  for (const b of [DEV_ENFORCED, PROD_ADVISORY, PROD_ENFORCED, SANDBOX_ALL])
    expect(Buffer.from(built.files.get(`stacksets/bundles/${b.sha256}.zip`)!)).toEqual(Buffer.from(b.bytes));
  expect(built.files.get('stacksets/manifest.json')).toBe(JSON.stringify(built.manifest, null, 2) + '\n');
  for (const [file, content] of built.files)
    if (file.endsWith('.json')) expect(String(content)).toBe(JSON.stringify(JSON.parse(String(content)), null, 2) + '\n');
});

test('is byte-identical across runs, whatever order the units and bundles come in', () => {
  const build = fixtureBuild();
  const again = synthesizeStackSets(
    { ...build, units: [...build.units].reverse(), bundles: [...build.bundles].reverse() },
    fixtureOrg([...fixtureOrg().policies].reverse()),
    OPTS,
  );
  expect([...again.files.keys()]).toEqual([...built.files.keys()]);
  for (const [file, content] of built.files)
    expect({ file, same: Buffer.from(again.files.get(file)!).equals(Buffer.from(content)) }).toEqual({ file, same: true });
});

test('the manifest describes the bundles, the stacks, the parameters and each stack set', () => {
  const m = built.manifest;
  expect(m).toMatchObject<Partial<StackSetsManifest>>({
    formatVersion: 1,
    organizationId: 'o-a1b2c3d4e5',
    delegatedAdmin: { accountId: '333333333333', accountName: 'audit', region: 'eu-west-1' },
    managementAccountId: '111111111111',
    bundleBucket: 'tarmac-rule-bundles-333333333333-eu-west-1',
    stacks: [
      {
        name: 'tarmac-rule-bundles',
        template: 'stacksets/tarmac-rule-bundles.template.json',
        region: 'eu-west-1',
        // What deploy sends: the template minified.
        templateBytes: Buffer.byteLength(JSON.stringify(json('stacksets/tarmac-rule-bundles.template.json'))),
      },
    ],
    organizationPoliciesTemplate: 'stacksets/tarmac-organization-policies.template.json',
    stackSetsTemplate: 'stacksets/tarmac-stacksets.template.json',
    managementStacks: [],
    costAllocationTags: [],
    principalCostAllocationTags: [],
    anomalyMonitors: [],
  });
  expect(m.bundles.map((b) => b.key)).toEqual([DEV_ENFORCED, PROD_ADVISORY, PROD_ENFORCED, SANDBOX_ALL].map((b) => b.key).sort());
  expect(m.bundles.find((b) => b.key === PROD_ADVISORY.key)).toEqual({
    key: PROD_ADVISORY.key,
    file: `stacksets/bundles/${PROD_ADVISORY.sha256}.zip`,
    sha256: PROD_ADVISORY.sha256,
    profile: 'prod',
    mode: 'warn',
    controls: ['LZ.TAG.2'],
    versionParameter: param(PROD_ADVISORY.sha256),
  });
  expect(m.parameters).toEqual({
    ...Object.fromEntries([DEV_ENFORCED, PROD_ADVISORY, PROD_ENFORCED, SANDBOX_ALL].map((b) => [param(b.sha256), { bundle: b.key }])),
    RulesKeyArn: { output: { stack: 'tarmac-rule-bundles', key: 'RulesKeyArn' } },
  });
  expect(Object.keys(m.parameters)).toEqual(Object.keys(m.parameters).sort());
  expect(m.stackSets).toEqual([
    {
      name: 'tarmac-baseline-dev',
      logicalId: 'TarmacBaselineDev',
      source: 'stacksets/baseline.yaml',
      instanceTemplate: 'stacksets/instances/tarmac-baseline-dev.template.json',
      kind: 'guardrails',
      wave: 1,
      ous: [{ id: 'ou-a1b2-55555555', path: 'Workloads/Dev', accounts: 1 }],
      regions: ['eu-west-1'],
      profile: 'dev',
      failureMode: 'FAIL',
      bundles: [DEV_ENFORCED.key],
    },
    {
      name: 'tarmac-guardrails-prod',
      logicalId: 'TarmacGuardrailsProd',
      source: 'stacksets/guardrails.yaml',
      instanceTemplate: 'stacksets/instances/tarmac-guardrails-prod.template.json',
      kind: 'guardrails',
      wave: 1,
      ous: [
        { id: 'ou-a1b2-11111111', path: 'Security', accounts: 2 },
        { id: 'ou-a1b2-44444444', path: 'Workloads/Prod', accounts: 2 },
      ],
      regions: ['eu-west-1', 'eu-central-1'],
      profile: 'prod',
      failureMode: 'FAIL',
      bundles: [PROD_ENFORCED.key, PROD_ADVISORY.key],
    },
    {
      name: 'tarmac-guardrails-sandbox',
      logicalId: 'TarmacGuardrailsSandbox',
      source: 'stacksets/guardrails.yaml',
      instanceTemplate: 'stacksets/instances/tarmac-guardrails-sandbox.template.json',
      kind: 'guardrails',
      wave: 1,
      ous: [{ id: 'ou-a1b2-66666666', path: 'Sandbox', accounts: 1 }],
      regions: ['eu-west-1', 'eu-central-1'],
      profile: 'sandbox',
      failureMode: 'WARN',
      bundles: [SANDBOX_ALL.key],
    },
  ]);
});

test('the stack sets template declares a VersionId parameter per bundle and the key ARN, and hands each stack set its own', () => {
  const template = Template.fromJSON(json('stacksets/tarmac-stacksets.template.json'));
  expect(Object.keys(template.toJSON().Parameters).sort()).toEqual(Object.keys(built.manifest.parameters).sort());
  template.hasParameter(param(PROD_ENFORCED.sha256), {
    Type: 'String',
    AllowedPattern: '^[A-Za-z0-9._-]{1,1024}$',
    Description: Match.stringLikeRegexp(`${PROD_ENFORCED.key} \\(sha256 ${PROD_ENFORCED.sha256}`),
  });
  template.hasParameter('RulesKeyArn', { Type: 'String' });
  const m = built.manifest;
  for (const s of m.stackSets) {
    const unit = UNITS.find((u) => u.name === s.name)!;
    const expected = [
      { ParameterKey: 'RulesKeyArn', ParameterValue: { Ref: 'RulesKeyArn' } },
      { ParameterKey: 'RulesVersionId', ParameterValue: { Ref: param(unit.enforced!.sha256) } },
      ...(unit.advisory ? [{ ParameterKey: 'AdvisoryRulesVersionId', ParameterValue: { Ref: param(unit.advisory.sha256) } }] : []),
    ].sort((a, b) => (a.ParameterKey < b.ParameterKey ? -1 : 1));
    const resource = template.toJSON().Resources[s.logicalId];
    expect(resource.Type).toBe('AWS::CloudFormation::StackSet');
    expect(resource.Properties).toMatchObject({
      StackSetName: s.name,
      PermissionModel: 'SERVICE_MANAGED',
      CallAs: 'DELEGATED_ADMIN',
      Capabilities: ['CAPABILITY_IAM'],
      ManagedExecution: { Active: true },
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: unit.definition.retainStacksOnAccountRemoval },
      OperationPreferences: {
        MaxConcurrentPercentage: unit.definition.operationPreferences.maxConcurrentPercentage,
        FailureTolerancePercentage: unit.definition.operationPreferences.failureTolerancePercentage,
        RegionConcurrencyType: unit.definition.operationPreferences.regionConcurrencyType,
        ConcurrencyMode: unit.definition.operationPreferences.concurrencyMode,
      },
      StackInstancesGroup: [{ DeploymentTargets: { OrganizationalUnitIds: unit.target.ouIds }, Regions: unit.definition.regions }],
      Parameters: expected,
      Tags: expect.arrayContaining([{ Key: 'cost-center', Value: 'cc-1000' }]),
    });
  }
});

test("each stack set's TemplateBody is its instance template, minified", () => {
  const stackSets = json('stacksets/tarmac-stacksets.template.json').Resources;
  for (const s of built.manifest.stackSets) {
    const body = stackSets[s.logicalId].Properties.TemplateBody as string;
    expect(body).toBe(JSON.stringify(json(s.instanceTemplate)));
  }
});

test('every taggable resource in every template, inner ones included, carries the platform tags', () => {
  let tagged = 0;
  for (const { name, template } of allTemplates(built.files)) {
    for (const [id, r] of Object.entries(resourcesOf(template))) {
      const support = tagSupport(r.Type);
      if (!support) continue;
      tagged++;
      const tags = Object.fromEntries(((r.Properties?.[support.property] ?? []) as { Key: string; Value: string }[]).map((t) => [t.Key, t.Value]));
      expect({ where: `${name} ${id}`, tags }).toEqual({ where: `${name} ${id}`, tags: expect.objectContaining(PLATFORM_TAGS) });
    }
  }
  // Key, buckets, roles, packs, stack sets, policies: the loop above did check something.
  expect(tagged).toBeGreaterThanOrEqual(12);
});

test('the organization policies template: one policy per built policy, content as an object', () => {
  const template = Template.fromJSON(json('stacksets/tarmac-organization-policies.template.json'));
  template.resourceCountIs('AWS::Organizations::Policy', 2);
  const org = fixtureOrg();
  for (const p of org.policies) {
    template.hasResourceProperties('AWS::Organizations::Policy', {
      Name: p.name,
      Type: p.type,
      Content: JSON.parse(p.content),
      TargetIds: p.targetIds,
      Description: `Tarmac: ${p.controls.join(', ')}`,
    });
  }
});

describe('refuses, with a message naming what is wrong', () => {
  test('an instance template over the 51,200-byte TemplateBody limit', () => {
    // Config rules whose pack fits its own limit, but not once escaped into the stack set's template.
    const rules: ConfigRuleSpec[] = [];
    while (JSON.stringify(conformancePackTemplate(rules)).length < 46_000) {
      const i = String(rules.length).padStart(3, '0');
      rules.push({ name: `tarmac-rule-${i}`, identifier: 'S3_BUCKET_LOGGING_ENABLED', description: `rule ${i} ${'x'.repeat(180)}`, controls: ['LZ.S3.5'] });
    }
    const build = fixtureBuild();
    const units = build.units.map((u) => (u.name === 'tarmac-baseline-dev' ? { ...u, configRules: rules } : u));
    expect(() => synthesizeStackSets({ ...build, units }, fixtureOrg(), OPTS)).toThrow(
      /^stack set tarmac-baseline-dev: its template is [\d,]+ bytes minified, over CloudFormation's 51,200-byte TemplateBody limit/,
    );
  });

  test('a management stack over the limit (the billing stack with many budgets), naming what to cut', () => {
    const finops = fixtureFinOps();
    const budgets = Array.from({ length: 60 }, (_, i) => {
      const b = finops.budgets[i % finops.budgets.length];
      return { ...b, name: `budget-${i}`, ...(b.hard ? { hard: { ...b.hard, policyName: `${b.hard.policyName}-${i}` } } : {}) };
    });
    const ok = synthesizeStackSets(fixtureBuild({ finops }), fixtureOrg(), OPTS);
    const [billing] = ok.manifest.managementStacks;
    expect(billing).toEqual({
      name: 'tarmac-finops-billing',
      template: 'stacksets/tarmac-finops-billing.template.json',
      region: 'us-east-1',
      templateBytes: Buffer.byteLength(JSON.stringify(JSON.parse(String(ok.files.get(billing.template))))),
    });
    expect(() => synthesizeStackSets(fixtureBuild({ finops: { ...finops, budgets } }), fixtureOrg(), OPTS)).toThrow(
      /^stack tarmac-finops-billing: its template is [\d,]+ bytes minified, over CloudFormation's 51,200-byte TemplateBody limit; fewer budgets, budget actions or saved queries in policies\/finops\//,
    );
  });

  test('a conformance pack over the limit on its own', () => {
    const rules = Array.from({ length: 200 }, (_, i) => ({
      name: `tarmac-rule-${i}`,
      identifier: 'S3_BUCKET_LOGGING_ENABLED',
      description: 'x'.repeat(250),
      controls: [],
    }));
    const build = fixtureBuild();
    const units = build.units.map((u) => (u.name === 'tarmac-baseline-dev' ? { ...u, configRules: rules } : u));
    expect(() => synthesizeStackSets({ ...build, units }, fixtureOrg(), OPTS)).toThrow(/^conformance pack tarmac-dev: its template is [\d,]+ bytes/);
  });

  test('a bundle whose bytes do not hash to its sha256', () => {
    const tampered = { ...PROD_ENFORCED, bytes: Buffer.from('something else') };
    const build = fixtureBuild();
    expect(() => synthesizeStackSets({ ...build, bundles: build.bundles.map((b) => (b === PROD_ENFORCED ? tampered : b)) }, fixtureOrg(), OPTS)).toThrow(
      `rule bundle ${PROD_ENFORCED.key}: its bytes hash to`,
    );
  });

  test('two bundles of the same bytes under two hooks, which would share a VersionId parameter', () => {
    const twin = bundle('prod', 'enforce', ['LZ.S3.1', 'LZ.S3.2', 'LZ.TAG.1'], 'other');
    expect(twin.sha256).toBe(PROD_ENFORCED.sha256);
    const build = fixtureBuild();
    const units = [
      ...build.units,
      {
        ...UNITS[0],
        name: 'tarmac-other-prod',
        hook: { ...HOOK, name: 'other', alias: 'Tarmac::Guard::Other', advisoryAlias: 'Tarmac::Guard::OtherAdvisory' },
        enforced: twin,
        advisory: undefined,
      },
    ];
    expect(() => synthesizeStackSets({ ...build, units, bundles: [...build.bundles, twin] }, fixtureOrg(), OPTS)).toThrow(
      `share the parameter ${param(twin.sha256)}`,
    );
  });

  test('a hook alias CloudFormation would refuse (the CDK validates every resource against its schema)', () => {
    const build = fixtureBuild();
    const units = build.units.map((u) => ({ ...u, hook: { ...u.hook!, alias: 'Tarmac::Guard::Guard-rails' } }));
    const quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect(() => synthesizeStackSets({ ...build, units }, fixtureOrg(), OPTS)).toThrow(/Alias: 'Tarmac::Guard::Guard-rails' does not match pattern/);
    } finally {
      quiet.mockRestore();
    }
  });
});

test('the fixture bundles are content-addressed like compileStackSets makes them', () => {
  for (const b of [DEV_ENFORCED, PROD_ADVISORY, PROD_ENFORCED, SANDBOX_ALL]) {
    expect(b.sha256).toBe(createHash('sha256').update(b.bytes).digest('hex'));
    expect(b.key).toBe(`hooks/guardrails/${b.sha256}.zip`);
  }
});

describe("the management account's hook stack (management: of a hook stack set)", () => {
  // A bundle no stack set pins: the management account gets exactly the enforced controls, with no exemption.
  const ONLY_MANAGEMENT = bundle('prod', 'enforce', ['LZ.S3.1', 'LZ.S3.2']);
  const target = {
    name: 'management',
    profile: 'prod',
    ouIds: [],
    ouPaths: [],
    accountIds: ['111111111111'],
    accountNames: ['management'],
    failureMode: 'FAIL' as const,
  };
  const management = {
    ...UNITS[0],
    name: 'tarmac-guardrails-management',
    target,
    enforced: ONLY_MANAGEMENT,
    advisory: PROD_ADVISORY,
    accountsByOu: {},
    region: 'eu-west-1',
  };
  let withManagement: SynthesizedStackSets;
  beforeAll(() => {
    withManagement = synthesizeStackSets(fixtureBuild({ bundles: [...fixtureBuild().bundles, ONLY_MANAGEMENT], management: [management] }), fixtureOrg(), OPTS);
  });

  test('is a management stack of the manifest, with what fills its parameters, and its bundle is uploaded like the others', () => {
    const { manifest, files } = withManagement;
    const file = 'stacksets/tarmac-guardrails-management.template.json';
    const minified = Buffer.byteLength(JSON.stringify(JSON.parse(String(files.get(file)))));
    expect(manifest.managementStacks).toEqual([{ name: 'tarmac-guardrails-management', template: file, region: 'eu-west-1', templateBytes: minified }]);
    expect(manifest.managementParameters).toEqual({
      'tarmac-guardrails-management': {
        RulesVersionId: { bundle: ONLY_MANAGEMENT.key },
        AdvisoryRulesVersionId: { bundle: PROD_ADVISORY.key },
        RulesKeyArn: { bundleKey: ONLY_MANAGEMENT.key },
      },
    });
    expect(manifest.bundles.map((b) => b.key)).toContain(ONLY_MANAGEMENT.key);
    expect(manifest.stackSets.map((s) => s.name)).not.toContain('tarmac-guardrails-management');
    expect(files.has('stacksets/instances/tarmac-guardrails-management.template.json')).toBe(false);
  });

  test('declares no parameter of the stack sets stack for a bundle only the management stack pins', () => {
    const { manifest, files } = withManagement;
    const stackSets = JSON.parse(String(files.get('stacksets/tarmac-stacksets.template.json')));
    expect(Object.keys(stackSets.Parameters)).not.toContain(param(ONLY_MANAGEMENT.sha256));
    expect(Object.keys(manifest.parameters)).not.toContain(param(ONLY_MANAGEMENT.sha256));
    expect(Object.keys(stackSets.Parameters)).toContain(param(PROD_ENFORCED.sha256));
  });

  test('the hooks, with the pinned bundles, and an execution role bounded by a policy of its own statements', () => {
    const stack = Template.fromJSON(JSON.parse(String(withManagement.files.get('stacksets/tarmac-guardrails-management.template.json'))));
    stack.hasResourceProperties('AWS::CloudFormation::GuardHook', {
      Alias: HOOK.alias,
      FailureMode: 'FAIL',
      RuleLocation: { Uri: `s3://tarmac-rule-bundles-333333333333-eu-west-1/${ONLY_MANAGEMENT.key}`, VersionId: { Ref: 'RulesVersionId' } },
    });
    stack.hasResourceProperties('AWS::CloudFormation::GuardHook', {
      Alias: HOOK.advisoryAlias,
      FailureMode: 'WARN',
      RuleLocation: { Uri: `s3://tarmac-rule-bundles-333333333333-eu-west-1/${PROD_ADVISORY.key}`, VersionId: { Ref: 'AdvisoryRulesVersionId' } },
    });
    const [boundary] = Object.keys(stack.findResources('AWS::IAM::ManagedPolicy'));
    // Not the organization's boundary (BOUNDARY, given in OPTS): it does not exist in the management account.
    stack.hasResourceProperties('AWS::IAM::Role', { PermissionsBoundary: { Ref: boundary } });
    expect(JSON.stringify(stack.toJSON())).not.toContain(BOUNDARY.name);
    expect(stack.toJSON().Description).toMatch(/management account stack tarmac-guardrails-management/);
  });
});
