import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { InputError, InputErrors } from '@tarmac/core';
import { MAX_TEMPLATE_BODY_BYTES, OrgManifest, OrgPolicyType, POLICY_TYPE_DIR, StackSetsManifest } from '@tarmac/core/org';
import type { StackSetOperationPreferences, Tag } from '@aws-sdk/client-cloudformation';
import type { TargetGroup } from './targets';

/** Where a stack set parameter's value comes from at deploy time. */
export type ParameterSource = { readonly value: string } | { readonly bundle: string } | { readonly output: { readonly stack: string; readonly key: string } };

export interface OuTarget {
  readonly id: string;
  readonly path: string;
  readonly accounts: number;
}

/** One AWS::CloudFormation::StackSet resource of the stack sets template: the desired state of one stack set. */
export interface DesiredStackSet {
  readonly name: string;
  readonly logicalId: string;
  readonly source: string;
  /** guardrails (a hook and Config rules) or the baseline it deploys. */
  readonly kind: StackSetKind;
  /** 0: baselines, completed before 1: hooks (their execution role carries the boundary the account baseline creates). */
  readonly wave: 0 | 1;
  /** Absent for a baseline without per-profile settings (finops). */
  readonly profile?: string;
  readonly failureMode: string;
  /** OUs with their paths and account counts, from the manifest (for plans and messages). */
  readonly ous: readonly OuTarget[];
  /** An account target's accounts, from the manifest; absent for an OU target. */
  readonly accounts?: readonly { readonly id: string; readonly name: string }[];
  readonly regions: readonly string[];
  /** StackInstancesGroup as the template says it. */
  readonly targets: readonly TargetGroup[];
  readonly templateBody: string;
  readonly parameters: readonly { readonly key: string; readonly source: ParameterSource }[];
  readonly autoDeployment: { readonly Enabled: boolean; readonly RetainStacksOnAccountRemoval?: boolean };
  readonly capabilities: readonly string[];
  readonly managedExecution?: { readonly Active: boolean };
  readonly description?: string;
  readonly tags?: readonly Tag[];
  readonly operationPreferences: StackSetOperationPreferences;
  readonly bundles: readonly string[];
}

export interface DesiredBundle {
  readonly key: string;
  readonly file: string;
  readonly sha256: string;
  readonly bytes: Uint8Array;
  readonly profile: string;
  readonly mode: string;
}

/**
 * Where a management stack's parameter comes from: a bundle's VersionId, or the ARN of the key a bundle is
 * encrypted with (`bundleKey`), both read from the bundle object in the bundle bucket.
 */
export type ManagementParameterSource = { readonly bundle: string } | { readonly bundleKey: string };

export interface DesiredStack {
  readonly name: string;
  readonly region: string;
  readonly file: string;
  readonly templateBody: string;
  /** A management hook stack's parameters, each with what fills it at deploy; absent for a stack without any. */
  readonly parameters?: readonly { readonly key: string; readonly source: ManagementParameterSource }[];
}

/** A built policy as its manifest entry lists it, with the exact document sent to AWS. */
export type DesiredPolicy = Omit<OrgManifest['policies'][number], 'bytes'> & { readonly content: string };

export type StackSetKind = StackSetsManifest['stackSets'][number]['kind'];

/** Everything `tarmac build` wrote that deploy applies, read from DIR. */
export interface Desired {
  readonly dir: string;
  readonly organizationId?: string;
  readonly delegatedAdmin?: StackSetsManifest['delegatedAdmin'];
  readonly managementAccountId?: string;
  readonly bundleBucket?: string;
  readonly bundles: readonly DesiredBundle[];
  readonly stacks: readonly DesiredStack[];
  readonly policies: readonly DesiredPolicy[];
  readonly stackSets: readonly DesiredStackSet[];
  /** Plain stacks in the management account (the billing stack): deployed only by `tarmac deploy --management`. */
  readonly managementStacks: readonly DesiredStack[];
  /** Cost allocation tag keys the build relies on (budget filters, anomaly monitors): checked by `--management`. */
  readonly costAllocationTags: readonly string[];
  /** IAM principal tags the saved queries rely on: named by `--management`, which cannot check them. */
  readonly principalCostAllocationTags: readonly string[];
  /** The anomaly monitors the billing stack creates: `--management` checks AWS has no other of their dimension. */
  readonly anomalyMonitors: StackSetsManifest['anomalyMonitors'];
}

/** Every organization policy type Tarmac builds: the core model's own list. */
export const TARMAC_POLICY_TYPES = Object.keys(POLICY_TYPE_DIR) as OrgPolicyType[];

const REBUILD = 'what `tarmac build` writes (run tarmac build again)';

