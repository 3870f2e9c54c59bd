import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { hookRolesArnPattern, platformKeyPolicy } from './hardening';

export interface RulesKeyProps {
  /** The organization whose hook roles read the rule bundles (o-...). */
  readonly organizationId: string;
  /** IAM path of the hook execution roles in member accounts. @default '/tarmac/' */
  readonly hookRolePath?: string;
  /** @default 'Tarmac rule bundles and Guard Hook reports' */
  readonly description?: string;
}

/**
 * The customer managed key of the rule bundle and log buckets (LZ.S3.2 wants KMS; KMS5 and LZ.KMS.1 want
 * rotation). Its policy is platformKeyPolicy's plus one statement: hook roles of the organization decrypt
 * bundles and encrypt their reports, only through S3 in the key's region (the buckets' region, whatever
 * region the hook runs in).
 */
export class RulesKey extends kms.Key {
  constructor(scope: Construct, id: string, props: RulesKeyProps) {
    const stack = Stack.of(scope);
    super(scope, id, {
      description: props.description ?? 'Tarmac rule bundles and Guard Hook reports',
      enableKeyRotation: true,
      policy: platformKeyPolicy(
        scope,
        new iam.PolicyStatement({
          sid: 'OrganizationHookRolesUseKeyThroughS3',
          principals: [new iam.AnyPrincipal()],
          actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
          resources: ['*'],
          conditions: {
            StringEquals: { 'aws:PrincipalOrgID': props.organizationId, 'kms:ViaService': `s3.${stack.region}.amazonaws.com` },
            ArnLike: { 'aws:PrincipalArn': hookRolesArnPattern(scope, props.hookRolePath) },
          },
        }),
      ),
    });
  }
}
