import { CheckReport, Finding, blocks, controlLabel, isExempted } from '../findings';

export interface TextOptions {
  readonly color: boolean;
}

const ansi = (code: string, on: boolean) => (s: string) => (on ? `\u001b[${code}m${s}\u001b[0m` : s);

/** Findings grouped by file, errors after them, then a one-line summary. */
export function formatText(report: CheckReport, options: TextOptions): string {
  const c = options.color;
  const bold = ansi('1', c);
  const dim = ansi('2', c);
  const red = ansi('31', c);
  const yellow = ansi('33', c);
  const lines: string[] = [];
  let current = '';
  for (const item of groupUnchecked(report.findings)) {
    const f = 'unchecked' in item ? item.unchecked[0] : item;
    const group = f.stack ? `${f.file} (stack ${f.stack})` : f.file;
    if (group !== current) {
      if (current) lines.push('');
      lines.push(bold(group));
      current = group;
    }
    const where = `${f.file}${f.line ? `:${f.line}` : ''}`;
    const resource = f.logicalId ? `${f.logicalId} (${f.resourceType ?? '?'})` : '(template)';
    if ('unchecked' in item) {
      // One line for everything one transform hides, not one per control it may hide.
      const blocking = item.unchecked.filter(blocks);
      const ids = item.unchecked.map(controlLabel);
      const shown = ids.length > 6 ? `${ids.slice(0, 6).join(', ')} and ${ids.length - 6} more` : ids.join(', ');
      const level = blocking.length ? red(`not checked, blocks ${blocking.length}`) : yellow('not checked, warn');
      lines.push(`${where}  ${resource}  [${shown}] ${level}  ${f.message}${f.fix ? dim(` Fix: ${f.fix}`) : ''}`);
      continue;
    }
    if (isExempted(f)) {
      const e = f.exemption!;
      lines.push(
        dim(
          `${where}  ${resource}  [${controlLabel(f)}] exempted by ${e.id} until ${e.expires} (${[e.owner, e.ticket].filter(Boolean).join(', ')}): ${e.reason}`,
        ),
      );
      continue;
    }
    const label = `${f.severity}${f.mode === 'warn' ? ', warn' : ''}${f.verdict === 'unknown' ? ', unknown until deploy' : ''}`;
    const level = f.mode === 'enforce' ? red(label) : yellow(label);
    const lapsed = f.exemption ? red(` Exemption ${f.exemption.id} expired after ${f.exemption.expires} and no longer applies.`) : '';
    lines.push(`${where}  ${resource}  [${controlLabel(f)}] ${level}  ${f.message}${lapsed}${f.fix ? dim(` Fix: ${f.fix}`) : ''}`);
  }
  const expiring = expiringExemptions(report.findings);
  if (expiring.length) {
    if (lines.length) lines.push('');
    for (const e of expiring)
      lines.push(`${yellow('note')} exemption ${e.id} expires after ${e.expires}: fix what it exempts, or renew it in exemptions.yaml (owner ${e.owner})`);
  }
  for (const note of report.engine.notes ?? []) lines.push(`${yellow('note')} ${note}`);
  if (report.errors.length) {
    if (lines.length) lines.push('');
    for (const e of report.errors) lines.push(`${red('error')} ${e.message}`);
  }
  lines.push(summaryLine(report, c));
  return lines.join('\n') + '\n';
}

/** The exemptions that covered a finding and end within the organization's warning window, once each. */
function expiringExemptions(findings: readonly Finding[]): NonNullable<Finding['exemption']>[] {
  const byId = new Map(findings.flatMap((f) => (f.exemption?.status === 'expiring' ? [[f.exemption.id, f.exemption] as const] : [])));
  return [...byId.values()];
}

/** Findings in order, the unchecked ones of one resource (or template) folded into one item. */
function groupUnchecked(findings: readonly Finding[]): (Finding | { unchecked: Finding[] })[] {
  const out: (Finding | { unchecked: Finding[] })[] = [];
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    if (f.verdict !== 'unchecked') {
      out.push(f);
      continue;
    }
    const key = `${f.file}\0${f.stack ?? ''}\0${f.logicalId ?? ''}\0${f.line ?? ''}\0${f.message}`;
    const group = groups.get(key);
    if (group) group.push(f);
    else {
      const created = [f];
      groups.set(key, created);
      out.push({ unchecked: created });
    }
  }
  return out;
}

export function summaryLine(report: CheckReport, color: boolean): string {
  const s = report.summary;
  const warn = s.findings - s.blocking - (s.exempted ?? 0);
  const parts = [
    `${s.templates} template${s.templates === 1 ? '' : 's'}`,
    `${s.resources} resources`,
    `${s.blocking} blocking`,
    `${warn} warning${warn === 1 ? '' : 's'}`,
  ];
  if (s.exempted) parts.push(`${s.exempted} exempted`);
  if (s.unchecked) parts.push(`${s.unchecked} not checkable (owned by transforms Tarmac cannot expand: check the processed template, see Fix)`);
  if (report.errors.length) parts.push(`${report.errors.length} error${report.errors.length === 1 ? '' : 's'}`);
  if (s.skipped)
    parts.push(
      `${s.skipped} skipped (${Object.entries(s.skippedBy)
        .map(([why, n]) => `${n} ${why}`)
        .join(', ')})`,
    );
  const verdict = report.errors.length ? 'ERROR' : s.blocking ? 'FAIL' : 'PASS';
  const paint = ansi(report.errors.length || s.blocking ? '31;1' : '32;1', color);
  // Which catalog judged: the same templates can pass one version of it and fail the next.
  return `${paint(verdict)} ${parts.join(', ')} in ${(s.durationMs / 1000).toFixed(2)}s (catalog ${report.catalog}, ${report.engine.name} engine)`;
}
