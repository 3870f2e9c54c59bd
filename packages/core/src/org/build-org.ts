import { InputError, InputErrors } from '../errors';
import { Catalog } from '../catalog/model';
import { CarveOut, CarveOuts, orgPolicyCarveOuts } from '../exemptions/org-policy-carve-outs';
import { BuildExemptions, exemptionStatus } from '../exemptions/model';
import { compileAiOptOut } from './ai-opt-out-policy';
import { ComposedStatement, composeStatements } from './compose';
import { compileDeclarativeEc2 } from './declarative-policy';
import { OrgControl, OrgPolicySet, OrgPolicyType, Organization, POLICY_TYPE_DIR } from './model';
import { packStatements, policyJson } from './pack';
import { unprotectedExemptions } from './protected-roles';
import { unenforcedRegionNarrowing } from './region-narrowing';
import { compileRequiredTagsRules } from './required-tags-rules';
import { compileTagPolicy } from './tag-policy';
import { allTargetIds, resolveTarget } from './targets';

export interface BuiltPolicy {
  readonly type: OrgPolicyType;
  readonly name: string;
  /** Path under the output directory: org/<type>/<name>.json. */
  readonly file: string;
  /** The exact document sent to AWS Organizations. */
  readonly content: string;
  readonly bytes: number;
  readonly targetIds: readonly string[];
  readonly controls: readonly string[];
}

/** What one target uses of one policy type's quotas. */
export interface TargetUsage {
  readonly targetId: string;
  readonly target: string;
  readonly type: OrgPolicyType;
  readonly attached: number;
  readonly maxAttached: number;
  readonly largest: number;
  readonly maxSize: number;
}

export interface OrgBuild {
  readonly organization: Organization;
  readonly policies: readonly BuiltPolicy[];
  readonly usage: readonly TargetUsage[];
  /** Companion files (Config rules, Guard rules) by path under the output directory. */
  readonly companions: ReadonlyMap<string, string>;
}

const STATEMENT_TYPES: readonly OrgPolicyType[] = ['SERVICE_CONTROL_POLICY', 'RESOURCE_CONTROL_POLICY'];

/**
 * Builds every organization policy: SCP and RCP statements composed per target (the accounts of the exemptions
 * in force carved out) and packed into the fewest policies under the size quota; tag, declarative and AI
 * opt-out policies compiled from their settings; then sizes and attachment counts checked against org.yaml's
 * quotas. Same sources and day, same bytes. Throws InputErrors naming the file and line (or the target in
 * org.yaml) of every violation; a quota overflowed only because of a carve-out names the exemption's line.
 */
export function buildOrgPolicies(set: OrgPolicySet, catalog: Catalog, exempt?: BuildExemptions): OrgBuild {
  const carveOuts = exempt ? orgPolicyCarveOuts(exempt.exemptions, set.organization, exempt.today, set.controls) : new Map<string, CarveOut>();
  const built = buildWith(set, catalog, carveOuts);
  if (!built.errors.length) return built.build;
  const blamed = carveOuts.size ? overflowingCarveOut(set, catalog, exempt!) : undefined;
  throw new InputErrors(blamed ?? built.errors);
}

/**
 * When the sources build within quota without carve-outs, the exemption whose carve-out tips it over: the
 * exemptions in force are added one at a time in file order, and the first after which the build fails is named
 * at its line, with what overflowed. Undefined when the sources fail on their own (their errors are the ones to fix).
 */
function overflowingCarveOut(set: OrgPolicySet, catalog: Catalog, exempt: BuildExemptions): InputError[] | undefined {
  const org = set.organization;
  if (buildWith(set, catalog, new Map()).errors.length) return undefined;
  const inForce = exempt.exemptions.filter((e) => exemptionStatus(e, exempt.today, org.exemptionPolicy) !== 'expired');
  for (let i = 0; i < inForce.length; i++) {
    const { errors } = buildWith(set, catalog, orgPolicyCarveOuts(inForce.slice(0, i + 1), org, exempt.today, set.controls));
    if (!errors.length) continue;
    const e = inForce[i];
    return [
      new InputError(
        { file: e.file, line: e.line },
        `exemption ${e.id} carves its accounts out of ${e.controls.join(', ')}, and the policies no longer fit: ${errors.map((x) => x.message).join('; ')}`,
        'fewer accounts or controls in this exemption (or an OU instead of its accounts), or a higher quota in org.yaml if AWS raised it',
      ),
    ];
  }
  return undefined;
}

