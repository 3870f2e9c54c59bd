import * as fs from 'fs';
import { resolveCatalog } from '@tarmac/core';
import { dayOption } from '../day-option';
import { UsageError } from '../usage-error';
import { renderCsv } from '../report/format-csv';
import { renderHtml } from '../report/format-html';
import { renderJson } from '../report/format-json';
import { renderMarkdown } from '../report/format-markdown';
import { ReportModel, ReportSources, buildReportModel, loadReportSources } from '../report/report-model';
import type { CommandDeps } from '../deploy/command-support';
import type { AccountClientFactory } from '../report/live/account-clients';
import type { LiveReport } from '../report/live/model';
import { awsSdk, loadOptional } from '../optional-dependency';

export type ReportFormat = 'html' | 'json' | 'csv' | 'markdown';

export interface ReportCommandOptions {
  policies?: string;
  format: ReportFormat;
  output?: string;
  at?: string;
  /** Add what AWS says (Organizations, StackSets, and each account through the reader role). */
  live?: boolean;
  /** --live: the directory tarmac build wrote (its --out), the stack sets' region, an endpoint for testing. */
  build?: string;
  region?: string;
  endpointUrl?: string;
  /** --live: read Guard Hook results invoked on or after this day (YYYY-MM-DD, UTC); default: 30 days before today. */
  since?: string;
}

/** How far back `--live` reads Guard Hook results by default. */
const HOOK_RESULT_DAYS = 30;

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
export async function reportCommand(opts: ReportCommandOptions, deps: LiveReportDeps = {}): Promise<number> {
  const today = dayOption(opts.at);
  if (!opts.live && (opts.since || opts.region || opts.endpointUrl || opts.build))
    throw new UsageError('--build, --since, --region and --endpoint-url are for reading AWS: they go with --live');
  // The platform team's own sources, as tarmac build reads them: never an installed catalog package.
  const catalog = resolveCatalog({ policies: opts.policies, packages: false });
  const sources = await loadReportSources(catalog, today);
  let model = buildReportModel(sources);
  if (opts.live) {
    const live = await readLive(model, sources, opts, today, deps);
    if (live === undefined) return 2;
    model = { ...model, live };
  }
  write(model, opts);
  return model.live?.findings.length ? 1 : 0;
}

/** What tests replace in `--live`: the AWS clients (and those of each account), how long to wait, where progress goes. */
export interface LiveReportDeps extends CommandDeps {
  readonly accountClients?: AccountClientFactory;
  readonly now?: Date;
}

/** The live part, or undefined when an AWS error stopped it before anything was read (said on stderr: exit 2). */
async function readLive(
  model: ReportModel,
  sources: ReportSources,
  opts: ReportCommandOptions,
  today: Date,
  deps: LiveReportDeps,
): Promise<LiveReport | undefined> {
  const since = opts.since ? dayOption(opts.since) : new Date(today.getTime() - HOOK_RESULT_DAYS * 86_400_000);
  const [{ engineContext, exitOnAwsError }, { readDesired }, { liveReport, requireDelegatedAdmin }, { collectAccounts }, { createAccountClientFactory }] =
    await loadOptional(awsSdk('report --live'), () =>
      Promise.all([
        import('../deploy/command-support'),
        import('../deploy/desired'),
        import('../report/live/live-report'),
        import('../report/live/collect-accounts'),
        import('../report/live/account-clients'),
      ]),
    );
  const dir = opts.build ?? 'tarmac.out';
  const desired = readDesired(dir);
  const awsOpts = {
    out: dir,
    format: 'text' as const,
    ...(opts.region ? { region: opts.region } : {}),
    ...(opts.endpointUrl ? { endpointUrl: opts.endpointUrl } : {}),
  };
  // Progress only on a terminal: a report written to a file in CI stays quiet.
  const ctx = engineContext(awsOpts, desired, deps, process.stderr.isTTY === true);
  let live: LiveReport | undefined;
  const code = await exitOnAwsError(async () => {
    await requireDelegatedAdmin(ctx, desired);
    const clientsFor = deps.accountClients ?? createAccountClientFactory(opts.endpointUrl ? { endpointUrl: opts.endpointUrl } : {});
    live = await liveReport(
      model,
      sources,
      desired,
      ctx,
      (expectations) =>
        collectAccounts(expectations, {
          sts: ctx.clients.sts,
          clientsFor,
          retry: ctx.retry,
          since,
          onAccount: (done, total) => ctx.progress.update('accounts', `${done} of ${total} read through their reader role`),
        }),
      {
        today,
        since,
        now: deps.now ?? new Date(),
      },
    );
    ctx.progress.stop();
    return 0;
  });
  return code === 0 ? live : undefined;
}

function write(model: ReportModel, opts: ReportCommandOptions): void {
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
}
