import { Stack, Token } from 'aws-cdk-lib';
import * as bcm from 'aws-cdk-lib/aws-bcmdataexports';
import type { CostExport } from '@tarmac/core/org';
import { Construct } from 'constructs';
import { BILLING_REGION, atLine, awsName } from './names';

export interface CostDataExportProps {
  /** policies/finops/cost-export.yaml */
  readonly costExport: CostExport;
}

/** The CUR 2.0 table of Data Exports. */
export const CUR2_TABLE = 'COST_AND_USAGE_REPORT';

/**
 * The table configuration of the export when the build gives none (CostExport.tableConfiguration): daily line items with resource IDs, no split cost allocation data,
 * no manual discount compatibility, and the caller's IAM principal when asked for (the line_item_iam_principal
 * column, which Bedrock cost by calling principal needs; INCLUDE_IAM_PRINCIPAL_DATA).
 */
export function cur2TableConfiguration(costExport: Pick<CostExport, 'includeIamPrincipal'>): Record<string, string> {
  return {
    TIME_GRANULARITY: 'DAILY',
    INCLUDE_RESOURCES: 'TRUE',
    INCLUDE_SPLIT_COST_ALLOCATION_DATA: 'FALSE',
    INCLUDE_MANUAL_DISCOUNT_COMPATIBILITY: 'FALSE',
    ...(costExport.includeIamPrincipal ? { INCLUDE_IAM_PRINCIPAL_DATA: 'TRUE' } : {}),
  };
}

/**
 * CUR 2.0 as an AWS::BCMDataExports::Export tarmac-<name>, created in the management account (which sees
 * every account's cost) and delivered across accounts to the cost data bucket of the FinOps account
 * (S3BucketOwner; the bucket's policy must let bcm-data-exports.amazonaws.com write for this account: see
 * CostAnalytics). Parquet, one file set per billing period overwritten at each refresh (Athena then never
 * counts a line twice), refreshed as the source data changes.
 *
 * Data Exports is a us-east-1 service: a stack in another region cannot hold the export, so a literal other
 * region is refused here.
 */
export class CostDataExport extends Construct {
  readonly export: bcm.CfnExport;
  /** tarmac-<name>: the path segment of the delivered files, s3://<bucket>/<prefix>/<export name>/data/. */
  readonly exportName: string;

  constructor(scope: Construct, id: string, props: CostDataExportProps) {
    super(scope, id);
    const c = props.costExport;
    const where = `${this.node.path}: cost export '${c.name}'${atLine(c.line)}`;
    const region = Stack.of(this).region;
    if (!Token.isUnresolved(region) && region !== BILLING_REGION) {
      throw new Error(`${where}: Data Exports are created in ${BILLING_REGION}; this stack is in ${region}`);
    }
    if (!/^[0-9A-Za-z!\-_.*'()]{1,128}$/.test(awsName(c.name))) {
      throw new Error(`${where}: the export name ${awsName(c.name)} may hold letters, digits and !-_.*'() only, at most 128 characters`);
    }
    if (!/^\d{12}$/.test(c.account.id)) throw new Error(`${where}: the FinOps account ID '${c.account.id}' is not 12 digits`);
    if (c.account.id === c.managementAccountId) {
      throw new Error(`${where}: the cost data bucket belongs in the FinOps account, not the management account ${c.managementAccountId}`);
    }
    if (!c.prefix || c.prefix.startsWith('/') || c.prefix.endsWith('/'))
      throw new Error(`${where}: prefix '${c.prefix}' must be non-empty, without a leading or trailing '/'`);
    if (!new RegExp(`\\bFROM\\s+${CUR2_TABLE}\\b`, 'i').test(c.query)) throw new Error(`${where}: the query must select FROM ${CUR2_TABLE} (CUR 2.0)`);
    // The Glue table and the saved queries expect daily line items with resource IDs; other settings change the columns.
    const config = c.tableConfiguration ?? cur2TableConfiguration(c);
    for (const [key, value] of Object.entries({ TIME_GRANULARITY: 'DAILY', INCLUDE_RESOURCES: 'TRUE' })) {
      if (config[key] !== value) throw new Error(`${where}: the table configuration must set ${key} to ${value}, not ${config[key] ?? 'nothing'}`);
    }
    if ((config.INCLUDE_IAM_PRINCIPAL_DATA === 'TRUE') !== c.includeIamPrincipal) {
      throw new Error(
        `${where}: includeIamPrincipal is ${c.includeIamPrincipal} but the table configuration sets INCLUDE_IAM_PRINCIPAL_DATA to ${config.INCLUDE_IAM_PRINCIPAL_DATA ?? 'nothing'}`,
      );
    }
    this.exportName = awsName(c.name);
    this.export = new bcm.CfnExport(this, 'Resource', {
      export: {
        name: this.exportName,
        description: `Tarmac: CUR 2.0, daily with resource IDs, to ${c.account.name} (${c.account.id})`,
        dataQuery: { queryStatement: c.query, tableConfigurations: { [CUR2_TABLE]: { ...(c.tableConfiguration ?? cur2TableConfiguration(c)) } } },
        destinationConfigurations: {
          s3Destination: {
            s3Bucket: c.bucketName,
            s3BucketOwner: c.account.id,
            s3Prefix: c.prefix,
            s3Region: c.region,
            s3OutputConfigurations: { format: 'PARQUET', compression: 'PARQUET', outputType: 'CUSTOM', overwrite: 'OVERWRITE_REPORT' },
          },
        },
        refreshCadence: { frequency: 'SYNCHRONOUS' },
      },
    });
  }
}
