import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { exampleApp } from '../../examples/cdk-app/app';

interface Violation {
  ruleName: string;
  severity: string;
  violatingConstructs: { constructPath: string }[];
  acknowledgedAt?: string;
  reason?: string;
}

/** The README's example app: findings in CDK's own report, acknowledged per finding and per control. */
test('the example app fails synthesis on its landing bucket and records both kinds of acknowledgement', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-example-'));
  const quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  let error: Error | undefined;
  try {
    exampleApp(outdir).synth();
  } catch (err) {
    error = err as Error;
  } finally {
    quiet.mockRestore();
  }
  expect(error).toBeDefined();
  const reports = JSON.parse(fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf8')).pluginReports as { pluginName: string; violations: Violation[]; suppressedViolations?: Violation[] }[];
  expect(reports.map((r) => r.pluginName)).toEqual(expect.arrayContaining(['Tarmac', 'AwsSolutions']));
  const tarmac = reports.find((r) => r.pluginName === 'Tarmac')!;
  const pairs = (vs: Violation[] = []) => vs.flatMap((v) => v.violatingConstructs.map((c) => `${v.ruleName} ${c.constructPath}${v.acknowledgedAt !== undefined ? ` @${v.acknowledgedAt}` : ''}`)).sort();
  expect(pairs(tarmac.violations.filter((v) => v.severity === 'error'))).toEqual(['LZ.S3.1', 'LZ.S3.2', 'LZ.S3.4', 'LZ.S3.5'].map((id) => `${id} DataLake/Landing/Resource`));
  expect(pairs(tarmac.suppressedViolations)).toEqual([
    'LZ.S3.2 DataLake/AccessLogs/Resource @DataLake/AccessLogs',
    'LZ.S3.5 DataLake/AccessLogs/Resource @DataLake/AccessLogs',
    'LZ.SQS.1 DataLake/Events/Resource @DataLake',
    'LZ.SQS.1 DataLake/Retries/Resource @DataLake',
  ]);
});
