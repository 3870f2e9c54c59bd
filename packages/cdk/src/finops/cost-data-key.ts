import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { platformKeyPolicy } from '../stacksets/hardening';
import { partitionOf } from '../stacksets/platform-stack';

export interface CostDataKeyProps {
  /** The bucket Data Exports delivers CUR 2.0 to; the export services may use the key for it only. */
  readonly costDataBucketName: string;
}

/** The services that deliver exports to S3: Data Exports, and billing reports, which its bucket policy names too. */
export const EXPORT_DELIVERY_SERVICES = ['bcm-data-exports.amazonaws.com', 'billingreports.amazonaws.com'];

/**
 * The customer managed key of the FinOps account's buckets (cost data, Athena results, access logs) and of
 * Athena's query results (LZ.S3.2 wants SSE-KMS; KMS5 and LZ.KMS.1 want rotation). Its policy is
 * platformKeyPolicy's (the account administers it, so IAM policies of analysts and Athena users grant its
 * use) plus: Data Exports encrypts the CUR 2.0 files it writes, through S3 and for the cost data bucket only
 * (the encryption context S3 passes is the bucket's ARN with a bucket key, an object's without); the bucket
 * policy is what limits delivery to the management account's exports. Decrypt is there because S3 needs it
 * from the uploader of a multipart upload.
 */
export class CostDataKey extends kms.Key {
  constructor(scope: Construct, id: string, props: CostDataKeyProps) {
    const stack = Stack.of(scope);
    const bucketArn = `arn:${partitionOf(scope)}:s3:::${props.costDataBucketName}`;
    super(scope, id, {
      description: 'Tarmac cost data: CUR 2.0 exports, Athena results and their access logs',
      enableKeyRotation: true,
      policy: platformKeyPolicy(
        scope,
        new iam.PolicyStatement({
          sid: 'DataExportsEncryptCostDataThroughS3',
          principals: EXPORT_DELIVERY_SERVICES.map((s) => new iam.ServicePrincipal(s)),
          actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
          resources: ['*'],
          conditions: {
            StringEquals: { 'kms:ViaService': `s3.${stack.region}.amazonaws.com` },
            StringLike: { 'kms:EncryptionContext:aws:s3:arn': [bucketArn, `${bucketArn}/*`] },
          },
        }),
      ),
    });
  }
}
