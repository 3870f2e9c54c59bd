import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { hardenedBucketProps, organizationHookRoles } from './hardening';
import { RuleLogBucket } from './rule-log-bucket';

export interface RuleBundleBucketProps {
  readonly bucketName: string;
  readonly encryptionKey: kms.IKey;
  /** The organization whose hook roles read the bundles (o-...). */
  readonly organizationId: string;
  /**
   * The organization's management account, whose principals may read the bundles' metadata (HeadObject: the
   * VersionId and the key) so that `tarmac deploy --management` can pin them in the management account's hook
   * stack, and list the bucket (a missing bundle is then a 404, not a 403). Its IAM policies decide which of its
   * principals. @default none
   */
  readonly managementAccountId?: string;
  /** Receives the server access logs, under access-logs/<bucketName>/. */
  readonly accessLogsBucket: RuleLogBucket;
  /** IAM path of the hook execution roles in member accounts. @default '/tarmac/' */
  readonly hookRolePath?: string;
  /** Key prefix of the bundles (RuleBundle.key is hooks/<hook>/<sha256>.zip). @default 'hooks/' */
  readonly bundlePrefix?: string;
}

/**
 * The versioned, KMS-encrypted, organization-readable bucket holding the rule bundles (DESIGN.md decision 4).
 * Versioned because each hook pins a bundle's VersionId; a key is written once (`tarmac deploy` uploads with
 * If-None-Match: *), so a key has exactly one version. Only hook execution roles of the organization
 * (the /tarmac/ path) may read, and only the bundles.
 */
export class RuleBundleBucket extends Construct {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: RuleBundleBucketProps) {
    super(scope, id);
    // Retained (as every hardened bucket): a bundle pinned by a deployed hook must outlive this stack.
    this.bucket = new s3.Bucket(this, 'Resource', {
      ...hardenedBucketProps(props.bucketName, props.encryptionKey),
      // Failed uploads only. No expiry of any version: a deployed hook may pin any version, however old.
      lifecycleRules: [{ id: 'AbortIncompleteUploads', abortIncompleteMultipartUploadAfter: Duration.days(1) }],
    });
    // Logging set on the L1: given to the L2, CDK would grant S3 logging every use of the log bucket's key.
    (this.bucket.node.defaultChild as s3.CfnBucket).loggingConfiguration = {
      destinationBucketName: props.accessLogsBucket.bucket.bucketName,
      logFilePrefix: props.accessLogsBucket.allowAccessLogsFrom(this.bucket, props.bucketName),
    };
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'OrganizationHookRolesReadBundles',
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:GetObject', 's3:GetObjectVersion'],
        resources: [this.bucket.arnForObjects(`${props.bundlePrefix ?? 'hooks/'}*`)],
        conditions: organizationHookRoles(this, props.organizationId, props.hookRolePath),
      }),
    );
    // Part of the minimum AWS documents for a Guard Hook's role ("Prepare to create a Guard Hook"): without
    // it, a missing object reads as AccessDenied rather than NoSuchKey, and the hook may not read at all.
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'OrganizationHookRolesListBundles',
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:ListBucket'],
        resources: [this.bucket.bucketArn],
        conditions: organizationHookRoles(this, props.organizationId, props.hookRolePath),
      }),
    );
    if (props.managementAccountId) {
      // s3:GetObject is what HeadObject needs; the objects stay encrypted with a key this account is not granted.
      this.bucket.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'ManagementAccountReadsBundleVersions',
          principals: [new iam.AccountPrincipal(props.managementAccountId)],
          actions: ['s3:GetObject', 's3:ListBucket'],
          resources: [this.bucket.bucketArn, this.bucket.arnForObjects(`${props.bundlePrefix ?? 'hooks/'}*`)],
        }),
      );
    }
  }
}
