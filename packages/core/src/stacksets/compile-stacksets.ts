import { ipamCapacityProblems } from '../baselines/ipam-capacity';
import { Catalog, Control, Profile, modeOf } from '../catalog/model';
import { tagValueProblem } from '../catalog/tag-values';
import { InputError, InputErrors } from '../errors';
import { BuildExemptions } from '../exemptions/model';
import { Organization } from '../org/model';
import { REQUIRED_TAGS_IDENTIFIER, compileRequiredTagsRules } from '../org/required-tags-rules';
import { chainTo } from '../org/targets';
import { BaselineSources, stackSetName, targetAccounts } from './load-stacksets';
import { BaselineUnit, ConfigRuleSpec, HookDefinition, RuleBundle, StackSetDefinition, StackSetTarget, StackSetUnit, StackSetsBuild } from './model';
import { bundleExemptions } from './bundle-exemptions';
import { buildRuleBundle, bundleControls } from './rule-bundle';

/**
 * Resolves the stack set definitions into what the templates are synthesized from. Per hook target: the
 * profile's enforced and warned controls as reproducible bundles (shared by every target with the same
 * rules) and the Config rules (wave 1). Per baseline target: the baseline resolved for its profile (wave 0).
 * For every target, the accounts each OU holds. Checks what only the whole picture shows: the deployment
 * section of org.yaml, the platform's tags against tags.yaml, Config's quotas and the IPAM pools' capacity.
 * `sources` are the baselines and FinOps build loadStackSets checked the definitions against.
 * `exempt`: the exemptions and the day to judge them on: each bundle carries those in force then for the accounts
 * its target reaches (ADR 0012). Without them no bundle carries any, which blocks more, never less; `tarmac
 * build` always passes them.
 */
export function compileStackSets(
  catalog: Catalog,
  org: Organization,
  hooks: ReadonlyMap<string, HookDefinition>,
  definitions: readonly StackSetDefinition[],
  sources: BaselineSources = {},
  exempt?: BuildExemptions,
): StackSetsBuild | undefined {
  if (!definitions.length) return undefined;
  const deployment = org.deployment;
  if (!deployment)
    throw new InputError(
      { file: org.file },
      'stacksets/ describes stack sets but org.yaml has no deployment section',
      'deployment: { delegatedAdmin: <member account name>, tags: {...} }',
    );
  const errors = platformTagProblems(catalog, org);
  const bundles = new Map<string, RuleBundle>();
  const bundle = (hook: HookDefinition, controls: Control[], profile: string, mode: 'enforce' | 'warn', accounts: ReadonlySet<string>) => {
    if (!controls.length) return undefined;
    const built = buildRuleBundle(hook.name, controls, profile, mode, exempt && bundleExemptions(exempt.exemptions, org, controls, accounts, exempt.today));
    if (!bundles.has(built.key)) bundles.set(built.key, built);
    return bundles.get(built.key);
  };

  const units: StackSetUnit[] = [];
  const management: (StackSetUnit & { region: string })[] = [];
  // A hook target's bundles; the management account's target reaches that account alone, and gets no Config rules.
  const hookUnit = (definition: StackSetDefinition, target: StackSetTarget, reached: ReadonlySet<string>) => {
    const hook = hooks.get(definition.hook!)!;
    const profile = catalog.profiles.get(target.profile!)!;
    const enforced = bundleControls(catalog, profile, 'enforce');
    const warned = bundleControls(catalog, profile, 'warn');
    // A WARN target blocks nothing, so one hook carries every control (ADR 0006 decision 3).
    const [blocking, advisory] = target.failureMode === 'WARN' ? [[...enforced, ...warned].sort(byId), []] : [enforced, warned];
    return {
      hook,
      profile,
      enforced: bundle(hook, blocking, profile.name, target.failureMode === 'WARN' ? 'warn' : 'enforce', reached),
      advisory: bundle(hook, advisory, profile.name, 'warn', reached),
    };
  };
  for (const definition of definitions) {
    if (definition.management) {
      const target = definition.management;
      const { hook, enforced, advisory } = hookUnit(definition, target, new Set(target.accountIds));
      management.push({
        name: stackSetName(definition, target),
        definition,
        target,
        hook,
        wave: 1,
        ...(enforced ? { enforced } : {}),
        ...(advisory ? { advisory } : {}),
        configRules: [],
        accountsByOu: {},
        region: org.regions.home,
      });
    }
    for (const target of definition.targets) {
      const common = { name: stackSetName(definition, target), definition, target, accountsByOu: accountsByOu(org, target) };
      if (definition.baseline !== undefined) {
        units.push({ ...common, baseline: baselineFor(definition, target, sources), wave: 0, configRules: [] });
        continue;
      }
      const reached = new Set(targetAccounts(org, target).map((a) => a.id));
      const { hook, profile, enforced, advisory } = hookUnit(definition, target, reached);
      const configRules = definition.config ? configRulesFor(catalog, profile) : [];
      if (configRules.length > org.configQuotas.rulesPerConformancePack) {
        errors.push(
          new InputError(
            { file: definition.file, line: target.line },
            `profile ${profile.name} maps to ${configRules.length} AWS Config rules`,
            `at most ${org.configQuotas.rulesPerConformancePack} in one conformance pack (configQuotas in org.yaml), or config: false`,
          ),
        );
      }
      units.push({
        ...common,
        hook,
        wave: 1,
        enforced,
        advisory,
        configRules,
      });
    }
  }
  errors.push(...perAccountConfigProblems(org, units));
  const network = sources.baselines?.network;
  if (network) errors.push(...ipamCapacityProblems(org, network, sources.baselines!.files.network!, definitions));
  if (errors.length) throw new InputErrors(errors);
  const admin = deployment.delegatedAdmin;
  const region = admin.regions.home;
  return {
    organizationId: org.id,
    managementAccountId: org.managementAccountId,
    delegatedAdmin: { accountId: admin.id, accountName: admin.name, region },
    bundleBucket: `tarmac-rule-bundles-${admin.id}-${region}`,
    logBucket: `tarmac-rule-logs-${admin.id}-${region}`,
    bundles: [...bundles.values()].sort((a, b) => a.key.localeCompare(b.key)),
    units: units.sort((a, b) => a.name.localeCompare(b.name)),
    ...(management.length ? { management: management.sort((a, b) => a.name.localeCompare(b.name)) } : {}),
    ...(sources.finops ? { finops: sources.finops } : {}),
  };
}

