import * as fs from 'fs';
import { loadCatalog, profileNamed, resolvePoliciesDir } from '@tarmac/core';
import { CheckReport, EngineChoice, checkPaths, checkSources, createEngine, exitCodeOf, formatJson, formatJunit, formatSarif, formatText } from '@tarmac/guard';
import { stagedTemplates } from '../staged';
import { UsageError } from '../usage-error';

export interface CheckCommandOptions {
  profile: string;
  format: 'text' | 'json' | 'sarif' | 'junit';
  output?: string;
  controlTower?: boolean;
  rules: string[];
  staged?: boolean;
  engine: EngineChoice;
  policies?: string;
  cache?: string;
  color?: boolean;
}

export async function checkCommand(paths: string[], opts: CheckCommandOptions): Promise<number> {
  if (!paths.length && !opts.staged) throw new UsageError('name at least one template, directory or cdk.out, or use --staged');
  const catalog = loadCatalog(resolvePoliciesDir(opts.policies));
  const profile = profileNamed(catalog, opts.profile);
  const engine = createEngine(opts.engine, opts.cache);
  // Progress on a terminal only, and only for runs long enough to need it.
  const progress = process.stderr.isTTY
    ? (done: number, total: number) => {
        if (total > 20) process.stderr.write(`\rchecking ${done}/${total} templates`);
      }
    : undefined;
  const options = { catalog, profile, engine, controlTower: opts.controlTower, rules: opts.rules, onProgress: progress };
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
  if (opts.output) fs.writeFileSync(opts.output, text);
  else if (opts.format !== 'text' || report.findings.length || report.errors.length) process.stdout.write(text);
  return code;
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
