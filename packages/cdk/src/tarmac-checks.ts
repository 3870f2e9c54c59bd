import * as path from 'path';
import { CfnResource, IPolicyValidationContext, PolicyValidationPluginReport, PolicyViolation, Stack, Stage, Token } from 'aws-cdk-lib';
import { aliasMap, profileNamed } from '@tarmac/core';
import { EngineChoice, Finding, checkStackTemplatesSync, isExempted, selectRules } from '@tarmac/guard';
import { NagPack, NagPackProps } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { acknowledgeAliases, acknowledgementProblems } from './acknowledgements';
import { CatalogSelection, catalogFor } from './catalog-for';

export interface TarmacChecksProps extends NagPackProps, CatalogSelection {
  /** The profile in the catalog's profiles/ that says which controls apply and how hard (enforce or warn). */
  readonly profile: string;
  /** Also evaluate the AWS Control Tower proactive rules, as `tarmac check --control-tower`. @default false */
  readonly controlTower?: boolean;
  /** Extra Guard rule files or directories (they block when they fail). */
  readonly rules?: string[];
  /** The Guard engine. @default 'auto': the compiled engine (in-process, cfn-guard 3.1.1's verdicts; see ADR 0013) */
  readonly engine?: EngineChoice;
  /**
   * Remember each rule's verdicts in the assembly directory (`cdk.out/.tarmac-cache`), so that a synth
   * after an edit evaluates only the rules that read what changed. A fresh `cdk.out` (as in CI) starts
   * cold. @default true
   */
  readonly cache?: boolean;
  /**
   * Judge the catalog's exemptions (policies/exemptions.yaml) as on this day, YYYY-MM-DD (UTC), instead of
   * today: to reproduce a past synth, or in tests. @default today
   */
  readonly at?: string;
}

const VERSION: string = require('../package.json').version;

/**
 * The organization's controls at `cdk synth`: a cdk-nag pack, registered as a CDK policy validation plugin.
 *
 * It evaluates the catalog's Guard rules on the synthesized templates (nested stacks included), all stacks
 * in one run dispatched by resource type, with the same code as `tarmac check`, so the verdicts are the
 * same. Findings of enforced controls are errors (synth fails); warned ones are warnings. Acknowledge a
 * finding with `Validations.of(construct).acknowledge({ id: 'Tarmac::LZ.S3.1', reason })` on the resource
 * (one finding) or on a stack, stage or the app (every finding of that control below it); an old ID that is
 * now an alias acknowledges its control. Exemptions in the catalog's exemptions.yaml apply where the stack's
 * environment names the account (and its name and the resource's logical ID, where the exemption says).
 */
export class TarmacChecks extends NagPack {
  readonly name = 'Tarmac';
  readonly version = VERSION;
  /** Every control this pack evaluates, as reported (LZ.S3.1, CT.S3.PR.1...). */
  readonly ruleIds: string[];
  private readonly props: TarmacChecksProps;
  private readonly policies: string;
  private readonly cacheDir?: string;
  /** Old control IDs (alias → control): acknowledging one acknowledges its control. */
  private readonly aliases: ReadonlyMap<string, string>;

  constructor(scope: IConstruct, props: TarmacChecksProps) {
    super(scope, props);
    this.packName = 'Tarmac';
    this.props = props;
    const catalog = catalogFor(props);
    this.policies = catalog.root;
    const stage = Stage.isStage(scope) ? scope : Stage.of(scope);
    if (props.cache !== false && stage) this.cacheDir = path.join(stage.outdir, '.tarmac-cache');
    this.aliases = aliasMap(catalog);
    const profile = profileNamed(catalog, props.profile);
    this.ruleIds = [...new Set(selectRules({ catalog, profile, controlTower: props.controlTower, rules: props.rules }).map((r) => r.id))];
  }

  validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    acknowledgeAliases(context.appConstruct, this.name, this.aliases);
    const stacks = new Map(
      context.appConstruct.node
        .findAll()
        .filter(Stack.isStack)
        .map((s) => [s.node.path, s]),
    );
    const report = checkStackTemplatesSync({
      policies: this.policies,
      profile: this.props.profile,
      controlTower: this.props.controlTower,
      rules: this.props.rules,
      engine: this.props.engine,
      cacheDir: this.cacheDir,
      templates: context.stackTemplates.map((s) => ({ file: s.templatePath, stack: s.stackConstructPath, ...deploymentOf(s, stacks) })),
      at: this.props.at,
    });
    // The CDK turns a throwing plugin into a failed report: an error is never a pass.
    if (report.errors.length) throw new Error(`Tarmac could not evaluate every template:\n${report.errors.map((e) => `  ${e.message}`).join('\n')}`);
    const violations = violationsOf(report.findings);
    violations.push(...acknowledgementProblems(context.appConstruct, this.name, new Set(this.ruleIds)));
    return { success: !violations.some((v) => v.severity === 'error'), violations, pluginVersion: this.version };
  }

  /** cdk-nag's per-construct entry point cannot see synthesized templates: refuse rather than pass. */
  validateScope(_scope: IConstruct): PolicyValidationPluginReport {
    throw new Error('TarmacChecks evaluates synthesized templates: add it with Validations.of(app).addPlugins(...) and synthesize the app');
  }

  protected checkResource(_node: CfnResource): void {
    // Unused: the rules run per synthesized template in validate(), not per construct.
  }
}

/**
 * The account (when the stack's environment names one) and CloudFormation stack name a stack deploys as, for
 * exemptions. A nested stack's name is generated by CloudFormation: unknown, so stack-scoped exemptions skip it.
 */
function deploymentOf(s: IPolicyValidationContext['stackTemplates'][number], stacks: ReadonlyMap<string, Stack>): { accountId?: string; stackName?: string } {
  const stack = stacks.get(s.stackConstructPath);
  const account = s.accountId ?? stack?.account;
  const name = stack && !stack.nested && !Token.isUnresolved(stack.stackName) ? stack.stackName : undefined;
  return { ...(account && /^\d{12}$/.test(account) ? { accountId: account } : {}), ...(name ? { stackName: name } : {}) };
}

/**
 * One violation per control and level, listing every resource; the severity is always set (see ADR 0004).
 * The CDK finds each resource's construct from its template and logical ID, nested stacks included.
 */
function violationsOf(findings: readonly Finding[]): PolicyViolation[] {
  const byRule = new Map<string, PolicyViolation & { violatingResources: PolicyViolation['violatingResources'] }>();
  for (const f of findings) {
    // Exempted in policies/exemptions.yaml: the decision was made and reviewed there; one ending soon is a warning below.
    if (isExempted(f)) continue;
    const level = f.mode === 'enforce' ? 'error' : 'warning';
    const lapsed = f.exemption ? `|${f.exemption.id}` : '';
    const key = `${f.controlId}|${level}|${f.verdict}${lapsed}`;
    let v = byRule.get(key);
    if (!v) {
      const unknown = f.verdict === 'unknown' ? ' The value is only known at deploy time (a parameter, condition or import): the Guard Hook decides then.' : '';
      const expired = f.exemption ? ` Exemption ${f.exemption.id} expired after ${f.exemption.expires} and no longer applies.` : '';
      v = {
        ruleName: f.controlId,
        description: `[${f.controlId}] ${f.message}${unknown}${expired}`,
        fix: f.fix,
        severity: level,
        ruleMetadata: { title: f.title, severity: f.severity, verdict: f.verdict, origin: f.origin },
        violatingResources: [],
      };
      byRule.set(key, v);
    }
    v.violatingResources.push({
      resourceLogicalId: f.logicalId,
      templatePath: f.file,
      locations: [f.path ?? (f.logicalId ? 'Properties' : 'Resources')],
    });
  }
  return [...byRule.values(), ...expiringExemptions(findings)];
}

/** A warning per exemption that ends within the organization's window, listing what it exempts, so it is renewed or fixed in time. */
function expiringExemptions(findings: readonly Finding[]): PolicyViolation[] {
  const byId = new Map<string, PolicyViolation & { violatingResources: PolicyViolation['violatingResources'] }>();
  for (const f of findings) {
    const e = f.exemption;
    if (e?.status !== 'expiring') continue;
    let v = byId.get(e.id);
    if (!v) {
      v = {
        ruleName: e.id,
        description: `[${e.id}] This exemption (${e.reason}) expires after ${e.expires}; then ${f.controlId} blocks again.`,
        fix: `Fix what it exempts, or have ${e.owner} renew it in exemptions.yaml.`,
        severity: 'warning',
        ruleMetadata: { owner: e.owner, expires: e.expires, ...(e.ticket ? { ticket: e.ticket } : {}) },
        violatingResources: [],
      };
      byId.set(e.id, v);
    }
    v.violatingResources.push({ resourceLogicalId: f.logicalId, templatePath: f.file, locations: [f.path ?? 'Properties'] });
  }
  return [...byId.values()];
}
