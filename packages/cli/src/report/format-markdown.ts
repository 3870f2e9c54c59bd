import { describeExemption } from './format-csv';
import { controlsText, liveSummary } from './live/live-summary';
import type { LiveReport } from './live/model';
import { ReportModel } from './report-model';

/** Markdown (GitHub tables): a summary of the accounts, a table per account, the exemptions, the framework view. */
export function* renderMarkdown(model: ReportModel): Generator<string> {
  const controls = new Map(model.controls.map((c) => [c.id, c]));
  yield `# Compliance report: ${md(model.catalog.label)}\n\n`;
  yield `Intended state from the sources, with the exemptions in force on ${model.at} (UTC).\n\n`;
  for (const note of model.notes) yield `- ${md(note)}\n`;
  yield `- management account ${md(model.managementAccount.name)} (${model.managementAccount.id}): ${md(model.managementAccount.note)}\n\n`;

  yield '## Accounts\n\n';
  yield table(
    ['Account', 'ID', 'OU', 'Profile', 'Controls', 'Enforced', 'Warn or detect only', 'Exempt (whole or part)'],
    model.accounts.map((a) => [
      a.name,
      a.id,
      a.ou,
      a.profile,
      String(a.controls.length),
      String(a.controls.filter((c) => c.status === 'enforce').length),
      String(a.controls.filter((c) => c.status === 'warn' || c.status === 'detect').length),
      String(a.controls.filter((c) => c.status === 'exempt' || c.status === 'partly-exempt').length),
    ]),
  );

  if (model.live) yield liveSection(model.live, names(model));

  for (const a of model.accounts) {
    const lines: string[] = [`\n## ${md(a.name)} (${a.id})\n\n`];
    lines.push(`OU ${md(a.ou)}, profile ${md(a.profile)}, regions ${md(a.regions.join(', '))}`);
    if (a.baselines.length) lines.push(`; baselines: ${md(a.baselines.map((b) => `${b.stackSet} (${b.kind})`).join(', '))}`);
    lines.push('.\n\n');
    lines.push(
      table(
        ['Control', 'Title', 'Status', 'Points', 'Exemptions'],
        a.controls.map((c) => [
          c.id,
          controls.get(c.id)?.title ?? '',
          c.status,
          c.points.map((p) => `${p.point}: ${p.mode} (${p.via})`).join('<br>'),
          c.exemptions.map(describeExemption).join('<br>'),
        ]),
        [3, 4],
      ),
    );
    yield lines.join('');
  }

  yield '\n## Frameworks\n';
  for (const [name, fw] of Object.entries(model.frameworks)) {
    yield `\n### ${md(name)}\n\n`;
    yield table(
      ['Requirement', 'Controls', 'Accounts'],
      fw.requirements.map((r) => [
        r.id,
        r.controls.map((c) => c.id).join(', '),
        r.controls.map((c) => `${c.id}: ${c.accounts.length ? c.accounts.join(', ') : 'none'}`).join('<br>'),
      ]),
      [2],
    );
    yield `\nUncovered requirements: ${fw.uncovered ? fw.uncovered.map(md).join(', ') || 'none' : md(fw.note.replace(/^uncovered requirements /, ''))}.\n`;
  }
}

/** What AWS says: every difference from the intended state, then the deployments Guard Hooks blocked. */
function liveSection(live: LiveReport, accountName: (id?: string) => string): string {
  const lines = [`\n## Live: what AWS says\n\n`, `${md(liveSummary(live))}\n\n`];
  if (live.findings.length)
    lines.push(
      table(
        ['Difference', 'Account', 'Region', 'Subject', 'Controls', 'What', 'Fix'],
        live.findings.map((f) => [f.kind, accountName(f.account), f.region ?? '', f.subject, controlsText(f.controls), f.message, f.fix]),
      ),
    );
  if (live.blocked.length) {
    lines.push(`\n### Deployments the Guard Hooks blocked\n\n`);
    lines.push(
      table(
        ['Account', 'Region', 'Hook', 'When', 'Target', 'Controls'],
        live.blocked.map((b) => [accountName(b.account), b.region, b.typeName, b.invokedAt ?? '', b.target ?? '', b.controls.join(', ')]),
      ),
    );
  }
  return lines.join('');
}

/** "name (id)" of an account of the report, or the ID alone. */
function names(model: ReportModel): (id?: string) => string {
  const byId = new Map(model.accounts.map((a) => [a.id, a.name]));
  return (id) => (id ? (byId.has(id) ? `${byId.get(id)} (${id})` : id) : '');
}

/** A GitHub table; cells are escaped, except the `<br>` this module puts between the lines of the columns in `html`. */
function table(header: readonly string[], rows: readonly (readonly string[])[], html: readonly number[] = []): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |\n`;
  const cell = (value: string, i: number) => (html.includes(i) ? value.split('<br>').map(md).join('<br>') : md(value));
  return line(header.map(md)) + line(header.map(() => '---')) + rows.map((r) => line(r.map(cell))).join('');
}

/** Text safe in a Markdown table cell: backslashes, pipes and emphasis or code marks escaped, HTML's < and & as entities, one line. */
export function md(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/[*_`]/g, '\\$&')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/\r?\n|\r/g, ' ');
}
