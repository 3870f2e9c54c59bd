import { RemovalPolicy } from 'aws-cdk-lib';
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
