import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { CostExport } from '@tarmac/core/org';
import { platformApp } from '../stacksets/platform-stack';
import { CostAnalytics, CostAnalyticsProps, defaultTableName } from './cost-analytics';
import { COLUMNS, COST_EXPORT, FINOPS, FINOPS_REGION, MANAGEMENT } from './__tests__/fixture';

const BUCKET = `tarmac-cost-data-${FINOPS.id}-${FINOPS_REGION}`;
const RESULTS = `tarmac-cost-athena-${FINOPS.id}-${FINOPS_REGION}`;
const LOGS = `tarmac-cost-logs-${FINOPS.id}-${FINOPS_REGION}`;
const DATA = `s3://${BUCKET}/cur2/tarmac-cur2/data`;

function build(
  costExport: CostExport = COST_EXPORT,
  props: Partial<CostAnalyticsProps> = {},
  env: { account?: string; region?: string } = { account: FINOPS.id, region: FINOPS_REGION },
): Template {
  const stack = new Stack(platformApp(), 'FinOps', { env });
  new CostAnalytics(stack, 'Analytics', { costExport, ...props });
  return Template.fromStack(stack);
}

function bucketNamed(template: Template, name: string): Record<string, unknown> {
  const [bucket] = Object.values(template.findResources('AWS::S3::Bucket', { Properties: { BucketName: name } }));
  return bucket.Properties;
}

