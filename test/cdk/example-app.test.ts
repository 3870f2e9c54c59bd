import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ReportedViolation, synthesize } from '../../packages/cdk/src/__tests__/synth';
import { exampleApp } from '../../examples/cdk-app/app';

/** The README's example app: findings in CDK's own report, acknowledged per finding and per control. */
test('the example app fails synthesis on its landing bucket and records both kinds of acknowledgement', () => {
  const { error, reports, tarmac } = synthesize(exampleApp(fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-example-'))));
  expect(error).toBeDefined();
  expect(reports.map((r) => r.pluginName)).toEqual(expect.arrayContaining(['Tarmac', 'AwsSolutions']));
  const pairs = (vs: (ReportedViolation & { acknowledgedAt?: string })[] = []) =>
    vs
      .flatMap((v) => v.violatingConstructs.map((c) => `${v.ruleName} ${c.constructPath}${v.acknowledgedAt !== undefined ? ` @${v.acknowledgedAt}` : ''}`))
      .sort();
  expect(pairs(tarmac!.violations.filter((v) => v.severity === 'error'))).toEqual(
    ['LZ.S3.1', 'LZ.S3.2', 'LZ.S3.4', 'LZ.S3.5'].map((id) => `${id} DataLake/Landing/Resource`),
  );
  expect(pairs(tarmac!.suppressedViolations)).toEqual([
    'LZ.S3.2 DataLake/AccessLogs/Resource @DataLake/AccessLogs',
    'LZ.S3.5 DataLake/AccessLogs/Resource @DataLake/AccessLogs',
    'LZ.SQS.1 DataLake/Events/Resource @DataLake',
    'LZ.SQS.1 DataLake/Retries/Resource @DataLake',
  ]);
});
