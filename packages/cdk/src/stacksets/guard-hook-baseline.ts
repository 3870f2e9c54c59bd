import { Fn } from 'aws-cdk-lib';
import * as cloudformation from 'aws-cdk-lib/aws-cloudformation';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { FailureMode, HookDefinition, HookStackFilters } from '@tarmac/core/org';
import { Construct } from 'constructs';
import { HookExecutionRole } from './hook-execution-role';

/** One bundle of Guard rules, pinned. */
export interface GuardHookRules {
  /** Object key in the bundle bucket (RuleBundle.key). */
  readonly key: string;
  /** The object's S3 VersionId: in a stack set instance, a parameter's Ref. */
  readonly versionId: string;
}

export interface GuardHookBaselineProps {
  /** The hook as hooks/<name>.yaml describes it. */
  readonly hook: Pick<HookDefinition, 'alias' | 'advisoryAlias' | 'targetOperations' | 'actions' | 'stackFilters'>;
  readonly bundleBucketName: string;
  /** Where the hooks write their Guard reports. */
  readonly logBucketName: string;
  /** The key of both buckets: the hooks decrypt rules and encrypt reports with it. */
  readonly rulesKeyArn: string;
  /** The controls the profile enforces, evaluated with this failure mode under the hook's alias. */
  readonly enforced?: GuardHookRules & { readonly failureMode: FailureMode };
  /** The controls the profile only warns about, under the advisory alias with FailureMode WARN. */
  readonly advisory?: GuardHookRules;
  /** The organization's permissions boundary, for the execution role (LZ.IAM.2). */
  readonly permissionsBoundary?: iam.IManagedPolicy;
  /** Without permissionsBoundary, give the execution role a boundary of its own statements (HookExecutionRoleProps.ownBoundary). */
  readonly ownBoundary?: boolean;
}

/**
 * A profile's Guard rules at deploy time in one account and region: a Guard Hook for the enforced
 * controls and one for the warned ones (ADR 0006 decision 3), sharing one least-privilege execution role.
 * Only the hooks whose bundle is given are created.
 */
export class GuardHookBaseline extends Construct {
  readonly executionRole: iam.Role;
  readonly enforcedHook?: cloudformation.CfnGuardHook;
  readonly advisoryHook?: cloudformation.CfnGuardHook;

  constructor(scope: Construct, id: string, props: GuardHookBaselineProps) {
    super(scope, id);
    const bundles = [props.enforced, props.advisory].filter((b): b is GuardHookRules => b !== undefined);
    if (!bundles.length) throw new Error(`${this.node.path}: a Guard Hook baseline needs enforced or advisory rules`);
    this.executionRole = new HookExecutionRole(this, 'ExecutionRole', {
      bundleBucketName: props.bundleBucketName,
      bundleKeys: bundles.map((b) => b.key),
      logBucketName: props.logBucketName,
      rulesKeyArn: props.rulesKeyArn,
      permissionsBoundary: props.permissionsBoundary,
      ownBoundary: props.ownBoundary,
    }).role;
    if (props.enforced) this.enforcedHook = this.guardHook('EnforcedHook', props, props.hook.alias, props.enforced, props.enforced.failureMode);
    if (props.advisory) this.advisoryHook = this.guardHook('AdvisoryHook', props, props.hook.advisoryAlias, props.advisory, 'WARN');
  }

  private guardHook(id: string, props: GuardHookBaselineProps, alias: string, rules: GuardHookRules, failureMode: FailureMode): cloudformation.CfnGuardHook {
    const hook = new cloudformation.CfnGuardHook(this, id, {
      alias,
      executionRole: this.executionRole.roleArn,
      failureMode,
      hookStatus: 'ENABLED',
      ruleLocation: { uri: `s3://${props.bundleBucketName}/${rules.key}`, versionId: rules.versionId },
      logBucket: props.logBucketName,
      targetOperations: [...props.hook.targetOperations],
      stackFilters: props.hook.stackFilters ? stackFiltersOf(props.hook.stackFilters) : undefined,
    });
    // The CDK's type wants TargetFilters.Targets; AWS's schema takes Actions alone (one of its two forms).
    hook.addPropertyOverride('TargetFilters', { Actions: [...props.hook.actions] });
    return hook;
  }
}

/** StackFilters as CloudFormation spells them; a role name stands for that role in the hook's own account. */
function stackFiltersOf(filters: HookStackFilters): cloudformation.CfnGuardHook.StackFiltersProperty {
  const names = filters.stackNames;
  const roles = filters.stackRoles;
  return {
    filteringCriteria: filters.filteringCriteria,
    stackNames: names ? { include: copy(names.include), exclude: copy(names.exclude) } : undefined,
    stackRoles: roles ? { include: roleArns(roles.include), exclude: roleArns(roles.exclude) } : undefined,
  };
}

function copy(list?: readonly string[]): string[] | undefined {
  return list ? [...list] : undefined;
}

function roleArns(list?: readonly string[]): string[] | undefined {
  return list?.map((role) => (role.startsWith('arn:') ? role : Fn.sub(`arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/${role}`)));
}
