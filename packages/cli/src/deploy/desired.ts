import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { InputError, InputErrors } from '@tarmac/core';
import { OrgManifest, OrgPolicyType, POLICY_TYPE_DIR, StackSetsManifest } from '@tarmac/core/org';
import type { StackSetOperationPreferences, Tag } from '@aws-sdk/client-cloudformation';

/** Where a stack set parameter's value comes from at deploy time. */
export type ParameterSource =
  | { readonly value: string }
  | { readonly bundle: string }
  | { readonly output: { readonly stack: string; readonly key: string } };

export interface OuTarget {
  readonly id: string;
  readonly path: string;
  readonly accounts: number;
}

/** OUs × regions: one CreateStackInstances or DeleteStackInstances call. */
export interface TargetGroup {
  readonly ous: readonly string[];
  readonly regions: readonly string[];
}

/** One AWS::CloudFormation::StackSet resource of the stack sets template: the desired state of one stack set. */
export interface DesiredStackSet {
  readonly name: string;
  readonly logicalId: string;
  readonly source: string;
  readonly profile: string;
  readonly failureMode: string;
  /** OUs with their paths and account counts, from the manifest (for plans and messages). */
  readonly ous: readonly OuTarget[];
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

export interface DesiredStack {
  readonly name: string;
  readonly region: string;
  readonly file: string;
  readonly templateBody: string;
}

/** A built policy as its manifest entry lists it, with the exact document sent to AWS. */
export type DesiredPolicy = Omit<OrgManifest['policies'][number], 'bytes'> & { readonly content: string };

/** Everything `tarmac build` wrote that deploy applies, read from DIR. */
export interface Desired {
  readonly dir: string;
  readonly organizationId?: string;
  readonly delegatedAdmin?: StackSetsManifest['delegatedAdmin'];
  readonly bundleBucket?: string;
  readonly bundles: readonly DesiredBundle[];
  readonly stacks: readonly DesiredStack[];
  readonly policies: readonly DesiredPolicy[];
  readonly stackSets: readonly DesiredStackSet[];
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
    return { dir, bundles: [], stacks: [], policies, stackSets: [] };
  }
  const manifest = readJson(manifestFile, errors) as StackSetsManifest | undefined;
  if (manifest && manifest.formatVersion !== 1) errors.push(new InputError({ file: manifestFile }, `formatVersion ${String(manifest.formatVersion)} is not one this tarmac reads`, 'formatVersion: 1'));
  if (!manifest || errors.length) throw new InputErrors(errors);

  const bundles = manifest.bundles.flatMap((b): DesiredBundle[] => {
    const file = path.join(dir, b.file);
    const bytes = readBytes(file, errors);
    if (!bytes) return [];
    const sha = createHash('sha256').update(bytes).digest('hex');
    if (sha !== b.sha256) errors.push(new InputError({ file }, `has sha256 ${sha}, the manifest says ${b.sha256}`, REBUILD));
    return [{ key: b.key, file: b.file, sha256: b.sha256, bytes, profile: b.profile, mode: b.mode }];
  });
  const stacks = manifest.stacks.flatMap((s): DesiredStack[] => {
    const file = path.join(dir, s.template);
    const body = readText(file, errors);
    return body === undefined ? [] : [{ name: s.name, region: s.region, file: s.template, templateBody: body }];
  });
  const templateFile = path.join(dir, manifest.stackSetsTemplate);
  const template = readJson(templateFile, errors) as { Resources?: Record<string, { Type?: string; Properties?: Record<string, unknown> }> } | undefined;
  const stackSets = template ? manifest.stackSets.flatMap((unit) => stackSetOf(unit, template.Resources?.[unit.logicalId], manifest, templateFile, errors)) : [];
  if (errors.length) throw new InputErrors(errors);
  return { dir, organizationId: manifest.organizationId, delegatedAdmin: manifest.delegatedAdmin, bundleBucket: manifest.bundleBucket, bundles, stacks, policies, stackSets };
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

function stackSetOf(unit: Unit, resource: { Type?: string; Properties?: Record<string, unknown> } | undefined, manifest: StackSetsManifest, file: string, errors: InputError[]): DesiredStackSet[] {
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
      if ('bundle' in source && !manifest.bundles.some((b) => b.key === source.bundle)) return fail(`parameter ${param.ParameterKey} pins bundle ${source.bundle}, which the manifest does not list`);
      if ('output' in source && !manifest.stacks.some((s) => s.name === source.output.stack)) return fail(`parameter ${param.ParameterKey} takes an output of stack ${source.output.stack}, which the manifest does not list`);
      parameters.push({ key: param.ParameterKey, source });
    } else return fail(`parameter ${param.ParameterKey} has a value tarmac cannot resolve: ${JSON.stringify(v)}`, 'a string or { Ref: <parameter> }');
  }
  const groups = ((p.StackInstancesGroup as { DeploymentTargets?: { OrganizationalUnitIds?: string[] }; Regions?: string[] }[] | undefined) ?? []).map((g) => ({
    ous: g.DeploymentTargets?.OrganizationalUnitIds ?? [],
    regions: g.Regions ?? [],
  }));
  const auto = (p.AutoDeployment as { Enabled?: boolean; RetainStacksOnAccountRemoval?: boolean } | undefined) ?? {};
  return [
    {
      name: unit.name,
      logicalId: unit.logicalId,
      source: unit.source,
      profile: unit.profile,
      failureMode: unit.failureMode,
      ous: unit.ous,
      regions: unit.regions,
      targets: groups,
      templateBody: p.TemplateBody,
      parameters,
      autoDeployment: { Enabled: auto.Enabled === true, ...(auto.RetainStacksOnAccountRemoval !== undefined ? { RetainStacksOnAccountRemoval: auto.RetainStacksOnAccountRemoval } : {}) },
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

/** Every OU × region pair a stack set should have instances in. */
export function desiredPairs(stackSet: DesiredStackSet): Set<string> {
  return new Set(stackSet.targets.flatMap((g) => g.ous.flatMap((ou) => g.regions.map((r) => pairKey(ou, r)))));
}

export const pairKey = (ou: string, region: string) => `${ou} ${region}`;
export const splitPair = (key: string): [string, string] => key.split(' ') as [string, string];

/** Groups OU × region pairs into the fewest calls: OUs that need the same regions share one. */
export function groupPairs(pairs: Iterable<string>): TargetGroup[] {
  const regionsByOu = new Map<string, Set<string>>();
  for (const key of pairs) {
    const [ou, region] = splitPair(key);
    if (!regionsByOu.has(ou)) regionsByOu.set(ou, new Set());
    regionsByOu.get(ou)!.add(region);
  }
  const groups = new Map<string, { ous: string[]; regions: string[] }>();
  for (const [ou, regions] of [...regionsByOu].sort(([a], [b]) => a.localeCompare(b))) {
    const sorted = [...regions].sort();
    const id = sorted.join(',');
    if (!groups.has(id)) groups.set(id, { ous: [], regions: sorted });
    groups.get(id)!.ous.push(ou);
  }
  return [...groups.values()];
}
