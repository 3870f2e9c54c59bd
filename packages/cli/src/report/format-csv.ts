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
