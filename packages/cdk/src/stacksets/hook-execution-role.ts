import { Aws, Fn, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { HOOK_ROLE_PATH } from './names';

export interface HookExecutionRoleProps {
  /** The bucket holding the rule bundles. */
  readonly bundleBucketName: string;
  /** Object keys of the bundles the hooks read: exactly these, nothing else in the bucket. */
  readonly bundleKeys: readonly string[];
  /** Where the hooks write their Guard reports. */
  readonly logBucketName: string;
  /** ARN of the key both buckets are encrypted with. */
  readonly rulesKeyArn: string;
  /**
   * IAM path. The bundle bucket and the key trust the organization's roles under it; no RoleName, so the
   * same template deploys in every region of an account without a name collision. @default '/tarmac/'
   */
  readonly path?: string;
  /** The organization's permissions boundary (LZ.IAM.2). */
  readonly permissionsBoundary?: iam.IManagedPolicy;
  /**
   * Without permissionsBoundary: create a managed policy in this stack allowing exactly the role's own statements,
   * and make it the role's boundary (LZ.IAM.2), for an account the organization's boundary is not deployed to (the
   * management account, which the account baseline stack set never reaches). @default false
   */
  readonly ownBoundary?: boolean;
}

/**
 * The role a Guard Hook assumes to read its rules and write its reports. Trusted only by CloudFormation
 * hooks of this account and region (the confused-deputy conditions AWS documents), allowed only the
 * pinned bundle objects, report writes to the log bucket, and the key through which both are encrypted.
 */
export class HookExecutionRole extends Construct {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: HookExecutionRoleProps) {
    super(scope, id);
    if (!props.bundleKeys.length) throw new Error(`${this.node.path}: a hook execution role needs at least one bundle key to read`);
    const s3Arn = (bucket: string, key: string) => `arn:${Aws.PARTITION}:s3:::${bucket}/${key}`;
    const trust = new iam.ServicePrincipal('hooks.cloudformation.amazonaws.com').withConditions({
      StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
      ArnLike: { 'aws:SourceArn': Fn.sub('arn:${AWS::Partition}:cloudformation:${AWS::Region}:${AWS::AccountId}:type/hook/*') },
    });
    const statements = () => [
      new iam.PolicyStatement({
        sid: 'ReadPinnedRuleBundles',
        actions: ['s3:GetObject', 's3:GetObjectVersion'],
        resources: [...new Set(props.bundleKeys)].sort().map((key) => s3Arn(props.bundleBucketName, key)),
      }),
      // The documented minimum for a Guard Hook's role ("Prepare to create a Guard Hook") lists the bucket too.
      new iam.PolicyStatement({
        sid: 'ListRuleBundleBucket',
        actions: ['s3:ListBucket'],
        resources: [`arn:${Aws.PARTITION}:s3:::${props.bundleBucketName}`],
      }),
      new iam.PolicyStatement({
        sid: 'WriteGuardReports',
        actions: ['s3:PutObject'],
        resources: [s3Arn(props.logBucketName, '*')],
      }),
      new iam.PolicyStatement({
        sid: 'DecryptBundlesEncryptReports',
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [props.rulesKeyArn],
      }),
    ];
    const own =
      !props.permissionsBoundary && props.ownBoundary
        ? new iam.ManagedPolicy(this, 'Boundary', {
            path: props.path ?? HOOK_ROLE_PATH,
            description: 'Tarmac Guard Hooks: the most the execution role can ever do (its own statements), as its permissions boundary',
            statements: statements(),
          })
        : undefined;
    const boundary = props.permissionsBoundary ?? own;
    this.role = new iam.Role(this, 'Resource', {
      path: props.path ?? HOOK_ROLE_PATH,
      description: 'Tarmac Guard Hooks: read the pinned rule bundles, write Guard reports',
      assumedBy: trust,
      permissionsBoundary: boundary,
      inlinePolicies: { GuardRulesAndReports: new iam.PolicyDocument({ statements: statements() }) },
    });
    if (own) {
      Validations.of(own).acknowledge({
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${props.logBucketName}/*]`,
        reason: "The boundary allows exactly the execution role's statements, whose one wildcard is the Guard reports' keys (below)",
      });
    }
    // The one wildcard: CloudFormation names each report object, so the role may write any key in the log
    // bucket; the bucket policy keeps hook roles out of the access logs.
    Validations.of(this.role).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${props.logBucketName}/*]`,
      reason: 'Guard Hook output reports are written under object keys CloudFormation chooses; the log bucket policy denies hook roles the access-logs/ prefix',
    });
  }
}
