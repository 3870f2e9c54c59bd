/**
 * Athena saved queries shipped with the cost workgroup: cost by the mandatory tags and Bedrock cost by
 * caller. Data with its SQL; {{table}} is replaced by the quoted "database"."table" of the export.
 *
 * element_at(map, key) rather than map[key]: in Athena (Trino) a subscript on a key the map does not hold
 * is an error, and a line item carries only the tags that apply to it.
 * billing_period is the table's partition key (yyyy-MM): filtering on it reads one month's files only.
 */

import { principalTagKey, resourceTagKey } from './cur2-columns';
import { SavedQuery } from './model';

interface QueryDefinition {
  readonly name: string;
  readonly description: string;
  readonly sql: string;
  /** Cost allocation tags the query groups by: they must be active for it to return anything. */
  readonly tags: readonly string[];
  /** Reads columns that exist only with IAM principal data. */
  readonly iamPrincipal?: boolean;
}

const costByTag = (tag: string, column: string): QueryDefinition => ({
  name: `cost-by-${tag}`,
  description: `Unblended cost per month and ${tag} tag value (untagged spend shows as an empty ${tag}).`,
  tags: [tag],
  sql: [
    `SELECT billing_period AS month,`,
    `       element_at(resource_tags, '${resourceTagKey(tag)}') AS ${column},`,
    `       round(sum(line_item_unblended_cost), 2) AS unblended_cost`,
    `FROM {{table}}`,
    `GROUP BY 1, 2`,
    `ORDER BY 1 DESC, 3 DESC`,
  ].join('\n'),
});

const QUERIES: readonly QueryDefinition[] = [
  costByTag('team', 'team'),
  costByTag('project', 'project'),
  costByTag('domain', 'domain'),
  {
    name: 'bedrock-cost-by-principal',
    description: 'Amazon Bedrock model invocation cost per month and calling IAM principal (user, role session or federated user).',
    tags: [],
    iamPrincipal: true,
    sql: [
      `SELECT billing_period AS month,`,
      `       line_item_iam_principal AS principal,`,
      `       round(sum(line_item_unblended_cost), 2) AS unblended_cost`,
      `FROM {{table}}`,
      `WHERE line_item_product_code = 'AmazonBedrock'`,
      `GROUP BY 1, 2`,
      `ORDER BY 1 DESC, 3 DESC`,
    ].join('\n'),
  },
  {
    // A model invocation is not a tagged resource: the team is the calling principal's team tag.
    name: 'bedrock-cost-by-team',
    description: "Amazon Bedrock model invocation cost per month and the calling principal's team tag (IAM principal or session tag).",
    tags: ['team'],
    iamPrincipal: true,
    sql: [
      `SELECT billing_period AS month,`,
      `       element_at(tags, '${principalTagKey('team')}') AS team,`,
      `       round(sum(line_item_unblended_cost), 2) AS unblended_cost`,
      `FROM {{table}}`,
      `WHERE line_item_product_code = 'AmazonBedrock'`,
      `GROUP BY 1, 2`,
      `ORDER BY 1 DESC, 3 DESC`,
    ].join('\n'),
  },
];

/**
 * The queries that apply: the Bedrock-by-caller ones only when the export includes IAM principal data, and
 * only those grouping by tags of the organization's mandatory set (tagKeys).
 */
function applicable(includeIamPrincipal: boolean, tagKeys: readonly string[]): QueryDefinition[] {
  return QUERIES.filter((q) => (includeIamPrincipal || !q.iamPrincipal) && q.tags.every((t) => tagKeys.includes(t)));
}

/** The saved queries for a table. */
export function savedQueries(database: string, table: string, includeIamPrincipal: boolean, tagKeys: readonly string[]): SavedQuery[] {
  return applicable(includeIamPrincipal, tagKeys).map((q) => ({
    name: q.name,
    description: q.description,
    sql: q.sql.replace('{{table}}', `"${database}"."${table}"`),
  }));
}

/** Resource cost allocation tags the saved queries group by. */
export function savedQueryTags(includeIamPrincipal: boolean, tagKeys: readonly string[]): string[] {
  return [...new Set(applicable(includeIamPrincipal, tagKeys).flatMap((q) => (q.iamPrincipal ? [] : q.tags)))];
}

/** Tags of the calling IAM principal the saved queries group by (IAM principal data only). */
export function savedQueryPrincipalTags(includeIamPrincipal: boolean, tagKeys: readonly string[]): string[] {
  return [...new Set(applicable(includeIamPrincipal, tagKeys).flatMap((q) => (q.iamPrincipal ? q.tags : [])))];
}
