import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { hardenedBucketProps, hookRolesArnPattern, organizationHookRoles } from './hardening';
import { pascalCase } from './names';

export interface RuleLogBucketProps {
  readonly bucketName: string;
  readonly encryptionKey: kms.IKey;
  /** The organization whose hook roles write their Guard reports here (o-...). */
  readonly organizationId: string;
  /** IAM path of the hook execution roles in member accounts. @default '/tarmac/' */
  readonly hookRolePath?: string;
  /** How long server access logs and Guard reports are kept. @default 365 days */
  readonly retention?: Duration;
  /** How long the bucket's logs of its own access are kept. @default 7 days */
  readonly selfLogRetention?: Duration;
}

/** Where server access logs go: every bucket's under access-logs/<bucket>/, this one's included. */
export const ACCESS_LOGS_PREFIX = 'access-logs/';

/**
 * The log bucket of the rule bundles: server access logs of the bundle bucket, and the Guard Hooks' output
 * reports from every member account. Hardened like any prod bucket (the hooks we deploy check it too), and
 * it logs its own access under its own prefix with a short expiry: a chain of log buckets has to end in
 * one that logs to itself (ADR 0006 decision 8).
 */
export class RuleLogBucket extends Construct {
  readonly bucket: s3.Bucket;
  /** Prefix of a bucket's server access logs in this bucket. */
  static accessLogsPrefix(bucketName: string): string {
    return `${ACCESS_LOGS_PREFIX}${bucketName}/`;
  }

  /**
   * Lets S3 server access logging deliver another bucket's logs here, under access-logs/<bucket>/ (the prefix
   * returned), for that bucket only. The key policy of RulesKey already lets S3 logging encrypt them: CDK's
   * own wiring would instead grant it every use of the key, with no condition.
   */
  allowAccessLogsFrom(source: s3.IBucket, sourceName: string): string {
    const prefix = RuleLogBucket.accessLogsPrefix(sourceName);
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: `S3ServerAccessLogsFrom${pascalCase(sourceName)}`,
        principals: [new iam.ServicePrincipal('logging.s3.amazonaws.com')],
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects(`${prefix}*`)],
        conditions: { ArnLike: { 'aws:SourceArn': source.bucketArn }, StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    return prefix;
  }

  constructor(scope: Construct, id: string, props: RuleLogBucketProps) {
    super(scope, id);
    const ownLogs = RuleLogBucket.accessLogsPrefix(props.bucketName);
    this.bucket = new s3.Bucket(this, 'Resource', {
      ...hardenedBucketProps(props.bucketName, props.encryptionKey),
      // No serverAccessLogsBucket: the bucket logs to itself, and CDK grants S3 logging that one prefix.
      serverAccessLogsPrefix: ownLogs,
      lifecycleRules: [
        // Logs of reading logs: needed for LZ.S3.5, worth little after a week.
        { id: 'ExpireOwnAccessLogs', prefix: ownLogs, expiration: props.selfLogRetention ?? Duration.days(7), noncurrentVersionExpiration: Duration.days(1) },
        {
          id: 'ExpireLogsAndReports',
          expiration: props.retention ?? Duration.days(365),
          noncurrentVersionExpiration: Duration.days(30),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
    });
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
