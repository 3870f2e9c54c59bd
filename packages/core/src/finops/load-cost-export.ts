import { Catalog } from '../catalog/model';
import { closestMatch } from '../closest-match';
import { InputError, InputErrors } from '../errors';
import { Organization } from '../org/model';
import { validateAgainstSchema } from '../schema-validation';
import { loadSchema } from '../schemas';
import { readSourceFile } from '../yaml-source';
import { CUR2_PARTITION_KEYS, cur2Columns, cur2Query, cur2TableConfiguration } from './cur2-columns';
import { CostExport } from './model';
import { savedQueries } from './saved-queries';

const DEFAULT_TABLE = 'cur2';
/**
 * S3 lifecycle: nothing moves to Standard-IA before 30 days (the schema's minimum), and S3 refuses a Glacier
 * Instant Retrieval transition less than 30 days after the Standard-IA one in the same rule.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-transition-general-considerations.html
 */
const MIN_DAYS_IN_IA = 30;

interface CostExportSource {
  name: string;
  account: string;
  prefix: string;
  includeIamPrincipal?: boolean;
  lifecycle: CostExport['lifecycle'];
  athena: { workgroup: string; database: string; table?: string; bytesScannedCutoffPerQuery: number; resultsExpireAfterDays: number };
}

/**
 * Loads policies/finops/cost-export.yaml: schema, the FinOps account (a member account of org.yaml, never the
 * management account, which creates the export and delivers to it), a lifecycle S3 accepts. Derives the
 * region (the account's home region), the bucket name, the CUR 2.0 columns and query, and the saved queries.
 */
export function loadCostExport(file: string, catalog: Catalog, org: Organization): CostExport {
  const doc = readSourceFile(file);
  const schemaErrors = validateAgainstSchema(doc, loadSchema('cost-export'));
  if (schemaErrors.length) throw new InputErrors(schemaErrors);
  const src = doc.value as CostExportSource;
  const errors: InputError[] = [];

  const account = org.accounts.find((a) => a.name === src.account || a.id === src.account);
  if (src.account === org.managementAccountName || src.account === org.managementAccountId) {
    errors.push(
      new InputError(
        doc.locate(['account']),
        `${src.account} is the management account`,
        'the FinOps member account: the management account creates the export and delivers it there, and stack sets cannot deploy to the management account',
      ),
    );
  } else if (!account) {
    const names = org.accounts.map((a) => a.name);
    const guess = closestMatch(src.account, names);
    errors.push(
      new InputError(
        doc.locate(['account']),
        `no member account ${src.account} in org.yaml${guess ? `; did you mean ${guess}?` : ''}`,
        `a member account of org.yaml: ${names.join(', ')}`,
      ),
    );
  }

  const { infrequentAccessAfterDays: ia, glacierAfterDays: glacier, expireAfterDays: expire } = src.lifecycle;
  if (glacier !== undefined && glacier < ia + MIN_DAYS_IN_IA) {
    errors.push(
      new InputError(
        doc.locate(['lifecycle', 'glacierAfterDays']),
        `files would move to Glacier Instant Retrieval ${glacier - ia} days after Standard-IA`,
        `glacierAfterDays at least ${ia + MIN_DAYS_IN_IA} (${MIN_DAYS_IN_IA} days after infrequentAccessAfterDays; S3 refuses less)`,
      ),
    );
  }
  const lastMove = Math.max(ia, glacier ?? 0);
  if (expire <= lastMove) {
    errors.push(
      new InputError(
        doc.locate(['lifecycle', 'expireAfterDays']),
        `files would be deleted after ${expire} days, before or when they move storage class (day ${lastMove})`,
        `expireAfterDays greater than ${lastMove}`,
      ),
    );
  }
  if (errors.length) throw new InputErrors(errors);

  const includeIamPrincipal = src.includeIamPrincipal ?? true;
  const region = account!.regions.home;
  const table = src.athena.table ?? DEFAULT_TABLE;
  const columns = cur2Columns(includeIamPrincipal);
  return {
    name: src.name,
    account: { id: account!.id, name: account!.name },
    region,
    managementAccountId: org.managementAccountId,
    bucketName: `tarmac-cost-data-${account!.id}-${region}`,
    prefix: src.prefix,
    includeIamPrincipal,
    lifecycle: src.lifecycle,
    athena: { ...src.athena, table },
    columns,
    partitionKeys: CUR2_PARTITION_KEYS.map(({ name, type }) => ({ name, type })),
    tableConfiguration: cur2TableConfiguration(includeIamPrincipal),
    query: cur2Query(columns),
    savedQueries: savedQueries(
      src.athena.database,
      table,
      includeIamPrincipal,
      catalog.tags.map((t) => t.key),
    ),
    line: doc.locate([]).line,
  };
}
