import * as path from 'path';
import { Baselines } from '../baselines/model';
import { Catalog } from '../catalog/model';
import { closestMatch } from '../closest-match';
import { InputError, InputErrors, SourceLocation, collectInputErrors } from '../errors';
import { FinOpsBuild } from '../finops/model';
import { isYaml, listFiles } from '../list-files';
import { Account, Organization, OrganizationalUnit } from '../org/model';
import { chainTo } from '../org/targets';
import { validateAgainstSchema } from '../schema-validation';
import { loadSchema } from '../schemas';
import { SourceDocument, readSourceFile } from '../yaml-source';
import { BaselineKind, FailureMode, HookDefinition, OperationPreferences, StackSetDefinition, StackSetTarget } from './model';

interface TargetSource {
  name?: string;
  profile?: string;
  ous?: string[];
  accounts?: string[];
  failureMode?: FailureMode;
}

interface StackSetSource {
  description: string;
  hook?: string;
  baseline?: BaselineKind;
  config?: boolean;
  targets: TargetSource[];
  management?: { profile: string; failureMode?: FailureMode };
  regions?: string[];
  operationPreferences?: Partial<OperationPreferences>;
  autoDeployment?: { retainStacksOnAccountRemoval?: boolean };
}

/** What baseline stack sets are checked against: policies/baselines and policies/finops as loaded. */
export interface BaselineSources {
  readonly baselines?: Baselines;
  readonly finops?: FinOpsBuild;
}

/**
 * A quarter of the accounts at a time, stopping when a tenth fail: a bad template is caught early and
 * a few suspended or closing accounts do not stop a rollout. Regions in parallel: each is independent.
 */
const DEFAULT_PREFERENCES: OperationPreferences = {
  maxConcurrentPercentage: 25,
  failureTolerancePercentage: 10,
  regionConcurrencyType: 'PARALLEL',
  concurrencyMode: 'STRICT_FAILURE_TOLERANCE',
};

/** StackSetName: a letter, then letters, digits and hyphens, at most 128 characters. */
const STACK_SET_NAME = /^[a-zA-Z][-a-zA-Z0-9]{0,127}$/;

/** Where a target reaches, as claimed for the overlap check. */
interface Claim {
  /** OU or account ID. */
  readonly id: string;
  /** OU path, or "account <name>". */
  readonly name: string;
  readonly file: string;
  readonly line?: number;
}

/**
 * Every stacksets/<name>.yaml, validated against org.yaml, the catalog's profiles, hooks/ and the baselines.
 * Targets of one hook, or of one baseline kind, must not overlap anywhere: a stack set targeting an OU
 * reaches every OU below it, and an account holds each hook alias and each baseline once. Collects every
 * problem and throws InputErrors.
 */
export function loadStackSets(
  dir: string,
  org: Organization,
  catalog: Catalog,
  hooks: ReadonlyMap<string, HookDefinition>,
  sources: BaselineSources = {},
): StackSetDefinition[] {
  const errors: InputError[] = [];
  const definitions: StackSetDefinition[] = [];
  const claimed = new Map<string, Claim[]>();
  const managed = new Map<string, SourceLocation>();
  for (const file of listFiles(dir, isYaml)) {
    try {
      const { definition, doc } = loadStackSet(file, org, catalog, hooks, sources);
      const deploys = definition.hook !== undefined ? `hook ${definition.hook}` : `baseline ${definition.baseline}`;
      const taken = claimed.get(deploys) ?? [];
      definition.targets.forEach((target, t) => {
        for (const reach of reachOf(org, target)) {
          const at = doc.locate(['targets', t, reach.key, reach.index]);
          const clash = taken.find((c) => chainTo(org, reach.id).includes(c.id) || chainTo(org, c.id).includes(reach.id));
          if (clash) {
            const where = `${path.basename(clash.file)}${clash.line ? `:${clash.line}` : ''}`;
            const expected =
              definition.hook !== undefined
                ? 'targets of one hook that share no OU and no OU below another: a stack set reaches every OU below its targets'
                : `targets of baseline ${definition.baseline} that share no account: an account holds each baseline once`;
            errors.push(new InputError(at, `${reach.label} overlaps ${clash.name} (${where}), which also gets ${deploys}`, expected));
          }
          taken.push({ id: reach.id, name: reach.name, file, line: at.line });
        }
      });
      claimed.set(deploys, taken);
      if (definition.management) {
        const at = { file, line: definition.management.line };
        const clash = managed.get(deploys);
        if (clash)
          errors.push(
            new InputError(
              at,
              `the management account also gets ${deploys} from ${path.basename(clash.file)}${clash.line ? `:${clash.line}` : ''}`,
              'management: in one stack set file per hook: an account holds each hook alias once',
            ),
          );
        else managed.set(deploys, at);
      }
      definitions.push(definition);
    } catch (err) {
      errors.push(...collectInputErrors(err));
    }
  }
  const names = new Map<string, string>();
  for (const d of definitions) {
    for (const t of d.targets) {
      const name = stackSetName(d, t);
      if (names.has(name))
        errors.push(new InputError({ file: d.file, line: t.line }, `stack set name ${name} is also built from ${names.get(name)}`, 'unique target names'));
      names.set(name, d.file);
    }
  }
  if (errors.length) throw new InputErrors(errors);
  return definitions;
}

