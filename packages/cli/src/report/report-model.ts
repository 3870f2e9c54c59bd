import * as path from 'path';
import type { LiveReport } from './live/model';
import {
  Catalog,
  Exemption,
  ExemptionStatus,
  InputError,
  InputErrors,
  Mode,
  catalogLabel,
  compareIds,
  describeScope,
  exemptionStatus,
  loadExemptions,
  modeOf,
} from '@tarmac/core';
import {
  BuiltPolicy,
  ConfigRuleSpec,
  OrgBuild,
  OrgControl,
  OrgPolicySet,
  OrgPolicyType,
  StackSetUnit,
  StackSetsBuild,
  buildOrgPolicies,
  loadDeploymentChecked,
  loadOrgPolicies,
  orgPolicyCarveOuts,
  targetName,
} from '@tarmac/core/org';

/** Where a control is enforced, in the order the report lists them (ADR-less: DESIGN.md's table, top to bottom). */
export const POINTS = [
  'pre-commit',
  'synth',
  'hook',
  'scp',
  'rcp',
  'declarative',
  'tag-policy',
  'backup-policy',
  'config',
  'control-tower',
  'baseline',
] as const;
export type PointName = (typeof POINTS)[number];

/**
 * How a point treats the control in the account: enforce blocks, warn only reports, detect reports after the
 * fact (AWS Config), exempt: the built organization policy carves this account out (an exemption in force).
 */
export type PointMode = 'enforce' | 'warn' | 'detect' | 'exempt';

/** One cell of the matrix: the strongest point, unless an exemption in force covers the account (whole or in part). */
export type CellStatus = 'enforce' | 'warn' | 'detect' | 'partly-exempt' | 'exempt';
export const STATUSES: readonly CellStatus[] = ['enforce', 'warn', 'detect', 'partly-exempt', 'exempt'];

export interface ReportPoint {
  readonly point: PointName;
  readonly mode: PointMode;
  /** What enforces it there, for people. */
  readonly via: string;
  /** pre-commit, synth, control-tower: the profile the mode comes from. */
  readonly profile?: string;
  /** hook, config: the stack set deploying it, its regions; hook: the hook alias and failure mode. */
  readonly stackSet?: string;
  /** hook in the management account: the plain stack deploying it (`tarmac deploy --management`), not a stack set. */
  readonly stack?: string;
  readonly hook?: string;
  readonly failureMode?: 'FAIL' | 'WARN';
  readonly regions?: readonly string[];
  /** config: the conformance pack rule and its managed rule identifier. */
  readonly configRule?: string;
  readonly identifier?: string;
  /** Organization policies: the built policy, the policy control (source ID) it carries, how it relates, where attached. */
  readonly policy?: string;
  readonly policyControl?: string;
  readonly relation?: 'own' | 'alias' | 'related';
  readonly attachedAt?: readonly string[];
  /** Organization policies: the exemptions in force that carve this account out of the policy's statements. */
  readonly carvedOutBy?: readonly string[];
  /** control-tower: the equivalent Control Tower proactive controls. */
  readonly controlTower?: readonly string[];
}

export interface ReportExemption {
  readonly id: string;
  readonly status: Exclude<ExemptionStatus, 'expired'>;
  /** Last day in force, YYYY-MM-DD (UTC). */
  readonly expires: string;
  /** Account names and OU paths, then stack patterns and logical IDs. */
  readonly scope: string;
  /** true: every stack and resource of the account; false: only the stacks or resources named. */
  readonly wholeAccount: boolean;
  readonly owner: string;
  readonly reason: string;
  readonly ticket?: string;
}

export interface ReportAccountControl {
  readonly id: string;
  readonly status: CellStatus;
  readonly points: readonly ReportPoint[];
  /** The exemptions in force on the report's day naming the control (or an alias) whose scope covers the account. */
  readonly exemptions: readonly ReportExemption[];
}

export interface ReportAccount {
  readonly id: string;
  readonly name: string;
  /** The management account: listed only when a stack of its own runs a Guard Hook there (`management:` in stacksets/). */
  readonly management?: true;
  /** OU path from the root (Workloads/Prod); 'root' for an account directly under the root (and the management account). */
  readonly ou: string;
  /** The profile of the account's type (org.yaml). */
  readonly profile: string;
  readonly regions: readonly string[];
  /** The baseline stack sets reaching the account (no control maps to a baseline in the model). */
  readonly baselines: readonly { readonly stackSet: string; readonly kind: string; readonly regions: readonly string[] }[];
  readonly controls: readonly ReportAccountControl[];
}

