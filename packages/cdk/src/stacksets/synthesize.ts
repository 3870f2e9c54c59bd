import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, IPolicyValidationPlugin, Stack, Validations } from 'aws-cdk-lib';
import type { OrgBuild, StackSetUnit, StackSetsBuild, StackSetsManifest } from '@tarmac/core/org';
import { FinOpsBillingStack } from '../finops/finops-billing-stack';
import { awsName } from '../finops/names';
import {
  ADVISORY_RULES_VERSION_ID,
  BILLING_REGION,
  FINOPS_BILLING_STACK,
  MANIFEST_FILE,
  ORGANIZATION_POLICIES_STACK,
  RULES_KEY_ARN,
  RULES_VERSION_ID,
  RULE_BUNDLES_STACK,
  STACK_SETS_STACK,
  bundleFile,
  bundleVersionParameter,
  compareNames,
  instanceTemplateFile,
  templateFile,
} from './names';
import { OrganizationPoliciesStack } from './organization-policies';
import { checkTemplateBodySize } from './template-body';
import { platformApp } from './platform-stack';
import { RuleBundlesStack } from './rule-bundles-stack';
import { PermissionsBoundaryName, StackSetInstanceStack } from './stack-set-instance-stack';
import { InstanceTemplate, StackSetsStack } from './stack-sets-stack';

export interface SynthesizeStackSetsOptions {
  /** The organization's mandatory tags as the platform's resources carry them (org.yaml deployment.tags). */
  readonly platformTags: Readonly<Record<string, string>>;
  /**
   * The organization's permissions boundary (policies/permissions-boundary.yaml, i.e. Catalog.permissionsBoundary),
   * carried by the hook execution role in every member account. Without it the role has none, and a prod
   * profile enforcing LZ.IAM.2 blocks the stack instance. @default none
   */
  readonly permissionsBoundary?: PermissionsBoundaryName;
  /**
   * Policy validation plugins run on every app synthesized (e.g. cdk-nag's AwsSolutionsChecks, TarmacChecks);
   * an error they report fails synthesis. @default none
   */
  readonly validationPlugins?: (app: App) => readonly IPolicyValidationPlugin[];
}

export interface SynthesizedStackSets {
  /** Every file under the build directory's stacksets/, by path relative to that directory. */
  readonly files: Map<string, string | Uint8Array>;
  readonly manifest: StackSetsManifest;
}

/**
 * The templates `tarmac build` writes under DIR/stacksets/, synthesized with aws-cdk-lib, with the rule
 * bundles and the manifest `tarmac plan` and `tarmac deploy` read. Same input, same bytes.
 *
 * Two apps: the instance templates must exist before the stack sets that carry them as TemplateBody.
 */
