import { CfnParameter } from 'aws-cdk-lib';
import type { StackSetUnit, StackSetsBuild } from '@tarmac/core/org';
import { Construct } from 'constructs';
import {
  ADVISORY_RULES_VERSION_ID,
  KMS_KEY_ARN_PATTERN,
  RULES_KEY_ARN,
  RULES_VERSION_ID,
  S3_VERSION_ID_PATTERN,
  bundleVersionParameter,
  compareNames,
  shorten,
  uniqueLogicalIds,
} from './names';
import { OrgStackSet } from './org-stack-set';
import { PlatformStack, PlatformStackProps } from './platform-stack';

/** A stack instance template as synthesized, with the parameters it declares. */
export interface InstanceTemplate {
  readonly template: object;
  readonly parameterNames: readonly string[];
}

export interface StackSetsStackProps extends PlatformStackProps {
  readonly build: StackSetsBuild;
  /** Each unit's instance template, by stack set name. */
  readonly instanceTemplates: ReadonlyMap<string, InstanceTemplate>;
}

/**
 * The delegated administrator's stack of stack sets: one AWS::CloudFormation::StackSet per target (ADR 0006
 * decision 2). A parameter per bundle carries its S3 VersionId, known only after upload, plus the key ARN
 * from the rule bundles stack; `tarmac deploy` fills them from the manifest, and a team's own pipeline can
 * deploy the same template as a stack.
 */
export class StackSetsStack extends PlatformStack {
  /** The parameters this template declares, by name, with what fills them. */
  readonly parameterSources = new Map<string, { bundle: string } | { output: typeof RULES_KEY_ARN }>();
  /** Each stack set's construct, by stack set name. */
  readonly stackSets = new Map<string, OrgStackSet>();

  constructor(scope: Construct, id: string, props: StackSetsStackProps) {
    super(scope, id, { description: 'Tarmac: one service-managed stack set per target of stacksets/ (ADR 0006).', ...props });
    const { build } = props;
    const versionRefs = new Map<string, string>();
    // Only the bundles a stack set pins: the management account's hook may pin one no stack set does.
    const pinned = new Set(build.units.flatMap((u) => [u.enforced?.key, u.advisory?.key]));
    for (const bundle of [...build.bundles].filter((b) => pinned.has(b.key)).sort((a, b) => compareNames(a.key, b.key))) {
      const name = bundleVersionParameter(bundle.sha256);
      if (this.parameterSources.has(name))
        throw new Error(`bundles ${bundle.key} and ${(this.parameterSources.get(name) as { bundle: string }).bundle} share the parameter ${name}`);
      this.parameterSources.set(name, { bundle: bundle.key });
      versionRefs.set(
        bundle.key,
        new CfnParameter(this, name, {
          type: 'String',
          allowedPattern: S3_VERSION_ID_PATTERN,
          description: `S3 VersionId of ${bundle.key} (sha256 ${bundle.sha256}, profile ${bundle.profile}, ${bundle.mode})`,
        }).valueAsString,
      );
    }
    const usesRules = build.units.some((u) => u.enforced || u.advisory);
    let keyArn: string | undefined;
    if (usesRules) {
      this.parameterSources.set(RULES_KEY_ARN, { output: RULES_KEY_ARN });
      keyArn = new CfnParameter(this, RULES_KEY_ARN, {
        type: 'String',
        allowedPattern: KMS_KEY_ARN_PATTERN,
        description: 'ARN of the rule bundles key: output RulesKeyArn of tarmac-rule-bundles',
      }).valueAsString;
    }

    const units = [...build.units].sort((a, b) => compareNames(a.name, b.name));
    const ids = uniqueLogicalIds(
      units.map((u) => u.name),
      'stack set',
    );
    for (const unit of units) {
      const instance = props.instanceTemplates.get(unit.name);
      if (!instance) throw new Error(`stack set ${unit.name}: no instance template was synthesized`);
      const values: Record<string, string> = {};
      const pass = (name: string, value: string | undefined) => {
        if (!instance.parameterNames.includes(name)) return;
        if (value === undefined) throw new Error(`stack set ${unit.name}: its template declares ${name}, which nothing fills`);
        values[name] = value;
      };
      pass(RULES_VERSION_ID, unit.enforced && versionRef(versionRefs, unit, unit.enforced.key));
      pass(ADVISORY_RULES_VERSION_ID, unit.advisory && versionRef(versionRefs, unit, unit.advisory.key));
      pass(RULES_KEY_ARN, keyArn);
      const unknown = instance.parameterNames.filter((n) => !(n in values));
      if (unknown.length) throw new Error(`stack set ${unit.name}: its template declares ${unknown.join(', ')}, which nothing fills`);
      this.stackSets.set(
        unit.name,
        new OrgStackSet(this, ids.get(unit.name)!, {
          stackSetName: unit.name,
          description: describe(unit),
          template: instance.template,
          organizationalUnitIds: unit.target.ouIds,
          accounts: unit.target.accountIds,
          regions: unit.definition.regions,
          operationPreferences: unit.definition.operationPreferences,
          retainStacksOnAccountRemoval: unit.definition.retainStacksOnAccountRemoval,
          parameters: values,
        }),
      );
    }
  }
}

function versionRef(refs: ReadonlyMap<string, string>, unit: StackSetUnit, key: string): string {
  const ref = refs.get(key);
  if (!ref) throw new Error(`stack set ${unit.name}: bundle ${key} is not among the build's bundles`);
  return ref;
}

/** StackSet Description: at most 1,024 characters. */
function describe(unit: StackSetUnit): string {
  const what = unit.hook
    ? `Profile ${unit.target.profile} (${unit.target.failureMode})`
    : `Baseline ${unit.baseline?.kind}${unit.target.profile ? `, profile ${unit.target.profile}` : ''}`;
  const where = unit.target.accountNames.length ? `accounts ${unit.target.accountNames.join(', ')}` : unit.target.ouPaths.join(', ');
  const text = `${unit.definition.description} ${what} for ${where}; from ${unit.definition.name} by Tarmac.`;
  return shorten(text, 1024);
}