describe('CostAnalytics', () => {
  let template: Template;
  beforeAll(() => {
    template = build();
  });

  test("the cost data bucket: SSE-KMS with the rotating key, versioned, private, access-logged, with the export's lifecycle", () => {
    template.resourceCountIs('AWS::S3::Bucket', 3);
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    expect(bucketNamed(template, BUCKET)).toEqual(
      expect.objectContaining({
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            {
              BucketKeyEnabled: true,
              ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [expect.stringMatching(/^AnalyticsKey/), 'Arn'] } },
            },
          ],
        },
        VersioningConfiguration: { Status: 'Enabled' },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        LoggingConfiguration: { DestinationBucketName: { Ref: expect.stringMatching(/^AnalyticsAccessLogs/) }, LogFilePrefix: `access-logs/${BUCKET}/` },
        LifecycleConfiguration: {
          Rules: [
            {
              Id: 'CostDataLifecycle',
              Status: 'Enabled',
              Transitions: [
                { StorageClass: 'STANDARD_IA', TransitionInDays: 90 },
                { StorageClass: 'GLACIER_IR', TransitionInDays: 365 },
              ],
              ExpirationInDays: 2557,
              NoncurrentVersionExpiration: { NoncurrentDays: 7 },
              AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
            },
          ],
        },
      }),
    );
  });

  test('Data Exports of the management account, and only those, may deliver and check the bucket policy', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: Match.stringLikeRegexp('^AnalyticsCostData') },
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Sid: 'DataExportsDeliverCur2',
            Effect: 'Allow',
            Principal: { Service: ['bcm-data-exports.amazonaws.com', 'billingreports.amazonaws.com'] },
            Action: ['s3:GetBucketPolicy', 's3:PutObject'],
            Resource: [
              { 'Fn::GetAtt': [Match.stringLikeRegexp('^AnalyticsCostData'), 'Arn'] },
              { 'Fn::Join': ['', [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^AnalyticsCostData'), 'Arn'] }, '/*']] },
            ],
            Condition: {
              StringLike: {
                'aws:SourceAccount': MANAGEMENT,
                'aws:SourceArn': [`arn:aws:cur:us-east-1:${MANAGEMENT}:definition/*`, `arn:aws:bcm-data-exports:us-east-1:${MANAGEMENT}:export/*`],
              },
            },
          },
        ]),
      },
    });
  });

  test('the key lets the export services encrypt through S3, for the cost data bucket only', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          {
            Sid: 'DataExportsEncryptCostDataThroughS3',
            Effect: 'Allow',
            Principal: { Service: ['bcm-data-exports.amazonaws.com', 'billingreports.amazonaws.com'] },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
            Resource: '*',
            Condition: {
              StringEquals: { 'kms:ViaService': `s3.${FINOPS_REGION}.amazonaws.com` },
              StringLike: { 'kms:EncryptionContext:aws:s3:arn': [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`] },
            },
          },
        ]),
      },
    });
  });

  test("a Glue Parquet table over the export's data, partitioned by billing period through partition projection", () => {
    template.hasResourceProperties('AWS::Glue::Database', { CatalogId: FINOPS.id, DatabaseInput: Match.objectLike({ Name: 'tarmac_cost' }) });
    template.hasResourceProperties('AWS::Glue::Table', {
      CatalogId: FINOPS.id,
      DatabaseName: 'tarmac_cost',
      TableInput: {
        Name: 'cur2',
        Description: Match.anyValue(),
        TableType: 'EXTERNAL_TABLE',
        PartitionKeys: [{ Name: 'billing_period', Type: 'string' }],
        Parameters: {
          classification: 'parquet',
          'projection.enabled': 'true',
          'projection.billing_period.type': 'date',
          'projection.billing_period.format': 'yyyy-MM',
          'projection.billing_period.range': '2023-11,NOW',
          'projection.billing_period.interval': '1',
          'projection.billing_period.interval.unit': 'MONTHS',
          'storage.location.template': `${DATA}/BILLING_PERIOD=\${billing_period}`,
        },
        StorageDescriptor: {
          Columns: COLUMNS.map((c) => ({ Name: c.name, Type: c.type })),
          Location: `${DATA}/`,
          InputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
          OutputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
          SerdeInfo: { SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
        },
      },
    });
  });

  test('an Athena workgroup whose settings every query uses: encrypted results in their own expiring bucket, a scan cap, engine AUTO', () => {
    template.hasResourceProperties('AWS::Athena::WorkGroup', {
      Name: 'tarmac-finops',
      State: 'ENABLED',
      WorkGroupConfiguration: {
        EnforceWorkGroupConfiguration: true,
        PublishCloudWatchMetricsEnabled: true,
        BytesScannedCutoffPerQuery: 10_000_000_000,
        EngineVersion: { SelectedEngineVersion: 'AUTO' },
        ResultConfiguration: {
          OutputLocation: `s3://${RESULTS}/results/`,
          ExpectedBucketOwner: FINOPS.id,
          EncryptionConfiguration: { EncryptionOption: 'SSE_KMS', KmsKey: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AnalyticsKey'), 'Arn'] } },
        },
      },
    });
    expect(bucketNamed(template, RESULTS)).toEqual(
      expect.objectContaining({
        BucketEncryption: expect.objectContaining({
          ServerSideEncryptionConfiguration: [expect.objectContaining({ ServerSideEncryptionByDefault: expect.objectContaining({ SSEAlgorithm: 'aws:kms' }) })],
        }),
        LifecycleConfiguration: { Rules: [expect.objectContaining({ Id: 'ExpireQueryResults', ExpirationInDays: 30 })] },
        LoggingConfiguration: { DestinationBucketName: expect.anything(), LogFilePrefix: `access-logs/${RESULTS}/` },
      }),
    );
    expect(bucketNamed(template, LOGS)).toEqual(expect.objectContaining({ LoggingConfiguration: { LogFilePrefix: `access-logs/${LOGS}/` } }));
  });

  test('one saved query per savedQueries entry, in the workgroup, on the database and table', () => {
    template.resourceCountIs('AWS::Athena::NamedQuery', COST_EXPORT.savedQueries.length);
    for (const q of COST_EXPORT.savedQueries) {
      template.hasResourceProperties('AWS::Athena::NamedQuery', {
        Name: q.name,
        Description: q.description,
        Database: 'tarmac_cost',
        WorkGroup: 'tarmac-finops',
        QueryString: q.sql,
      });
    }
    const sql = Object.values(template.findResources('AWS::Athena::NamedQuery')).map((r) => r.Properties.QueryString as string);
    expect(sql.every((s) => s.includes('tarmac_cost.cur2'))).toBe(true);
  });

  test('the default table name comes from the export name', () => {
    expect(defaultTableName('cur2')).toBe('cur2');
    expect(defaultTableName('Org-CUR.2')).toBe('org_cur_2');
  });

  test("the build's table name wins over the default", () => {
    const named = {
      ...COST_EXPORT,
      athena: { ...COST_EXPORT.athena, table: 'org_cost' },
      savedQueries: [{ name: 'all', description: 'all', sql: 'SELECT * FROM "tarmac_cost"."org_cost"' }],
    };
    build(named).hasResourceProperties('AWS::Glue::Table', { TableInput: Match.objectLike({ Name: 'org_cost' }) });
  });

  test('creates no IAM role, and a given boundary binds any role added inside', () => {
    template.resourceCountIs('AWS::IAM::Role', 0);
    const stack = new Stack(platformApp(), 'FinOps', { env: { account: FINOPS.id, region: FINOPS_REGION } });
    const boundary = iam.ManagedPolicy.fromManagedPolicyArn(stack, 'Boundary', `arn:aws:iam::${FINOPS.id}:policy/tarmac/TarmacWorkloadBoundary`);
    const analytics = new CostAnalytics(stack, 'Analytics', { costExport: COST_EXPORT, permissionsBoundary: boundary });
    new iam.Role(analytics, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      PermissionsBoundary: `arn:aws:iam::${FINOPS.id}:policy/tarmac/TarmacWorkloadBoundary`,
    });
  });

  test('without Glacier, only the Standard-IA transition', () => {
    const t = build({ ...COST_EXPORT, lifecycle: { infrequentAccessAfterDays: 30, expireAfterDays: 400 } });
    expect((bucketNamed(t, BUCKET).LifecycleConfiguration as { Rules: { Transitions: unknown }[] }).Rules[0].Transitions).toEqual([
      { StorageClass: 'STANDARD_IA', TransitionInDays: 30 },
    ]);
  });

  describe('refuses settings that would not deploy or not work', () => {
    const cases: [string, () => unknown, RegExp][] = [
      [
        'another account than the FinOps account',
        () => build(COST_EXPORT, {}, { account: MANAGEMENT, region: FINOPS_REGION }),
        /cost export 'cur2' \(line 1\): the cost data belongs in the FinOps account 555555555555 \(finops\); this stack is in account 111111111111/,
      ],
      [
        'another region than the export delivers to',
        () => build(COST_EXPORT, {}, { account: FINOPS.id, region: 'eu-central-1' }),
        /the export delivers to eu-west-1; this stack is in eu-central-1/,
      ],
      [
        'Standard-IA before 30 days',
        () => build({ ...COST_EXPORT, lifecycle: { ...COST_EXPORT.lifecycle, infrequentAccessAfterDays: 10 } }),
        /infrequentAccessAfterDays must be a whole number of days, at least 30/,
      ],
      [
        'Glacier too soon after Standard-IA',
        () => build({ ...COST_EXPORT, lifecycle: { ...COST_EXPORT.lifecycle, glacierAfterDays: 100 } }),
        /glacierAfterDays must be at least 30 days after infrequentAccessAfterDays \(90\), not 100/,
      ],
      [
        'expiry before the last transition',
        () => build({ ...COST_EXPORT, lifecycle: { ...COST_EXPORT.lifecycle, expireAfterDays: 300 } }),
        /expireAfterDays must be a whole number of days after the last transition \(day 365\), not 300/,
      ],
      [
        "a scan cap below Athena's minimum",
        () => build({ ...COST_EXPORT, athena: { ...COST_EXPORT.athena, bytesScannedCutoffPerQuery: 1000 } }),
        /bytesScannedCutoffPerQuery must be a whole number of bytes, at least 10000000/,
      ],
      [
        'results kept for no day',
        () => build({ ...COST_EXPORT, athena: { ...COST_EXPORT.athena, resultsExpireAfterDays: 0 } }),
        /resultsExpireAfterDays must be a whole number of days, at least 1/,
      ],
      [
        'a database name Glue refuses',
        () => build({ ...COST_EXPORT, athena: { ...COST_EXPORT.athena, database: 'Tarmac-Cost' } }),
        /athena.database 'Tarmac-Cost' must be lower-case letters, digits and '_'/,
      ],
      [
        'a saved query on another table',
        () => build(COST_EXPORT, { tableName: 'cost_and_usage' }),
        /saved query 'cost-by-team' does not query the table cost_and_usage/,
      ],
      [
        'a column named like the partition key',
        () => build({ ...COST_EXPORT, columns: [...COLUMNS, { name: 'billing_period', type: 'string' }] }),
        /column billing_period is the partition key/,
      ],
      ['a column twice', () => build({ ...COST_EXPORT, columns: [...COLUMNS, COLUMNS[0]] }), /columns bill_billing_period_start_date appear more than once/],
      ['no column', () => build({ ...COST_EXPORT, columns: [] }), /the table has no column/],
      [
        'a first billing period that is not YYYY-MM',
        () => build(COST_EXPORT, { firstBillingPeriod: '2023-13' }),
        /firstBillingPeriod '2023-13' is not YYYY-MM/,
      ],
      [
        'partition keys other than billing_period',
        () =>
          build({
            ...COST_EXPORT,
            partitionKeys: [
              { name: 'billing_period', type: 'string' },
              { name: 'account', type: 'string' },
            ],
          }),
        /partitioned by billing_period \(string\) only, not billing_period \(string\), account \(string\)/,
      ],
      [
        'a saved query name twice',
        () => build({ ...COST_EXPORT, savedQueries: [...COST_EXPORT.savedQueries, COST_EXPORT.savedQueries[0]] }),
        /saved queries 'cost-by-team' appear more than once/,
      ],
    ];
    test.each(cases)('%s', (_, run, message) => {
      expect(run).toThrow(message);
    });
  });
});
