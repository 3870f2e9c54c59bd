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
  formatJson,
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
  else if (opts.format !== 'text' || report.findings.length || report.errors.length || skippedWhatMayMatter(report)) process.stdout.write(text);
  return code;
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

function writeReport(file: string, text: string): void {
  try {
    fs.writeFileSync(file, text);
  } catch (err) {
    throw new UsageError(`--output ${file}: cannot write the report (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

function render(report: CheckReport, format: CheckCommandOptions['format'], color: boolean): string {
  switch (format) {
    case 'json':
      return formatJson(report);
    case 'sarif':
      return formatSarif(report);
    case 'junit':
      return formatJunit(report);
    default:
      return formatText(report, { color });
  }
}