export function synthesizeStackSets(build: StackSetsBuild, org: OrgBuild, opts: SynthesizeStackSetsOptions): SynthesizedStackSets {
  const units = [...build.units].sort((a, b) => compareNames(a.name, b.name));
  const bundles = [...build.bundles].sort((a, b) => compareNames(a.key, b.key));
  for (const bundle of bundles) {
    const actual = createHash('sha256').update(bundle.bytes).digest('hex');
    if (actual !== bundle.sha256) throw new Error(`rule bundle ${bundle.key}: its bytes hash to ${actual}, not ${bundle.sha256}`);
  }
  const platformTags = opts.platformTags;
  const admin = { account: build.delegatedAdmin.accountId, region: build.delegatedAdmin.region };
  const files = new Map<string, string | Uint8Array>();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-stacksets-'));
  try {
    const first = newApp(path.join(tmp, 'instances'), opts);
    const instanceStacks = units.map(
      (unit) =>
        new StackSetInstanceStack(first, unit.name, {
          stackName: unit.name,
          unit,
          platformTags,
          bundleBucketName: build.bundleBucket,
          logBucketName: build.logBucket,
          hookRoleBoundary: opts.permissionsBoundary,
          reportReaderTrustedAccountId: build.delegatedAdmin.accountId,
        }),
    );
    // The management account's hook: the same construct as a stack set instance, as a plain stack in one region.
    // The first (by name) also creates the report reader role, whose fixed name the account holds once.
    const managementHooks = (build.management ?? []).map(
      (unit, i) =>
        new StackSetInstanceStack(first, unit.name, {
          stackName: unit.name,
          env: { account: build.managementAccountId, region: unit.region },
          unit,
          platformTags,
          bundleBucketName: build.bundleBucket,
          logBucketName: build.logBucket,
          managementAccount: true,
          reportReaderTrustedAccountId: i === 0 ? build.delegatedAdmin.accountId : undefined,
        }),
    );
    const ruleBundles = new RuleBundlesStack(first, RULE_BUNDLES_STACK, {
      stackName: RULE_BUNDLES_STACK,
      env: admin,
      platformTags,
      organizationId: build.organizationId,
      managementAccountId: build.managementAccountId,
      bundleBucketName: build.bundleBucket,
      logBucketName: build.logBucket,
    });
    const policies = new OrganizationPoliciesStack(first, ORGANIZATION_POLICIES_STACK, {
      stackName: ORGANIZATION_POLICIES_STACK,
      env: { account: build.managementAccountId },
      platformTags,
      policies: org.policies,
    });
    const finops = build.finops;
    const billing =
      finops && (finops.budgets.length || finops.anomalyDetection || finops.costExport)
        ? new FinOpsBillingStack(first, FINOPS_BILLING_STACK, {
            stackName: FINOPS_BILLING_STACK,
            env: { account: build.managementAccountId, region: BILLING_REGION },
            platformTags,
            finops,
            organizationId: build.organizationId,
          })
        : undefined;
    const firstTemplates = synth(first);

    const instanceTemplates = new Map<string, InstanceTemplate>();
    for (const stack of instanceStacks) {
      const template = firstTemplates.get(stack)!;
      instanceTemplates.set(stack.stackName, { template, parameterNames: stack.parameterNames });
      files.set(instanceTemplateFile(stack.stackName), pretty(template));
    }
    files.set(templateFile(RULE_BUNDLES_STACK), pretty(firstTemplates.get(ruleBundles)!));
    files.set(templateFile(ORGANIZATION_POLICIES_STACK), pretty(firstTemplates.get(policies)!));
    if (billing) files.set(templateFile(FINOPS_BILLING_STACK), pretty(firstTemplates.get(billing)!));
    for (const stack of managementHooks) files.set(templateFile(stack.stackName), pretty(firstTemplates.get(stack)!));

    const second = newApp(path.join(tmp, 'stacksets'), opts);
    const stackSets = new StackSetsStack(second, STACK_SETS_STACK, {
      stackName: STACK_SETS_STACK,
      env: admin,
      platformTags,
      build: { ...build, units, bundles },
      instanceTemplates,
    });
    files.set(templateFile(STACK_SETS_STACK), pretty(synth(second).get(stackSets)!));

    for (const bundle of bundles) files.set(bundleFile(bundle.sha256), bundle.bytes);
    const manifest: StackSetsManifest = {
      formatVersion: 1,
      organizationId: build.organizationId,
      delegatedAdmin: { ...build.delegatedAdmin },
      managementAccountId: build.managementAccountId,
      bundleBucket: build.bundleBucket,
      bundles: bundles.map((b) => ({
        key: b.key,
        file: bundleFile(b.sha256),
        sha256: b.sha256,
        profile: b.profile,
        mode: b.mode,
        controls: [...b.controls],
        versionParameter: bundleVersionParameter(b.sha256),
      })),
      stacks: [plainStack(RULE_BUNDLES_STACK, firstTemplates.get(ruleBundles)!, build.delegatedAdmin.region, 'fewer rule bundles')],
      organizationPoliciesTemplate: templateFile(ORGANIZATION_POLICIES_STACK),
      stackSetsTemplate: templateFile(STACK_SETS_STACK),
      managementStacks: [
        ...(billing
          ? [
              plainStack(
                FINOPS_BILLING_STACK,
                firstTemplates.get(billing)!,
                BILLING_REGION,
                'fewer budgets, budget actions or saved queries in policies/finops/',
              ),
            ]
          : []),
        ...managementHooks.map((stack) =>
          plainStack(stack.stackName, firstTemplates.get(stack)!, stack.region, 'a hook with fewer stack filters, or a shorter description'),
        ),
      ],
      ...(managementHooks.length
        ? { managementParameters: Object.fromEntries(managementHooks.map((stack, i) => [stack.stackName, managementParameters(stack, build.management![i])])) }
        : {}),
      costAllocationTags: [...(finops?.costAllocationTags ?? [])],
      principalCostAllocationTags: [...(finops?.principalCostAllocationTags ?? [])],
      anomalyMonitors: billing
        ? (finops?.anomalyDetection?.monitors ?? []).filter((m) => !m.adopt).map((m) => ({ name: awsName(m.name), dimension: m.dimension }))
        : [],
      parameters: Object.fromEntries(
        [...stackSets.parameterSources]
          .sort(([a], [b]) => compareNames(a, b))
          .map(([name, source]) => [name, 'bundle' in source ? source : { output: { stack: RULE_BUNDLES_STACK, key: RULES_KEY_ARN } }]),
      ),
      stackSets: units.map((unit) => ({
        name: unit.name,
        logicalId: stackSets.resolve(stackSets.stackSets.get(unit.name)!.stackSet.logicalId) as string,
        source: sourceOf(unit, org),
        instanceTemplate: instanceTemplateFile(unit.name),
        kind: unit.baseline?.kind ?? 'guardrails',
        wave: unit.wave,
        ous: unit.target.ouIds.map((id, i) => ({ id, path: unit.target.ouPaths[i] ?? id, accounts: unit.accountsByOu[id] ?? 0 })),
        ...(unit.target.accountIds.length ? { accounts: unit.target.accountIds.map((id, i) => ({ id, name: unit.target.accountNames[i] ?? id })) } : {}),
        regions: [...unit.definition.regions],
        ...(unit.target.profile ? { profile: unit.target.profile } : {}),
        failureMode: unit.target.failureMode,
        bundles: [unit.enforced?.key, unit.advisory?.key].filter((k): k is string => k !== undefined),
      })),
    };
    files.set(MANIFEST_FILE, JSON.stringify(manifest, null, 2) + '\n');
    return { files: new Map([...files].sort(([a], [b]) => compareNames(a, b))), manifest };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * What fills the management hook stack's parameters: the bundles' VersionIds and, for the key's ARN, the key a
 * bundle is encrypted with. `tarmac deploy --management` reads both from the bundle objects: the management
 * account's credentials cannot read the rule bundles stack's outputs in the delegated admin account.
 */
function managementParameters(stack: StackSetInstanceStack, unit: StackSetUnit): Record<string, { bundle: string } | { bundleKey: string }> {
  const sources: Record<string, { bundle: string } | { bundleKey: string }> = {};
  const any = unit.enforced ?? unit.advisory;
  for (const name of stack.parameterNames) {
    const bundle = name === RULES_VERSION_ID ? unit.enforced : name === ADVISORY_RULES_VERSION_ID ? unit.advisory : undefined;
    if (bundle) sources[name] = { bundle: bundle.key };
    else if (name === RULES_KEY_ARN && any) sources[name] = { bundleKey: any.key };
    else throw new Error(`stack ${stack.stackName}: its template declares ${name}, which nothing fills`);
  }
  return sources;
}

/**
 * A stack `tarmac deploy` creates itself, sent as an inline TemplateBody, minified: refused here when CloudFormation
 * would refuse it, and its size kept in the manifest so `tarmac build` shows the margin.
 */
function plainStack(name: string, template: unknown, region: string, fix: string): StackSetsManifest['stacks'][number] {
  const body = checkTemplateBodySize(JSON.stringify(template), `stack ${name}`, fix);
  return { name, template: templateFile(name), region, templateBytes: Buffer.byteLength(body, 'utf8') };
}

function newApp(outdir: string, opts: SynthesizeStackSetsOptions): App {
  const app = platformApp({ outdir });
  const plugins = opts.validationPlugins?.(app) ?? [];
  if (plugins.length) Validations.of(app).addPlugins(...plugins);
  return app;
}

/** Synthesizes an app and returns each stack's template, refusing anything a service-managed stack set cannot take. */
function synth(app: App): Map<Stack, Record<string, unknown>> {
  const assembly = app.synth();
  const templates = new Map<Stack, Record<string, unknown>>();
  for (const stack of app.node.children.filter((c): c is Stack => Stack.isStack(c))) {
    const template = assembly.getStackArtifact(stack.artifactId).template as Record<string, unknown>;
    const problems = platformTemplateProblems(template);
    if (problems.length) throw new Error(`stack ${stack.stackName}: ${problems.join('; ')}`);
    templates.set(stack, template);
  }
  return templates;
}

/**
 * What the platform's templates must never contain: a transform (service-managed stack sets refuse them),
 * the CDK bootstrap version check, CDKMetadata, or asset parameters (nothing is bootstrapped in member accounts).
 */
export function platformTemplateProblems(template: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if ('Transform' in template) problems.push('has a Transform');
  const rules = (template.Rules ?? {}) as Record<string, unknown>;
  if ('CheckBootstrapVersion' in rules) problems.push('has the CheckBootstrapVersion rule');
  const resources = (template.Resources ?? {}) as Record<string, { Type?: string }>;
  if (Object.values(resources).some((r) => r.Type === 'AWS::CDK::Metadata')) problems.push('has CDKMetadata');
  const parameters = Object.keys((template.Parameters ?? {}) as Record<string, unknown>);
  const bootstrap = parameters.filter((p) => p === 'BootstrapVersion' || /^AssetParameters/.test(p));
  if (bootstrap.length) problems.push(`has bootstrap or asset parameters (${bootstrap.join(', ')})`);
  return problems;
}

function pretty(template: unknown): string {
  return JSON.stringify(template, null, 2) + '\n';
}

/** The stack set's source file relative to the repository root (the directory above policies/), so the manifest does not depend on where the build ran. */
function sourceOf(unit: StackSetUnit, org: OrgBuild): string {
  const file = unit.definition.file;
  const root = path.dirname(path.dirname(path.resolve(org.organization.file)));
  const rel = path.relative(root, path.resolve(file));
  return (rel.startsWith('..') || path.isAbsolute(rel) ? path.basename(file) : rel).split(path.sep).join('/');
}
