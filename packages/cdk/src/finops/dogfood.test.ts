/**
 * The FinOps templates pass the organization's own checks, as every platform template must (ADR 0006
 * decision 7, ADR 0007): the prod profile of this repository's catalog with the code of `tarmac check`,
 * cdk-nag's AwsSolutionsChecks with no error or warning, and CloudFormation resource schema validation.
 * Both the management account's billing stack and a stack holding the FinOps account's CostAnalytics.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PolicyValidationPluginReport, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { loadCatalog } from '@tarmac/core';
import type { FinOpsBuild } from '@tarmac/core/org';
import { AwsSolutionsChecks } from 'cdk-nag';
import { PlatformStack, platformApp } from '../stacksets/platform-stack';
import { platformTemplateProblems } from '../stacksets/synthesize';
import { PLATFORM_TAGS, POLICIES } from '../stacksets/__tests__/fixture';
import { blockingFindings, schemaErrors } from '../stacksets/__tests__/dogfood-checks';
import { NamedTemplate, capturing } from '../stacksets/__tests__/templates';
import { CostAnalytics } from './cost-analytics';
import { FinOpsBillingStack } from './finops-billing-stack';
import { FINOPS_BILLING_STACK } from './names';
import { ORGANIZATION_ID, fixtureFinOps } from './__tests__/fixture';

const ANALYTICS_STACK = 'tarmac-finops-analytics';

interface Source {
  readonly finops: FinOpsBuild;
  readonly organizationId: string;
  readonly managementAccountId: string;
  readonly platformTags: Readonly<Record<string, string>>;
}

interface Synthesized {
  readonly templates: NamedTemplate[];
  readonly nag: PolicyValidationPluginReport[];
}

/** Both stacks in one platform app with cdk-nag as a validation plugin; `edit` may break them on purpose. */
function synthesize(source: Source, edit: (billing: FinOpsBillingStack) => void = () => undefined): Synthesized {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-finops-'));
  try {
    const nag: PolicyValidationPluginReport[] = [];
    const app = platformApp({ outdir });
    Validations.of(app).addPlugins(capturing(new AwsSolutionsChecks(app), nag));
    const billing = new FinOpsBillingStack(app, FINOPS_BILLING_STACK, {
      stackName: FINOPS_BILLING_STACK,
      env: { account: source.managementAccountId },
      platformTags: source.platformTags,
      finops: source.finops,
      organizationId: source.organizationId,
    });
    edit(billing);
    const stacks: Stack[] = [billing];
    const costExport = source.finops.costExport;
    if (costExport) {
      const analytics = new PlatformStack(app, ANALYTICS_STACK, {
        stackName: ANALYTICS_STACK,
        env: { account: costExport.account.id, region: costExport.region },
        platformTags: source.platformTags,
      });
      new CostAnalytics(analytics, 'CostAnalytics', { costExport });
      stacks.push(analytics);
    }
    const assembly = app.synth();
    const templates = stacks.map((s) => {
      const template = assembly.getStackArtifact(s.artifactId).template as Record<string, unknown>;
      return { name: `${s.stackName}.template.json`, text: JSON.stringify(template, null, 2), template };
    });
    return { templates, nag };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

function fixtureSource(): Source {
  return { finops: fixtureFinOps(), organizationId: ORGANIZATION_ID, managementAccountId: '111111111111', platformTags: PLATFORM_TAGS };
}

/** This repository's policies/finops/, once it exists: loadFinOps must then build it, or the test fails. */
async function repositorySource(): Promise<Source> {
  // Loaded here, not at the top: the org entry point is only needed for this case.
  const { loadFinOps, loadOrgPolicies } = await import('@tarmac/core/org');
  const catalog = loadCatalog(POLICIES);
  const set = (await loadOrgPolicies(catalog))!;
  const finops = loadFinOps(catalog, set.organization);
  if (!finops) throw new Error(`${POLICIES}/finops exists but loadFinOps built nothing`);
  return {
    finops,
    organizationId: set.organization.id,
    managementAccountId: set.organization.managementAccountId,
    platformTags: { ...set.organization.deployment!.tags },
  };
}

const builds: [string, () => Source | Promise<Source>][] = [
  ['the fixture', fixtureSource],
  ...(fs.existsSync(path.join(POLICIES, 'finops')) ? [["this repository's policies/finops", repositorySource] as [string, () => Promise<Source>]] : []),
];

describe.each(builds)('%s', (_, load) => {
  let synthesized: Synthesized;
  beforeAll(async () => {
    synthesized = synthesize(await load());
  });

  test('both stacks are checked', () => {
    expect(synthesized.templates.map((t) => t.name)).toEqual([`${FINOPS_BILLING_STACK}.template.json`, `${ANALYTICS_STACK}.template.json`]);
  });

  test('no template has a transform, the bootstrap version rule, CDKMetadata or asset parameters', () => {
    for (const { name, template } of synthesized.templates) expect({ name, problems: platformTemplateProblems(template) }).toEqual({ name, problems: [] });
  });

  test("pass the organization's controls with the prod profile, as tarmac check does", async () => {
    expect(await blockingFindings(synthesized.templates)).toEqual([]);
  });

  test('pass cdk-nag AwsSolutionsChecks with no finding, error or warning', () => {
    expect(synthesized.nag).toHaveLength(1);
    const findings = synthesized.nag.flatMap((r) =>
      r.violations.map((v) => `${v.severity} ${v.ruleName} ${v.violatingResources.map((x) => x.constructPath ?? x.resourceLogicalId).join(', ')}`),
    );
    expect(findings).toEqual([]);
  });

  test('have no error from CloudFormation resource schema validation', () => {
    expect(schemaErrors(synthesized.templates)).toEqual([]);
  });
});

// The checks above can fail on these templates: the same helpers on a billing stack broken on purpose.
describe('the dogfood checks, on FinOps templates', () => {
  test('block a budget action role without a permissions boundary (LZ.IAM.2)', async () => {
    const { templates } = synthesize(fixtureSource(), (billing) => {
      for (const stop of billing.budgets.stops.values()) (stop.role.node.defaultChild as iam.CfnRole).addPropertyDeletionOverride('PermissionsBoundary');
    });
    const blocking = await blockingFindings(templates);
    expect(blocking.length).toBe(2);
    expect(blocking.every((f) => f.includes('[LZ.IAM.2]') && f.includes('ActionRole'))).toBe(true);
  });

  test('report a budget action CloudFormation would refuse', () => {
    // Edited after synthesis: the CDK's own validation refuses it at synth.
    const { templates } = synthesize(fixtureSource());
    const billing = templates[0];
    const broken = JSON.parse(billing.text) as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
    const [id] = Object.keys(broken.Resources).filter(
      (k) => k.startsWith('BudgetsTeamDataPlatformStop') && broken.Resources[k].Type === 'AWS::Budgets::BudgetsAction',
    );
    delete broken.Resources[id].Properties.ExecutionRoleArn;
    const text = JSON.stringify(broken);
    expect(schemaErrors([{ name: billing.name, text, template: broken }])).toEqual([expect.stringMatching(new RegExp(`${id} .*ExecutionRoleArn`))]);
  });

  test('cdk-nag refuses them at synth when a rule breaks', () => {
    const unrotated = () =>
      synthesize(fixtureSource(), (billing) => {
        (billing.topics.key!.node.defaultChild as kms.CfnKey).enableKeyRotation = false;
      });
    expect(unrotated).toThrow(/AwsSolutions-KMS5/);
  });
});
