import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { CostExport } from '@tarmac/core/org';
import { Construct } from 'constructs';
import { hardenedBucketProps } from '../stacksets/hardening';
import { uniqueLogicalIds } from '../stacksets/names';
import { partitionOf } from '../stacksets/platform-stack';
import { AccessLogBucket } from '../stacksets/access-log-bucket';
import { CostDataKey, EXPORT_DELIVERY_SERVICES } from './cost-data-key';
import { BILLING_REGION, atLine, awsName, duplicates } from './names';

export interface CostAnalyticsProps {
  /** policies/finops/cost-export.yaml */
  readonly costExport: CostExport;
  /**
   * The Glue table over the export, as the saved queries name it. @default costExport.athena.table, else the
   * export's name with every character other than a letter or digit turned into '_', lower case
   */
  readonly tableName?: string;
  /** First billing period (YYYY-MM) Athena looks for, by partition projection. @default '2023-11', when CUR 2.0 became available */
  readonly firstBillingPeriod?: string;
  /** How long superseded versions of delivered files are kept (each refresh overwrites them). @default 7 days */
  readonly noncurrentVersionExpiration?: Duration;
  /**
   * The organization's permissions boundary (LZ.IAM.2), applied to every IAM role and user in this construct.
   * It creates none itself (no crawler: partition projection), so today this only binds roles others add
   * inside it. @default none
   */
  readonly permissionsBoundary?: iam.IManagedPolicy;
}

/** The partition key of the table: CUR 2.0 writes each billing period under data/BILLING_PERIOD=YYYY-MM/. */
export const BILLING_PERIOD = 'billing_period';
/** Athena refuses a BytesScannedCutoffPerQuery below 10 MB. */
const MIN_BYTES_SCANNED_CUTOFF = 10_000_000;
/** S3 keeps an object in Standard (or Standard-IA) at least 30 days before a transition to Standard-IA (or from it). */
const MIN_DAYS_BEFORE_IA = 30;
const PARQUET = {
  serde: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
  input: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
  output: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
};

/** The Glue table name the default derives from an export name. */
export function defaultTableName(exportName: string): string {
  return exportName.toLowerCase().replace(/[^a-z0-9]+/g, '_');
}

/**
 * The FinOps account's side of CUR 2.0 (ADR 0007): where the management account's export delivers, and how
 * it is queried by the mandatory tags.
 * - the cost data bucket costExport.bucketName: SSE-KMS with CostDataKey, versioned, TLS only, public access
 *   blocked, access-logged, expiring delivered files by costExport.lifecycle; its policy lets Data Exports
 *   (and billing reports, which AWS's documented policy names too) write and check the policy, for exports of
 *   the management account only (aws:SourceAccount, aws:SourceArn: the confused-deputy conditions of
 *   https://docs.aws.amazon.com/cur/latest/userguide/dataexports-s3-bucket.html);
 * - a Glue database and an external Parquet table over s3://<bucket>/<prefix>/tarmac-<export>/data/, with
 *   billing_period as a partition key resolved by partition projection (no crawler, no partition to load:
 *   a new month is queryable the day the export writes it);
 * - an Athena workgroup tarmac-<workgroup> whose settings every query must use: results encrypted with the
 *   key in their own bucket, expired after resultsExpireAfterDays, a cap on bytes scanned, engine chosen by
 *   Athena; and the saved queries in it.
 * No IAM role is created (no crawler); a permissionsBoundary given still binds any role added inside.
 */
export class CostAnalytics extends Construct {
  readonly key: CostDataKey;
  readonly bucket: s3.Bucket;
  readonly resultsBucket: s3.Bucket;
  readonly logs: AccessLogBucket;
  readonly database: glue.CfnDatabase;
  readonly table: glue.CfnTable;
  readonly tableName: string;
  readonly workGroup: athena.CfnWorkGroup;
  /** Each saved query, by name. */
  readonly namedQueries: ReadonlyMap<string, athena.CfnNamedQuery>;