/**
 * Reads the build: DIR/org/manifest.json and its policies, and, when the build has org-wide deployment,
 * DIR/stacksets/manifest.json, the templates and bundles it names. Throws InputErrors naming the file.
 */
export function readDesired(dir: string): Desired {
  const errors: InputError[] = [];
  const policies = readPolicies(dir, errors);
  const manifestFile = path.join(dir, 'stacksets', 'manifest.json');
  if (!fs.existsSync(manifestFile)) {
    if (errors.length) throw new InputErrors(errors);
    return {
      dir,
      bundles: [],
      stacks: [],
      policies,
      stackSets: [],
      managementStacks: [],
      costAllocationTags: [],
      principalCostAllocationTags: [],
      anomalyMonitors: [],
    };
  }
  const manifest = readJson(manifestFile, errors) as StackSetsManifest | undefined;
  if (manifest && manifest.formatVersion !== 1)
    errors.push(new InputError({ file: manifestFile }, `formatVersion ${String(manifest.formatVersion)} is not one this tarmac reads`, 'formatVersion: 1'));
  if (!manifest || errors.length) throw new InputErrors(errors);

  const bundles = manifest.bundles.flatMap((b): DesiredBundle[] => {
    const file = path.join(dir, b.file);
    const bytes = readBytes(file, errors);
    if (!bytes) return [];
    const sha = createHash('sha256').update(bytes).digest('hex');
    if (sha !== b.sha256) errors.push(new InputError({ file }, `has sha256 ${sha}, the manifest says ${b.sha256}`, REBUILD));
    return [{ key: b.key, file: b.file, sha256: b.sha256, bytes, profile: b.profile, mode: b.mode }];
  });
  // Sent minified, as the build measured it: pretty-printed, the billing stack is twice its size.
  const readStacks = (list: StackSetsManifest['stacks']) =>
    list.flatMap((s): DesiredStack[] => {
      const file = path.join(dir, s.template);
      const text = readText(file, errors);
      const body = text === undefined ? undefined : minified(file, text, errors);
      return body === undefined ? [] : [{ name: s.name, region: s.region, file: s.template, templateBody: body }];
    });
  const stacks = readStacks(manifest.stacks);
  // A manifest without these lists must not read as "nothing in the management account, no tag to check".
  if (!Array.isArray(manifest.managementStacks)) errors.push(new InputError({ file: manifestFile }, 'has no managementStacks list', REBUILD));
  const costAllocationTags = manifest.costAllocationTags;
  if (!Array.isArray(costAllocationTags) || costAllocationTags.some((t) => typeof t !== 'string'))
    errors.push(new InputError({ file: manifestFile }, 'has no costAllocationTags list of tag keys', REBUILD));
  const principalTags = manifest.principalCostAllocationTags;
  if (!Array.isArray(principalTags) || principalTags.some((t) => typeof t !== 'string'))
    errors.push(new InputError({ file: manifestFile }, 'has no principalCostAllocationTags list of tag keys', REBUILD));
  const anomalyMonitors = manifest.anomalyMonitors;
  if (!Array.isArray(anomalyMonitors) || anomalyMonitors.some((m) => typeof m?.name !== 'string' || !['SERVICE', 'TAG'].includes(m?.dimension)))
    errors.push(new InputError({ file: manifestFile }, 'has no anomalyMonitors list of {name, dimension}', REBUILD));
  const managementStacks = (Array.isArray(manifest.managementStacks) ? readStacks(manifest.managementStacks) : []).map((stack) =>
    withParameters(stack, manifest, path.join(dir, stack.file), errors),
  );
  const templateFile = path.join(dir, manifest.stackSetsTemplate);
  const template = readJson(templateFile, errors) as { Resources?: Record<string, { Type?: string; Properties?: Record<string, unknown> }> } | undefined;
  const stackSets = template
    ? manifest.stackSets.flatMap((unit) => stackSetOf(unit, template.Resources?.[unit.logicalId], manifest, templateFile, errors))
    : [];
  if (errors.length) throw new InputErrors(errors);
  return {
    dir,
    organizationId: manifest.organizationId,
    delegatedAdmin: manifest.delegatedAdmin,
    managementAccountId: manifest.managementAccountId,
    bundleBucket: manifest.bundleBucket,
    bundles,
    stacks,
    policies,
    stackSets,
    managementStacks,
    costAllocationTags: [...costAllocationTags],
    principalCostAllocationTags: [...principalTags],
    anomalyMonitors: [...anomalyMonitors],
  };
}

/**
 * A management stack with the parameters its template declares, each mapped by the manifest's
 * managementParameters to a bundle the manifest lists: a parameter nothing fills is an error here, not a
 * CloudFormation failure in the management account.
 */
