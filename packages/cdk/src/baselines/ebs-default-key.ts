import { Aws, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

export interface EbsDefaultKeyProps {
  /** alias/<name> or <name>; never alias/aws/ (reserved for AWS managed keys). */
  readonly alias: string;
}

/** The EC2 Auto Scaling service-linked role, in the key's account. */
const AUTOSCALING_SLR_PATH = 'role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling';

/**
 * A customer managed key for EBS encryption, with the key policy that lets this account's principals use it
 * through EC2 (as the AWS managed aws/ebs key does) and lets EC2 Auto Scaling launch instances with volumes
 * encrypted under it (AWS documents the two statements its service-linked role needs).
 *
 * CloudFormation cannot make it the account's default EBS key or turn on encryption by default: those are
 * the EC2 API calls ModifyEbsDefaultKmsKeyId and EnableEbsEncryptionByDefault, per account and region (or a
 * declarative policy for EBS encryption by default). docs/baselines.md says how.
 */
export class EbsDefaultKey extends Construct {
  readonly key: kms.Key;
  readonly alias: kms.Alias;

  constructor(scope: Construct, id: string, props: EbsDefaultKeyProps) {
    super(scope, id);
    const aliasName = props.alias.startsWith('alias/') ? props.alias : `alias/${props.alias}`;
    if (!/^alias\/[\w/-]{1,250}$/.test(aliasName) || aliasName.startsWith('alias/aws/')) {
      throw new Error(`${this.node.path}: '${props.alias}' is not a KMS alias Tarmac can create: alias/ then letters, digits, /, _ or -, not under alias/aws/`);
    }
    const stack = Stack.of(this);
    // The role ARN is a condition, not a Principal: KMS refuses a key policy naming a role that does not exist,
    // and the service-linked role appears only when the account's first Auto Scaling group is created.
    const autoScalingRole = {
      StringEquals: { 'aws:PrincipalAccount': Aws.ACCOUNT_ID },
      ArnEquals: { 'aws:PrincipalArn': `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:${AUTOSCALING_SLR_PATH}` },
    };
    this.key = new kms.Key(this, 'Key', {
      description: 'Tarmac account baseline: EBS volumes and snapshots of this account',
      enableKeyRotation: true,
      policy: new iam.PolicyDocument({
        statements: [
          new iam.PolicyStatement({ sid: 'AccountAdministersKey', principals: [new iam.AccountRootPrincipal()], actions: ['kms:*'], resources: ['*'] }),
          new iam.PolicyStatement({
            sid: 'AccountPrincipalsUseKeyThroughEc2',
            principals: [new iam.AnyPrincipal()],
            actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:CreateGrant', 'kms:DescribeKey'],
            resources: ['*'],
            conditions: { StringEquals: { 'kms:CallerAccount': Aws.ACCOUNT_ID, 'kms:ViaService': `ec2.${stack.region}.amazonaws.com` } },
          }),
          new iam.PolicyStatement({
            sid: 'AutoScalingUsesKey',
            principals: [new iam.AnyPrincipal()],
            actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
            resources: ['*'],
            conditions: autoScalingRole,
          }),
          new iam.PolicyStatement({
            sid: 'AutoScalingGrantsToAwsResources',
            principals: [new iam.AnyPrincipal()],
            actions: ['kms:CreateGrant'],
            resources: ['*'],
            conditions: { ...autoScalingRole, Bool: { 'kms:GrantIsForAWSResource': 'true' } },
          }),
        ],
      }),
    });
    this.alias = new kms.Alias(this, 'Alias', { aliasName, targetKey: this.key });
  }
}
