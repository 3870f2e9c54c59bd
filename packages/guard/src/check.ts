import { Catalog, ExemptionSet, InputError, InputErrors, Profile, catalogLabel, collectInputErrors } from '@tarmac/core';
import { EvaluationJob, GuardEngine, JobResult, SyncGuardEngine } from './engines/engine';
import { mergeControlTowerEquivalents } from './control-tower-equivalents';
import { TemplateDeployment, exemptFindings } from './exempt-findings';
import { CheckReport, Finding, blocks, isExempted, sortFindings } from './findings';
import { TemplateWorlds } from './template-worlds';
import { catalogRules } from './rules/catalog-rules';
import { controlTowerRules } from './rules/control-tower-rules';
import { customRules } from './rules/custom-rules';
import { GuardRule, ruleApplies } from './rules/guard-rule';
import { Discovery, TemplateSource, discoverTemplates } from './template/discover';
import { ParsedTemplate, parseTemplate, templateFromSource } from './template/parse-template';
import { uncheckedFindings } from './unchecked';

export interface CheckOptions {
  readonly catalog: Catalog;
  readonly profile: Profile;
  readonly engine: GuardEngine;
  /** Also run the AWS Control Tower proactive rules. */
  readonly controlTower?: boolean;
  /** Extra Guard rule files or directories. */
  readonly rules?: readonly string[];
  /**
   * policies/exemptions.yaml as on the day of the check (loadExemptionSet): a finding one covers does not block.
   * Called only when some template's account is known (every exemption is scoped to accounts), so a check without
   * one does not pay for reading org.yaml.
   */
  readonly exemptions?: () => ExemptionSet | undefined;
  /** The account (ID) plain templates deploy to; a cdk.out stack with an environment knows its own. */
  readonly accountId?: string;
  /** The stack name plain templates deploy as; a cdk.out stack knows its own. */
  readonly stackName?: string;
  /** Called as templates are evaluated, for a progress display. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** Selects the rules for a run: the profile's catalog controls, and optionally Control Tower and custom rules. */
export function selectRules(options: Pick<CheckOptions, 'catalog' | 'profile' | 'controlTower' | 'rules'>): GuardRule[] {
  const rules = catalogRules(options.catalog, options.profile);
  if (options.controlTower) rules.push(...controlTowerRules(options.profile.controlTower));
  for (const r of options.rules ?? []) rules.push(...customRules(r, 'enforce'));
  refuseSharedNames(rules);
  return rules;
}

/**
 * A reported rule name identifies the rule file it came from: two files defining one name would let an
 * engine credit one file's failure to the other, or drop it.
 */
function refuseSharedNames(rules: readonly GuardRule[]): void {
  const owner = new Map<string, GuardRule>();
  const errors: InputError[] = [];
  for (const rule of rules) {
    for (const name of rule.names) {
      const first = owner.get(name);
      if (!first) owner.set(name, rule);
      else if (first.file !== rule.file || first.id !== rule.id)
        errors.push(
          new InputError({ file: rule.file }, `rule ${name} is also defined by ${first.file} (${first.id})`, 'rule names unique across every loaded rule file'),
        );
    }
  }
  if (errors.length) throw new InputErrors(errors);
}

/** Checks paths (files, directories, cdk.out) and returns findings, errors and a summary. */
export async function checkPaths(paths: readonly string[], options: CheckOptions): Promise<CheckReport> {
  return checkSources(discoverTemplates(paths), options);
}

export async function checkSources(discovery: Discovery, options: CheckOptions): Promise<CheckReport> {
  const run = startCheck(discovery, options);
  return run.finish(await options.engine.evaluate(run.jobs, run.progress));
}

/**
 * checkSources for synchronous callers (a CDK validation plugin), with an engine that can evaluate without
 * waiting (the compiled engine); undefined when it cannot for these rules, and the caller must use checkSources.
 */
export function checkSourcesSync(discovery: Discovery, options: CheckOptions & { readonly engine: SyncGuardEngine }): CheckReport | undefined {
  const run = startCheck(discovery, options);
  const results = options.engine.evaluateSync(run.jobs, run.progress);
  return results && run.finish(results);
}

/** A check up to the engine: the jobs to evaluate, and what makes the report of their results. */
function startCheck(
  discovery: Discovery,
  options: CheckOptions,
): { jobs: EvaluationJob[]; progress?: (done: number) => void; finish: (results: readonly JobResult[]) => CheckReport } {
  const started = process.hrtime.bigint();
  const errors: InputError[] = [...discovery.errors];
  let rules: GuardRule[] = [];
  try {
    rules = selectRules(options);
  } catch (err) {
    errors.push(...collectInputErrors(err));
  }
  const templates: ParsedTemplate[] = [];
  const deployments = new Map<string, TemplateDeployment>();
  for (const source of discovery.sources) {
    const parsed = readTemplate(source, errors);
    if (parsed) templates.push(parsed);
    deployments.set(deploymentKey(source), deploymentOf(source, options, errors));
  }
  const written: EvaluationJob[] = templates.map((template) => ({ template, rules: rules.filter((r) => ruleApplies(r, template.types)) }));
  const worlds = written.map((job) => new TemplateWorlds(job));
  const jobs = worlds.flatMap((w) => w.jobs);
  const findings: Finding[] = templates.flatMap((t) => uncheckedFindings(t, rules, options.profile));
  // One call for the whole run: the WebAssembly engine builds its rule set once per call.
  const progress = options.onProgress && ((done: number) => options.onProgress!(done, jobs.length));
  return { jobs, progress, finish: finishCheck };

  function finishCheck(results: readonly JobResult[]): CheckReport {
    const unanswered = new Set(jobs);
    const byJob = new Map(worlds.flatMap((w) => w.jobs.map((j) => [j, w] as const)));
    for (const result of results) {
      const world = byJob.get(result.job);
      if (!world || !unanswered.delete(result.job)) {
        errors.push(
          new InputError(
            { file: result.job.template.file },
            `the ${options.engine.name} Guard engine answered for a template it was not asked about, or twice`,
          ),
        );
        continue;
      }
      errors.push(...result.errors, ...world.add(result));
    }
    for (const w of worlds) findings.push(...w.findings());
    // A template the engine gave no result for was not checked: an error, never a pass.
    for (const job of unanswered)
      errors.push(new InputError({ file: job.template.file }, `the ${options.engine.name} Guard engine returned no result for this template`));
    const merged = mergeControlTowerEquivalents(findings, options.catalog.controls);
    const exemptions = [...deployments.values()].some((d) => d.accountId) ? loadSet(options, errors) : undefined;
    const judged = exemptions ? exemptFindings(merged, (f) => deployments.get(deploymentKey(f)) ?? {}, exemptions, options.catalog) : merged;
    const reported = sortFindings(judged);
    // A rule that did not parse is reported by every template it was sent with: once is enough.
    const uniqueErrors = [...new Map(errors.map((e) => [e.message, e])).values()];
    const skippedBy: Record<string, number> = {};
    for (const s of discovery.skipped) skippedBy[s.reason] = (skippedBy[s.reason] ?? 0) + 1;
    return {
      findings: reported,
      errors: uniqueErrors,
      engine: { name: options.engine.name, version: options.engine.version, ...(options.engine.notes?.length ? { notes: options.engine.notes } : {}) },
      catalog: catalogLabel(options.catalog),
      evaluated: written.map(({ template, rules: sent }) => ({ file: template.file, stack: template.stack, controls: [...new Set(sent.map((r) => r.id))] })),
      summary: {
        files: discovery.sources.length + discovery.skipped.filter((s) => s.reason !== 'excluded directory').length,
        templates: templates.length,
        resources: templates.reduce((n, t) => n + t.resources.length, 0),
        findings: reported.length,
        blocking: reported.filter(blocks).length,
        exempted: reported.filter(isExempted).length,
        unchecked: templates.reduce((n, t) => n + t.unchecked.length, 0),
        skipped: discovery.skipped.length,
        skippedBy,
        durationMs: Number((process.hrtime.bigint() - started) / 1_000_000n),
      },
    };
  }
}

function loadSet(options: CheckOptions, errors: InputError[]): ExemptionSet | undefined {
  try {
    return options.exemptions?.();
  } catch (err) {
    // Unreadable exemptions are bad input (exit 2), never a check without them.
    errors.push(...collectInputErrors(err));
    return undefined;
  }
}

function deploymentKey(t: { file: string; stack?: string }): string {
  return `${t.file}\0${t.stack ?? ''}`;
}

/**
 * Where a template deploys: a cdk.out stack says its own account (when it has an environment) and name (nested
 * stacks get generated names: unknown); a plain template takes --account and --stack-name. A stack whose
 * environment names another account than --account is an error: which one an exemption applies to is unclear.
 */
function deploymentOf(source: TemplateSource, options: CheckOptions, errors: InputError[]): TemplateDeployment {
  const own = source.deployment?.accountId;
  if (own && options.accountId && own !== options.accountId)
    errors.push(
      new InputError(
        { file: source.file },
        `stack ${source.stack ?? ''} deploys to account ${own} (its environment), not ${options.accountId} (--account)`,
        '--account naming the account of the stacks checked, or no --account',
      ),
    );
  return {
    accountId: own ?? options.accountId,
    stackName: source.stack === undefined ? options.stackName : source.deployment?.stackName,
  };
}

function readTemplate(source: TemplateSource, errors: InputError[]): ParsedTemplate | undefined {
  try {
    return source.parsed ? templateFromSource(source.parsed, source.stack) : parseTemplate(source.read(), source.file, source.stack);
  } catch (err) {
    if (err instanceof InputError || err instanceof InputErrors) {
      errors.push(...collectInputErrors(err));
      return undefined;
    }
    const code = (err as NodeJS.ErrnoException).code;
    if (code) {
      errors.push(new InputError({ file: source.file }, `cannot read file: ${code}`));
      return undefined;
    }
    throw err;
  }
}