/** The AWS stack set built for one target. */
export function stackSetName(definition: Pick<StackSetDefinition, 'name'>, target: Pick<StackSetTarget, 'name'>): string {
  return `tarmac-${definition.name}-${target.name}`;
}

/**
 * The member accounts a target's stack instances go to: its accounts for an account target (the stack set's
 * INTERSECTION filter), otherwise every account org.yaml places in or below its OUs.
 */
export function targetAccounts(org: Organization, target: Pick<StackSetTarget, 'ouIds' | 'accountIds'>): Account[] {
  if (target.accountIds.length) return org.accounts.filter((a) => target.accountIds.includes(a.id));
  return org.accounts.filter((a) => chainTo(org, a.id).some((id) => target.ouIds.includes(id)));
}

/** What a target claims: its OUs (each with everything below), or its accounts. */
function reachOf(org: Organization, target: StackSetTarget): { id: string; name: string; label: string; key: 'ous' | 'accounts'; index: number }[] {
  if (target.accountIds.length) {
    return target.accountIds.map((id, index) => ({
      id,
      name: `account ${target.accountNames[index]}`,
      label: `account ${target.accountNames[index]}`,
      key: 'accounts',
      index,
    }));
  }
  return target.ouIds.map((id, index) => {
    const ou = org.ous.find((o) => o.id === id)!;
    return { id, name: ou.path, label: `OU ${ou.path}`, key: 'ous', index };
  });
}

