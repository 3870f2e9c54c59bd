/**
 * The CUR 2.0 columns the export selects and the Glue table declares, with Hive types. CUR 2.0 has a fixed
 * schema (https://docs.aws.amazon.com/cur/latest/userguide/table-dictionary-cur2.html); its SQL table is
 * COST_AND_USAGE_REPORT. Names and types below were checked against the table dictionary pages:
 * - bill_*: https://docs.aws.amazon.com/cur/latest/userguide/table-dictionary-cur2-bill.html (dates are timestamp)
 * - line_item_*: https://docs.aws.amazon.com/cur/latest/userguide/table-dictionary-cur2-line-item.html (costs double);
 *   line_item_resource_id exists only with the INCLUDE_RESOURCES table configuration.
 * - product_*: https://docs.aws.amazon.com/cur/latest/userguide/table-dictionary-cur2-product.html
 * - resource_tags: https://docs.aws.amazon.com/cur/latest/userguide/table-dictionary-cur2-resource-tags.html, a
 *   map<string,string> holding only tags activated for cost allocation.
 * - tags: https://docs.aws.amazon.com/cur/latest/userguide/table-dictionary-cur2-tag-columns.html, a map of every
 *   tag kind with a source prefix (resourceTags/, accountTag/, costCategory/, userAttribute/; iamPrincipal/ for
 *   the caller's principal and session tags once IAM principal data is included).
 * - line_item_iam_principal: the calling IAM principal's ARN, added in April 2026 for Bedrock cost attribution
 *   (https://aws.amazon.com/blogs/machine-learning/introducing-granular-cost-attribution-for-amazon-bedrock/).
 */

export interface Cur2Column {
  readonly name: string;
  /** Hive type, as the Glue table declares it. */
  readonly type: string;
  /** Selected only when the export includes IAM principal data. */
  readonly iamPrincipalOnly?: boolean;
}

export const CUR2_TABLE = 'COST_AND_USAGE_REPORT';

export const CUR2_COLUMNS: readonly Cur2Column[] = [
  { name: 'bill_bill_type', type: 'string' },
  { name: 'bill_billing_period_start_date', type: 'timestamp' },
  { name: 'bill_billing_period_end_date', type: 'timestamp' },
  { name: 'bill_payer_account_id', type: 'string' },
  { name: 'line_item_usage_account_id', type: 'string' },
  { name: 'line_item_usage_account_name', type: 'string' },
  { name: 'line_item_line_item_type', type: 'string' },
  { name: 'line_item_usage_start_date', type: 'timestamp' },
  { name: 'line_item_usage_end_date', type: 'timestamp' },
  { name: 'line_item_product_code', type: 'string' },
  { name: 'line_item_usage_type', type: 'string' },
  { name: 'line_item_operation', type: 'string' },
  { name: 'line_item_resource_id', type: 'string' },
  { name: 'line_item_usage_amount', type: 'double' },
  { name: 'line_item_currency_code', type: 'string' },
  { name: 'line_item_unblended_cost', type: 'double' },
  { name: 'line_item_net_unblended_cost', type: 'double' },
  { name: 'line_item_iam_principal', type: 'string', iamPrincipalOnly: true },
  { name: 'product_servicecode', type: 'string' },
  { name: 'product_region_code', type: 'string' },
  { name: 'product_product_family', type: 'string' },
  { name: 'resource_tags', type: 'map<string,string>' },
  { name: 'cost_category', type: 'map<string,string>' },
  { name: 'tags', type: 'map<string,string>', iamPrincipalOnly: true },
];

/**
 * Partition key of the Glue table: Data Exports writes each billing period under
 * <prefix>/<export name>/data/BILLING_PERIOD=yyyy-MM/, which the table projects instead of crawling.
 */
export const CUR2_PARTITION_KEYS: readonly Cur2Column[] = [{ name: 'billing_period', type: 'string' }];

/** The columns an export selects. */
export function cur2Columns(includeIamPrincipal: boolean): { name: string; type: string }[] {
  return CUR2_COLUMNS.filter((c) => includeIamPrincipal || !c.iamPrincipalOnly).map(({ name, type }) => ({ name, type }));
}

/** The export's query: the columns, in table order. */
export function cur2Query(columns: readonly { name: string }[]): string {
  return `SELECT ${columns.map((c) => c.name).join(', ')} FROM ${CUR2_TABLE}`;
}

/**
 * The TableConfigurations of the export. TIME_GRANULARITY, INCLUDE_RESOURCES, INCLUDE_SPLIT_COST_ALLOCATION_DATA
 * and INCLUDE_MANUAL_DISCOUNT_COMPATIBILITY are in the table dictionary above. INCLUDE_IAM_PRINCIPAL_DATA (the
 * console's "Include caller identity (IAM principal) allocation data") is the key public exports of the April
 * 2026 feature use; it was not found in the table dictionary's configuration list when this was written.
 */
export function cur2TableConfiguration(includeIamPrincipal: boolean): Record<string, string> {
  return {
    TIME_GRANULARITY: 'DAILY',
    INCLUDE_RESOURCES: 'TRUE',
    INCLUDE_SPLIT_COST_ALLOCATION_DATA: 'FALSE',
    INCLUDE_MANUAL_DISCOUNT_COMPATIBILITY: 'FALSE',
    INCLUDE_IAM_PRINCIPAL_DATA: includeIamPrincipal ? 'TRUE' : 'FALSE',
  };
}

/**
 * The resource_tags map key of a user-defined cost allocation tag: user_ followed by the key, characters
 * other than letters, digits and underscores turned into underscores (team -> user_team, cost-center ->
 * user_cost_center), as legacy CUR named its resource_tags_user_* columns. Published CUR 2.0 queries use
 * these keys; AWS's table dictionary does not spell the conversion out.
 */
export function resourceTagKey(tagKey: string): string {
  return `user_${tagKey.replace(/[^A-Za-z0-9_]/g, '_')}`;
}

/** The tags map key of a principal or session tag of the calling IAM principal (IAM principal data only). */
export function principalTagKey(tagKey: string): string {
  return `iamPrincipal/${tagKey}`;
}
