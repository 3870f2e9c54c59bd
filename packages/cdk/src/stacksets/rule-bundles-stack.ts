import { CfnOutput } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { BUNDLE_BUCKET_NAME, LOG_BUCKET_NAME, RULES_KEY_ARN } from './names';
import { PlatformStack, PlatformStackProps } from './platform-stack';
import { RuleBundleBucket } from './rule-bundle-bucket';
import { RuleLogBucket } from './rule-log-bucket';
import { RulesKey } from './rules-key';

export interface RuleBundlesStackProps extends PlatformStackProps {
  readonly organizationId: string;
  /** The organization's management account: `tarmac deploy --management` reads the bundles' versions from there. @default none */
  readonly managementAccountId?: string;
  readonly bundleBucketName: string;
  readonly logBucketName: string;
}

/**
 * The delegated administrator's stack in its home region: the key, the bundle bucket and the log bucket.
 * `tarmac deploy` deploys it first; its RulesKeyArn output feeds the stack sets' RulesKeyArn parameter.
 */
export class RuleBundlesStack extends PlatformStack {
  readonly key: RulesKey;
  readonly bundles: RuleBundleBucket;
  readonly logs: RuleLogBucket;

  constructor(scope: Construct, id: string, props: RuleBundlesStackProps) {
    super(scope, id, { description: 'Tarmac: the rule bundle bucket, its log bucket and their key (ADR 0006).', ...props });
    const { organizationId } = props;
    this.key = new RulesKey(this, 'RulesKey', { organizationId });
    this.logs = new RuleLogBucket(this, 'LogBucket', { bucketName: props.logBucketName, encryptionKey: this.key, organizationId });
    this.bundles = new RuleBundleBucket(this, 'BundleBucket', {
      bucketName: props.bundleBucketName,
      encryptionKey: this.key,
      organizationId,
      managementAccountId: props.managementAccountId,
      accessLogsBucket: this.logs,
    });
    new CfnOutput(this, RULES_KEY_ARN, {
      value: this.key.keyArn,
      description: "Key of the rule bundles and Guard reports: the stack sets' RulesKeyArn parameter",
    });
    new CfnOutput(this, BUNDLE_BUCKET_NAME, { value: this.bundles.bucket.bucketName, description: 'Where tarmac deploy uploads the rule bundles' });
    new CfnOutput(this, LOG_BUCKET_NAME, { value: this.logs.bucket.bucketName, description: 'Server access logs and Guard Hook reports' });
  }
}
