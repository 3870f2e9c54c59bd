import { Aws, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface FlowLogBucketProps {
  /** How long flow log files are kept. */
  readonly retentionDays: number;
}

/** Where S3 server access logs of the bucket go: itself, under this prefix (a chain of log buckets ends in one that logs to itself). */
export const FLOW_LOG_BUCKET_ACCESS_LOGS_PREFIX = 'access-logs/';

/**
 * The bucket VPC flow logs are delivered to, in the account and region of the VPC, with its own key. Hardened
 * like every platform bucket (SSE-KMS with rotation, versioning, TLS only, no public access, no ACLs, access
 * logs, kept when the stack goes) and given the grants AWS documents for log delivery: the bucket policy and
 * key policy statements for delivery.logs.amazonaws.com, for this account's logs only. The bucket's name is
 * generated: a kept bucket must not stop the stack from being created again in the same account.
 */
export class FlowLogBucket extends Construct {
  readonly key: kms.Key;
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: FlowLogBucketProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const logDelivery = {
      StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
      ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:logs:${stack.region}:${Aws.ACCOUNT_ID}:*` },
    };
    this.key = new kms.Key(this, 'Key', {
      description: 'Tarmac network baseline: VPC flow logs of this account and region',
      enableKeyRotation: true,
      policy: new iam.PolicyDocument({
        statements: [
          new iam.PolicyStatement({ sid: 'AccountAdministersKey', principals: [new iam.AccountRootPrincipal()], actions: ['kms:*'], resources: ['*'] }),
          new iam.PolicyStatement({
            sid: 'LogDeliveryEncryptsFlowLogs',
            principals: [new iam.ServicePrincipal('delivery.logs.amazonaws.com')],
            actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
            resources: ['*'],
            conditions: logDelivery,
          }),
          new iam.PolicyStatement({
            sid: 'S3ServerAccessLogsEncryptLogs',
            principals: [new iam.ServicePrincipal('logging.s3.amazonaws.com')],
            actions: ['kms:GenerateDataKey'],
            resources: ['*'],
            conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
          }),
        ],
      }),
    });
    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      versioned: true,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        { id: 'ExpireOwnAccessLogs', prefix: FLOW_LOG_BUCKET_ACCESS_LOGS_PREFIX, expiration: Duration.days(30), noncurrentVersionExpiration: Duration.days(1) },
        {
          id: 'ExpireFlowLogs',
          prefix: 'AWSLogs/',
          expiration: Duration.days(props.retentionDays),
          noncurrentVersionExpiration: Duration.days(1),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
    });
    // Server access logs to itself, set on the L1 with a bucket policy grant: CDK's serverAccessLogsPrefix
    // would grant S3 logging through an ACL in apps without the serverAccessLogsUseBucketPolicy flag, which a
    // bucket with ACLs disabled cannot have.
    (this.bucket.node.defaultChild as s3.CfnBucket).loggingConfiguration = { logFilePrefix: FLOW_LOG_BUCKET_ACCESS_LOGS_PREFIX };
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'S3ServerAccessLogs',
        principals: [new iam.ServicePrincipal('logging.s3.amazonaws.com')],
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects(`${FLOW_LOG_BUCKET_ACCESS_LOGS_PREFIX}*`)],
        conditions: { ArnLike: { 'aws:SourceArn': this.bucket.bucketArn }, StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );
    // As AWS documents for flow logs to S3; declared here, so the service never has to add them itself.
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AWSLogDeliveryWrite',
        principals: [new iam.ServicePrincipal('delivery.logs.amazonaws.com')],
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects(`AWSLogs/${Aws.ACCOUNT_ID}/*`)],
        conditions: { ...logDelivery, StringEquals: { ...logDelivery.StringEquals, 's3:x-amz-acl': 'bucket-owner-full-control' } },
      }),
    );
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AWSLogDeliveryAclCheck',
        principals: [new iam.ServicePrincipal('delivery.logs.amazonaws.com')],
        actions: ['s3:GetBucketAcl', 's3:ListBucket'],
        resources: [this.bucket.bucketArn],
        conditions: logDelivery,
      }),
    );
  }
}
