import * as fs from 'fs';
import * as path from 'path';
import {
  Catalog,
  Control,
  ExemptionStatus,
  Mode,
  Severity,
  catalogLabel,
  closestMatch,
  collectInputErrors,
  controlIdsOf,
  describeScope,
  exemptionStatus,
  Exemption,
  loadExemptions,
  modeOf,
} from '@tarmac/core';
import { UsageError } from '../usage-error';
// The organization modules load the IAM catalog: main.ts imports this module only for `tarmac explain`.
import {
  CARVE_OUT_KEY,
  OrgBuild,
  OrgControl,
  Organization,
  OrgPolicySet,
  OrgPolicyType,
  StackSetsBuild,
  buildOrgPolicies,
  deploymentDirs,
  loadDeployment,
  loadOrgPolicies,
  stackFilterSummary,
  targetName,
} from '@tarmac/core/org';

/** Where a part of the picture could not be known, and why; the rest is still shown. */
export interface Unknown {
  readonly known: false;
  readonly reason: string;
}

/** One guardrails stack set (one target of a stacksets/ file with a hook) as it carries a control. */
export interface StackSetEnforcement {
  /** The AWS stack set: tarmac-<file>-<target>. */
  readonly name: string;
  readonly file: string;
  readonly profile: string;
  readonly ous: readonly string[];
  /** Accounts an account target is narrowed to; [] for an OU target. */
  readonly accounts: readonly string[];
  readonly regions: readonly string[];
  /** The target's failure mode: FAIL blocks the operation, WARN only reports. */
  readonly failureMode: 'FAIL' | 'WARN';
  /** Which rule bundle holds the control: the enforced hook's, the advisory hook's (WARN), or none (off). */
  readonly bundle: 'enforce' | 'advisory' | 'none';
  /** The hook alias evaluating the control there; absent when it is off. */
  readonly hook?: string;
  /** What a failure does at deploy time there. */
  readonly effect: 'blocks' | 'warns' | 'off';
  /** The AWS Config rule this stack set deploys for the control (its conformance pack), if any. */
  readonly configRuleName?: string;
  /** What the hook's stack filters leave out, as AWS applies them; [] without filters. */
  readonly stackFilters: readonly string[];
}

export interface OrgPolicyRef {
  readonly id: string;
  readonly title: string;
  readonly type: OrgPolicyType;
  readonly file: string;
  /** alias: the policy enforces this control's intent (its `control:`); related: it enforces part of it (`related:`). */
  readonly relation: 'alias' | 'related';
  /** Targets as written. */
  readonly targets: readonly string[];
  /** The built policies holding its statements or settings. */
  readonly policies: readonly BuiltPolicyUse[] | Unknown;
}

interface Common {
  readonly id: string;
  readonly title: string;
  readonly severity: Severity;
  readonly rationale: string;
  readonly frameworks: Readonly<Record<string, readonly string[]>>;
  readonly references: readonly string[];
  /** The catalog, as reports name it: name@version or its directory. */
  readonly catalog: string;
  /** The source file, relative to the directory that holds policies/. */
  readonly file: string;
  /** The exemptions in policies/exemptions.yaml that name the control, with their status on the day asked about. */
  readonly exemptedBy: readonly ExplainedExemption[] | Unknown;
}

export interface ExplainedExemption {
  readonly id: string;
  readonly status: ExemptionStatus;
  /** The last day it applies, YYYY-MM-DD (UTC). */
  readonly expires: string;
  /** Accounts and OUs by name, then stack patterns and logical IDs. */
  readonly scope: string;
  readonly reason: string;
  readonly owner: string;
  readonly ticket?: string;
}

