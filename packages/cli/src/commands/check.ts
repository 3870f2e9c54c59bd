import * as fs from 'fs';
import * as path from 'path';
import { ExemptionSet, accountIdOf, loadExemptionSet, profileNamed, resolveCatalog } from '@tarmac/core';
import {
  CheckReport,
  EngineChoice,
  NOT_TEMPLATE_SKIPS,
  SkipReason,
  checkPaths,
  checkSources,
  createEngine,
  exitCodeOf,
  formatJsonChunks,
  formatJunit,
  formatSarif,
  formatText,
} from '@tarmac/guard';
import { stagedTemplates } from '../staged';
import { UsageError } from '../usage-error';
import { dayOption } from '../day-option';

export interface CheckCommandOptions {
  profile: string;
  format: 'text' | 'json' | 'sarif' | 'junit';
  output?: string;
  controlTower?: boolean;
  rules: string[];
  staged?: boolean;
  engine: EngineChoice;
  policies?: string;
  catalog?: string;
  cache?: string;
  account?: string;
  stackName?: string;
  at?: string;
  color?: boolean;
}

export async function checkCommand(paths: string[], opts: CheckCommandOptions): Promise<number> {
  if (!paths.length && !opts.staged) throw new UsageError('name at least one template, directory or cdk.out, or use --staged');
  // Before the run, not after it: a report that cannot be written would otherwise be lost.
  if (opts.output) assertWritable(opts.output);
  const catalog = resolveCatalog({ policies: opts.policies, catalog: opts.catalog });
  const profile = profileNamed(catalog, opts.profile);
  const today = dayOption(opts.at);
  // Read once, and only where an account is known: --account now (to resolve it), a cdk.out stack's environment when found.
  let loaded: { set?: ExemptionSet } | undefined;
  const exemptions = () => (loaded ??= { set: loadExemptionSet(catalog, today) }).set;
  const set = opts.account ? exemptions() : undefined;
  // Without exemptions.yaml there is nothing an account could change, and no org.yaml need exist to check it against.
  const accountId = opts.account && set ? accountIdOf(set, opts.account) : undefined;
  const engine = createEngine(opts.engine, opts.cache);
  // Progress on a terminal only, and only for runs long enough to need it.
  const progress = process.stderr.isTTY
    ? (done: number, total: number) => {
        if (total > 20) process.stderr.write(`\rchecking ${done}/${total} templates`);
      }
    : undefined;
  const options = {
    catalog,
    profile,
    engine,
    controlTower: opts.controlTower,
    rules: opts.rules,
    exemptions,
    accountId,
    stackName: opts.stackName,
    onProgress: progress,
  };
  let report: CheckReport;
  try {
    report = opts.staged ? await checkSources(stagedTemplates(), options) : await checkPaths(paths, options);
  } finally {
    engine.dispose();
    if (progress) process.stderr.write('\r\u001b[K');
  }
  const color = opts.color ?? (!opts.output && process.stdout.isTTY && !process.env.NO_COLOR);
  const text = render(report, opts.format, Boolean(color));
  const code = exitCodeOf(report);
  if (opts.output) writeReport(opts.output, text);
  else if (opts.format !== 'text' || report.findings.length || report.errors.length || skippedWhatMayMatter(report)) await writeOut(text);
  return code;
}

/**
 * Writes to stdout a piece at a time, each once the last has gone: stdout into a pipe is asynchronous, and a
 * reader slower than the check would otherwise have every piece queued at once (issue 18: peak memory).
 */
async function writeOut(text: Iterable<string>): Promise<void> {
  for (const chunk of text) {
    if (process.stdout.write(chunk)) continue;
    // 'close' too: a reader gone for good never drains (the write's error is reported as before, unhandled).
    await new Promise<void>((resolve) => {
      const done = () => {
        process.stdout.off('drain', done).off('close', done);
        resolve();
      };
      process.stdout.once('drain', done).once('close', done);
    });
  }
}

/** Quiet on success, unless a scan left out something that may hold a template (an excluded directory, a FIFO, a dangling link). */
function skippedWhatMayMatter(report: CheckReport): boolean {
  return Object.keys(report.summary.skippedBy).some((why) => !NOT_TEMPLATE_SKIPS.has(why as SkipReason));
}

function assertWritable(file: string): void {
  const dir = path.dirname(path.resolve(file));
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(dir);
  } catch {
    /* reported below */
  }
  if (!stat?.isDirectory()) throw new UsageError(`--output ${file}: the directory ${dir} does not exist`);
}

function writeReport(file: string, text: Iterable<string>): void {
  const unwritable = (err: unknown) =>
    new UsageError(`--output ${file}: cannot write the report (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  let fd: number;
  try {
    fd = fs.openSync(file, 'w');
  } catch (err) {
    throw unwritable(err);
  }
  try {
    for (const chunk of text) {
      try {
        // As writeFileSync: until every byte is written (a write may take fewer).
        const bytes = Buffer.from(chunk);
        for (let done = 0; done < bytes.length;) done += fs.writeSync(fd, bytes, done);
      } catch (err) {
        throw unwritable(err);
      }
    }
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The report, in the pieces to write: JSON (the format scripts and CI read, thousands of findings on a large
 * repository) is made a piece at a time, so the whole text is never held at once (issue 18: peak memory).
 */
function render(report: CheckReport, format: CheckCommandOptions['format'], color: boolean): Iterable<string> {
  switch (format) {
    case 'json':
      return formatJsonChunks(report);
    case 'sarif':
      return [formatSarif(report)];
    case 'junit':
      return [formatJunit(report)];
    default:
      return [formatText(report, { color })];
  }
}