function buildWith(set: OrgPolicySet, catalog: Catalog, carveOuts: CarveOuts): { build: OrgBuild; errors: InputError[] } {
  const org = set.organization;
  const errors: InputError[] = [];
  const policies: BuiltPolicy[] = [];
  for (const type of STATEMENT_TYPES) {
    const composed = composeStatements(set, catalog.tags, type, carveOuts);
    if (type === 'SERVICE_CONTROL_POLICY') errors.push(...unprotectedExemptions(org, composed), ...unenforcedRegionNarrowing(org, composed));
    policies.push(...packPerTarget(org, type, composed, errors));
  }
  for (const control of set.controls.filter((c) => !STATEMENT_TYPES.includes(c.type))) {
    const content = JSON.stringify(compileSettings(control, catalog));
    policies.push(builtPolicy(control.type, `tarmac-${POLICY_TYPE_DIR[control.type]}-${slug(control.id)}`, content, targetIdsOf(org, control), [control.id]));
    const max = org.quotas[control.type].maxSize;
    if (content.length > max)
      errors.push(
        new InputError(
          { file: control.file, line: 1 },
          `the ${control.type} built from this file is ${content.length} characters`,
          `at most ${max} (quotas in org.yaml)`,
        ),
      );
  }
  policies.sort((a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name));
  const usage = usageOf(org, policies);
  errors.push(...overQuota(org, usage, policies));
  return { build: { organization: org, policies, usage, companions: companions(catalog) }, errors };
}

function compileSettings(control: OrgControl, catalog: Catalog): object {
  const settings = control.settings;
  switch (control.type) {
    case 'TAG_POLICY':
      return compileTagPolicy(catalog.tags, (settings as { enforcedFor?: string[] } | undefined)?.enforcedFor ?? []);
    case 'DECLARATIVE_POLICY_EC2':
      return compileDeclarativeEc2(settings as Parameters<typeof compileDeclarativeEc2>[0]);
    case 'AISERVICES_OPT_OUT_POLICY':
      return compileAiOptOut(settings as Parameters<typeof compileAiOptOut>[0]);
    default:
      throw new Error(`no settings compiler for ${control.type}`);
  }
}

/**
 * Packs each target's statements, then shares identical results: accounts of one type with the same
 * statements get one policy attached to all of them. Names follow the scope the statements came from
 * (root, ou-<path>, type-<type>, account-<name>) and are numbered, so adding a policy renames nothing.
 */
function packPerTarget(org: Organization, type: OrgPolicyType, composed: Map<string, ComposedStatement[]>, errors: InputError[]): BuiltPolicy[] {
  const maxSize = org.quotas[type].maxSize;
  const groups = new Map<string, { scope: string; statements: ComposedStatement[][]; targetIds: string[] }>();
  for (const targetId of allTargetIds(org).filter((id) => composed.has(id))) {
    const statements = composed.get(targetId)!;
    let bins: number[][];
    try {
      bins = packStatements(
        statements.map((s) => s.json.length),
        maxSize,
      );
    } catch (err) {
      if (!(err instanceof RangeError)) throw err;
      const s = statements[Number(err.message)];
      errors.push(
        new InputError(
          { file: s.file, line: s.line },
          `statement ${String(s.statement.Sid)} alone is ${s.json.length} characters`,
          `a ${type} statement that fits the ${maxSize}-character quota with room for the policy around it`,
        ),
      );
      continue;
    }
    const packs = bins.map((bin) => bin.map((i) => statements[i]));
    const key = packs.map((p) => p.map((s) => s.json).join(',')).join('|');
    const group = groups.get(key);
    if (group) group.targetIds.push(targetId);
    else groups.set(key, { scope: scopeOf(org, targetId, statements), statements: packs, targetIds: [targetId] });
  }
  const usedScopes = new Set<string>();
  const out: BuiltPolicy[] = [];
  for (const group of groups.values()) {
    // Two groups from one scope (e.g. accounts of a type whose regions differ): the later ones take an account name.
    let scope = group.scope;
    if (usedScopes.has(scope)) scope = `account-${org.accounts.find((a) => a.id === group.targetIds[0])?.name ?? group.targetIds[0]}`;
    usedScopes.add(scope);
    group.statements.forEach((pack, i) => {
      const controls = [...new Set(pack.map((s) => s.controlId))];
      out.push(builtPolicy(type, `tarmac-${POLICY_TYPE_DIR[type]}-${scope}-${i + 1}`, policyJson(pack.map((s) => s.json)), group.targetIds, controls));
    });
  }
  return out;
}