  constructor(scope: Construct, id: string, props: CostAnalyticsProps) {
    super(scope, id);
    const c = props.costExport;
    const where = `${this.node.path}: cost export '${c.name}'${atLine(c.line)}`;
    this.tableName = props.tableName ?? c.athena.table ?? defaultTableName(c.name);
    const firstPeriod = props.firstBillingPeriod ?? '2023-11';
    this.validate(where, c, this.tableName, firstPeriod);

    if (props.permissionsBoundary) iam.PermissionsBoundary.of(this).apply(props.permissionsBoundary);
    const stack = Stack.of(this);
    const partition = partitionOf(this);
    const exportName = awsName(c.name);
    const dataPrefix = `${c.prefix}/${exportName}/data`;
    this.key = new CostDataKey(this, 'Key', { costDataBucketName: c.bucketName });
    this.logs = new AccessLogBucket(this, 'AccessLogs', { bucketName: `tarmac-cost-logs-${c.account.id}-${c.region}`, encryptionKey: this.key });

    const l = c.lifecycle;
    this.bucket = new s3.Bucket(this, 'CostData', {
      ...hardenedBucketProps(c.bucketName, this.key),
      lifecycleRules: [
        {
          id: 'CostDataLifecycle',
          transitions: [
            { storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(l.infrequentAccessAfterDays) },
            ...(l.glacierAfterDays === undefined
              ? []
              : [{ storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: Duration.days(l.glacierAfterDays) }]),
          ],
          expiration: Duration.days(l.expireAfterDays),
          noncurrentVersionExpiration: props.noncurrentVersionExpiration ?? Duration.days(7),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
    });
    this.logs.logAccessOf(this.bucket, c.bucketName);
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DataExportsDeliverCur2',
        principals: EXPORT_DELIVERY_SERVICES.map((s) => new iam.ServicePrincipal(s)),
        actions: ['s3:PutObject', 's3:GetBucketPolicy'],
        resources: [this.bucket.bucketArn, this.bucket.arnForObjects('*')],
        conditions: {
          StringLike: {
            'aws:SourceAccount': c.managementAccountId,
            'aws:SourceArn': [
              `arn:${partition}:cur:${BILLING_REGION}:${c.managementAccountId}:definition/*`,
              `arn:${partition}:bcm-data-exports:${BILLING_REGION}:${c.managementAccountId}:export/*`,
            ],
          },
        },
      }),
    );

    const resultsName = `tarmac-cost-athena-${c.account.id}-${c.region}`;
    this.resultsBucket = new s3.Bucket(this, 'QueryResults', {
      ...hardenedBucketProps(resultsName, this.key),
      lifecycleRules: [
        {
          id: 'ExpireQueryResults',
          expiration: Duration.days(c.athena.resultsExpireAfterDays),
          noncurrentVersionExpiration: Duration.days(1),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
    });
    this.logs.logAccessOf(this.resultsBucket, resultsName);

    this.database = new glue.CfnDatabase(this, 'Database', {
      catalogId: stack.account,
      databaseInput: { name: c.athena.database, description: `Tarmac: CUR 2.0 of the organization, from export ${exportName}` },
    });
    this.table = new glue.CfnTable(this, 'Table', {
      catalogId: stack.account,
      databaseName: c.athena.database,
      tableInput: {
        name: this.tableName,
        description: `CUR 2.0 (export ${exportName}), one partition per billing period`,
        tableType: 'EXTERNAL_TABLE',
        parameters: {
          classification: 'parquet',
          'projection.enabled': 'true',
          [`projection.${BILLING_PERIOD}.type`]: 'date',
          [`projection.${BILLING_PERIOD}.format`]: 'yyyy-MM',
          [`projection.${BILLING_PERIOD}.range`]: `${firstPeriod},NOW`,
          [`projection.${BILLING_PERIOD}.interval`]: '1',
          [`projection.${BILLING_PERIOD}.interval.unit`]: 'MONTHS',
          'storage.location.template': `s3://${c.bucketName}/${dataPrefix}/BILLING_PERIOD=\${${BILLING_PERIOD}}`,
        },
        partitionKeys: [{ name: BILLING_PERIOD, type: 'string' }],
        storageDescriptor: {
          columns: c.columns.map((col) => ({ name: col.name, type: col.type })),
          location: `s3://${c.bucketName}/${dataPrefix}/`,
          inputFormat: PARQUET.input,
          outputFormat: PARQUET.output,
          serdeInfo: { serializationLibrary: PARQUET.serde },
        },
      },
    });
    this.table.addResourceDependency(this.database);

    const workGroupName = awsName(c.athena.workgroup);
    this.workGroup = new athena.CfnWorkGroup(this, 'WorkGroup', {
      name: workGroupName,
      description: `Tarmac: cost queries on ${c.athena.database}.${this.tableName}`,
      state: 'ENABLED',
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: c.athena.bytesScannedCutoffPerQuery,
        engineVersion: { selectedEngineVersion: 'AUTO' },
        resultConfiguration: {
          outputLocation: `s3://${resultsName}/results/`,
          expectedBucketOwner: stack.account,
          encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKey: this.key.keyArn },
        },
      },
    });
    this.workGroup.node.addDependency(this.resultsBucket);

