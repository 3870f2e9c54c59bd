import { Aws, CfnCondition, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { REPORT_READER_ACTIONS, REPORT_READER_ROLE_NAME, REPORT_READER_ROLE_PATH } from '@tarmac/core/org';
import { Construct } from 'constructs';
import { CONFORMANCE_PACK_NAME_PREFIX } from './names';

export interface ReportReaderRoleProps {
  /**
   * The one account that may assume the role: the delegated administrator (org.yaml deployment.delegatedAdmin),
   * where `tarmac report --live` runs.
   */
  readonly trustedAccountId: string;
  /** The organization's permissions boundary (LZ.IAM.2). */
  readonly permissionsBoundary?: iam.IManagedPolicy;
  /**
   * Without permissionsBoundary: a managed policy in this stack allowing exactly the role's statements becomes its
   * boundary (LZ.IAM.2), for the management account, which the organization's boundary never reaches. @default false
   */
  readonly ownBoundary?: boolean;
  /**
   * The role is created only where this condition holds. It has a fixed name and IAM is global, so a template
   * deployed to every region of an account creates it in one (the account baseline's IsHomeRegion). @default always
   */
  readonly condition?: CfnCondition;
}

const TWELVE_DIGITS = /^\d{12}$/;

/**
 * The read-only role `tarmac report --live` assumes in an account: TarmacReportReader under /tarmac/, so the
 * collector knows its ARN (reportReaderRoleArn of @tarmac/core). Trusted by the delegated administrator account
 * alone, allowed exactly REPORT_READER_ACTIONS, and denied everything else, which also keeps it out of whatever
 * a resource policy grants the organization's /tarmac/ roles (the rule bundle and log buckets, their key).
 */
export class ReportReaderRole extends Construct {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: ReportReaderRoleProps) {
    super(scope, id);
    if (!Token.isUnresolved(props.trustedAccountId) && !TWELVE_DIGITS.test(props.trustedAccountId)) {
      throw new Error(`${this.node.path}: '${props.trustedAccountId}' is not an AWS account ID (12 digits) for the report reader role to trust`);
    }
    // The role is read in every region: ARNs name any region of this account.
    const arn = (service: string, resource: string) => `arn:${Aws.PARTITION}:${service}:*:${Aws.ACCOUNT_ID}:${resource}`;
    const allows = () => [
      // The Service Authorization Reference lists no resource type for DescribeType and GetHookResult; ListHookResults
      // takes a stack only optionally, and the report lists a hook's results across all its targets.
      new iam.PolicyStatement({
        sid: 'ReadGuardHooks',
        actions: REPORT_READER_ACTIONS.filter((a) => a.startsWith('cloudformation:')),
        resources: ['*'],
      }),
      // A conformance pack is required; ProfileConformancePack names Tarmac's tarmac-<profile>.
      new iam.PolicyStatement({
        sid: 'ReadTarmacConformancePacks',
        actions: REPORT_READER_ACTIONS.filter((a) => a.startsWith('config:')),
        resources: [arn('config', `conformance-pack/${CONFORMANCE_PACK_NAME_PREFIX}*`)],
      }),
      new iam.PolicyStatement({
        sid: 'ReadSecurityHubStandards',
        actions: REPORT_READER_ACTIONS.filter((a) => a.startsWith('securityhub:')),
        resources: [arn('securityhub', 'hub/default')],
      }),
    ];
    const listed = allows().flatMap((s) => s.actions);
    if (listed.length !== REPORT_READER_ACTIONS.length) {
      throw new Error(`${this.node.path}: REPORT_READER_ACTIONS has an action of a service the role does not scope (${REPORT_READER_ACTIONS.join(', ')})`);
    }

    const own =
      !props.permissionsBoundary && props.ownBoundary
        ? new iam.ManagedPolicy(this, 'Boundary', {
            path: REPORT_READER_ROLE_PATH,
            description: 'Tarmac report reader: the most the role can ever do (its own statements), as its permissions boundary',
            statements: allows(),
          })
        : undefined;
    this.role = new iam.Role(this, 'Resource', {
      roleName: REPORT_READER_ROLE_NAME,
      path: REPORT_READER_ROLE_PATH,
      description: 'Tarmac report --live: read the Guard Hooks, conformance packs and Security Hub standards of this account',
      // An account principal: the delegated administrator's own IAM policies decide which of its principals may
      // assume the role. aws:SourceArn/SourceAccount are for service principals, an ExternalId for third parties.
      assumedBy: new iam.AccountPrincipal(props.trustedAccountId),
      permissionsBoundary: props.permissionsBoundary ?? own,
      inlinePolicies: {
        ReadComplianceState: new iam.PolicyDocument({
          statements: [
            ...allows(),
            // Identity policy denies win over resource policies: the buckets and key that trust /tarmac/ roles
            // (in the delegated administrator's own account, where no identity policy is needed) give it nothing.
            new iam.PolicyStatement({ sid: 'NothingElse', effect: iam.Effect.DENY, notActions: [...REPORT_READER_ACTIONS], resources: ['*'] }),
          ],
        }),
      },
    });
    const cfnRole = this.role.node.defaultChild as iam.CfnRole;
    if (props.condition) cfnRole.cfnOptions.condition = props.condition;

    const acknowledge = (target: Construct) => {
      Validations.of(target).acknowledge(
        {
          id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
          reason: 'cloudformation:DescribeType and GetHookResult support no resource type; ListHookResults lists a hook across all its targets',
        },
        {
          id: `AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:config:*:<AWS::AccountId>:conformance-pack/${CONFORMANCE_PACK_NAME_PREFIX}*]`,
          reason: "Tarmac's conformance packs (tarmac-<profile>) in any region: the pack's ID in its ARN is chosen by AWS Config",
        },
        {
          id: 'AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:securityhub:*:<AWS::AccountId>:hub/default]',
          reason: "The account's Security Hub hub in any region the report reads",
        },
      );
    };
    acknowledge(this.role);
    if (own) acknowledge(own);
  }
}
