import type { StackSet } from '@aws-sdk/client-cloudformation';
import { canonicalJson, sameDocument } from './canonical-json';
import type { DesiredStackSet, OuTarget } from './desired';
import type { FieldChange, InstanceStatus, StackSetPlan } from './model';
import type { ResolvedParameter } from './parameters';
import { TargetGroup, desiredPairs, groupAccountPairs, groupPairs, instanceKey, isAccountTarget, pairKey } from './targets';

/** The stack set as AWS has it: the stack set itself (absent when there is none) and its instances. */
export interface ActualStackSet {
  readonly stackSet?: StackSet;
  readonly instances: readonly InstanceStatus[];
}

export interface StackSetDiff {
  readonly plan: StackSetPlan;
  /** Whether the stack set's own properties differ (an UpdateStackSet is needed). */
  readonly propertiesChanged: boolean;
  readonly autoDeploymentChanged: boolean;
  readonly permissionModelChanged: boolean;
  /** Where UpdateStackSet updates instances: the targets that exist and stay (absent: every instance). */
  readonly updateTargets?: TargetGroup;
}

/**
 * Compares a built stack set with AWS's. OperationPreferences belong to operations, not to the stack set,
 * so they are never a difference. Parameters compare by resolved value; one not known yet (a bundle to be
 * uploaded) is a change.
 */
export function diffStackSet(desired: DesiredStackSet, actual: ActualStackSet, params: readonly ResolvedParameter[]): StackSetDiff {
  const base = {
    name: desired.name,
    kind: desired.kind,
    wave: desired.wave,
    ...(desired.profile !== undefined ? { profile: desired.profile } : {}),
    ous: desired.ous,
    ...(desired.accounts ? { accounts: desired.accounts } : {}),
    regions: desired.regions,
    instances: desired.accounts ? desired.accounts.length * desired.regions.length : instanceCount(desired.ous, desired.regions),
  };
  const wanted = desiredPairs(desired);
  const { toCreate, toRemove } = grouping(desired, actual);
  const current = actual.stackSet;
  if (!current) {
    const plan: StackSetPlan = { ...base, action: 'create', changes: [], addTargets: toCreate(wanted), removeTargets: [], needsAllowDelete: false };
    return { plan, propertiesChanged: false, autoDeploymentChanged: false, permissionModelChanged: false };
  }
  const changes: FieldChange[] = [];
  if (!sameDocument(desired.templateBody, current.TemplateBody)) changes.push({ field: 'template' });
  changes.push(...parameterChanges(params, current));
  const auto = current.AutoDeployment ?? {};
  const autoDeploymentChanged =
    desired.autoDeployment.Enabled !== (auto.Enabled ?? false) ||
    (desired.autoDeployment.Enabled && (desired.autoDeployment.RetainStacksOnAccountRemoval ?? false) !== (auto.RetainStacksOnAccountRemoval ?? false));
  if (autoDeploymentChanged) changes.push({ field: 'auto-deployment', from: autoText(auto), to: autoText(desired.autoDeployment) });
  const caps = (list: readonly string[] | undefined) => [...(list ?? [])].sort().join(',');
  if (caps(desired.capabilities) !== caps(current.Capabilities))
    changes.push({ field: 'capabilities', from: caps(current.Capabilities) || '(none)', to: caps(desired.capabilities) || '(none)' });
  const active = (m: { Active?: boolean } | undefined) => String(m?.Active ?? false);
  if (active(desired.managedExecution) !== active(current.ManagedExecution))
    changes.push({ field: 'managed execution', from: active(current.ManagedExecution), to: active(desired.managedExecution) });
  if (desired.description !== undefined && desired.description !== (current.Description ?? '')) changes.push({ field: 'description' });
  if (desired.tags && canonicalJson(sortTags(desired.tags)) !== canonicalJson(sortTags(current.Tags ?? []))) changes.push({ field: 'tags' });
  const permissionModelChanged = current.PermissionModel !== 'SERVICE_MANAGED';
  if (permissionModelChanged) changes.push({ field: 'permission model', from: current.PermissionModel ?? '(none)', to: 'SERVICE_MANAGED' });

  const present = isAccountTarget(desired) ? accountPairs(actual) : actualPairs(actual, desired);
  const add = [...wanted].filter((p) => !present.has(p));
  const remove = [...present].filter((p) => !wanted.has(p));
  const staying = [...present].filter((p) => wanted.has(p));
  // UpdateStackSet takes OUs (or accounts) × regions: name them only when the staying instances are exactly
  // such a product; otherwise update every instance (those about to be removed too, which is harmless).
  const stayingGroups = toCreate(staying);
  const stayingGroup = stayingGroups.length === 1 ? stayingGroups[0] : undefined;
  const action = changes.length || add.length || remove.length ? 'update' : 'unchanged';
  const plan: StackSetPlan = {
    ...base,
    action,
    changes,
    addTargets: toCreate(add),
    removeTargets: toRemove(remove),
    needsAllowDelete: remove.length > 0,
    ...(current.Status ? { status: current.Status } : {}),
  };
  return {
    plan,
    propertiesChanged: changes.length > 0,
    autoDeploymentChanged,
    permissionModelChanged,
    ...(stayingGroup ? { updateTargets: stayingGroup } : {}),
  };
}