/** A catalog control: a Guard rule run by `tarmac check`, the CDK aspect and the deployed Guard Hooks. */
export interface GuardControlExplanation extends Common {
  readonly kind: 'guard';
  /** Other IDs of the control (ADR 0012); the ID asked about when it was one of them. */
  readonly aliases: readonly string[];
  readonly askedAs?: string;
  readonly rule: string;
  readonly guardFile: string;
  readonly resourceTypes: readonly string[];
  readonly message: string;
  readonly fix: string;
  /** unresolved values (parameters, Fn::If...): warn or fail in `tarmac check`. */
  readonly unresolved: 'warn' | 'fail';
  /** Mode per profile, in the catalog's profile order. */
  readonly modes: Readonly<Record<string, Mode>>;
  readonly deploy: { readonly known: true; readonly stackSets: readonly StackSetEnforcement[] } | Unknown;
  readonly config: {
    /** The AWS Config managed rule identifier the control maps to. */
    readonly rule?: string;
    /** Stack sets whose conformance pack deploys it; unknown without hooks/ and stacksets/. */
    readonly deployedBy: readonly string[] | Unknown;
  };
  readonly controlTower: readonly string[];
  /** Organization policies that enforce the control at the API: its aliases (`control:`), then those whose `related:` names it. */
  readonly organizationPolicies: readonly OrgPolicyRef[] | Unknown;
}

/** One built organization policy holding some of a control's statements. */
export interface BuiltPolicyUse {
  readonly name: string;
  readonly file: string;
  /** Attachment targets: root, ou:<path>, account:<name>. */
  readonly targets: readonly string[];
  /** The control's statement Sids in that policy, as built. */
  readonly sids: readonly string[];
  /** Accounts (names) carved out of those statements by exemptions in force on the day asked about (`StringNotEquals` on the account key). */
  readonly carvedOut?: readonly string[];
}

/** An organization policy control: policies/scp, rcp or declarative. */
export interface OrgPolicyExplanation extends Common {
  readonly kind: 'organization-policy';
  readonly type: OrgPolicyType;
  /** Targets as written: root, ou:<path>, type:<type>, account:<name>. */
  readonly targets: readonly string[];
  readonly exemptions: readonly string[];
  /** Statement Sids as written (placeholders unresolved); [] for a tag, declarative or opt-out policy. */
  readonly statements: readonly string[];
  /** The catalog control this policy's ID is an alias of (its `control:`). */
  readonly control?: string;
  readonly related: readonly string[];
  readonly policies: readonly BuiltPolicyUse[] | Unknown;
}

export type ControlExplanation = GuardControlExplanation | OrgPolicyExplanation;

/** Everything explain reads, loaded once; each part that cannot be loaded says why. */
export interface ExplainSources {
  readonly catalog: Catalog;
  readonly orgPolicies: OrgPolicySet | Unknown;
  readonly orgBuild: OrgBuild | Unknown;
  readonly deployment: StackSetsBuild | { readonly none: true } | Unknown;
  readonly exemptions: ExemptionsByControl | Unknown;
}

/** Exemptions by the control IDs they name. */
type ExemptionsByControl = ReadonlyMap<string, readonly ExplainedExemption[]>;

const isUnknown = (x: unknown): x is Unknown => typeof x === 'object' && x !== null && (x as Unknown).known === false;

