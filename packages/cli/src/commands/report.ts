import * as fs from 'fs';
import { resolveCatalog } from '@tarmac/core';
import { dayOption } from '../day-option';
import { UsageError } from '../usage-error';
import { renderCsv } from '../report/format-csv';
import { renderHtml } from '../report/format-html';
import { renderJson } from '../report/format-json';
import { renderMarkdown } from '../report/format-markdown';
import { ReportModel, buildReportModel, loadReportSources } from '../report/report-model';

export type ReportFormat = 'html' | 'json' | 'csv' | 'markdown';

export interface ReportCommandOptions {
  policies?: string;
  format: ReportFormat;
  output?: string;
  at?: string;
}

export const RENDERERS: Readonly<Record<ReportFormat, (model: ReportModel) => Iterable<string>>> = {
  html: renderHtml,
  json: renderJson,
  csv: renderCsv,
  markdown: renderMarkdown,
};

/**
 * `tarmac report`, offline: from policies/ (and hooks/, stacksets/ beside it), every account of org.yaml with
 * every control that applies to it and how each enforcement point applies it, the exemptions in force on the
 * day (--at or today), and the framework view. Written to --output (quiet) or stdout. Bad sources are
 * InputErrors (exit 2), as for tarmac build.
 */
export async function reportCommand(opts: ReportCommandOptions): Promise<number> {
  const today = dayOption(opts.at);
  // The platform team's own sources, as tarmac build reads them: never an installed catalog package.
  const catalog = resolveCatalog({ policies: opts.policies, packages: false });
  const model = buildReportModel(await loadReportSources(catalog, today));
  const chunks = RENDERERS[opts.format](model);
  if (opts.output) {
    let fd: number;
    try {
      fd = fs.openSync(opts.output, 'w');
    } catch (err) {
      throw new UsageError(`--output ${opts.output}: cannot write (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    try {
      for (const chunk of chunks) fs.writeSync(fd, chunk);
    } finally {
      fs.closeSync(fd);
    }
  } else {
    // A reader that stops early (tarmac report | head) is not an error.
    process.stdout.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
    });
    for (const chunk of chunks) process.stdout.write(chunk);
  }
  return 0;
}