/** A baseline target's settings; loadStackSets has refused every target whose settings are missing. */
function baselineFor(definition: StackSetDefinition, target: StackSetTarget, sources: BaselineSources): BaselineUnit {
  switch (definition.baseline!) {
    case 'account':
      return { kind: 'account', settings: sources.baselines!.account!.get(target.profile!)! };
    case 'network':
      return { kind: 'network', settings: sources.baselines!.network!.get(target.profile!)! };
    case 'finops':
      return { kind: 'finops', costExport: sources.finops!.costExport! };
  }
}

/**
 * The Config rules of a profile: REQUIRED_TAGS (from tags.yaml, six keys per rule) when a tag control is
 * on, and one managed rule per other identifier the profile's controls map to. Off controls are left out.
 */
export function configRulesFor(catalog: Catalog, profile: Profile): ConfigRuleSpec[] {
  const byIdentifier = new Map<string, string[]>();
  for (const control of catalog.controls) {
    if (!control.configRule || modeOf(profile, control.id) === 'off') continue;
    byIdentifier.set(control.configRule, [...(byIdentifier.get(control.configRule) ?? []), control.id]);
  }
  const rules: ConfigRuleSpec[] = [];
  for (const [identifier, controls] of [...byIdentifier].sort(([a], [b]) => a.localeCompare(b))) {
    if (identifier === REQUIRED_TAGS_IDENTIFIER) {
      for (const r of compileRequiredTagsRules(catalog.tags)) {
        rules.push({ name: r.ConfigRuleName, identifier, description: r.Description, inputParameters: r.InputParameters, controls });
      }
      continue;
    }
    const titles = controls.map((id) => catalog.controls.find((c) => c.id === id)!.title);
    rules.push({
      name: `tarmac-${identifier.toLowerCase().replace(/_/g, '-')}`,
      identifier,
      description: `${controls.join(', ')}: ${titles.join('; ')}`,
      controls,
    });
  }
  return rules;
}

/** The platform's own stacks must pass the tag controls they deploy: every mandatory key, an allowed value. */
function platformTagProblems(catalog: Catalog, org: Organization): InputError[] {
  const deployment = org.deployment!;
  const at = { file: org.file, line: deployment.lines.tags };
  const problems: InputError[] = [];
  for (const tag of catalog.tags) {
    const value = deployment.tags[tag.key];
    if (value === undefined)
      problems.push(new InputError(at, `deployment.tags has no ${tag.key}`, `every mandatory tag of tags.yaml (${catalog.tags.map((t) => t.key).join(', ')})`));
    else {
      const problem = tagValueProblem(tag, value);
      if (problem) problems.push(new InputError(at, `deployment.tags ${tag.key}: ${problem}`));
    }
  }
  for (const key of Object.keys(deployment.tags)) {
    if (!catalog.tags.some((t) => t.key === key))
      problems.push(
        new InputError(at, `deployment.tags has ${key}, which is not a mandatory tag`, `only keys of tags.yaml (${catalog.tags.map((t) => t.key).join(', ')})`),
      );
  }
  return problems;
}

/** Several stack sets may reach one account; their packs and rules add up there, in every region. */
function perAccountConfigProblems(org: Organization, units: readonly StackSetUnit[]): InputError[] {
  const problems: InputError[] = [];
  const q = org.configQuotas;
  const reachedBy = units.filter((u) => u.configRules.length).map((u) => ({ unit: u, accounts: new Set(targetAccounts(org, u.target).map((a) => a.id)) }));
  for (const account of org.accounts) {
    const reaching = reachedBy.filter((r) => r.accounts.has(account.id)).map((r) => r.unit);
    const rules = reaching.reduce((n, u) => n + u.configRules.length, 0);
    const where = { file: org.file, line: account.line };
    if (reaching.length > q.conformancePacksPerAccount)
      problems.push(
        new InputError(
          where,
          `account ${account.name} would get ${reaching.length} conformance packs (${reaching.map((u) => u.name).join(', ')})`,
          `at most ${q.conformancePacksPerAccount} (configQuotas in org.yaml)`,
        ),
      );
    if (rules > q.rulesPerAccount)
      problems.push(
        new InputError(
          where,
          `account ${account.name} would get ${rules} AWS Config rules from ${reaching.map((u) => u.name).join(', ')}`,
          `at most ${q.rulesPerAccount} per account and region (configQuotas in org.yaml)`,
        ),
      );
  }
  return problems;
}

/**
 * Accounts the target's stack instances reach in each of its OUs: the OU's whole subtree, or for an account
 * target only its accounts there (the INTERSECTION filter), so a plan shows the instances that will exist.
 */
function accountsByOu(org: Organization, target: StackSetTarget): Record<string, number> {
  const reached = targetAccounts(org, target);
  return Object.fromEntries(target.ouIds.map((id) => [id, reached.filter((a) => chainTo(org, a.id).includes(id)).length]));
}

const byId = (a: Control, b: Control) => a.id.localeCompare(b.id);
