import { monitorCheckLines } from './anomaly-monitors';
import { tagCheckLines } from './cost-allocation-tags';
import { verdictOf } from './instance-verdict';
import type { DeployReport, InstanceStatus, ManagementReport, StackSetOutcome } from './model';
import type { StackSetStatus } from './status';
import { alignRows } from './table';

const VERDICT_LABEL: Record<string, string> = {
  ok: 'ok',
  skipped: 'skipped (suspended account)',
  failed: 'FAILED',
  inoperable: 'INOPERABLE',
  outdated: 'not current',
};

function counts(instances: readonly InstanceStatus[]): string {
  const by = new Map<string, number>();
  for (const i of instances) by.set(verdictOf(i), (by.get(verdictOf(i)) ?? 0) + 1);
  const ok = by.get('ok') ?? 0;
  const rest = ['skipped', 'failed', 'inoperable', 'outdated'].filter((v) => by.get(v)).map((v) => `${by.get(v)} ${VERDICT_LABEL[v]}`);
  return [`${ok}/${instances.length} current`, ...rest].join(', ');
}

function stackSetResult(s: StackSetOutcome): string {
  if (s.errors.length) return 'FAILED';
  if (s.skippedRemovals.length) return 'removals skipped';
  if (s.instances.some((i) => !['ok', 'skipped'].includes(verdictOf(i)))) return 'not current';
  return 'ok';
}

/** The final summary: one row per part deployed, then what failed, each instance that is not fine, and skipped removals. */
export function renderDeployReport(report: DeployReport): string {
  const rows: string[][] = [['PART', 'NAME', 'ACTION', 'RESULT', 'DETAIL']];
  for (const s of report.stacks) rows.push(['stack', s.name, s.action, s.ok ? 'ok' : 'FAILED', s.ok ? (s.detail ?? '') : '']);
  for (const b of report.bundles) rows.push(['bundle', b.name, b.action, b.ok ? 'ok' : 'FAILED', b.ok ? (b.detail ?? '') : '']);
  for (const p of report.policies) rows.push(['policy', p.name, p.action, p.ok ? 'ok' : 'FAILED', p.ok ? (p.detail ?? '') : '']);
  for (const s of report.stackSets) rows.push(['stack set', s.name, s.action, stackSetResult(s), s.instances.length ? counts(s.instances) : '']);
  const out = rows.length > 1 ? alignRows(rows) : ['nothing to deploy'];
  const failures = [
    ...[...report.stacks, ...report.bundles, ...report.policies].filter((s) => !s.ok).map((s) => `${s.name}: ${s.detail ?? 'failed'}`),
    ...report.stackSets.flatMap((s) => s.errors.map((e) => `${s.name}: ${e}`)),
  ];
  if (failures.length) out.push('', 'Failures:', ...failures.map((f) => `  ${f.replace(/\n/g, '\n  ')}`));
  const instances = renderInstances(report.stackSets, { all: false });
  if (instances.length) out.push('', 'Instances that are not current:', ...instances);
  if (report.skippedRemovals.length)
    out.push('', `Skipped without --allow-delete (${report.skippedRemovals.length}):`, ...report.skippedRemovals.map((r) => `  - ${r}`));
  if (report.notes.length) out.push('', 'Not deployed here:', ...report.notes.map((n) => `  ${n}`));
  return out.join('\n') + '\n';
}

/** `tarmac deploy --management`: the tag check, why nothing was deployed if so, then each stack. */
export function renderManagementReport(report: ManagementReport): string {
  const out = [...tagCheckLines(report.costAllocationTags)];
  const monitors = report.anomalyMonitors ? monitorCheckLines(report.anomalyMonitors) : [];
  if (monitors.length) out.push('', ...monitors);
  if (report.refused) out.push('', `Refused: ${report.refused}. Nothing was changed.`);
  if (report.stacks.length) {
    const rows = [
      ['PART', 'NAME', 'ACTION', 'RESULT', 'DETAIL'],
      ...report.stacks.map((s) => ['management stack', s.name, s.action, s.ok ? 'ok' : 'FAILED', s.ok ? (s.detail ?? '') : '']),
    ];
    out.push('', ...alignRows(rows));
    const failures = report.stacks.filter((s) => !s.ok).map((s) => `${s.name}: ${s.detail ?? 'failed'}`);
    if (failures.length) out.push('', 'Failures:', ...failures.map((f) => `  ${f.replace(/\n/g, '\n  ')}`));
  } else if (!report.refused) out.push('', 'nothing to deploy: the build has no management account stack');
  return out.join('\n') + '\n';
}

/**
 * Per account and region: Status, DetailedStatus, what it means for the exit code, and AWS's reason; one
 * table across stack sets so the columns line up. `all` false lists only the instances that are not current.
 */
export function renderInstances(
  stackSets: readonly { name: string; instances: readonly InstanceStatus[] }[],
  opts: { all: boolean; drift?: boolean },
): string[] {
  const header = ['STACK SET', 'ACCOUNT', 'REGION', 'OU', 'STATUS', 'DETAILED STATUS', ...(opts.drift ? ['DRIFT'] : []), 'RESULT', 'REASON'];
  const rows = stackSets.flatMap((s) =>
    (opts.all ? s.instances : s.instances.filter((i) => verdictOf(i) !== 'ok')).map((i) => [
      s.name,
      i.account,
      i.region,
      i.ou ?? '',
      i.status,
      i.detailedStatus ?? '',
      ...(opts.drift ? [i.drift ?? ''] : []),
      VERDICT_LABEL[verdictOf(i)],
      i.reason ?? '',
    ]),
  );
  return rows.length ? alignRows([header, ...rows], '  ') : [];
}

/** `tarmac status`: each stack set's kind, state and last operation (an account target's accounts below it), then every instance. */
export function renderStatus(stackSets: readonly StackSetStatus[], drift: boolean): string {
  const rows: string[][] = [['STACK SET', 'KIND', 'STATUS', 'LAST OPERATION', 'INSTANCES']];
  for (const s of stackSets) {
    const last = s.lastOperation ? `${s.lastOperation.action} ${s.lastOperation.status}${s.lastOperation.ended ? ` ${s.lastOperation.ended}` : ''}` : '';
    rows.push([s.name, s.kind, s.exists ? (s.status ?? '?') : 'NOT DEPLOYED', last, s.exists ? counts(s.instances) : '']);
  }
  const out: string[] = [];
  for (const [i, line] of alignRows(rows).entries()) {
    out.push(line);
    const accounts = i > 0 ? stackSets[i - 1].accounts : undefined;
    if (accounts) out.push(`  accounts: ${accounts.map((a) => `${a.name} (${a.id})`).join(', ')}`);
  }
  const errors = stackSets.flatMap((s) => s.errors.map((e) => `${s.name}: ${e}`));
  if (errors.length) out.push('', 'Errors:', ...errors.map((e) => `  ${e}`));
  const table = renderInstances(stackSets, { all: true, drift });
  if (table.length) out.push('', 'Instances:', ...table);
  return out.join('\n') + '\n';
}
