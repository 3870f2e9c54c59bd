import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { hardenedBucketProps } from './hardening';
import { pascalCase } from './names';

export interface AccessLogBucketProps {
  readonly bucketName: string;
  /** A key whose policy lets logging.s3.amazonaws.com generate data keys for this account (RulesKey and CostDataKey do). */
  readonly encryptionKey: kms.IKey;
  /** How long what the bucket receives is kept. @default 365 days */
  readonly retention?: Duration;
  /** How long the bucket's logs of its own access are kept. @default 7 days */
  readonly selfLogRetention?: Duration;
}

/** Where server access logs go: each bucket's under access-logs/<bucket>/, this one's included. */
export const ACCESS_LOGS_PREFIX = 'access-logs/';

/**
 * A server access log bucket for the platform's buckets (LZ.S3.5, cdk-nag S1), hardened like them. It logs
 * its own access under its own prefix with a short expiry: a chain of log buckets has to end in one that
 * logs to itself (ADR 0006 decision 8).
 */
export class AccessLogBucket extends Construct {
  readonly bucket: s3.Bucket;

  /** Prefix of a bucket's server access logs in this bucket. */
  static prefixFor(bucketName: string): string {
    return `${ACCESS_LOGS_PREFIX}${bucketName}/`;
  }

  constructor(scope: Construct, id: string, props: AccessLogBucketProps, retentionRuleId = 'ExpireAccessLogs') {
    super(scope, id);
    const own = AccessLogBucket.prefixFor(props.bucketName);
    this.bucket = new s3.Bucket(this, 'Resource', {
      ...hardenedBucketProps(props.bucketName, props.encryptionKey),
      // No serverAccessLogsBucket: the bucket logs to itself, and CDK grants S3 logging that one prefix.
      serverAccessLogsPrefix: own,
      lifecycleRules: [
        // Logs of reading logs: needed for LZ.S3.5, worth little after a week.
        { id: 'ExpireOwnAccessLogs', prefix: own, expiration: props.selfLogRetention ?? Duration.days(7), noncurrentVersionExpiration: Duration.days(1) },
        {
          id: retentionRuleId,
          expiration: props.retention ?? Duration.days(365),
          noncurrentVersionExpiration: Duration.days(30),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
    });
  }

  /**
   * Lets S3 server access logging deliver another bucket's logs here, under access-logs/<bucket>/ (the prefix
   * returned), for that bucket only. The key's policy already lets S3 logging encrypt them: CDK's own wiring
   * would instead grant it every use of the key, with no condition.
   */
  allowAccessLogsFrom(source: s3.IBucket, sourceName: string): string {
    const prefix = AccessLogBucket.prefixFor(sourceName);
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

  /** allowAccessLogsFrom, and turns the source's logging on (on the L1, for the reason above). */
  logAccessOf(source: s3.Bucket, sourceName: string): void {
    const logFilePrefix = this.allowAccessLogsFrom(source, sourceName);
    (source.node.defaultChild as s3.CfnBucket).loggingConfiguration = { destinationBucketName: this.bucket.bucketName, logFilePrefix };
  }
}