function withParameters(stack: DesiredStack, manifest: StackSetsManifest, file: string, errors: InputError[]): DesiredStack {
  const declared = Object.keys((JSON.parse(stack.templateBody) as { Parameters?: Record<string, unknown> }).Parameters ?? {});
  const sources = manifest.managementParameters?.[stack.name] ?? {};
  const parameters: { key: string; source: ManagementParameterSource }[] = [];
  for (const key of declared) {
    const source = sources[key];
    const bundle = source && ('bundle' in source ? source.bundle : source.bundleKey);
    if (!source || typeof bundle !== 'string')
      errors.push(new InputError({ file }, `declares parameter ${key}, which the manifest's managementParameters do not fill`, REBUILD));
    else if (!manifest.bundles.some((b) => b.key === bundle))
      errors.push(new InputError({ file }, `parameter ${key} takes bundle ${bundle}, which the manifest does not list`, REBUILD));
    else parameters.push({ key, source });
  }
  return parameters.length ? { ...stack, parameters } : stack;
}

function readPolicies(dir: string, errors: InputError[]): DesiredPolicy[] {
  const file = path.join(dir, 'org', 'manifest.json');
  if (!fs.existsSync(file)) {
    errors.push(new InputError({ file }, 'is missing', `the output directory of tarmac build (--out)`));
    return [];
  }
  const manifest = readJson(file, errors) as Partial<OrgManifest> | undefined;
  // A manifest without its policy list must not read as "no policies": deploy would plan to remove them all.
  if (manifest && !Array.isArray(manifest.policies)) errors.push(new InputError({ file }, 'has no policies list', REBUILD));
  return (Array.isArray(manifest?.policies) ? manifest.policies : []).flatMap((p): DesiredPolicy[] => {
    const content = readText(path.join(dir, p.file), errors);
    return content === undefined ? [] : [{ type: p.type, name: p.name, file: p.file, content, targets: p.targets, controls: p.controls }];
  });
}

type Unit = StackSetsManifest['stackSets'][number];
const KINDS: readonly StackSetKind[] = ['guardrails', 'account', 'network', 'finops'];