/** A row of the matrix: a catalog control, or an organization policy that is not an alias of one. */
export interface ReportControl {
  readonly id: string;
  readonly title: string;
  readonly severity: string;
  readonly kind: 'catalog' | 'organization-policy';
  /** Other IDs of the control (ADR 0012): organization policies enforcing it at the API. */
  readonly aliases: readonly string[];
  /** Its own mappings and its aliases', requirement IDs sorted. */
  readonly frameworks: Readonly<Record<string, readonly string[]>>;
  readonly file: string;
}

export interface ReportFramework {
  readonly requirements: readonly {
    readonly id: string;
    readonly controls: readonly { readonly id: string; readonly accounts: readonly string[] }[];
  }[];
  /** Requirements no control maps to: null without a list of the framework's requirements in the repository. */
  readonly uncovered: readonly string[] | null;
  readonly note: string;
}

export interface ReportModel {
  readonly catalog: { readonly name: string; readonly version: string; readonly label: string };
  /** The day exemptions are judged on, YYYY-MM-DD (UTC). */
  readonly at: string;
  readonly managementAccount: {
    readonly id: string;
    readonly name: string;
    /** Whether the report lists it: only when the build has a Guard Hook stack of its own there. */
    readonly listed: boolean;
    readonly note: string;
  };
  readonly notes: readonly string[];
  readonly accounts: readonly ReportAccount[];
  readonly controls: readonly ReportControl[];
  readonly frameworks: Readonly<Record<string, ReportFramework>>;
  /** `--live`: what AWS says against this intended state. */
  readonly live?: LiveReport;
}

/** Everything the report is built from, loaded and validated as `tarmac build` loads it. */
export interface ReportSources {
  readonly catalog: Catalog;
  readonly orgPolicies: OrgPolicySet;
  readonly orgBuild: OrgBuild;
  /** hooks/ and stacksets/ compiled; absent when there are none beside policies/. */
  readonly deployment?: StackSetsBuild;
  readonly exemptions: readonly Exemption[];
  readonly today: Date;
}

export const NO_REQUIREMENTS_LIST = "not known: the repository has no list of this framework's requirements (only the requirements controls map to are shown)";

/** Loads policies/ (and hooks/, stacksets/ beside it) as `tarmac build` does, without synthesizing anything. Throws InputErrors. */
export async function loadReportSources(catalog: Catalog, today: Date): Promise<ReportSources> {
  const orgPolicies = await loadOrgPolicies(catalog);
  if (!orgPolicies)
    throw new InputErrors([
      new InputError({ file: path.join(catalog.root, 'org.yaml') }, 'no organization described', 'policies/org.yaml with the OU tree, accounts and regions'),
    ]);
  const exemptions = loadExemptions(catalog, orgPolicies.organization, orgPolicies.controls, today);
  const orgBuild = buildOrgPolicies(orgPolicies, catalog, { exemptions, today });
  const deployment = await loadDeploymentChecked(catalog, orgPolicies.organization, { exemptions, today });
  return { catalog, orgPolicies, orgBuild, ...(deployment ? { deployment } : {}), exemptions, today };
}

const POINT_OF_TYPE: Readonly<Record<OrgPolicyType, PointName>> = {
  SERVICE_CONTROL_POLICY: 'scp',
  RESOURCE_CONTROL_POLICY: 'rcp',
  TAG_POLICY: 'tag-policy',
  DECLARATIVE_POLICY_EC2: 'declarative',
  // Written in policies/declarative/ beside the EC2 declarative policy.
  AISERVICES_OPT_OUT_POLICY: 'declarative',
  BACKUP_POLICY: 'backup-policy',
};

const POLICY_LABEL: Readonly<Record<OrgPolicyType, string>> = {
  SERVICE_CONTROL_POLICY: 'SCP',
  RESOURCE_CONTROL_POLICY: 'RCP',
  TAG_POLICY: 'tag policy',
  DECLARATIVE_POLICY_EC2: 'EC2 declarative policy',
  AISERVICES_OPT_OUT_POLICY: 'AI services opt-out policy',
  BACKUP_POLICY: 'backup policy',
};

