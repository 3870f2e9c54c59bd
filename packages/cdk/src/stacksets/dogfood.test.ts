/**
 * The platform's own templates pass the organization's own checks (ADR 0006 decision 7): the prod profile
 * of the catalog with the code of `tarmac check`, cdk-nag's AwsSolutionsChecks, and CloudFormation resource
 * schema validation. Both for the hand-built fixture and for what this repository's hooks/ and stacksets/
 * build, inner templates (each TemplateBody) included.
 */
import { PolicyValidationPluginReport } from 'aws-cdk-lib';
import { loadCatalog } from '@tarmac/core';
import { buildOrgPolicies, loadDeployment, loadOrgPolicies } from '@tarmac/core/org';
import { AwsSolutionsChecks } from 'cdk-nag';
import { SynthesizeStackSetsOptions, synthesizeStackSets } from './synthesize';
import { BOUNDARY, PLATFORM_TAGS, POLICIES, fixtureBuild, fixtureOrg } from './__tests__/fixture';
import { blockingFindings, schemaErrors } from './__tests__/dogfood-checks';
import { NamedTemplate, allTemplates, capturing } from './__tests__/templates';

interface Synthesized {
  readonly templates: NamedTemplate[];
  readonly nag: PolicyValidationPluginReport[];
}

function synthesizeWithNag(run: (opts: SynthesizeStackSetsOptions) => ReturnType<typeof synthesizeStackSets>): Synthesized {
  const nag: PolicyValidationPluginReport[] = [];
  const { files } = run({
    platformTags: PLATFORM_TAGS,
    permissionsBoundary: BOUNDARY,
    validationPlugins: (app) => [capturing(new AwsSolutionsChecks(app), nag)],
  });
  return { templates: allTemplates(files), nag };
}

const builds: [string, () => Promise<Synthesized>][] = [
  ['the fixture', async () => synthesizeWithNag((opts) => synthesizeStackSets(fixtureBuild(), fixtureOrg(), opts))],
  [
    "this repository's hooks/ and stacksets/",
    async () => {
      const catalog = loadCatalog(POLICIES);
      const set = (await loadOrgPolicies(catalog))!;
      const org = buildOrgPolicies(set, catalog);
      const build = loadDeployment(catalog, set.organization)!;
      return synthesizeWithNag((opts) =>
        synthesizeStackSets(build, org, { ...opts, platformTags: { ...set.organization.deployment!.tags }, permissionsBoundary: catalog.permissionsBoundary }),
      );
    },
  ],
];

describe.each(builds)('%s', (_, load) => {
  let synthesized: Synthesized;
  beforeAll(async () => {
    synthesized = await load();
  });

  test('every template is checked, inner ones included', () => {
    const names = synthesized.templates.map((t) => t.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'stacksets/tarmac-rule-bundles.template.json',
        'stacksets/tarmac-stacksets.template.json',
        'stacksets/tarmac-organization-policies.template.json',
        expect.stringMatching(/^stacksets\/instances\/[^#]+\.template\.json$/),
        expect.stringMatching(/^stacksets\/tarmac-stacksets\.template\.json#\w+$/),
        expect.stringMatching(/^stacksets\/instances\/.+\.template\.json#\w+$/), // a conformance pack's
      ]),
    );
  });

  test('no template has a transform, the bootstrap version rule, CDKMetadata or asset parameters', () => {
    for (const { name, template } of synthesized.templates) {
      const parameters = Object.keys((template.Parameters ?? {}) as object);
      const types = Object.values((template.Resources ?? {}) as Record<string, { Type: string }>).map((r) => r.Type);
      expect({ name, transform: template.Transform, rules: template.Rules, cdkMetadata: types.includes('AWS::CDK::Metadata') }).toEqual({
        name,
        transform: undefined,
        rules: undefined,
        cdkMetadata: false,
      });
      expect(parameters.filter((p) => p === 'BootstrapVersion' || p.startsWith('AssetParameters'))).toEqual([]);
    }
  });

  test("pass the organization's controls with the prod profile, as tarmac check does", async () => {
    expect(await blockingFindings(synthesized.templates)).toEqual([]);
  });

  test('pass cdk-nag AwsSolutionsChecks with no finding, error or warning', () => {
    // One report per app: the instance, bundle and policy stacks, then the stack sets.
    expect(synthesized.nag).toHaveLength(2);
    const findings = synthesized.nag.flatMap((r) =>
      r.violations.map((v) => `${v.severity} ${v.ruleName} ${v.violatingResources.map((x) => x.constructPath ?? x.resourceLogicalId).join(', ')}`),
    );
    expect(findings).toEqual([]);
  });

  test('have no error from CloudFormation resource schema validation', () => {
    expect(schemaErrors(synthesized.templates)).toEqual([]);
  });
});

// The checks above can fail: the same helpers on templates that break a control or a schema.
describe('the dogfood checks', () => {
  test('block a hook execution role without the permissions boundary (LZ.IAM.2)', async () => {
    const { files } = synthesizeStackSets(fixtureBuild(), fixtureOrg(), { platformTags: PLATFORM_TAGS });
    const blocking = await blockingFindings(allTemplates(files));
    expect(blocking.length).toBeGreaterThan(0);
    expect(blocking.every((f) => f.includes('[LZ.IAM.2]') && f.includes('ExecutionRole'))).toBe(true);
  });

  test('report a hook alias CloudFormation would refuse', () => {
    // Edited after synthesis: synthesis itself refuses it (synthesize.test.ts).
    const { files } = synthesizeStackSets(fixtureBuild(), fixtureOrg(), { platformTags: PLATFORM_TAGS, permissionsBoundary: BOUNDARY });
    const file = 'stacksets/instances/tarmac-guardrails-prod.template.json';
    const broken = new Map([[file, String(files.get(file)).replace('"Tarmac::Guard::Guardrails"', '"Tarmac::Guard::Guard-rails"')]]);
    expect(schemaErrors(allTemplates(broken))).toEqual([expect.stringMatching(/EnforcedHook\w* Properties\.Alias: F3031 /)]);
  });
});
