import { CfnParameter, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { RuleBundle, StackSetUnit } from '@tarmac/core/org';
import { Construct } from 'constructs';
import { AccountBaseline } from '../baselines/account-baseline';
import { NetworkBaseline } from '../baselines/network-baseline';
import { CostAnalytics } from '../finops/cost-analytics';
import { GuardHookBaseline } from './guard-hook-baseline';
import { ADVISORY_RULES_VERSION_ID, KMS_KEY_ARN_PATTERN, RULES_KEY_ARN, RULES_VERSION_ID, S3_VERSION_ID_PATTERN } from './names';
import { PlatformStack, PlatformStackProps } from './platform-stack';
import { ProfileConformancePack } from './profile-conformance-pack';
import { ReportReaderRole } from './report-reader-role';

/** A managed policy by name and IAM path, as policies/permissions-boundary.yaml names it. */
export interface PermissionsBoundaryName {
  readonly name: string;
  /** e.g. / or /tarmac/. @default / */
  readonly path?: string;
}

export interface StackSetInstanceStackProps extends PlatformStackProps {
  readonly unit: StackSetUnit;
  readonly bundleBucketName: string;
  readonly logBucketName: string;
  /** The organization's permissions boundary, carried by every role the stack creates in member accounts (LZ.IAM.2). */
  readonly hookRoleBoundary?: PermissionsBoundaryName;
  /**
   * The management account's plain stack (`management:` of a hook stack set) rather than a stack set's instance.
   * Without hookRoleBoundary, the hook execution role then gets a boundary the stack creates, allowing exactly its
   * own statements: the account baseline, which creates the organization's boundary, never reaches that account.
   * @default false
   */
  readonly managementAccount?: boolean;
  /**
   * The delegated administrator account (org.yaml deployment.delegatedAdmin), which `tarmac report --live` runs in:
   * an account baseline creates the report reader role it trusts in the home region, and so does the management
   * account's stack (with a boundary of its own, as the hook execution role). Other stacks ignore it.
   * @default no report reader role
   */
  readonly reportReaderTrustedAccountId?: string;
}

/**
 * What one stack set deploys in each account and region it reaches: the profile's Guard Hooks and, with
 * `config: true`, its AWS Config rules; or one baseline (account, network, or the FinOps account's cost
 * analytics). The bundles' VersionIds and the key's ARN are parameters, filled by the stack set (whose own
 * parameters `tarmac deploy` fills), so the template does not change when only a VersionId does.
 */
export class StackSetInstanceStack extends PlatformStack {
  /** The parameters this template declares, by name: the stack set passes exactly these. */
  readonly parameterNames: string[] = [];
  readonly baseline?: GuardHookBaseline;
  readonly conformancePack?: ProfileConformancePack;
  readonly accountBaseline?: AccountBaseline;
  readonly networkBaseline?: NetworkBaseline;
  readonly costAnalytics?: CostAnalytics;
  readonly reportReader?: ReportReaderRole;

  constructor(scope: Construct, id: string, props: StackSetInstanceStackProps) {
    const profile = props.unit.target.profile ? ` Profile ${props.unit.target.profile},` : '';
    const what = props.managementAccount ? `management account stack` : `stack set`;
    super(scope, id, { description: `${props.unit.definition.description}${profile} ${what} ${props.unit.name} (Tarmac).`, ...props });
    const { unit } = props;
    // One reference per stack, however many roles carry it.
    let boundaryRef: iam.IManagedPolicy | undefined;
    const boundary = () => props.hookRoleBoundary && (boundaryRef ??= boundaryPolicy(this, props.hookRoleBoundary));
    if (unit.baseline) {
      const b = unit.baseline;
      if (b.kind === 'account')
        this.accountBaseline = new AccountBaseline(this, 'AccountBaseline', {
          ...b.settings,
          reportReaderTrustedAccountId: props.reportReaderTrustedAccountId,
        });
      else if (b.kind === 'network') this.networkBaseline = new NetworkBaseline(this, 'NetworkBaseline', b.settings);
      else this.costAnalytics = new CostAnalytics(this, 'CostAnalytics', { costExport: b.costExport, permissionsBoundary: boundary() });
      return;
    }
    if (!unit.hook) throw new Error(`stack set ${unit.name}: neither a hook nor a baseline`);
    if (!unit.enforced && !unit.advisory && !unit.configRules.length) {
      throw new Error(
        `stack set ${unit.name}: profile ${unit.target.profile} has no controls to enforce or warn about and no Config rules, so its template would be empty`,
      );
    }
    if (unit.enforced || unit.advisory) {
      const rules = (name: string, bundle: RuleBundle | undefined, what: string) =>
        bundle && {
          key: bundle.key,
          versionId: this.parameter(
            name,
            S3_VERSION_ID_PATTERN,
            `S3 VersionId of ${bundle.key} (sha256 ${bundle.sha256}): the ${what} of profile ${bundle.profile}`,
          ),
        };
      const enforced = rules(RULES_VERSION_ID, unit.enforced, unit.target.failureMode === 'WARN' ? 'controls' : 'enforced controls');
      const advisory = rules(ADVISORY_RULES_VERSION_ID, unit.advisory, 'warned controls');
      const rulesKeyArn = this.parameter(
        RULES_KEY_ARN,
        KMS_KEY_ARN_PATTERN,
        'ARN of the KMS key of the rule bundle and log buckets (output RulesKeyArn of tarmac-rule-bundles)',
      );
      this.baseline = new GuardHookBaseline(this, 'GuardHooks', {
        hook: unit.hook,
        bundleBucketName: props.bundleBucketName,
        logBucketName: props.logBucketName,
        rulesKeyArn,
        enforced: enforced && { ...enforced, failureMode: unit.target.failureMode },
        advisory,
        permissionsBoundary: boundary(),
        ownBoundary: props.managementAccount,
      });
    }
    if (props.managementAccount && props.reportReaderTrustedAccountId !== undefined) {
      this.reportReader = new ReportReaderRole(this, 'ReportReader', {
        trustedAccountId: props.reportReaderTrustedAccountId,
        permissionsBoundary: boundary(),
        ownBoundary: true,
      });
    }
    if (unit.configRules.length)
      this.conformancePack = new ProfileConformancePack(this, 'ConfigRules', { profile: unit.target.profile ?? unit.name, rules: unit.configRules });
  }

  private parameter(name: string, allowedPattern: string, description: string): string {
    this.parameterNames.push(name);
    return new CfnParameter(this, name, { type: 'String', allowedPattern, description }).valueAsString;
  }
}

function boundaryPolicy(scope: Construct, boundary: PermissionsBoundaryName): iam.IManagedPolicy {
  const path = boundary.path ?? '/';
  const arn = Stack.of(scope).formatArn({ service: 'iam', region: '', resource: 'policy', resourceName: `${path.replace(/^\//, '')}${boundary.name}` });
  return iam.ManagedPolicy.fromManagedPolicyArn(scope, 'PermissionsBoundary', arn);
}