const STRENGTH: Readonly<Record<PointMode, number>> = { enforce: 3, warn: 2, detect: 1, exempt: 0 };

interface GuardrailsUnit {
  readonly unit: StackSetUnit;
  readonly enforced: ReadonlySet<string>;
  readonly advisory: ReadonlySet<string>;
  readonly configRules: ReadonlyMap<string, readonly ConfigRuleSpec[]>;
}

/**
 * The report: every member account with every control that applies to it and, per enforcement point, how;
 * the exemptions in force; and the framework view. Lookups are maps built once, so the cost grows with
 * accounts × controls, not with their product times the organization's size.
 */
export function buildReportModel(sources: ReportSources): ReportModel {
  const { catalog, orgPolicies, orgBuild, deployment, today } = sources;
  const org = orgPolicies.organization;
  const day = today.toISOString().slice(0, 10);
  const root = path.dirname(catalog.root);

  // The tree, once: an account's chain of targets (root, OUs, itself) and its OU path.
  const ouById = new Map(org.ous.map((o) => [o.id, o]));
  const chains = new Map<string, readonly string[]>();
  for (const a of org.accounts) {
    const chain = [a.id];
    for (let id: string | undefined = a.ouId ?? org.rootId; id; id = id === org.rootId ? undefined : (ouById.get(id)?.parentId ?? org.rootId))
      chain.unshift(id);
    chains.set(a.id, chain);
  }

  // Rows: catalog controls, then organization policies that are not an alias of one (ADR 0012).
  const orgControlById = new Map(orgPolicies.controls.map((c) => [c.id, c]));
  const canonical = new Map<string, string>();
  for (const c of catalog.controls) for (const alias of c.aliases) canonical.set(alias, c.id);
  for (const o of orgPolicies.controls) if (o.control) canonical.set(o.id, o.control);
  const rows: ReportControl[] = [
    ...catalog.controls.map((c) =>
      row(c.id, c.title, c.severity, 'catalog', c.aliases, [c.frameworks, ...aliasFrameworks(c.aliases, orgControlById)], rel(root, c.file)),
    ),
    ...orgPolicies.controls.filter((o) => !o.control).map((o) => row(o.id, o.title, o.severity, 'organization-policy', [], [o.frameworks], rel(root, o.file))),
  ].sort((a, b) => compareIds(a.id, b.id));
  const catalogById = new Map(catalog.controls.map((c) => [c.id, c]));

  // What an organization policy control contributes to rows: its own row or its control's, and its related ones.
  const contributions = new Map<string, { row: string; relation: 'own' | 'alias' | 'related' }[]>();
  for (const o of orgPolicies.controls) {
    const list: { row: string; relation: 'own' | 'alias' | 'related' }[] = [o.control ? { row: o.control, relation: 'alias' } : { row: o.id, relation: 'own' }];
    for (const r of o.related) list.push({ row: canonical.get(r) ?? r, relation: 'related' });
    contributions.set(o.id, list);
  }
  const policiesByTarget = new Map<string, BuiltPolicy[]>();
  for (const p of orgBuild.policies) for (const t of p.targetIds) push(policiesByTarget, t, p);
  const carveOuts = new Map(
    [...orgPolicyCarveOuts(sources.exemptions, org, today, orgPolicies.controls)].map(([id, c]) => [
      id,
      { accounts: new Set(c.accountIds), by: c.exemptions.map((e) => e.id) },
    ]),
  );

  // Stack sets by the OUs they target: an account gets those of every OU on its chain (service-managed, whole subtree).
  const guardrails = new Map<string, GuardrailsUnit[]>();
  const baselines = new Map<string, StackSetUnit[]>();
  for (const unit of deployment?.units ?? []) {
    if (unit.hook) {
      const configRules = new Map<string, ConfigRuleSpec[]>();
      for (const r of unit.configRules) for (const c of r.controls) push(configRules, c, r);
      const g: GuardrailsUnit = { unit, enforced: new Set(unit.enforced?.controls), advisory: new Set(unit.advisory?.controls), configRules };
      for (const ou of unit.target.ouIds) push(guardrails, ou, g);
    } else for (const ou of unit.target.ouIds) push(baselines, ou, unit);
  }
  const reaches = (unit: StackSetUnit, accountId: string) => !unit.target.accountIds.length || unit.target.accountIds.includes(accountId);

  // Exemptions in force, by account and row.
  const inForce = new Map<string, ReportExemption[]>();
  const accountsUnder = new Map<string, string[]>();
  for (const a of org.accounts) for (const t of chains.get(a.id)!) push(accountsUnder, t, a.id);
  for (const e of sources.exemptions) {
    const status = exemptionStatus(e, today, org.exemptionPolicy);
    if (status === 'expired') continue;
    const shown: ReportExemption = {
      id: e.id,
      status,
      expires: e.expires.toISOString().slice(0, 10),
      scope: describeScope(e, org),
      wholeAccount: !e.stacks.length && !e.resources.length,
      owner: e.owner,
      reason: e.reason.trim(),
      ...(e.ticket ? { ticket: e.ticket } : {}),
    };
    const accounts = new Set([...e.accountIds, ...e.ouIds.flatMap((ou) => accountsUnder.get(ou) ?? [])]);
    const named = new Set(e.controls.map((c) => canonical.get(c) ?? c));
    for (const account of accounts) for (const c of named) push(inForce, `${account}\0${c}`, shown);
  }

  const appliesIn = new Map<string, string[]>();
  const accounts: ReportAccount[] = org.accounts.map((a) => {
    const chain = chains.get(a.id)!;
    const profile = catalog.profiles.get(a.type);
    const units = unique(chain.flatMap((t) => guardrails.get(t) ?? [])).filter((g) => reaches(g.unit, a.id));
    const accountBaselines = unique(chain.flatMap((t) => baselines.get(t) ?? []))
      .filter((u) => reaches(u, a.id))
      .map((u) => ({ stackSet: u.name, kind: u.baseline?.kind ?? u.definition.baseline ?? 'baseline', regions: u.definition.regions }));

    // Organization policies along the chain, by the row they enforce.
    const orgPoints = new Map<string, ReportPoint[]>();
    const attached = new Map<BuiltPolicy, string[]>();
    for (const t of chain) for (const p of policiesByTarget.get(t) ?? []) push(attached, p, targetName(org, t));
    for (const [p, at] of attached) {
      for (const source of p.controls) {
        const carved = carveOuts.get(source);
        const carvedOutBy = carved?.accounts.has(a.id) ? carved.by : undefined;
        for (const { row, relation } of contributions.get(source) ?? [{ row: source, relation: 'own' as const }]) {
          const kind = POLICY_LABEL[p.type];
          push(orgPoints, row, {
            point: POINT_OF_TYPE[p.type],
            mode: carvedOutBy ? 'exempt' : 'enforce',
            via:
              `${kind} ${p.name} attached at ${at.join(', ')}` +
              (relation === 'own' ? '' : ` (${source}, ${relation === 'alias' ? 'the same control at the API' : 'related'})`) +
              (carvedOutBy ? `; this account is carved out by ${carvedOutBy.join(', ')}` : ''),
            policy: p.name,
            policyControl: source,
            relation,
            attachedAt: at,
            ...(carvedOutBy ? { carvedOutBy } : {}),
          });
        }
      }
    }

    const controls: ReportAccountControl[] = [];
    for (const r of rows) {
      const points: ReportPoint[] = [];
      const control = catalogById.get(r.id);
      if (control && profile) {
        const mode: Mode = modeOf(profile, control.id);
        if (mode !== 'off') {
          points.push({ point: 'pre-commit', mode, via: `tarmac check --profile ${profile.name}`, profile: profile.name });
          points.push({ point: 'synth', mode, via: `@tarmac/cdk TarmacChecks, profile ${profile.name}`, profile: profile.name });
        }
        for (const { unit, enforced, advisory } of units) {
          const hooked = hookOf(control.id, unit, enforced, advisory);
          if (hooked)
            points.push({
              point: 'hook',
              mode: hooked.mode,
              via: `stack set ${unit.name}, hook ${hooked.hook}, failure mode ${hooked.failureMode}, regions ${unit.definition.regions.join(', ')}`,
              stackSet: unit.name,
              hook: hooked.hook,
              failureMode: hooked.failureMode,
              regions: unit.definition.regions,
            });
        }
      }
      points.push(...(orgPoints.get(r.id) ?? []));
      if (control) {
        for (const g of units) {
          for (const rule of g.configRules.get(control.id) ?? [])
            points.push({
              point: 'config',
              mode: 'detect',
              via: `conformance pack of stack set ${g.unit.name}: rule ${rule.name} (${rule.identifier}), regions ${g.unit.definition.regions.join(', ')}`,
              stackSet: g.unit.name,
              configRule: rule.name,
              identifier: rule.identifier,
              regions: g.unit.definition.regions,
            });
        }
        if (control.controlTower?.length && profile && profile.controlTower !== 'off')
          points.push({
            point: 'control-tower',
            mode: profile.controlTower,
            via: `equivalent Control Tower proactive controls ${control.controlTower.join(', ')} (tarmac check --control-tower, profile ${profile.name})`,
            profile: profile.name,
            controlTower: control.controlTower,
          });
      }
      if (!points.length) continue;
      const exemptions = inForce.get(`${a.id}\0${r.id}`) ?? [];
      controls.push({ id: r.id, status: statusOf(points, exemptions), points: sortPoints(points), exemptions });
      push(appliesIn, r.id, a.name);
    }
    return {
      id: a.id,
      name: a.name,
      ou: a.ouId ? (ouById.get(a.ouId)?.path ?? a.ouId) : 'root',
      profile: a.type,
      regions: a.regions.allowed,
      baselines: accountBaselines,
      controls,
    };
  });

  // The management account: no SCP or RCP applies to it and no stack set reaches it; only a hook stack of its own.
  const managementUnits = deployment?.management ?? [];
  if (managementUnits.length) {
    const controls: ReportAccountControl[] = [];
    for (const r of rows) {
      const control = catalogById.get(r.id);
      if (!control) continue;
      const points: ReportPoint[] = [];
      for (const unit of managementUnits) {
        const hooked = hookOf(control.id, unit, new Set(unit.enforced?.controls), new Set(unit.advisory?.controls));
        if (hooked)
          points.push({
            point: 'hook',
            mode: hooked.mode,
            via: `stack ${unit.name} in the management account (tarmac deploy --management), hook ${hooked.hook}, failure mode ${hooked.failureMode}, region ${unit.region}`,
            stack: unit.name,
            hook: hooked.hook,
            failureMode: hooked.failureMode,
            regions: [unit.region],
          });
      }
      if (!points.length) continue;
      controls.push({ id: r.id, status: statusOf(points, []), points, exemptions: [] });
      push(appliesIn, r.id, org.managementAccountName);
    }
    accounts.push({
      id: org.managementAccountId,
      name: org.managementAccountName,
      management: true,
      ou: 'root',
      profile: managementUnits.map((u) => u.target.profile!).join(', '),
      regions: unique(managementUnits.map((u) => u.region)),
      baselines: [],
      controls,
    });
  }
  const stacks = managementUnits.map((u) => `${u.name} (profile ${u.target.profile}, ${u.region})`).join(', ');

  return {
    catalog: { name: catalog.identity?.name ?? catalog.root, version: catalog.identity?.version ?? '', label: catalogLabel(catalog) },
    at: day,
    managementAccount: {
      id: org.managementAccountId,
      name: org.managementAccountName,
      listed: managementUnits.length > 0,
      note: managementUnits.length
        ? `listed with the Guard Hook of its own stack ${stacks}, deployed by tarmac deploy --management: service-managed stack sets do not reach it, SCPs and RCPs do not apply to it, and the other organization policies are not shown for it`
        : 'not listed: SCPs and RCPs do not apply to the management account and service-managed stack sets do not reach it, so no Guard Hook runs there (management: in a hook stack set of stacksets/ installs one as a plain stack)',
    },
    notes: [
      'baseline: no control maps to a baseline in the model; each account lists the baseline stack sets that reach it',
      ...(deployment ? [] : ['hook, config: unknown without hooks/ and stacksets/ beside policies/']),
      'pre-commit, synth, control-tower: the mode of the profile of the account type; they run where the workload repository runs them',
      "uncovered requirements: not known without a list of each framework's requirements (the repository has none)",
    ],
    accounts,
    controls: rows,
    frameworks: frameworksOf(rows, appliesIn),
  };
}

