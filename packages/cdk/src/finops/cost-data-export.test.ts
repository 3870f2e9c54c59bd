import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { CostExport } from '@tarmac/core/org';
import { platformApp } from '../stacksets/platform-stack';
import { CostDataExport } from './cost-data-export';
import { COST_EXPORT, FINOPS, FINOPS_REGION, MANAGEMENT } from './__tests__/fixture';

function build(costExport: CostExport = COST_EXPORT, region: string | undefined = 'us-east-1'): Template {
  const stack = new Stack(platformApp(), 'Billing', region ? { env: { account: MANAGEMENT, region } } : {});
  new CostDataExport(stack, 'Export', { costExport });
  return Template.fromStack(stack);
}

describe('CostDataExport', () => {
  test("CUR 2.0, daily with resource IDs and IAM principals, as Parquet to the FinOps account's bucket, refreshed as data changes", () => {
    const template = build();
    template.resourceCountIs('AWS::BCMDataExports::Export', 1);
    template.hasResourceProperties('AWS::BCMDataExports::Export', {
      Export: {
        Name: 'tarmac-cur2',
        Description: `Tarmac: CUR 2.0, daily with resource IDs, to finops (${FINOPS.id})`,
        DataQuery: {
          QueryStatement: COST_EXPORT.query,
          TableConfigurations: {
            COST_AND_USAGE_REPORT: {
              TIME_GRANULARITY: 'DAILY',
              INCLUDE_RESOURCES: 'TRUE',
              INCLUDE_SPLIT_COST_ALLOCATION_DATA: 'FALSE',
              INCLUDE_MANUAL_DISCOUNT_COMPATIBILITY: 'FALSE',
              INCLUDE_IAM_PRINCIPAL_DATA: 'TRUE',
            },
          },
        },
        DestinationConfigurations: {
          S3Destination: {
            S3Bucket: `tarmac-cost-data-${FINOPS.id}-${FINOPS_REGION}`,
            S3BucketOwner: FINOPS.id,
            S3Prefix: 'cur2',
            S3Region: FINOPS_REGION,
            S3OutputConfigurations: { Format: 'PARQUET', Compression: 'PARQUET', OutputType: 'CUSTOM', Overwrite: 'OVERWRITE_REPORT' },
          },
        },
        RefreshCadence: { Frequency: 'SYNCHRONOUS' },
      },
    });
  });

  test('without IAM principals, the option is left out', () => {
    const template = build({ ...COST_EXPORT, includeIamPrincipal: false });
    const [resource] = Object.values(template.findResources('AWS::BCMDataExports::Export'));
    expect(Object.keys(resource.Properties.Export.DataQuery.TableConfigurations.COST_AND_USAGE_REPORT)).not.toContain('INCLUDE_IAM_PRINCIPAL_DATA');
  });

  test("the build's table configuration is used as given", () => {
    const tableConfiguration = {
      TIME_GRANULARITY: 'DAILY',
      INCLUDE_RESOURCES: 'TRUE',
      INCLUDE_SPLIT_COST_ALLOCATION_DATA: 'TRUE',
      INCLUDE_MANUAL_DISCOUNT_COMPATIBILITY: 'FALSE',
      INCLUDE_IAM_PRINCIPAL_DATA: 'TRUE',
    };
    build({ ...COST_EXPORT, tableConfiguration }).hasResourceProperties('AWS::BCMDataExports::Export', {
      Export: Match.objectLike({ DataQuery: { QueryStatement: COST_EXPORT.query, TableConfigurations: { COST_AND_USAGE_REPORT: tableConfiguration } } }),
    });
  });

  test('an environment-agnostic stack is accepted: the region is checked when known', () => {
    expect(() => build(COST_EXPORT, undefined)).not.toThrow();
  });

  const cases: [string, () => unknown, RegExp][] = [
    [
      'a stack outside us-east-1',
      () => build(COST_EXPORT, 'eu-west-1'),
      /cost export 'cur2' \(line 1\): Data Exports are created in us-east-1; this stack is in eu-west-1/,
    ],
    [
      'delivery to the management account itself',
      () => build({ ...COST_EXPORT, account: { id: MANAGEMENT, name: 'management' } }),
      /belongs in the FinOps account, not the management account/,
    ],
    [
      'a prefix with a trailing slash',
      () => build({ ...COST_EXPORT, prefix: 'cur2/' }),
      /prefix 'cur2\/' must be non-empty, without a leading or trailing '\/'/,
    ],
    ['a query on another table', () => build({ ...COST_EXPORT, query: 'SELECT * FROM FOCUS_1_0_AWS' }), /the query must select FROM COST_AND_USAGE_REPORT/],
    [
      'hourly line items, which the table does not expect',
      () => build({ ...COST_EXPORT, tableConfiguration: { TIME_GRANULARITY: 'HOURLY', INCLUDE_RESOURCES: 'TRUE', INCLUDE_IAM_PRINCIPAL_DATA: 'TRUE' } }),
      /must set TIME_GRANULARITY to DAILY, not HOURLY/,
    ],
    [
      'IAM principals asked for but not configured',
      () => build({ ...COST_EXPORT, tableConfiguration: { TIME_GRANULARITY: 'DAILY', INCLUDE_RESOURCES: 'TRUE', INCLUDE_IAM_PRINCIPAL_DATA: 'FALSE' } }),
      /includeIamPrincipal is true but the table configuration sets INCLUDE_IAM_PRINCIPAL_DATA to FALSE/,
    ],
    ['a name Data Exports refuses', () => build({ ...COST_EXPORT, name: 'cur 2' }), /the export name tarmac-cur 2 may hold letters, digits/],
  ];
  test.each(cases)('refuses %s', (_, run, message) => {
    expect(run).toThrow(message);
  });
});
