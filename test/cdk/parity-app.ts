import { App, Aspects, CfnParameter, Duration, NestedStack, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { MandatoryTags, PermissionsBoundary, TarmacChecks } from '@tarmac/cdk';

/**
 * An app written the way teams write them, not for the rules: L2 defaults, a few hardened resources, a
 * nested stack, a VPC, values from parameters. Several stacks, some with the aspects and some without.
 */
export function parityApp(outdir: string, policies: string): App {
  const app = new App({ outdir });
  Validations.of(app).addPlugins(new TarmacChecks(app, { profile: 'prod', policies }));

  const ingest = new Stack(app, 'Ingest');
  Aspects.of(ingest).add(new MandatoryTags({ team: 'data', project: 'lake', env: 'prod', domain: 'raw', 'cost-center': 'cc-42' }, { policies }));
  const key = new kms.Key(ingest, 'DataKey', { enableKeyRotation: true });
  const logBucket = new s3.Bucket(ingest, 'AccessLogs', { encryption: s3.BucketEncryption.S3_MANAGED, enforceSSL: true });
  new s3.Bucket(ingest, 'Landing');
  new s3.Bucket(ingest, 'Curated', {
    encryption: s3.BucketEncryption.KMS,
    encryptionKey: key,
    versioned: true,
    enforceSSL: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    serverAccessLogsBucket: logBucket,
    serverAccessLogsPrefix: 'curated/',
  });
  const algorithm = new CfnParameter(ingest, 'ArchiveAlgorithm', { default: 'aws:kms' });
  new s3.CfnBucket(ingest, 'Archive', {
    bucketEncryption: { serverSideEncryptionConfiguration: [{ serverSideEncryptionByDefault: { sseAlgorithm: algorithm.valueAsString } }] },
  });
  const dlq = new sqs.Queue(ingest, 'Dead', { encryptionMasterKey: key });
  new sqs.Queue(ingest, 'Events', { deadLetterQueue: { queue: dlq, maxReceiveCount: 3 }, visibilityTimeout: Duration.minutes(2) });
  new dynamodb.Table(ingest, 'Offsets', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });

  const serve = new Stack(app, 'Serve');
  Aspects.of(serve).add(new PermissionsBoundary({ policies }));
  const fn = new lambda.Function(serve, 'Api', {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({})'),
  });
  new logs.LogGroup(serve, 'Audit', { retention: logs.RetentionDays.ONE_YEAR, removalPolicy: RemovalPolicy.DESTROY });
  new sns.Topic(serve, 'Alerts');
  new iam.Role(serve, 'Operator', {
    assumedBy: new iam.AccountRootPrincipal(),
    managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AdministratorAccess')],
  });
  fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['*'], resources: ['*'] }));

  const network = new Stack(app, 'Network');
  const vpc = new ec2.Vpc(network, 'Vpc', { maxAzs: 2, natGateways: 1 });
  const sg = new ec2.SecurityGroup(network, 'Bastion', { vpc });
  sg.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(22));
  const shared = new NestedStack(network, 'Shared');
  new s3.Bucket(shared, 'Artifacts', { versioned: true });
  new sqs.Queue(shared, 'Jobs');
  new kms.Key(shared, 'SharedKey');
  return app;
}
