import { loadOrganization } from '../org/load-org';
import { PoliciesFixture } from '../org/__tests__/fixture';
import { EXPORT, errorAt, finops, finopsErrors } from './__tests__/finops-fixture';
import { CUR2_TABLE } from './cur2-columns';

/** Column-like identifiers a query reads: CUR 2.0 column families and the partition key. */
const COLUMN_REF =
  /\b(?:bill|line_item|product|resource_tags|cost_category|tags|identity|pricing|reservation|savings_plan|split_line_item|discount|billing_period)\w*\b/g;

function identifiersOf(sql: string): string[] {
  // Strings hold map keys and literals ('user_team', 'AmazonBedrock'), not column names.
  return [
    ...new Set(
      sql
        .replace(/'[^']*'/g, "''")
        .replace(/"[^"]*"/g, '""')
        .match(COLUMN_REF) ?? [],
    ),
  ];
}

describe('cost-export.yaml', () => {
  let fx: PoliciesFixture;
  beforeEach(() => (fx = new PoliciesFixture()));
  afterEach(() => fx.remove());
  const errors = () => finopsErrors(fx);
  const file = () => fx.file(EXPORT);
  const line = (text: string) => fx.lineOf(EXPORT, text);

  it('derives the account, region, bucket and Athena names from org.yaml and the file', () => {
    const e = finops(fx)!.costExport!;
    const org = loadOrganization(fx.file('org.yaml'));
    const account = org.accounts.find((a) => a.name === 'finops')!;
    expect(e.account).toEqual({ id: account.id, name: 'finops' });
    expect(e.region).toBe(account.regions.home);
    expect(e.managementAccountId).toBe(org.managementAccountId);
    expect(e.bucketName).toBe(`tarmac-cost-data-${account.id}-${account.regions.home}`);
    expect(e.includeIamPrincipal).toBe(true);
    expect(e.athena).toMatchObject({ workgroup: 'finops', database: 'tarmac_cost', table: 'cur2' });
    expect(e.tableConfiguration).toMatchObject({ TIME_GRANULARITY: 'DAILY', INCLUDE_RESOURCES: 'TRUE', INCLUDE_IAM_PRINCIPAL_DATA: 'TRUE' });
  });

  it('selects exactly the columns the Glue table declares', () => {
    const e = finops(fx)!.costExport!;
    const m = new RegExp(`^SELECT (.+) FROM ${CUR2_TABLE}$`).exec(e.query)!;
    expect(m).not.toBeNull();
    expect(m[1].split(', ')).toEqual(e.columns.map((c) => c.name));
    expect(new Set(e.columns.map((c) => c.name)).size).toBe(e.columns.length);
    expect(e.columns.map((c) => c.name)).toEqual(expect.arrayContaining(['line_item_resource_id', 'line_item_iam_principal', 'resource_tags']));
  });

  it('ships the saved queries, each reading only columns the table has, from the export database and table', () => {
    const e = finops(fx)!.costExport!;
    expect(e.savedQueries.map((q) => q.name)).toEqual([
      'cost-by-team',
      'cost-by-project',
      'cost-by-domain',
      'bedrock-cost-by-principal',
      'bedrock-cost-by-team',
    ]);
    const known = new Set([...e.columns, ...(e.partitionKeys ?? [])].map((c) => c.name));
    for (const q of e.savedQueries) {
      expect(q.sql).toContain(`FROM "${e.athena.database}"."${e.athena.table}"`);
      const used = identifiersOf(q.sql);
      expect(used.length).toBeGreaterThan(0);
      expect(used.filter((c) => !known.has(c))).toEqual([]);
    }
    const byPrincipal = e.savedQueries.find((q) => q.name === 'bedrock-cost-by-principal')!;
    expect(identifiersOf(byPrincipal.sql)).toContain('line_item_iam_principal');
  });

  it('leaves out the IAM principal columns and the Bedrock-by-caller queries without IAM principal data', () => {
    fx.replace(EXPORT, 'includeIamPrincipal: true', 'includeIamPrincipal: false');
    const e = finops(fx)!.costExport!;
    expect(e.columns.map((c) => c.name)).not.toContain('line_item_iam_principal');
    expect(e.query).not.toContain('line_item_iam_principal');
    expect(e.tableConfiguration?.INCLUDE_IAM_PRINCIPAL_DATA).toBe('FALSE');
    expect(e.savedQueries.map((q) => q.name)).toEqual(['cost-by-team', 'cost-by-project', 'cost-by-domain']);
  });

  it('refuses an account that is not in org.yaml, suggesting the closest', () => {
    fx.replace(EXPORT, 'account: finops', 'account: finopz');
    errorAt(errors(), file(), line('account: finopz'), 'no member account finopz', 'did you mean finops?');
  });

  it('refuses the management account', () => {
    fx.replace(EXPORT, 'account: finops', 'account: management');
    errorAt(errors(), file(), line('account: management'), 'is the management account');
  });

  it('refuses a lifecycle S3 would refuse', () => {
    fx.replace(EXPORT, 'glacierAfterDays: 365', 'glacierAfterDays: 100');
    fx.replace(EXPORT, 'expireAfterDays: 2557', 'expireAfterDays: 90');
    const all = errors();
    errorAt(all, file(), line('glacierAfterDays: 100'), 'at least 120');
    errorAt(all, file(), line('expireAfterDays: 90'), 'greater than 100');
  });

  it('refuses Standard-IA before 30 days and unknown keys', () => {
    fx.replace(EXPORT, 'infrequentAccessAfterDays: 90', 'infrequentAccessAfterDays: 7');
    fx.replace(EXPORT, 'prefix: cur2', 'prefix: cur2\nformat: csv');
    const all = errors();
    errorAt(all, file(), line('infrequentAccessAfterDays: 7'), 'must be >= 30');
    errorAt(all, file(), line('format: csv'), "unknown key 'format'");
  });
});