function loadStackSet(
  file: string,
  org: Organization,
  catalog: Catalog,
  hooks: ReadonlyMap<string, HookDefinition>,
  sources: BaselineSources,
): { definition: StackSetDefinition; doc: SourceDocument } {
  const doc = readSourceFile(file);
  const problems = validateAgainstSchema(doc, loadSchema('stackset'));
  if (problems.length) throw new InputErrors(problems);
  const src = doc.value as StackSetSource;
  const name = path.basename(file).replace(/\.ya?ml$/, '');
  const errors: InputError[] = [];
  const err = (at: (string | number)[] | SourceLocation, problem: string, expected?: string) =>
    errors.push(new InputError(Array.isArray(at) ? doc.locate(at) : at, problem, expected));

  // A hook and a baseline deploy in different waves (baselines first): one stack set cannot be both.
  if (src.hook === undefined && src.baseline === undefined)
    err([], 'the stack set deploys nothing: it has neither hook nor baseline', 'hook: <a file of hooks/> or baseline: account, network or finops');
  if (src.hook !== undefined && src.baseline !== undefined)
    err(['baseline'], 'the stack set has both hook and baseline', 'one of them: hooks and baselines are separate stack sets, deployed in separate waves');
  const hook = src.hook === undefined ? undefined : hooks.get(src.hook);
  if (src.hook !== undefined && !hook)
    err(
      ['hook'],
      `no hook ${src.hook} in hooks/${suggest(src.hook, [...hooks.keys()])}`,
      `the name of a file in hooks/ (${[...hooks.keys()].join(', ') || 'none yet'})`,
    );
  if (src.hook === undefined && src.config !== undefined)
    err(['config'], 'config is only for hook stack sets', 'no config: a baseline deploys no Config rules');
  const baseline = src.hook === undefined ? src.baseline : undefined;
  const settings = baseline === 'account' || baseline === 'network' ? sources.baselines?.[baseline] : undefined;
  if ((baseline === 'account' || baseline === 'network') && !settings) {
    err(['baseline'], `baseline: ${baseline} deploys policies/baselines/${baseline}.yaml, which does not exist`, `policies/baselines/${baseline}.yaml`);
  }
  const costExport = baseline === 'finops' ? sources.finops?.costExport : undefined;
  if (baseline === 'finops' && !costExport) {
    err(
      ['baseline'],
      "baseline: finops deploys the FinOps account's side of the cost export (bucket, Glue table, Athena workgroup), but there is no policies/finops/cost-export.yaml",
      'policies/finops/cost-export.yaml naming the FinOps account',
    );
  }

  const targetNames = new Set<string>();
  const targets: StackSetTarget[] = src.targets.map((t, i) => {
    const at = (...p: (string | number)[]) => ['targets', i, ...p];
    if (t.failureMode !== undefined && src.hook === undefined)
      err(at('failureMode'), 'failureMode is only for hook stack sets', 'no failureMode: a baseline has no hook to fail');
    checkProfile(t, at, src, settings, catalog, err);
    const targetName = t.name ?? t.profile ?? baseline ?? 'default';
    if (targetNames.has(targetName)) err(at(), `two targets are named ${targetName}`, 'a name: for every target after the first with the same profile');
    targetNames.add(targetName);
    const stackSet = stackSetName({ name }, { name: targetName });
    if (!STACK_SET_NAME.test(stackSet))
      err(at(), `stack set name ${stackSet} is not valid`, 'a file and target name giving a letter then letters, digits and hyphens, at most 128 characters');

    if (t.ous && t.accounts)
      err(at('accounts'), 'the target has both ous and accounts', 'ous (every account in and below them) or accounts (those accounts only)');
    if (!t.ous && !t.accounts) err(at(), 'the target has neither ous nor accounts', 'ous: [<OU path>] or accounts: [<account name>]');
    const ous = (t.ous ?? [])
      .map((ref, j) => {
        const ou = org.ous.find((o) => o.id === ref || o.path.toLowerCase() === ref.replace(/^\/|\/$/g, '').toLowerCase());
        if (!ou)
          err(
            at('ous', j),
            `no OU ${ref} in org.yaml${suggest(
              ref,
              org.ous.map((o) => o.path),
            )}`,
            'an OU path such as Workloads/Prod, or an OU ID',
          );
        return ou;
      })
      .filter((o): o is OrganizationalUnit => !!o);
    const accounts = t.ous ? [] : (t.accounts ?? []).map((ref, j) => resolveAccount(org, ref, at('accounts', j), err)).filter((a): a is Account => !!a);
    // An account target is the accounts' OUs narrowed to the accounts (AccountFilterType INTERSECTION).
    const parents = [...new Set(accounts.map((a) => a.ouId!))].map((id) => org.ous.find((o) => o.id === id)!);
    const targetOus = t.ous ? ous : parents;

    if (costExport && !(accounts.length === 1 && accounts[0].id === costExport.account.id)) {
      err(
        at(t.ous ? 'ous' : 'accounts'),
        `baseline: finops deploys to the cost export's account ${costExport.account.name} (policies/finops/cost-export.yaml) and no other`,
        `accounts: [${costExport.account.name}]`,
      );
    }
    return {
      name: targetName,
      ...(t.profile !== undefined ? { profile: t.profile } : {}),
      ouIds: targetOus.map((o) => o.id),
      ouPaths: targetOus.map((o) => o.path),
      accountIds: accounts.map((a) => a.id),
      accountNames: accounts.map((a) => a.name),
      failureMode: t.failureMode ?? hook?.failureMode ?? 'FAIL',
      line: doc.locate(at()).line,
    };
  });

  let management: StackSetTarget | undefined;
  if (src.management) {
    const m = src.management;
    if (src.hook === undefined)
      err(['management'], 'management is only for hook stack sets', 'no management: the baselines do not deploy to the management account');
    else if (!catalog.profiles.has(m.profile))
      err(
        ['management', 'profile'],
        `unknown profile ${m.profile}${suggest(m.profile, [...catalog.profiles.keys()])}`,
        `one of ${[...catalog.profiles.keys()].join(', ')}`,
      );
    if (targetNames.has('management'))
      err(
        ['management'],
        `a target is named management, and so is the management account's stack ${stackSetName({ name }, { name: 'management' })}`,
        'another name: for that target',
      );
    management = {
      name: 'management',
      profile: m.profile,
      ouIds: [],
      ouPaths: [],
      accountIds: [org.managementAccountId],
      accountNames: [org.managementAccountName],
      failureMode: m.failureMode ?? hook?.failureMode ?? 'FAIL',
      line: doc.locate(['management']).line,
    };
  }

  const regions = src.regions ?? (costExport ? [costExport.region] : org.regions.allowed);
  src.regions?.forEach((r, i) => {
    if (!org.regions.allowed.includes(r)) err(['regions', i], `region ${r} is not allowed in org.yaml`, `a subset of ${org.regions.allowed.join(', ')}`);
  });
  // Where regions are not written, they default: blame the baseline line.
  const regionsAt = (i?: number) => (src.regions ? (i === undefined ? ['regions'] : ['regions', i]) : ['baseline']);
  if (baseline === 'account' && !regions.includes(org.regions.home)) {
    err(
      regionsAt(),
      `the account baseline creates the permissions boundary (IAM is global) in the home region ${org.regions.home} only, and this stack set does not deploy there`,
      `regions including ${org.regions.home}`,
    );
  }
  const network = baseline === 'network' ? sources.baselines?.network : undefined;
  if (network) {
    const pools = [...network.values()][0]?.ipamPools ?? [];
    regions.forEach((r, i) => {
      if (!pools.some((p) => p.region === r))
        err(
          regionsAt(i),
          `no IPAM pool for ${r} in policies/baselines/network.yaml: a VPC there would get no CIDR`,
          `a pool under ipam.pools for every region of the stack set (${pools.map((p) => p.region).join(', ') || 'none'})`,
        );
    });
  }
  if (costExport && (regions.length !== 1 || regions[0] !== costExport.region)) {
    err(
      regionsAt(),
      `the cost export delivers to ${costExport.region}, the FinOps account's home region, where its bucket, Glue table and workgroup must be`,
      `regions: [${costExport.region}] (or no regions)`,
    );
  }
  if (errors.length) throw new InputErrors(errors);
  return {
    doc,
    definition: {
      name,
      file,
      description: src.description,
      ...(src.hook !== undefined ? { hook: src.hook } : {}),
      ...(baseline !== undefined ? { baseline } : {}),
      config: src.hook !== undefined && (src.config ?? true),
      targets,
      ...(management ? { management } : {}),
      regions,
      operationPreferences: { ...DEFAULT_PREFERENCES, ...src.operationPreferences },
      retainStacksOnAccountRemoval: src.autoDeployment?.retainStacksOnAccountRemoval ?? false,
    },
  };
}