function unknownFrom(err: unknown, what: string): Unknown {
  const errors = collectInputErrors(err);
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more problems: run tarmac build)` : '';
  return { known: false, reason: `unknown: ${what} do not load: ${errors[0]?.message ?? 'unknown error'}${more}` };
}

/**
 * Loads the organization policies, their build and the org-wide deployment beside a catalog, without
 * synthesizing anything. What is absent (an installed catalog package has only policies/) or invalid is
 * recorded as unknown with the reason, never thrown: explain shows what it can.
 */
export async function loadExplainSources(catalog: Catalog, today?: Date): Promise<ExplainSources> {
  const root = path.dirname(catalog.root);
  let orgPolicies: OrgPolicySet | Unknown;
  try {
    orgPolicies = (await loadOrgPolicies(catalog)) ?? { known: false, reason: `unknown without ${rel(root, path.join(catalog.root, 'org.yaml'))}` };
  } catch (err) {
    orgPolicies = unknownFrom(err, 'the organization policies');
  }
  const exemptions = loadedExemptions(catalog, orgPolicies, today);
  const orgBuild = builtPolicies(catalog, orgPolicies, exemptions, today);
  const dirs = deploymentDirs(catalog.root);
  let deployment: ExplainSources['deployment'];
  if (!fs.existsSync(dirs.hooks) || !fs.existsSync(dirs.stacksets)) {
    deployment = { known: false, reason: 'unknown without hooks/ and stacksets/ beside policies/ (an installed catalog package has only policies/)' };
  } else if (isUnknown(orgPolicies)) {
    deployment = orgPolicies;
  } else {
    try {
      deployment = loadDeployment(catalog, orgPolicies.organization) ?? { none: true };
    } catch (err) {
      deployment = unknownFrom(err, 'hooks/ and stacksets/');
    }
  }
  const byControl = today && !isUnknown(orgPolicies) && !isUnknown(exemptions) ? exemptionsByControl(exemptions, orgPolicies.organization, today) : undefined;
  return {
    catalog,
    orgPolicies,
    orgBuild,
    deployment,
    exemptions: byControl ?? (isUnknown(exemptions) ? exemptions : { known: false, reason: 'not shown without a day to judge their expiry by' }),
  };
}

/** The policies as `tarmac build` builds them on the day (the exemptions in force carved out). */
function builtPolicies(catalog: Catalog, orgPolicies: OrgPolicySet | Unknown, exemptions: Exemption[] | Unknown, today: Date | undefined): OrgBuild | Unknown {
  if (isUnknown(orgPolicies)) return orgPolicies;
  if (isUnknown(exemptions)) return exemptions;
  try {
    return buildOrgPolicies(orgPolicies, catalog, today && { exemptions, today });
  } catch (err) {
    return unknownFrom(err, 'the organization policies');
  }
}

/** The exemptions, read once: none without a day (the generated reference must not change with the date). */
function loadedExemptions(catalog: Catalog, orgPolicies: OrgPolicySet | Unknown, today: Date | undefined): Exemption[] | Unknown {
  if (!today) return [];
  if (isUnknown(orgPolicies)) return orgPolicies;
  try {
    return loadExemptions(catalog, orgPolicies.organization, orgPolicies.controls, today);
  } catch (err) {
    return unknownFrom(err, 'the exemptions');
  }
}

function exemptionsByControl(exemptions: readonly Exemption[], org: Organization, today: Date): ExemptionsByControl {
  const byControl = new Map<string, ExplainedExemption[]>();
  for (const e of exemptions) {
    const explained: ExplainedExemption = {
      id: e.id,
      status: exemptionStatus(e, today, org.exemptionPolicy),
      expires: e.expires.toISOString().slice(0, 10),
      scope: describeScope(e, org),
      reason: e.reason,
      owner: e.owner,
      ...(e.ticket ? { ticket: e.ticket } : {}),
    };
    for (const id of e.controls) byControl.set(id, [...(byControl.get(id) ?? []), explained]);
  }
  return byControl;
}

/** Every control ID explain knows: the catalog's, then the organization policies'. */
export function knownIds(sources: ExplainSources): string[] {
  const org = isUnknown(sources.orgPolicies) ? [] : sources.orgPolicies.controls.map((c) => c.id);
  return [...sources.catalog.controls.map((c) => c.id), ...org];
}

/**
 * The explanation of one control (case-insensitive ID); an unknown ID is a UsageError naming the closest one.
 * An alias explains its control (ADR 0012); with `followAliases: false` an organization policy's ID explains
 * the policy itself, as docs/controls.md lists it.
 */
export function explainControl(sources: ExplainSources, id: string, { followAliases = true } = {}): ControlExplanation {
  const want = id.trim().toUpperCase();
  const control = sources.catalog.controls.find((c) => c.id.toUpperCase() === want);
  if (control) return explainGuard(sources, control);
  const aliased = followAliases ? sources.catalog.controls.find((c) => c.aliases.some((a) => a.toUpperCase() === want)) : undefined;
  if (aliased)
    return explainGuard(
      sources,
      aliased,
      aliased.aliases.find((a) => a.toUpperCase() === want),
    );
  const orgControl = isUnknown(sources.orgPolicies) ? undefined : sources.orgPolicies.controls.find((c) => c.id.toUpperCase() === want);
  if (orgControl) return explainOrg(sources, orgControl);
  const suggestion = closestMatch(id, [...knownIds(sources), ...sources.catalog.controls.flatMap((c) => c.aliases)]);
  throw new UsageError(
    `unknown control '${id}'${suggestion ? `; did you mean '${suggestion}'?` : ''} (expected the ID of a control in ${sources.catalog.root}: controls/, scp/, rcp/ or declarative/)${
      isUnknown(sources.orgPolicies) ? `; organization policy IDs are ${sources.orgPolicies.reason}` : ''
    }`,
  );
}

function common(sources: ExplainSources, c: Control | OrgControl): Common {
  return {
    id: c.id,
    title: c.title,
    severity: c.severity,
    rationale: c.rationale.trim(),
    frameworks: c.frameworks,
    references: c.references ?? [],
    catalog: catalogLabel(sources.catalog),
    file: rel(path.dirname(sources.catalog.root), c.file),
    exemptedBy: isUnknown(sources.exemptions) ? sources.exemptions : exemptionsNaming(sources.exemptions, 'aliases' in c ? controlIdsOf(c) : [c.id]),
  };
}

/** An exemption naming a control by its ID or an alias, once. */
function exemptionsNaming(byControl: ExemptionsByControl, ids: readonly string[]): ExplainedExemption[] {
  const found = ids.flatMap((id) => byControl.get(id) ?? []);
  return found.filter((x, i) => found.findIndex((y) => y.id === x.id) === i);
}

function explainGuard(sources: ExplainSources, control: Control, askedAs?: string): GuardControlExplanation {
  const { catalog, deployment, orgPolicies } = sources;
  const modes = Object.fromEntries([...catalog.profiles.values()].map((p) => [p.name, modeOf(p, control.id)]));
  let deploy: GuardControlExplanation['deploy'];
  let deployedBy: readonly string[] | Unknown;
  if (isUnknown(deployment)) [deploy, deployedBy] = [deployment, deployment];
  else {
    const stackSets = 'none' in deployment ? [] : stackSetsOf(sources, deployment, control);
    deploy = { known: true, stackSets };
    deployedBy = stackSets.filter((s) => s.configRuleName).map((s) => s.name);
  }
  return {
    kind: 'guard',
    ...common(sources, control),
    aliases: control.aliases,
    ...(askedAs ? { askedAs } : {}),
    rule: control.rule,
    guardFile: rel(path.dirname(catalog.root), control.guardFile),
    resourceTypes: control.resourceTypes,
    message: control.message,
    fix: control.fix.trim(),
    unresolved: control.unresolved,
    modes,
    deploy,
    config: { ...(control.configRule ? { rule: control.configRule } : {}), deployedBy },
    controlTower: control.controlTower ?? [],
    organizationPolicies: isUnknown(orgPolicies) ? orgPolicies : orgPolicyRefs(sources, orgPolicies, control),
  };
}

function stackSetsOf(sources: ExplainSources, build: StackSetsBuild, control: Control): StackSetEnforcement[] {
  const root = path.dirname(sources.catalog.root);
  return build.units
    .filter((u) => u.hook)
    .map((u) => {
      const hook = u.hook!;
      const bundle = u.enforced?.controls.includes(control.id) ? 'enforce' : u.advisory?.controls.includes(control.id) ? 'advisory' : 'none';
      const failureMode = u.target.failureMode;
      const configRule = u.configRules.find((r) => r.controls.includes(control.id));
      return {
        name: u.name,
        file: rel(root, u.definition.file),
        profile: u.target.profile!,
        ous: u.target.ouPaths,
        accounts: u.target.accountNames,
        regions: u.definition.regions,
        failureMode,
        bundle,
        ...(bundle === 'none' ? {} : { hook: bundle === 'enforce' ? hook.alias : hook.advisoryAlias }),
        effect: bundle === 'none' ? 'off' : bundle === 'enforce' && failureMode === 'FAIL' ? 'blocks' : 'warns',
        ...(configRule ? { configRuleName: configRule.name } : {}),
        stackFilters: bundle === 'none' ? [] : stackFilterSummary(hook),
      };
    });
}

/** The organization policies enforcing a control: its aliases first, then the related ones. */
function orgPolicyRefs(sources: ExplainSources, orgPolicies: OrgPolicySet, control: Control): OrgPolicyRef[] {
  const ref = (o: OrgControl, relation: OrgPolicyRef['relation']): OrgPolicyRef => ({
    id: o.id,
    title: o.title,
    type: o.type,
    file: rel(path.dirname(sources.catalog.root), o.file),
    relation,
    targets: o.targets,
    policies: builtPoliciesOf(sources, o),
  });
  const aliases = orgPolicies.controls.filter((o) => o.control === control.id).map((o) => ref(o, 'alias'));
  const related = orgPolicies.controls.filter((o) => o.control !== control.id && o.related.includes(control.id)).map((o) => ref(o, 'related'));
  return [...aliases, ...related];
}

function explainOrg(sources: ExplainSources, control: OrgControl): OrgPolicyExplanation {
  const root = path.dirname(sources.catalog.root);
  return {
    kind: 'organization-policy',
    ...common(sources, control),
    file: rel(root, control.file),
    type: control.type,
    targets: control.targets,
    exemptions: control.exemptions,
    statements: control.statements.map((s) => s.statement.Sid ?? derivedSidPrefix(control, s.index)),
    ...(control.control ? { control: control.control } : {}),
    related: control.related,
    policies: builtPoliciesOf(sources, control),
  };
}

/** The built policies holding an organization policy's statements or settings, with the Sids they became. */
function builtPoliciesOf(sources: ExplainSources, control: OrgControl): readonly BuiltPolicyUse[] | Unknown {
  const { orgBuild } = sources;
  if (isUnknown(orgBuild)) return orgBuild;
  const org = orgBuild.organization;
  const matchers = control.statements.map((s) => sidMatcher(control, s.statement.Sid, s.index, Boolean(s.forEach)));
  return orgBuild.policies
    .filter((p) => p.controls.includes(control.id))
    .map((p) => {
      const statements = (JSON.parse(p.content) as { Statement?: BuiltStatement[] }).Statement ?? [];
      const own = statements.filter((s) => s.Sid && matchers.some((m) => m.test(s.Sid!)));
      const carved = [...new Set(own.flatMap(carvedAccounts))].map((id) => org.accounts.find((a) => a.id === id)?.name ?? id);
      return {
        name: p.name,
        file: p.file,
        targets: p.targetIds.map((t) => targetName(org, t)),
        sids: own.map((s) => s.Sid!),
        ...(carved.length ? { carvedOut: carved } : {}),
      };
    });
}

interface BuiltStatement {
  readonly Sid?: string;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

/** The accounts a built statement's carve-out names (exemption carve-outs, ADR 0012). */
function carvedAccounts(s: BuiltStatement): string[] {
  const block = s.Condition?.StringNotEquals ?? {};
  return Object.entries(block)
    .filter(([key]) => Object.values(CARVE_OUT_KEY).some((k) => k.toLowerCase() === key.toLowerCase()))
    .flatMap(([, v]) => (Array.isArray(v) ? v.map(String) : [String(v)]));
}

/** Matches the Sids a source statement becomes: placeholders stand for any text; no Sid, the derived one. */
function sidMatcher(control: OrgControl, sid: string | undefined, index: number, perTag: boolean): RegExp {
  if (sid === undefined) return new RegExp(`^${escape(derivedSidPrefix(control, index))}${perTag ? '.*' : ''}$`);
  const parts = sid.split(/\{\{[^}]*\}\}/).map(escape);
  return new RegExp(`^${parts.join('.*')}$`);
}

/** As the build derives a missing Sid (org/compose.ts): control ID, S, statement number (then the tag key). */
function derivedSidPrefix(control: OrgControl, index: number): string {
  return `${control.id.replace(/[^A-Za-z0-9]/g, '')}S${index + 1}`;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A path relative to the directory holding policies/, with forward slashes. */
function rel(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join('/');
}

export { isUnknown };
