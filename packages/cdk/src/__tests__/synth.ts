import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';

export interface ReportedViolation {
  ruleName: string;
  description: string;
  severity: string;
  suggestedFix?: string;
  ruleMetadata?: Record<string, string>;
  violatingConstructs: { constructPath: string; cloudFormationResource?: { templatePath: string; logicalId: string; propertyPaths?: string[] } }[];
}

export interface PluginReport {
  pluginName: string;
  conclusion: 'success' | 'failure';
  violations: ReportedViolation[];
  suppressedViolations?: (ReportedViolation & { acknowledgedId: string; reason: string; acknowledgedAt: string })[];
}

/** A fresh app writing to its own temporary cloud assembly. */
export function newApp(context: Record<string, unknown> = {}): App {
  return new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-cdk-')), context });
}

/**
 * Synthesizes as `cdk synth` does and returns the CDK's own validation report (cdk.out/validation-report.json)
 * for the Tarmac plugin, and the error synthesis failed with, if it did. Console output is silenced.
 */
export function synthesize(app: App): { error?: Error; tarmac?: PluginReport; reports: PluginReport[] } {
  const quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  let error: Error | undefined;
  try {
    app.synth();
  } catch (err) {
    error = err as Error;
  } finally {
    quiet.mockRestore();
  }
  const file = path.join(app.outdir, 'validation-report.json');
  const reports: PluginReport[] = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')).pluginReports : [];
  return { error, reports, tarmac: reports.find((r) => r.pluginName === 'Tarmac') };
}

/** "LZ.S3.1 Data/Raw/Resource" for every violating construct, sorted. */
export function findingKeys(report: PluginReport | undefined, severity?: string): string[] {
  return (report?.violations ?? [])
    .filter((v) => !severity || v.severity === severity)
    .flatMap((v) => v.violatingConstructs.map((c) => `${v.ruleName} ${c.constructPath}`))
    .sort();
}