type Report = (at: (string | number)[], problem: string, expected?: string) => void;

/** Hooks and the account and network baselines have per-profile settings; finops has none. */
function checkProfile(
  t: TargetSource,
  at: (...p: (string | number)[]) => (string | number)[],
  src: StackSetSource,
  settings: ReadonlyMap<string, unknown> | undefined,
  catalog: Catalog,
  err: Report,
): void {
  const profiles = [...catalog.profiles.keys()];
  if (src.hook === undefined && src.baseline === 'finops') {
    if (t.profile !== undefined)
      err(at('profile'), "a baseline: finops target has no profile: the FinOps account's resources do not differ by profile", 'no profile');
    return;
  }
  if (t.profile === undefined) return err(at(), 'the target has no profile', `profile: one of ${profiles.join(', ')}`);
  if (src.hook !== undefined || src.baseline === undefined) {
    if (!catalog.profiles.has(t.profile)) err(at('profile'), `unknown profile ${t.profile}`, `one of ${profiles.join(', ')}`);
  } else if (settings && !settings.has(t.profile)) {
    const known = [...settings.keys()];
    err(
      at('profile'),
      `policies/baselines/${src.baseline}.yaml has no settings for profile ${t.profile}${suggest(t.profile, known)}`,
      `a profile under profiles: in ${src.baseline}.yaml (${known.join(', ')})`,
    );
  }
}

/** A member account in an OU, by name or ID: what an account target can reach. */
function resolveAccount(org: Organization, ref: string, at: (string | number)[], err: Report): Account | undefined {
  const account = org.accounts.find((a) => a.name === ref || a.id === ref);
  if (!account) {
    if (ref === org.managementAccountName || ref === org.managementAccountId)
      err(at, `${ref} is the management account, which service-managed stack sets never deploy to`, 'a member account of org.yaml');
    else
      err(
        at,
        `no member account ${ref} in org.yaml${suggest(
          ref,
          org.accounts.map((a) => a.name),
        )}`,
        'a member account name or ID',
      );
    return undefined;
  }
  if (!account.ouId) {
    err(
      at,
      `account ${account.name} sits directly under the root, and a stack set reaches accounts only through their OU`,
      'an account in an OU (the target is its OU narrowed to it)',
    );
    return undefined;
  }
  return account;
}

function suggest(value: string, known: readonly string[]): string {
  const close = closestMatch(value, known);
  return close ? `; did you mean ${close}?` : '';
}
