import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { HOOK_ROLE_PATH } from './names';
import { partitionOf } from './platform-stack';

/**
 * What every platform bucket is, whatever it holds, so the prod controls and cdk-nag pass it: named, versioned
 * (LZ.S3 versioning), SSE-KMS with the given key and a bucket key (fewer KMS calls from every hook in the
 * organization), TLS only, no public access of any kind, no ACLs, and kept when the stack goes.
 */
export function hardenedBucketProps(bucketName: string, encryptionKey: kms.IKey): s3.BucketProps {
  return {
    bucketName,
    encryption: s3.BucketEncryption.KMS,
    encryptionKey,
    bucketKeyEnabled: true,
    versioned: true,
    enforceSSL: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    removalPolicy: RemovalPolicy.RETAIN,
  };
}

/** aws:PrincipalArn pattern of the hook execution roles of every account: arn:aws:iam::*:role/tarmac/* */
export function hookRolesArnPattern(scope: Construct, rolePath: string = HOOK_ROLE_PATH): string {
  return `arn:${partitionOf(scope)}:iam::*:role${rolePath}*`;
}

/** A resource policy's conditions for "a hook execution role of this organization". */
export function organizationHookRoles(scope: Construct, organizationId: string, rolePath?: string): Record<string, Record<string, string>> {
  return { StringEquals: { 'aws:PrincipalOrgID': organizationId }, ArnLike: { 'aws:PrincipalArn': hookRolesArnPattern(scope, rolePath) } };
}

/**
 * The key policy every platform key starts from, with the key's own statements in the middle:
 * - the account administers it, as with CDK's default key policy (IAM policies of its roles grant its use);
 * - nobody creates grants, except for AWS services (nothing here needs one; Control Tower CT.KMS.PR.3);
 * - S3 server access logging encrypts log objects, for this account's buckets only.
 */
export function platformKeyPolicy(scope: Construct, ...own: iam.PolicyStatement[]): iam.PolicyDocument {
  return new iam.PolicyDocument({
    statements: [
      new iam.PolicyStatement({ sid: 'AccountAdministersKey', principals: [new iam.AccountRootPrincipal()], actions: ['kms:*'], resources: ['*'] }),
      new iam.PolicyStatement({
        sid: 'DenyGrantsExceptForAwsServices',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['kms:CreateGrant'],
        resources: ['*'],
        conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
      }),
      ...own,
      new iam.PolicyStatement({
        sid: 'S3ServerAccessLogsEncryptLogs',
        principals: [new iam.ServicePrincipal('logging.s3.amazonaws.com')],
        actions: ['kms:GenerateDataKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(scope).account } },
      }),
    ],
  });
}
