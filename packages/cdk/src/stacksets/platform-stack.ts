import { App, AppProps, BootstraplessSynthesizer, Stack, StackProps, Tags, Token } from 'aws-cdk-lib';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { Construct } from 'constructs';
import { compareNames } from './names';

export interface PlatformStackProps extends StackProps {
  /** The organization's mandatory tags, as the platform's own resources carry them (org.yaml deployment.tags). */
  readonly platformTags: Readonly<Record<string, string>>;
}

/**
 * A stack of the platform's own templates: deployable as a plain stack, by StackSets or by the StackSets API.
 * Nothing bootstrap-dependent (no version parameter or rule, no assets: the synthesizer refuses them), no
 * CDKMetadata, and every taggable resource carries the platform tags.
 */
export class PlatformStack extends Stack {
  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id, { ...props, synthesizer: new BootstraplessSynthesizer(), analyticsReporting: false });
    for (const [key, value] of Object.entries(props.platformTags).sort(([a], [b]) => compareNames(a, b))) Tags.of(this).add(key, value);
  }
}

/**
 * Context for the apps the platform templates are synthesized in. A bare `new App()` takes CDK's v2 defaults,
 * under which server access logs are granted with an ACL, which a bucket with ACLs disabled
 * (BucketOwnerEnforced) cannot have; the CDK's own CloudFormation validation (resource schemas) only
 * warns, and a template CloudFormation would refuse must fail the build; path metadata would make
 * templates depend on construct paths.
 */
export const PLATFORM_APP_CONTEXT: Readonly<Record<string, unknown>> = {
  '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
  '@aws-cdk/core:validateAgainstDefaultRules': true,
  '@aws-cdk/aws-iam:minimizePolicies': true,
  'aws:cdk:enable-path-metadata': false,
  'aws:cdk:version-reporting': false,
};

export function platformApp(props: AppProps = {}): App {
  return new App({ ...props, analyticsReporting: false, stackTraces: false, context: { ...PLATFORM_APP_CONTEXT, ...props.context } });
}

/**
 * The partition as a literal when the stack's region is known (arn:aws:iam::*:role/tarmac/* reads better in a
 * policy than a Fn::Join, and checks evaluate literals), else the AWS::Partition reference.
 */
export function partitionOf(scope: Construct): string {
  const stack = Stack.of(scope);
  if (Token.isUnresolved(stack.region)) return stack.partition;
  return RegionInfo.get(stack.region).partition ?? stack.partition;
}
