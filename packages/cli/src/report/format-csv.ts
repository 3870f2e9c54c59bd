import { ReportExemption, ReportModel } from './report-model';

export const CSV_HEADER = ['account_id', 'account_name', 'ou', 'profile', 'control', 'title', 'status', 'point', 'mode', 'via', 'exemptions'] as const;

/**
 * One row per account, control and enforcement point, after a header row (RFC 4180: CRLF line ends, a field
 * holding a comma, a double quote, CR or LF in double quotes with its quotes doubled).
 */
export function* renderCsv(model: ReportModel): Generator<string> {
  yield csvRow(CSV_HEADER);
  const titles = new Map(model.controls.map((c) => [c.id, c.title]));
  for (const a of model.accounts) {
    const rows: string[] = [];
    for (const c of a.controls) {
      const exemptions = c.exemptions.map(describeExemption).join('; ');
      for (const p of c.points) rows.push(csvRow([a.id, a.name, a.ou, a.profile, c.id, titles.get(c.id) ?? '', c.status, p.point, p.mode, p.via, exemptions]));
    }
    yield rows.join('');
  }
  // --live: one row per difference, its point live:<kind>, what it is in via and what to do in the last column.
  const accounts = new Map(model.accounts.map((a) => [a.id, a]));
  for (const f of model.live?.findings ?? []) {
    const a = f.account ? accounts.get(f.account) : undefined;
    yield csvRow([
      f.account ?? '',
      a?.name ?? '',
      a?.ou ?? '',
      a?.profile ?? '',
      (f.controls ?? []).join(' '),
      f.subject,
      'difference',
      `live:${f.kind}`,
      f.region ?? '',
      f.message,
      f.fix,
    ]);
  }
}

export function describeExemption(e: ReportExemption): string {
  return `${e.id} (${e.status}, expires ${e.expires}; ${e.scope}; owner ${e.owner}${e.ticket ? `; ticket ${e.ticket}` : ''})`;
}

export function csvRow(fields: readonly string[]): string {
  return fields.map(csvField).join(',') + '\r\n';
}

export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
