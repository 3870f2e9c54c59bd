// The team's CDK app. No catalog configuration anywhere: @tarmac/cdk finds the catalog package this
// project depends on (package.json devDependencies), as `tarmac check` does.
//   node app.js               the app as committed: the uploads bucket breaks the S3 controls
//   node app.js --compliant   without that bucket: synthesizes cleanly under profile prod
const { App, Aspects, Stack, Validations } = require('aws-cdk-lib');
const iam = require('aws-cdk-lib/aws-iam');
const kms = require('aws-cdk-lib/aws-kms');
const s3 = require('aws-cdk-lib/aws-s3');
const sqs = require('aws-cdk-lib/aws-sqs');
const { MandatoryTags, PermissionsBoundary, TarmacChecks } = require('@tarmac/cdk');

const app = new App({ outdir: process.env.CDK_OUTDIR || 'cdk.out' });
Validations.of(app).addPlugins(new TarmacChecks(app, { profile: 'prod' }));
Aspects.of(app).add(new MandatoryTags({ team: 'orders', project: 'order-intake', env: 'prod', domain: 'serving', 'cost-center': 'cc-4711' }));
Aspects.of(app).add(new PermissionsBoundary());

const stack = new Stack(app, 'Orders');
const key = new kms.Key(stack, 'QueueKey', { enableKeyRotation: true });
const events = new sqs.Queue(stack, 'Events', { encryptionMasterKey: key });
// A role with no boundary of its own: PermissionsBoundary gives it the organization's (LZ.IAM.2).
const worker = new iam.Role(stack, 'Worker', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
events.grantConsumeMessages(worker);
if (!process.argv.includes('--compliant')) {
  // No KMS encryption, no public access block, no access logs: blocked at synth.
  new s3.Bucket(stack, 'Uploads', {
    versioned: true,
    blockPublicAccess: new s3.BlockPublicAccess({ blockPublicAcls: false, blockPublicPolicy: false, ignorePublicAcls: false, restrictPublicBuckets: false }),
  });
}

try {
  app.synth();
} catch (err) {
  // The CDK has printed its validation report (also in cdk.out/validation-report.json).
  console.error(err.message);
  process.exitCode = 1;
}