    const ids = uniqueLogicalIds(
      c.savedQueries.map((q) => q.name),
      'saved query',
    );
    const queries = new Map<string, athena.CfnNamedQuery>();
    for (const q of c.savedQueries) {
      const query = new athena.CfnNamedQuery(this, `${ids.get(q.name)}Query`, {
        name: q.name,
        description: q.description,
        database: c.athena.database,
        queryString: q.sql,
        workGroup: workGroupName,
      });
      query.addResourceDependency(this.workGroup);
      query.addResourceDependency(this.table);
      queries.set(q.name, query);
    }
    this.namedQueries = queries;
  }

  /** Settings S3, Glue or Athena would refuse, or that would deploy a table no query can use. */
  private validate(where: string, c: CostExport, tableName: string, firstPeriod: string): void {
    const stack = Stack.of(this);
    if (!Token.isUnresolved(stack.account) && stack.account !== c.account.id) {
      throw new Error(`${where}: the cost data belongs in the FinOps account ${c.account.id} (${c.account.name}); this stack is in account ${stack.account}`);
    }
    if (!Token.isUnresolved(stack.region) && stack.region !== c.region) {
      throw new Error(`${where}: the export delivers to ${c.region}; this stack is in ${stack.region}`);
    }
    for (const name of [c.bucketName, `tarmac-cost-athena-${c.account.id}-${c.region}`, `tarmac-cost-logs-${c.account.id}-${c.region}`]) {
      if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name))
        throw new Error(`${where}: '${name}' is not a valid S3 bucket name (3-63 lower-case letters, digits, '.' and '-')`);
    }
    if (!c.prefix || c.prefix.startsWith('/') || c.prefix.endsWith('/'))
      throw new Error(`${where}: prefix '${c.prefix}' must be non-empty, without a leading or trailing '/'`);
    const l = c.lifecycle;
    if (!(Number.isInteger(l.infrequentAccessAfterDays) && l.infrequentAccessAfterDays >= MIN_DAYS_BEFORE_IA)) {
      throw new Error(
        `${where}: lifecycle.infrequentAccessAfterDays must be a whole number of days, at least ${MIN_DAYS_BEFORE_IA} (S3's minimum before Standard-IA), not ${l.infrequentAccessAfterDays}`,
      );
    }
    if (l.glacierAfterDays !== undefined && !(Number.isInteger(l.glacierAfterDays) && l.glacierAfterDays >= l.infrequentAccessAfterDays + MIN_DAYS_BEFORE_IA)) {
      throw new Error(
        `${where}: lifecycle.glacierAfterDays must be at least ${MIN_DAYS_BEFORE_IA} days after infrequentAccessAfterDays (${l.infrequentAccessAfterDays}), not ${l.glacierAfterDays}`,
      );
    }
    const lastMove = l.glacierAfterDays ?? l.infrequentAccessAfterDays;
    if (!(Number.isInteger(l.expireAfterDays) && l.expireAfterDays > lastMove)) {
      throw new Error(
        `${where}: lifecycle.expireAfterDays must be a whole number of days after the last transition (day ${lastMove}), not ${l.expireAfterDays}`,
      );
    }
    if (!(Number.isInteger(c.athena.resultsExpireAfterDays) && c.athena.resultsExpireAfterDays >= 1)) {
      throw new Error(`${where}: athena.resultsExpireAfterDays must be a whole number of days, at least 1, not ${c.athena.resultsExpireAfterDays}`);
    }
    if (!(Number.isInteger(c.athena.bytesScannedCutoffPerQuery) && c.athena.bytesScannedCutoffPerQuery >= MIN_BYTES_SCANNED_CUTOFF)) {
      throw new Error(
        `${where}: athena.bytesScannedCutoffPerQuery must be a whole number of bytes, at least ${MIN_BYTES_SCANNED_CUTOFF} (Athena's minimum), not ${c.athena.bytesScannedCutoffPerQuery}`,
      );
    }
    if (!/^[A-Za-z0-9._-]{1,128}$/.test(awsName(c.athena.workgroup)))
      throw new Error(`${where}: the workgroup name ${awsName(c.athena.workgroup)} may hold letters, digits, '.', '_' and '-' only`);
    for (const [what, name] of [
      ['athena.database', c.athena.database],
      ['the table name', tableName],
    ] as const) {
      if (!/^[a-z0-9_]{1,255}$/.test(name)) throw new Error(`${where}: ${what} '${name}' must be lower-case letters, digits and '_' (Glue and Athena names)`);
    }
    // The projection below is of billing_period only: a build that partitions otherwise needs another table.
    if (
      c.partitionKeys &&
      JSON.stringify(c.partitionKeys.map(({ name, type }) => ({ name, type }))) !== JSON.stringify([{ name: BILLING_PERIOD, type: 'string' }])
    ) {
      throw new Error(
        `${where}: the table is partitioned by ${BILLING_PERIOD} (string) only, not ${c.partitionKeys.map((k) => `${k.name} (${k.type})`).join(', ')}`,
      );
    }
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(firstPeriod)) throw new Error(`${where}: firstBillingPeriod '${firstPeriod}' is not YYYY-MM`);
    if (!c.columns.length) throw new Error(`${where}: the table has no column`);
    const names = c.columns.map((col) => col.name);
    const twice = duplicates(names);
    if (twice.length) throw new Error(`${where}: columns ${twice.join(', ')} appear more than once`);
    for (const col of c.columns) {
      if (!/^[a-z_][a-z0-9_]*$/.test(col.name)) throw new Error(`${where}: column '${col.name}' is not a lower-case Hive column name`);
      if (col.name === BILLING_PERIOD) throw new Error(`${where}: column ${BILLING_PERIOD} is the partition key; the export's files do not carry it`);
      if (!col.type.trim()) throw new Error(`${where}: column '${col.name}' has no type`);
    }
    const queryNames = duplicates(c.savedQueries.map((q) => q.name));
    if (queryNames.length) throw new Error(`${where}: saved queries ${queryNames.map((n) => `'${n}'`).join(', ')} appear more than once`);
    const table = new RegExp(`\\b${tableName}\\b`);
    for (const q of c.savedQueries) {
      if (!q.name || q.name.length > 128) throw new Error(`${where}: saved query name '${q.name}' must be 1 to 128 characters`);
      // The SQL names the table as the build substituted it: a different name here is a query that cannot run.
      if (!table.test(q.sql)) throw new Error(`${where}: saved query '${q.name}' does not query the table ${tableName}`);
    }
  }
}
