import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { hardenedBucketProps } from '../stacksets/hardening';
import { pascalCase } from '../stacksets/names';

export interface AccessLogBucketProps {
  readonly bucketName: string;
  /** A key whose policy lets logging.s3.amazonaws.com generate data keys for this account (CostDataKey does). */
  readonly encryptionKey: kms.IKey;
  /** How long access logs are kept. @default 365 days */
  readonly retention?: Duration;
}

/** Where server access logs go: each bucket's under access-logs/<bucket>/, this one's included. */
const ACCESS_LOGS_PREFIX = 'access-logs/';

/**
 * The server access log bucket of the FinOps account's cost buckets (LZ.S3.5, cdk-nag S1), hardened like
 * them. It logs its own access under its own prefix, kept a week: a chain of log buckets has to end in one
 * that logs to itself.
 */
export class AccessLogBucket extends Construct {
  readonly bucket: s3.Bucket;

  static prefixFor(bucketName: string): string {
    return `${ACCESS_LOGS_PREFIX}${bucketName}/`;
  }

  constructor(scope: Construct, id: string, props: AccessLogBucketProps) {
    super(scope, id);
    const own = AccessLogBucket.prefixFor(props.bucketName);
    this.bucket = new s3.Bucket(this, 'Resource', {
      ...hardenedBucketProps(props.bucketName, props.encryptionKey),
      serverAccessLogsPrefix: own,
      lifecycleRules: [
        { id: 'ExpireOwnAccessLogs', prefix: own, expiration: Duration.days(7), noncurrentVersionExpiration: Duration.days(1) },
        { id: 'ExpireAccessLogs', expiration: props.retention ?? Duration.days(365), noncurrentVersionExpiration: Duration.days(30), abortIncompleteMultipartUploadAfter: Duration.days(7) },
      ],
    });
  }

  /**
   * Sends `source`'s server access logs here, under access-logs/<sourceName>/. Set on the L1: given to the L2,
   * CDK would grant S3 logging every use of the key; the key's policy already lets it encrypt logs.
   */
  logAccessOf(source: s3.Bucket, sourceName: string): void {
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
    (source.node.defaultChild as s3.CfnBucket).loggingConfiguration = { destinationBucketName: this.bucket.bucketName, logFilePrefix: prefix };
  }
}
