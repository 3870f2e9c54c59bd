/**
 * A workload team's CDK app with the organization's controls at `cdk synth`. Run it from the repository:
 *   npm run build && npm run synth:example     (or: cd examples/cdk-app && npx cdk synth)
 * It fails on purpose: the landing bucket has blocking findings, shown in CDK's own validation report.
 */
import * as path from 'path';
import { App, Aspects, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { Construct } from 'constructs';
import { MandatoryTags, PermissionsBoundary, TarmacChecks } from '@tarmac/cdk';

export class DataLakeStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const key = new kms.Key(this, 'DataKey', { enableKeyRotation: true });
    const accessLogs = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      versioned: true,
    });
    // Acknowledged per finding: this one bucket, this one control, with the reason on record.
    Validations.of(accessLogs).acknowledge(
      { id: 'Tarmac::LZ.S3.2', reason: 'S3 server access logs can only be delivered to SSE-S3 buckets' },
      { id: 'Tarmac::LZ.S3.5', reason: 'the access log bucket does not log itself' },
    );
    new s3.Bucket(this, 'Curated', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: key,
      enforceSSL: true,
      versioned: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'curated/',
    });
    // Blocking findings: no public access block, no KMS, no versioning, no access logs.
    new s3.Bucket(this, 'Landing');
    new sqs.Queue(this, 'Events');
    new sqs.Queue(this, 'Retries');
  }
}

export function exampleApp(outdir?: string): App {
  const app = new App({ outdir });
  Validations.of(app).addPlugins(new TarmacChecks(app, { profile: 'prod' }), new AwsSolutionsChecks(app));
  Aspects.of(app).add(new MandatoryTags({ team: 'data', project: 'lake', env: 'prod', domain: 'curated', 'cost-center': 'cc-42' }));
  Aspects.of(app).add(new PermissionsBoundary()); // the organization's boundary, by name from the catalog
  const stack = new DataLakeStack(app, 'DataLake');
  // Acknowledged per control: every queue of this stack, at once.
  Validations.of(stack).acknowledge({ id: 'Tarmac::LZ.SQS.1', reason: 'the queues carry object keys only; KMS is tracked in DATA-112' });
  return app;
}

if (require.main === module) {
  try {
    exampleApp(process.env.CDK_OUTDIR ?? path.join(__dirname, '..', 'cdk.out')).synth();
  } catch (err) {
    // The CDK has printed its validation report; say where the copy is, without a stack trace.
    console.error((err as Error).message);
    process.exitCode = 1;
  }
}
