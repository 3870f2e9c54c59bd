import { ConfigServiceClient, DescribeConformancePackComplianceCommand, GetConformancePackComplianceDetailsCommand } from '@aws-sdk/client-config-service';
import { errorName } from '../../deploy/aws-errors';
import { paginate } from '../../deploy/paginate';
import { RegionScope, awsRead } from './collect-accounts-call';
import type { LiveConformancePack, LiveNonCompliantResource } from './model';

/** GetConformancePackComplianceDetails' Limit: "Valid Range: Minimum value of 0. Maximum value of 100" (Config API reference). */
const DETAILS_PAGE_LIMIT = 100;

class PackMissing extends Error {}

/** Config's answer for a pack that is not there, from either call (it can be deleted between them). */
const missing = (err: unknown): never => {
  throw errorName(err) === 'NoSuchConformancePackException' ? new PackMissing() : err;
};

/**
 * Whether the pack exists here, and the resources its rules find non-compliant. DescribeConformancePackCompliance
 * is asked once, only for existence: its rule list is not part of the report, so its further pages are not read.
 */
export async function readConformancePack(scope: RegionScope, config: ConfigServiceClient, name: string): Promise<LiveConformancePack> {
  try {
    await awsRead(scope, 'config', 'DescribeConformancePackCompliance', () =>
      config.send(new DescribeConformancePackComplianceCommand({ ConformancePackName: name })),
    ).catch(missing);
    const results = await paginate(async (NextToken) => {
      const out = await awsRead(scope, 'config', 'GetConformancePackComplianceDetails', () =>
        config.send(
          new GetConformancePackComplianceDetailsCommand({
            ConformancePackName: name,
            Filters: { ComplianceType: 'NON_COMPLIANT' },
            Limit: DETAILS_PAGE_LIMIT,
            NextToken,
          }),
        ),
      ).catch(missing);
      return { items: out.ConformancePackRuleEvaluationResults, nextToken: out.NextToken };
    });
    const nonCompliant: LiveNonCompliantResource[] = results.map((r) => {
      const q = r.EvaluationResultIdentifier?.EvaluationResultQualifier;
      return { rule: q?.ConfigRuleName ?? '', resourceType: q?.ResourceType ?? '', resourceId: q?.ResourceId ?? '' };
    });
    return { name, found: true, nonCompliant };
  } catch (err) {
    if (err instanceof PackMissing) return { name, found: false, nonCompliant: [] };
    throw err;
  }
}