/**
 * How a stack set's or stack's hooks carry a control: the profile's enforced controls in the hook with the
 * target's failure mode, its warned ones in the advisory hook (WARN); undefined when neither carries it.
 */
function hookOf(
  controlId: string,
  unit: { readonly hook?: { readonly alias: string; readonly advisoryAlias: string }; readonly target: { readonly failureMode: 'FAIL' | 'WARN' } },
  enforced: ReadonlySet<string>,
  advisory: ReadonlySet<string>,
): { mode: PointMode; hook: string; failureMode: 'FAIL' | 'WARN' } | undefined {
  const bundle = enforced.has(controlId) ? 'enforce' : advisory.has(controlId) ? 'advisory' : undefined;
  if (!bundle || !unit.hook) return undefined;
  const failureMode = bundle === 'enforce' ? unit.target.failureMode : 'WARN';
  const hook = bundle === 'enforce' ? unit.hook.alias : unit.hook.advisoryAlias;
  return { mode: failureMode === 'FAIL' ? 'enforce' : 'warn', hook, failureMode };
}

function row(
  id: string,
  title: string,
  severity: string,
  kind: ReportControl['kind'],
  aliases: readonly string[],
  mappings: readonly Readonly<Record<string, readonly string[]>>[],
  file: string,
): ReportControl {
  const frameworks: Record<string, string[]> = {};
  for (const m of mappings)
    for (const [fw, reqs] of Object.entries(m)) frameworks[fw] = [...new Set([...(frameworks[fw] ?? []), ...reqs.map(String)])].sort(compareIds);
  return { id, title, severity, kind, aliases, frameworks: sortKeys(frameworks), file };
}

