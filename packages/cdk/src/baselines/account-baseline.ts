import { Aws, CfnCondition, Fn } from 'aws-cdk-lib';
import * as accessanalyzer from 'aws-cdk-lib/aws-accessanalyzer';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { AccountBaselineSettings } from '@tarmac/core/org';
import { Construct } from 'constructs';
import { ReportReaderRole } from '../stacksets/report-reader-role';
import { BoundaryPolicy } from './boundary-policy';
import { EbsDefaultKey } from './ebs-default-key';
import { FindingPublishingFrequency, SecurityServices } from './security-services';

export interface AccountBaselineProps extends AccountBaselineSettings {
  /** How often GuardDuty and Macie publish updated findings. @default FIFTEEN_MINUTES */
  readonly findingPublishingFrequency?: FindingPublishingFrequency;
  /**
   * The account `tarmac report --live` runs in (org.yaml deployment.delegatedAdmin): the home region gets the
   * read-only role it assumes, carrying the organization's boundary. @default no report reader role
   */
  readonly reportReaderTrustedAccountId?: string;
}

/** Logical ID of the condition that holds in the home region only: global (IAM) resources are created there. */
export const IS_HOME_REGION = 'IsHomeRegion';

/**
 * What every member account gets (policies/baselines/account.yaml, one profile), in a template deployed to
 * each of its regions: the organization's permissions boundary, the report reader role and the unused-access
 * analyzer in the home region only, and everywhere an IAM Access Analyzer, the EBS key and the profile's
 * security services.
 * The condition has the fixed logical ID IsHomeRegion, so one AccountBaseline per stack.
 */
export class AccountBaseline extends Construct {
  /** Holds where AWS::Region is the home region. */
  readonly isHomeRegion: CfnCondition;
  readonly boundary: BoundaryPolicy;
  /** The permissions boundary, by an ARN valid in every region: for roles' permissionsBoundary. */
  readonly boundaryPolicy: iam.IManagedPolicy;
  readonly reportReader?: ReportReaderRole;
  readonly accessAnalyzer: accessanalyzer.CfnAnalyzer;
  readonly unusedAccessAnalyzer?: accessanalyzer.CfnAnalyzer;
  readonly ebsKey?: kms.Key;
  readonly securityServices: SecurityServices;

  constructor(scope: Construct, id: string, props: AccountBaselineProps) {
    super(scope, id);
    if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(props.homeRegion)) throw new Error(`${this.node.path}: '${props.homeRegion}' is not an AWS region name`);
    const age = props.accessAnalyzer.unusedAccessAgeDays;
    if (age !== undefined && !(Number.isInteger(age) && age >= 1 && age <= 365)) {
      throw new Error(`${this.node.path}: unusedAccessAgeDays is ${age}; IAM Access Analyzer takes a whole number of days from 1 to 365`);
    }

    this.isHomeRegion = new CfnCondition(this, 'IsHomeRegion', { expression: Fn.conditionEquals(Aws.REGION, props.homeRegion) });
    this.isHomeRegion.overrideLogicalId(IS_HOME_REGION);

    this.boundary = new BoundaryPolicy(this, 'PermissionsBoundary', { boundary: props.permissionsBoundary, condition: this.isHomeRegion });
    this.boundaryPolicy = this.boundary.policy;
    // A fixed role name, and IAM is global: one region creates it. Its boundary is named by ARN, not Ref, so the
    // dependency on the policy is explicit.
    if (props.reportReaderTrustedAccountId !== undefined) {
      this.reportReader = new ReportReaderRole(this, 'ReportReader', {
        trustedAccountId: props.reportReaderTrustedAccountId,
        permissionsBoundary: this.boundaryPolicy,
        condition: this.isHomeRegion,
      });
      this.reportReader.role.node.addDependency(this.boundary.resource);
    }

    // External access is judged per region (resource policies are regional): one analyzer in each.
    this.accessAnalyzer = new accessanalyzer.CfnAnalyzer(this, 'AccessAnalyzer', { type: 'ACCOUNT' });
    // Unused access is about IAM users and roles, which are global: AWS says one analyzer is enough, and
    // charges per analyzer, so only the home region has one.
    if (age !== undefined) {
      this.unusedAccessAnalyzer = new accessanalyzer.CfnAnalyzer(this, 'UnusedAccessAnalyzer', {
        type: 'ACCOUNT_UNUSED_ACCESS',
        analyzerConfiguration: { unusedAccessConfiguration: { unusedAccessAge: age } },
      });
      this.unusedAccessAnalyzer.cfnOptions.condition = this.isHomeRegion;
    }

    if (props.ebsDefaultKey) this.ebsKey = new EbsDefaultKey(this, 'EbsDefaultKey', { alias: props.ebsDefaultKey.alias }).key;

    this.securityServices = new SecurityServices(this, 'SecurityServices', {
      ...props.securityServices,
      findingPublishingFrequency: props.findingPublishingFrequency,
    });
  }
}
