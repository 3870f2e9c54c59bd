import type { LiveReport } from './model';

/** One sentence for every format: when AWS was read, how many differences of which kinds, how many deployments were blocked. */
export function liveSummary(live: LiveReport): string {
  const byKind = new Map<string, number>();
  for (const f of live.findings) byKind.set(f.kind, (byKind.get(f.kind) ?? 0) + 1);
  const kinds = [...byKind].map(([kind, n]) => `${n} ${kind}`).join(', ');
  const read = live.accounts.filter((a) => a.read).length;
  return (
    `Read from AWS at ${live.collectedAt} (Guard Hook results since ${live.hookResultsSince}), ${read} of ${live.accounts.length} accounts through their reader role: ` +
    (live.findings.length
      ? `${live.findings.length} difference${live.findings.length === 1 ? '' : 's'} from the intended state (${kinds})`
      : 'no difference from the intended state') +
    `; ${live.blocked.length} deployment${live.blocked.length === 1 ? '' : 's'} blocked by Guard Hooks.`
  );
}

/** The controls of a finding for a table cell: a hook or an instance concerns dozens, so past six only the count of the rest. */
export function controlsText(controls: readonly string[] = []): string {
  return controls.length <= 6 ? controls.join(', ') : `${controls.slice(0, 5).join(', ')} and ${controls.length - 5} more`;
}
