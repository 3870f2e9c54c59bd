import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { ACCESS_LOGS_PREFIX, AccessLogBucket, AccessLogBucketProps } from './access-log-bucket';
import { hookRolesArnPattern, organizationHookRoles } from './hardening';

export interface RuleLogBucketProps extends AccessLogBucketProps {
  /** The organization whose hook roles write their Guard reports here (o-...). */
  readonly organizationId: string;
  /** IAM path of the hook execution roles in member accounts. @default '/tarmac/' */
  readonly hookRolePath?: string;
}

/**
 * The log bucket of the rule bundles: server access logs of the bundle bucket, and the Guard Hooks' output
 * reports from every member account. An AccessLogBucket (hardened, logging to itself) that the organization's
 * hook roles may also write to, outside the access logs.
 */
export class RuleLogBucket extends AccessLogBucket {
  constructor(scope: Construct, id: string, props: RuleLogBucketProps) {
    super(scope, id, props, 'ExpireLogsAndReports');
    // Guard Hooks in every member account write their reports with the hook's execution role.
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'OrganizationHookRolesWriteReports',
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects('*')],
        conditions: organizationHookRoles(this, props.organizationId, props.hookRolePath),
      }),
    );
    // ...but never into the access logs, which only S3 writes.
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'HookRolesNeverWriteAccessLogs',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects(`${ACCESS_LOGS_PREFIX}*`)],
        conditions: { ArnLike: { 'aws:PrincipalArn': hookRolesArnPattern(this, props.hookRolePath) } },
      }),
    );
  }
}