function aliasFrameworks(aliases: readonly string[], orgControls: ReadonlyMap<string, OrgControl>): Readonly<Record<string, readonly string[]>>[] {
  return aliases.flatMap((id) => {
    const o = orgControls.get(id);
    return o ? [o.frameworks] : [];
  });
}

function frameworksOf(rows: readonly ReportControl[], appliesIn: ReadonlyMap<string, readonly string[]>): Record<string, ReportFramework> {
  const byFramework = new Map<string, Map<string, string[]>>();
  for (const r of rows) {
    for (const [fw, reqs] of Object.entries(r.frameworks)) {
      const requirements = byFramework.get(fw) ?? new Map<string, string[]>();
      byFramework.set(fw, requirements);
      for (const req of reqs) push(requirements, req, r.id);
    }
  }
  const out: Record<string, ReportFramework> = {};
  for (const fw of [...byFramework.keys()].sort()) {
    const requirements = byFramework.get(fw)!;
    out[fw] = {
      requirements: [...requirements.keys()].sort(compareIds).map((id) => ({
        id,
        controls: requirements
          .get(id)!
          .sort(compareIds)
          .map((c) => ({ id: c, accounts: appliesIn.get(c) ?? [] })),
      })),
      uncovered: null,
      note: `uncovered requirements ${NO_REQUIREMENTS_LIST}`,
    };
  }
  return out;
}

function statusOf(points: readonly ReportPoint[], exemptions: readonly ReportExemption[]): CellStatus {
  if (exemptions.some((e) => e.wholeAccount)) return 'exempt';
  if (exemptions.length) return 'partly-exempt';
  const strongest = points.reduce((m, p) => (STRENGTH[p.mode] > STRENGTH[m] ? p.mode : m), 'exempt' as PointMode);
  return strongest;
}

const ORDER = new Map<string, number>(POINTS.map((p, i) => [p, i]));
function sortPoints(points: ReportPoint[]): ReportPoint[] {
  return points
    .map((p, i) => [p, i] as const)
    .sort(([a, i], [b, j]) => ORDER.get(a.point)! - ORDER.get(b.point)! || i - j)
    .map(([p]) => p);
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

const unique = <T>(xs: readonly T[]): T[] => [...new Set(xs)];

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(
    Object.keys(record)
      .sort()
      .map((k) => [k, record[k]]),
  );
}

function rel(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join('/');
}