function stackSetOf(
  unit: Unit,
  resource: { Type?: string; Properties?: Record<string, unknown> } | undefined,
  manifest: StackSetsManifest,
  file: string,
  errors: InputError[],
): DesiredStackSet[] {
  const fail = (problem: string, expected?: string) => {
    errors.push(new InputError({ file }, `${unit.logicalId} (${unit.name}): ${problem}`, expected ?? REBUILD));
    return [];
  };
  if (resource?.Type !== 'AWS::CloudFormation::StackSet') return fail('is not an AWS::CloudFormation::StackSet resource of this template');
  const p = resource.Properties ?? {};
  if (p.StackSetName !== unit.name) return fail(`StackSetName is ${JSON.stringify(p.StackSetName)}, the manifest says ${unit.name}`);
  if (p.PermissionModel !== 'SERVICE_MANAGED') return fail(`PermissionModel is ${JSON.stringify(p.PermissionModel)}`, 'SERVICE_MANAGED');
  if (typeof p.TemplateBody !== 'string') return fail('TemplateBody is not a string');
  const parameters: { key: string; source: ParameterSource }[] = [];
  for (const param of (p.Parameters as { ParameterKey: string; ParameterValue: unknown }[] | undefined) ?? []) {
    const v = param.ParameterValue;
    if (typeof v === 'string') parameters.push({ key: param.ParameterKey, source: { value: v } });
    else if (v && typeof v === 'object' && typeof (v as { Ref?: unknown }).Ref === 'string') {
      const ref = (v as { Ref: string }).Ref;
      const source = manifest.parameters[ref];
      if (!source) return fail(`parameter ${param.ParameterKey} refers to ${ref}, which the manifest's parameters do not map`);
      if ('bundle' in source && !manifest.bundles.some((b) => b.key === source.bundle))
        return fail(`parameter ${param.ParameterKey} pins bundle ${source.bundle}, which the manifest does not list`);
      if ('output' in source && !manifest.stacks.some((s) => s.name === source.output.stack))
        return fail(`parameter ${param.ParameterKey} takes an output of stack ${source.output.stack}, which the manifest does not list`);
      parameters.push({ key: param.ParameterKey, source });
    } else return fail(`parameter ${param.ParameterKey} has a value tarmac cannot resolve: ${JSON.stringify(v)}`, 'a string or { Ref: <parameter> }');
  }
  if (!KINDS.includes(unit.kind) || (unit.wave !== 0 && unit.wave !== 1))
    return fail(
      `the manifest gives kind ${JSON.stringify(unit.kind)} and wave ${JSON.stringify(unit.wave)}`,
      `kind one of ${KINDS.join(', ')} and wave 0 or 1 (${REBUILD})`,
    );
  const groups: TargetGroup[] = [];
  for (const g of (p.StackInstancesGroup as
    { DeploymentTargets?: { OrganizationalUnitIds?: string[]; Accounts?: string[]; AccountFilterType?: string }; Regions?: string[] }[] | undefined) ?? []) {
    const t = g.DeploymentTargets ?? {};
    const filter = t.AccountFilterType ?? 'NONE';
    // Tarmac builds OU targets and INTERSECTION account targets; anything else would be deployed wrongly.
    if (filter === 'NONE' && !t.Accounts?.length) groups.push({ ous: t.OrganizationalUnitIds ?? [], regions: g.Regions ?? [] });
    else if (filter === 'INTERSECTION' && t.Accounts?.length)
      groups.push({ ous: t.OrganizationalUnitIds ?? [], accounts: [...t.Accounts].sort(), regions: g.Regions ?? [] });
    else
      return fail(
        `DeploymentTargets has AccountFilterType ${filter} with ${t.Accounts?.length ?? 0} account(s)`,
        'OrganizationalUnitIds alone, or with Accounts and AccountFilterType INTERSECTION',
      );
  }
  const templateAccounts = [...new Set(groups.flatMap((g) => g.accounts ?? []))].sort().join(', ');
  const manifestAccounts = (unit.accounts ?? [])
    .map((a) => a.id)
    .sort()
    .join(', ');
  if (templateAccounts !== manifestAccounts || (manifestAccounts && groups.some((g) => !g.accounts)))
    return fail(`DeploymentTargets narrow to accounts [${templateAccounts}], the manifest says [${manifestAccounts}]`);
  const auto = (p.AutoDeployment as { Enabled?: boolean; RetainStacksOnAccountRemoval?: boolean } | undefined) ?? {};
  return [
    {
      name: unit.name,
      logicalId: unit.logicalId,
      source: unit.source,
      kind: unit.kind,
      wave: unit.wave,
      ...(unit.profile !== undefined ? { profile: unit.profile } : {}),
      failureMode: unit.failureMode,
      ous: unit.ous,
      ...(unit.accounts?.length ? { accounts: unit.accounts } : {}),
      regions: unit.regions,
      targets: groups,
      templateBody: p.TemplateBody,
      parameters,
      autoDeployment: {
        Enabled: auto.Enabled === true,
        ...(auto.RetainStacksOnAccountRemoval !== undefined ? { RetainStacksOnAccountRemoval: auto.RetainStacksOnAccountRemoval } : {}),
      },
      capabilities: ((p.Capabilities as string[] | undefined) ?? []).slice().sort(),
      ...(p.ManagedExecution ? { managedExecution: { Active: (p.ManagedExecution as { Active?: boolean }).Active === true } } : {}),
      ...(typeof p.Description === 'string' ? { description: p.Description } : {}),
      ...(Array.isArray(p.Tags) ? { tags: p.Tags as Tag[] } : {}),
      operationPreferences: (p.OperationPreferences as StackSetOperationPreferences | undefined) ?? {},
      bundles: unit.bundles,
    },
  ];
}

function readText(file: string, errors: InputError[]): string | undefined {
  const bytes = readBytes(file, errors);
  return bytes && Buffer.from(bytes).toString('utf8');
}

function readBytes(file: string, errors: InputError[]): Uint8Array | undefined {
  try {
    return fs.readFileSync(file);
  } catch {
    errors.push(new InputError({ file }, 'cannot be read', REBUILD));
    return undefined;
  }
}

/** The template as deploy sends it; an error when it is not JSON or CloudFormation would refuse its size. */
function minified(file: string, text: string, errors: InputError[]): string | undefined {
  let body: string;
  try {
    body = JSON.stringify(JSON.parse(text));
  } catch (err) {
    errors.push(new InputError({ file }, `is not valid JSON: ${(err as Error).message}`, REBUILD));
    return undefined;
  }
  const bytes = Buffer.byteLength(body, 'utf8');
  if (bytes <= MAX_TEMPLATE_BODY_BYTES) return body;
  errors.push(
    new InputError(
      { file },
      `is ${bytes.toLocaleString('en-US')} bytes minified`,
      `at most ${MAX_TEMPLATE_BODY_BYTES.toLocaleString('en-US')} bytes inline (CloudFormation's TemplateBody limit)`,
    ),
  );
  return undefined;
}

function readJson(file: string, errors: InputError[]): unknown {
  const text = readText(file, errors);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch (err) {
    errors.push(new InputError({ file }, `is not valid JSON: ${(err as Error).message}`, REBUILD));
    return undefined;
  }
}