/** A stack set that the build no longer has: every instance and the stack set itself go. */
export function removalPlan(name: string, actual: ActualStackSet): StackSetPlan {
  const present = actualPairs(actual);
  const ous = unique([...present].map((p) => p.split(' ')[0])).map((id): OuTarget => ({
    id,
    path: id,
    accounts: unique(actual.instances.filter((i) => i.ou === id).map((i) => i.account)).length,
  }));
  return {
    name,
    action: 'delete',
    changes: [],
    ous,
    regions: unique([...present].map((p) => p.split(' ')[1])),
    instances: actual.instances.length,
    addTargets: [],
    removeTargets: groupPairs(present),
    needsAllowDelete: true,
    ...(actual.stackSet?.Status ? { status: actual.stackSet.Status } : {}),
  };
}

/**
 * How pairs become calls. An account target reaches a new account through the OUs the build places it in,
 * and an existing instance through the OU AWS reports for it (or, failing that, the stack set's OUs).
 */
function grouping(
  desired: DesiredStackSet,
  actual: ActualStackSet,
): { toCreate: (pairs: Iterable<string>) => TargetGroup[]; toRemove: (pairs: Iterable<string>) => TargetGroup[] } {
  if (!isAccountTarget(desired)) return { toCreate: groupPairs, toRemove: groupPairs };
  const desiredOus = (account: string) => desired.targets.filter((g) => g.accounts?.includes(account)).flatMap((g) => g.ous);
  const actualOus = (account: string) => {
    const reported = actual.instances.filter((i) => i.account === account && i.ou).map((i) => i.ou!);
    return reported.length ? reported : (actual.stackSet?.OrganizationalUnitIds ?? desiredOus(account));
  };
  return { toCreate: (pairs) => groupAccountPairs(pairs, desiredOus), toRemove: (pairs) => groupAccountPairs(pairs, actualOus) };
}

/** An account target's instances, as account × region pairs. */
function accountPairs(actual: ActualStackSet): Set<string> {
  return new Set(actual.instances.map((i) => instanceKey(true, i)!));
}

/**
 * The OU × region pairs that have instances. An OU the stack set targets but that holds no account has no
 * instance to show its regions: it counts as present in the regions the build wants for it (nothing to
 * create there) or, when the build does not want it, in the stack set's regions.
 */
function actualPairs(actual: ActualStackSet, desired?: DesiredStackSet): Set<string> {
  const pairs = new Set<string>();
  for (const i of actual.instances) if (i.ou) pairs.add(pairKey(i.ou, i.region));
  const withInstances = new Set(actual.instances.map((i) => i.ou));
  for (const ou of actual.stackSet?.OrganizationalUnitIds ?? []) {
    if (withInstances.has(ou)) continue;
    const wantedRegions = desired?.targets.filter((g) => g.ous.includes(ou)).flatMap((g) => g.regions) ?? [];
    for (const region of wantedRegions.length ? wantedRegions : (actual.stackSet?.Regions ?? [])) pairs.add(pairKey(ou, region));
  }
  return pairs;
}

function parameterChanges(params: readonly ResolvedParameter[], current: StackSet): FieldChange[] {
  const actual = new Map((current.Parameters ?? []).map((p) => [p.ParameterKey ?? '', p.ParameterValue ?? '']));
  const changes: FieldChange[] = [];
  for (const p of params) {
    const from = actual.get(p.key);
    if (p.value === undefined) changes.push({ field: `parameter ${p.key}`, ...(from !== undefined ? { from } : {}), to: `(${p.pending})` });
    else if (from !== p.value) changes.push({ field: `parameter ${p.key}`, ...(from !== undefined ? { from } : {}), to: p.value });
  }
  for (const key of actual.keys()) if (!params.some((p) => p.key === key)) changes.push({ field: `parameter ${key}`, from: actual.get(key), to: '(removed)' });
  return changes;
}

const autoText = (a: { Enabled?: boolean; RetainStacksOnAccountRemoval?: boolean }) =>
  a.Enabled ? `enabled${a.RetainStacksOnAccountRemoval ? ', retain stacks on account removal' : ''}` : 'disabled';
const sortTags = (tags: readonly { Key?: string; Value?: string }[]) => [...tags].sort((a, b) => (a.Key ?? '').localeCompare(b.Key ?? ''));
const unique = (xs: readonly string[]) => [...new Set(xs)].sort();

export function instanceCount(ous: readonly OuTarget[], regions: readonly string[]): number {
  return ous.reduce((n, ou) => n + ou.accounts, 0) * regions.length;
}
