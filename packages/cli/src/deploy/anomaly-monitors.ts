import { AnomalyMonitor, GetAnomalyMonitorsCommand } from '@aws-sdk/client-cost-explorer';
import { describeError } from './aws-errors';
import type { EngineContext } from './context';
import { costExplorerCall } from './cost-explorer-call';
import type { Desired } from './desired';
import type { MonitorCheck } from './model';
import { paginate } from './paginate';

/**
 * Asks Cost Anomaly Detection for the management account's monitors, and finds each AWS managed monitor the
 * billing stack would create whose dimension another DIMENSIONAL monitor already has (AWS's own
 * Default-Services-Monitor, made when Cost Explorer was first set up): AWS allows one per dimension, so the
 * create fails and rolls back the whole billing stack. A monitor with the stack's own name is the stack's.
 * An error is the check's error: an unchecked account is never taken as free of collisions.
 */
export async function checkAnomalyMonitors(ctx: EngineContext, wanted: Desired['anomalyMonitors']): Promise<MonitorCheck> {
  if (!wanted.length) return { collisions: [] };
  try {
    const existing = await paginate<AnomalyMonitor>(async (NextPageToken) => {
      const out = await costExplorerCall(ctx, 'ce:GetAnomalyMonitors', () => ctx.clients.costExplorer.send(new GetAnomalyMonitorsCommand({ NextPageToken })));
      return { items: out.AnomalyMonitors, nextToken: out.NextPageToken };
    });
    const collisions = wanted.flatMap((m) =>
      existing
        .filter((e) => e.MonitorType === 'DIMENSIONAL' && e.MonitorDimension === m.dimension && e.MonitorName !== m.name)
        .map((e) => ({ monitor: m.name, dimension: m.dimension, existing: { name: e.MonitorName ?? '?', arn: e.MonitorArn ?? '?' } })),
    );
    return { collisions };
  } catch (err) {
    return { collisions: [], error: describeError(err) };
  }
}

/** Whether the billing stack's monitors can be created as built. */
export const monitorsReady = (check: MonitorCheck) => !check.error && !check.collisions.length;

/** What the check found, for people: each collision with the line that adopts the existing monitor instead. */
export function monitorCheckLines(check: MonitorCheck): string[] {
  if (check.error)
    return [
      `could not check the anomaly monitors: ${check.error}`,
      '  (run with management-account credentials allowed ce:GetAnomalyMonitors; the billing stack is not deployed until checked)',
    ];
  return check.collisions.flatMap((c) => [
    `! anomaly monitor ${c.monitor}: AWS already has the ${c.dimension} monitor ${c.existing.name} (${c.existing.arn}) and allows one per dimension, so creating it fails and rolls back the billing stack`,
    `    fix: adopt it with \`adopt: ${c.existing.arn}\` on that monitor in policies/finops/anomaly-detection.yaml, or delete it in the Cost Anomaly Detection console`,
  ]);
}
