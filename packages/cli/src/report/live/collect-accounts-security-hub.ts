import { GetEnabledStandardsCommand, SecurityHubClient, StandardsSubscription } from '@aws-sdk/client-securityhub';
import { errorName } from '../../deploy/aws-errors';
import { paginate } from '../../deploy/paginate';
import { RegionScope, awsRead } from './collect-accounts-call';

/**
 * Subscriptions that count as enabled. StandardsStatus (Security Hub API reference, StandardsSubscription):
 * PENDING is being enabled (or gaining controls), READY enabled, INCOMPLETE enabled with errors, FAILED "could not
 * be disabled" (so still there); DELETING is being disabled, so it no longer counts.
 */
const enabled = (s: StandardsSubscription) => s.StandardsStatus !== 'DELETING';

/**
 * The StandardsArn of the standards enabled here; null when Security Hub is not: GetEnabledStandards then answers
 * InvalidAccessException ("Account … is not subscribed to AWS Security Hub").
 */
export async function readSecurityHubStandards(scope: RegionScope, securityHub: SecurityHubClient): Promise<string[] | null> {
  try {
    const subscriptions = await paginate(async (NextToken) => {
      const out = await awsRead(scope, 'securityhub', 'GetEnabledStandards', () => securityHub.send(new GetEnabledStandardsCommand({ NextToken })));
      return { items: out.StandardsSubscriptions, nextToken: out.NextToken };
    });
    return subscriptions.filter(enabled).map((s) => s.StandardsArn ?? '');
  } catch (err) {
    if (errorName(err) === 'InvalidAccessException') return null;
    throw err;
  }
}
