/**
 * The baselines pass the organization's own checks, as every platform template must (ADR 0006 decision 7):
 * the prod profile of this repository's catalog, cdk-nag AwsSolutionsChecks with no error or warning, and
 * CloudFormation resource schema validation. Both constructs in one environment-agnostic PlatformStack,
 * as the stack set instance templates carry them, in each NAT mode.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PolicyValidationPluginReport, Validations } from 'aws-cdk-lib';
import type { NatGateways } from '@tarmac/core/org';
import { AwsSolutionsChecks } from 'cdk-nag';
import { PlatformStack, platformApp } from '../stacksets/platform-stack';
import { blockingFindings, schemaErrors } from '../stacksets/__tests__/dogfood-checks';
import { NamedTemplate, capturing } from '../stacksets/__tests__/templates';
import { AccountBaseline } from './account-baseline';
import { NetworkBaseline } from './network-baseline';
import { ACCOUNT_PROD, NETWORK_PROD, PLATFORM_TAGS } from './__tests__/fixture';

interface Synthesized {
  readonly template: NamedTemplate;
  readonly nag: PolicyValidationPluginReport[];
  /** Every plugin's report as the CDK writes it: its own CloudFormation validation's and cdk-nag's. */
  readonly report: { pluginReports: { pluginName: string; violations: { ruleName: string; severity: string }[] }[] };
}

function synthesize(natGateways: NatGateways): Synthesized {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-baselines-'));
  try {
    const app = platformApp({ outdir });
    const nag: PolicyValidationPluginReport[] = [];
    Validations.of(app).addPlugins(capturing(new AwsSolutionsChecks(app), nag));
    const stack = new PlatformStack(app, 'tarmac-baselines-prod', { platformTags: PLATFORM_TAGS });
    new AccountBaseline(stack, 'Account', { ...ACCOUNT_PROD, reportReaderTrustedAccountId: '333333333333' });
    new NetworkBaseline(stack, 'Network', { ...NETWORK_PROD, natGateways });
    const assembly = app.synth();
    const text = JSON.stringify(assembly.getStackArtifact(stack.artifactId).template, null, 1);
    const report = JSON.parse(fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf8'));
    return { template: { name: `${stack.stackName}.template.json`, text, template: JSON.parse(text) }, nag, report };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

describe.each<NatGateways>(['perAz', 'single', 'none'])('account and network baselines, NAT %s', (natGateways) => {
  let synthesized: Synthesized;
  beforeAll(() => {
    synthesized = synthesize(natGateways);
  });

  test('no transform, bootstrap rule, CDKMetadata or asset parameter; no Lambda', () => {
    const { template } = synthesized.template;
    const types = Object.values(template.Resources as Record<string, { Type: string }>).map((r) => r.Type);
    expect({ transform: template.Transform, rules: template.Rules, parameters: template.Parameters }).toEqual({
      transform: undefined,
      rules: undefined,
      parameters: undefined,
    });
    expect(types.filter((t) => /^(AWS::CDK::Metadata|AWS::Lambda::|Custom::|AWS::CloudFormation::CustomResource)/.test(t))).toEqual([]);
  });

  test("pass the organization's controls with the prod profile, as tarmac check does", async () => {
    expect(await blockingFindings([synthesized.template])).toEqual([]);
  });

  test('pass cdk-nag AwsSolutionsChecks with no finding, error or warning', () => {
    expect(synthesized.nag).toHaveLength(1);
    const findings = synthesized.nag.flatMap((r) =>
      r.violations.map((v) => `${v.severity} ${v.ruleName} ${v.violatingResources.map((x) => x.constructPath).join(', ')}`),
    );
    expect(findings).toEqual([]);
  });

  test("have no violation, error or warning, in the CDK's validation report (its CloudFormation validation included)", () => {
    const { pluginReports } = synthesized.report;
    expect(pluginReports.map((r) => r.pluginName)).toEqual(expect.arrayContaining(['CloudFormation Validate', 'AwsSolutions']));
    expect(pluginReports.flatMap((r) => r.violations.map((v) => `${r.pluginName} ${v.severity} ${v.ruleName}`))).toEqual([]);
  });

  test('have no error from CloudFormation resource schema validation', () => {
    expect(schemaErrors([synthesized.template])).toEqual([]);
  });
});

// The checks can fail: the same synthesis with a boundary that grants admin access is blocked (LZ.IAM.1).
test('the prod checks block a boundary policy that allows every action on every resource', async () => {
  const app = platformApp();
  const stack = new PlatformStack(app, 'broken', { platformTags: PLATFORM_TAGS });
  const boundary = { ...ACCOUNT_PROD.permissionsBoundary, statements: [{ Effect: 'Allow' as const, Action: '*', Resource: '*' }] };
  new AccountBaseline(stack, 'Account', { ...ACCOUNT_PROD, permissionsBoundary: boundary });
  const text = JSON.stringify(app.synth().getStackArtifact(stack.artifactId).template);
  const blocking = await blockingFindings([{ name: 'broken.template.json', text, template: JSON.parse(text) }]);
  expect(blocking).toEqual([expect.stringMatching(/AccountPermissionsBoundary\w* \[LZ\.IAM\.1\]/)]);
});