function scopeOf(org: Organization, targetId: string, statements: readonly ComposedStatement[]): string {
  if (targetId === org.rootId) return 'root';
  const ou = org.ous.find((o) => o.id === targetId);
  if (ou) return `ou-${slug(ou.path)}`;
  const account = org.accounts.find((a) => a.id === targetId)!;
  return statements.every((s) => s.rank[0] === 2) ? `type-${account.type}` : `account-${account.name}`;
}

function builtPolicy(type: OrgPolicyType, name: string, content: string, targetIds: readonly string[], controls: readonly string[]): BuiltPolicy {
  return { type, name, file: `org/${POLICY_TYPE_DIR[type]}/${name}.json`, content, bytes: Buffer.byteLength(content), targetIds, controls };
}

function targetIdsOf(org: Organization, control: OrgControl): string[] {
  return [...new Set(control.targets.flatMap((t) => resolveTarget(org, t)))];
}

export function targetName(org: Organization, id: string): string {
  if (id === org.rootId) return 'root';
  const ou = org.ous.find((o) => o.id === id);
  if (ou) return `ou:${ou.path}`;
  return `account:${org.accounts.find((a) => a.id === id)?.name ?? id}`;
}

function usageOf(org: Organization, policies: readonly BuiltPolicy[]): TargetUsage[] {
  const usage: TargetUsage[] = [];
  const types = [...new Set(policies.map((p) => p.type))];
  for (const targetId of allTargetIds(org)) {
    for (const type of types) {
      const ours = policies.filter((p) => p.type === type && p.targetIds.includes(targetId));
      const theirs = org.alreadyAttached.filter((p) => p.type === type && p.targetIds.includes(targetId));
      if (!ours.length) continue;
      usage.push({
        targetId,
        target: targetName(org, targetId),
        type,
        attached: ours.length + theirs.length,
        maxAttached: org.quotas[type].maxAttached,
        largest: Math.max(...ours.map((p) => p.content.length)),
        maxSize: org.quotas[type].maxSize,
      });
    }
  }
  return usage;
}

function overQuota(org: Organization, usage: readonly TargetUsage[], policies: readonly BuiltPolicy[]): InputError[] {
  return usage
    .filter((u) => u.attached > u.maxAttached)
    .map((u) => {
      const names = [
        ...org.alreadyAttached.filter((p) => p.type === u.type && p.targetIds.includes(u.targetId)).map((p) => p.name),
        ...policies.filter((p) => p.type === u.type && p.targetIds.includes(u.targetId)).map((p) => p.name),
      ];
      return new InputError(
        { file: org.file, line: org.lineOf.get(u.targetId) },
        `${u.target} would have ${u.attached} ${u.type} attached (${names.join(', ')})`,
        `at most ${u.maxAttached}: target fewer controls here, or raise quotas.${u.type}.maxAttached in org.yaml if AWS raised it for you`,
      );
    });
}

/** The other enforcement points of the mandatory tag set: AWS Config REQUIRED_TAGS and the catalog's Guard rules. */
function companions(catalog: Catalog): Map<string, string> {
  const files = new Map<string, string>();
  if (!catalog.tags.length) return files;
  files.set('config/required-tags.json', JSON.stringify(compileRequiredTagsRules(catalog.tags), null, 2) + '\n');
  for (const c of catalog.controls.filter((c) => c.guardFile.endsWith('tags.yaml'))) files.set(`guard/${c.id}.guard`, c.guard);
  return files;
}

function slug(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/** manifest.json: the organization as built and every policy with its file, size, targets and controls. */
/** DIR/org/manifest.json: the organization and every built policy, as `tarmac deploy` reads it back. */
export interface OrgManifest {
  readonly organization: {
    readonly rootId: string;
    readonly ous: readonly { readonly id: string; readonly name: string; readonly path: string; readonly parentId: string }[];
    readonly accounts: readonly { readonly id: string; readonly name: string; readonly ouId: string; readonly type: string }[];
  };
  readonly policies: readonly {
    readonly type: OrgPolicyType;
    readonly name: string;
    readonly file: string;
    readonly bytes: number;
    readonly targets: readonly string[];
    readonly controls: readonly string[];
  }[];
}

export function manifestOf(build: OrgBuild): OrgManifest {
  const org = build.organization;
  return {
    organization: {
      rootId: org.rootId,
      ous: org.ous.map((o) => ({ id: o.id, name: o.name, path: o.path, parentId: o.parentId })),
      accounts: org.accounts.map((a) => ({ id: a.id, name: a.name, ouId: a.ouId ?? org.rootId, type: a.type })),
    },
    policies: build.policies.map((p) => ({ type: p.type, name: p.name, file: p.file, bytes: p.bytes, targets: p.targetIds, controls: p.controls })),
  };
}
