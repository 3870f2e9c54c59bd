import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { hookRolesArnPattern } from './hardening';

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
 * rotation). Its policy is the whole story of who may use it:
 * - the account administers it, as with CDK's default key policy;
 * - hook roles of the organization decrypt bundles and encrypt their reports, only through S3 in the key's
 *   region (the buckets' region, whatever region the hook runs in);
 * - S3 server access logging encrypts log objects, for this account's buckets only;
 * - nobody creates grants, except for AWS services.
 */
export class RulesKey extends kms.Key {
  constructor(scope: Construct, id: string, props: RulesKeyProps) {
    const stack = Stack.of(scope);
    super(scope, id, {
      description: props.description ?? 'Tarmac rule bundles and Guard Hook reports',
      enableKeyRotation: true,
      policy: new iam.PolicyDocument({
        statements: [
          new iam.PolicyStatement({
            sid: 'AccountAdministersKey',
            principals: [new iam.AccountRootPrincipal()],
            actions: ['kms:*'],
            resources: ['*'],
          }),
          // Nothing here needs a grant; AWS services may still make theirs (Control Tower CT.KMS.PR.3).
          new iam.PolicyStatement({
            sid: 'DenyGrantsExceptForAwsServices',
            effect: iam.Effect.DENY,
            principals: [new iam.AnyPrincipal()],
            actions: ['kms:CreateGrant'],
            resources: ['*'],
            conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
          }),
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
          new iam.PolicyStatement({
            sid: 'S3ServerAccessLogsEncryptLogs',
            principals: [new iam.ServicePrincipal('logging.s3.amazonaws.com')],
            actions: ['kms:GenerateDataKey'],
            resources: ['*'],
            conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
          }),
        ],
      }),
    });
  }
}
