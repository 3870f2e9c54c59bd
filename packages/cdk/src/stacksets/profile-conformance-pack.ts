import * as config from 'aws-cdk-lib/aws-config';
import { Construct } from 'constructs';
import { CONFORMANCE_PACK_NAME_PREFIX, compareNames, shorten, uniqueLogicalIds } from './names';
import { checkTemplateBodySize } from './template-body';

/** An AWS Config managed rule (ConfigRuleSpec of @tarmac/core/org has these and more). */
export interface ManagedConfigRule {
  /** ConfigRuleName: unique in the account and region. */
  readonly name: string;
  /** Managed rule identifier, e.g. S3_BUCKET_LOGGING_ENABLED. */
  readonly identifier: string;
  readonly description?: string;
  readonly inputParameters?: Readonly<Record<string, string>>;
}

export interface ProfileConformancePackProps {
  /** The profile whose controls the rules report on; names the pack tarmac-<profile>. */
  readonly profile: string;
  readonly rules: readonly ManagedConfigRule[];
}

/** ConfigRule Description: at most 256 characters. */
const MAX_DESCRIPTION = 256;

/**
 * The conformance pack template: one AWS::Config::ConfigRule per managed rule, sorted by name. A plain
 * object, since a conformance pack template is not a stack (no tags, no outputs, only what Config accepts).
 */
export function conformancePackTemplate(rules: readonly ManagedConfigRule[]): { Resources: Record<string, unknown> } {
  const sorted = [...rules].sort((a, b) => compareNames(a.name, b.name));
  const ids = uniqueLogicalIds(
    sorted.map((r) => r.name),
    'config rule',
  );
  const resources: Record<string, unknown> = {};
  for (const rule of sorted) {
    const id = ids.get(rule.name)!;
    if (resources[id]) throw new Error(`config rule ${rule.name} appears twice`);
    resources[id] = {
      Type: 'AWS::Config::ConfigRule',
      Properties: {
        ConfigRuleName: rule.name,
        ...(rule.description ? { Description: shorten(rule.description, MAX_DESCRIPTION) } : {}),
        Source: { Owner: 'AWS', SourceIdentifier: rule.identifier },
        ...(rule.inputParameters && Object.keys(rule.inputParameters).length ? { InputParameters: { ...rule.inputParameters } } : {}),
      },
    };
  }
  return { Resources: resources };
}

/**
 * The profile's AWS Config rules in every account and region a stack set reaches, as a conformance pack in
 * the stack instance (not an organization pack, which cannot target OUs: ADR 0006 decision 5).
 */
export class ProfileConformancePack extends Construct {
  readonly pack: config.CfnConformancePack;
  /** The pack's template, as an object (TemplateBody is its minified JSON). */
  readonly template: { Resources: Record<string, unknown> };

  constructor(scope: Construct, id: string, props: ProfileConformancePackProps) {
    super(scope, id);
    if (!props.rules.length) throw new Error(`${this.node.path}: a conformance pack needs at least one rule`);
    const name = `${CONFORMANCE_PACK_NAME_PREFIX}${props.profile}`;
    this.template = conformancePackTemplate(props.rules);
    this.pack = new config.CfnConformancePack(this, 'Resource', {
      conformancePackName: name,
      templateBody: checkTemplateBodySize(JSON.stringify(this.template), `conformance pack ${name}`),
    });
  }
}
