import * as path from 'path';
import { App, Aspects, Stack, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { MandatoryTags } from '../mandatory-tags';
import { TarmacChecks } from '../tarmac-checks';
import { newApp, synthesize } from './synth';

const POLICIES = path.resolve(__dirname, '..', '..', '..', '..', 'policies');
const TAGS = { team: 'data', project: 'lake', env: 'prod' as const, domain: 'raw', 'cost-center': 'cc-42' };
const DATA_PROD = '666666666666';

/**
 * An app whose one bucket has every prod control but LZ.S3.2 (KMS) satisfied, as `RawBucket` in stack `stackName`
 * deployed to `account`: EX-0001 (policies/exemptions.yaml) exempts exactly that in data-prod's legacy-ingest-* stacks.
 */
function bucketApp(at: string, stackName: string, account?: string): App {
  const app = newApp();
  Validations.of(app).addPlugins(new TarmacChecks(app, { profile: 'prod', policies: POLICIES, at }));
  Aspects.of(app).add(new MandatoryTags(TAGS, { policies: POLICIES }));
  const stack = new Stack(app, 'Ingest', { stackName, ...(account ? { env: { account, region: 'eu-west-1' } } : {}) });
  const logs = new s3.Bucket(stack, 'Logs', {
    encryption: s3.BucketEncryption.KMS,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    versioned: true,
    enforceSSL: true,
  });
  (logs.node.defaultChild as s3.CfnBucket).loggingConfiguration = { destinationBucketName: 'central-access-logs', logFilePrefix: 'logs/' };
  const raw = new s3.Bucket(stack, 'Raw', {
    encryption: s3.BucketEncryption.S3_MANAGED,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    versioned: true,
    enforceSSL: true,
    serverAccessLogsBucket: logs,
  });
  (raw.node.defaultChild as s3.CfnBucket).overrideLogicalId('RawBucket');
  return app;
}

const rules = (app: App) => (synthesize(app).tarmac?.violations ?? []).map((v) => `${v.ruleName}:${v.severity}`);

test('TarmacChecks honours the exemption for the exempted account, stack and resource', () => {
  expect(rules(bucketApp('2027-01-10', 'legacy-ingest-eu', DATA_PROD))).toEqual([]);
  // The same bucket anywhere else still fails synthesis.
  expect(rules(bucketApp('2027-01-10', 'legacy-ingest-eu', '888888888888'))).toEqual(['LZ.S3.2:error']);
  expect(rules(bucketApp('2027-01-10', 'ingest-eu', DATA_PROD))).toEqual(['LZ.S3.2:error']);
  expect(rules(bucketApp('2027-01-10', 'legacy-ingest-eu'))).toEqual(['LZ.S3.2:error']);
});

test('an exemption ending soon is a warning naming it; an expired one blocks again and says so', () => {
  const expiring = synthesize(bucketApp('2027-03-25', 'legacy-ingest-eu', DATA_PROD));
  expect(expiring.error).toBeUndefined();
  expect(expiring.tarmac?.violations).toEqual([
    expect.objectContaining({ ruleName: 'EX-0001', severity: 'warning', description: expect.stringContaining('expires after 2027-03-31') }),
  ]);
  const expired = synthesize(bucketApp('2027-04-01', 'legacy-ingest-eu', DATA_PROD));
  expect(expired.error?.message).toContain('LZ.S3.2');
  expect(expired.tarmac?.violations).toEqual([
    expect.objectContaining({ ruleName: 'LZ.S3.2', severity: 'error', description: expect.stringContaining('Exemption EX-0001 expired after 2027-03-31') }),
  ]);
});
