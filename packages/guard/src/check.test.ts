import * as path from 'path';
import { loadCatalog } from '@tarmac/core';
import { checkSources } from './check';
import { GuardEngine } from './engines/engine';
import { NativeEngine } from './engines/native-engine';
import { exitCodeOf } from './findings';

const catalog = loadCatalog(path.join(__dirname, '..', '..', '..', 'policies'));
const BUCKET = 'Resources:\n  Raw:\n    Type: AWS::S3::Bucket\n';

test('a template the engine returns no result for is an error naming it, never a pass', async () => {
  const native = new NativeEngine();
  // The real engine, answering for every template but the first.
  const forgetful: GuardEngine = {
    name: native.name,
    version: native.version,
    evaluate: async (jobs) => (await native.evaluate(jobs)).slice(1),
    unparsableRules: async () => [],
    dispose: () => undefined,
  };
  const sources = ['a.yaml', 'b.yaml'].map((file) => ({ file, read: () => Buffer.from(BUCKET) }));
  const report = await checkSources({ sources, skipped: [], errors: [] }, { catalog, profile: catalog.profiles.get('prod')!, engine: forgetful });
  expect(report.errors.map((e) => [e.location.file, e.message])).toEqual([['a.yaml', 'a.yaml: the native Guard engine returned no result for this template']]);
  expect(report.findings.some((f) => f.file === 'b.yaml')).toBe(true);
  expect(exitCodeOf(report)).toBe(2);
});
