import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadCatalog } from '@tarmac/core';
import {
  EvaluationJob,
  HookInputSpelling,
  ParsedTemplate,
  createEngine,
  discoverTemplates,
  guardHookInput,
  parseTemplate,
  ruleApplies,
  selectRules,
} from '@tarmac/guard';
import { synthesize } from '../../packages/cdk/src/__tests__/synth';
import { parityApp } from './parity-app';

/**
 * One control, one verdict: the (template, logical ID, control) triples TarmacChecks reports at synth equal
 * what `tarmac check cdk.out` reports, and what the same rules say about each resource in the input a Guard
 * Hook receives (both documented spellings). Unknown verdicts count: they are findings everywhere.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const POLICIES = path.join(ROOT, 'policies');
const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-parity-'));

let synthTriples: string[];
let synthError: Error | undefined;

beforeAll(() => {
  const { error, tarmac } = synthesize(parityApp(outdir, POLICIES));
  synthError = error;
  synthTriples = tarmac!.violations
    .filter((v) => v.ruleName !== 'acknowledgement')
    .flatMap((v) => v.violatingConstructs.map((c) => triple(c.cloudFormationResource!.templatePath, c.cloudFormationResource!.logicalId, v.ruleName)))
    .sort();
});

function triple(file: string, logicalId: string | undefined, controlId: string): string {
  return `${path.basename(file)} ${logicalId} ${controlId}`;
}

test('the app has blocking findings, in every stack and the nested one, and an unknown verdict', () => {
  expect(synthError?.message).toContain('LZ.');
  const templates = new Set(synthTriples.map((t) => t.split(' ')[0]));
  expect(templates).toEqual(
    new Set(['Ingest.template.json', 'Serve.template.json', 'Network.template.json', expect.stringMatching(/^NetworkShared.*\.nested\.template\.json$/)]),
  );
  expect(synthTriples).toContain(triple('Ingest.template.json', 'Archive', 'LZ.S3.2'));
});

test('TarmacChecks at synth and `tarmac check cdk.out` report the same findings', () => {
  const cli = path.join(ROOT, 'packages', 'cli', 'bin', 'tarmac.js');
  const run = spawnSync(process.execPath, [cli, 'check', outdir, '--profile', 'prod', '--policies', POLICIES, '--format', 'json'], { encoding: 'utf8' });
  expect(run.status).toBe(1); // findings, no errors
  const findings = JSON.parse(run.stdout).findings as { file: string; logicalId?: string; controlId: string }[];
  expect(findings.map((f) => triple(f.file, f.logicalId, f.controlId)).sort()).toEqual(synthTriples);
});

test.each<HookInputSpelling>(['ResourceType/ResourceProperties', 'Type/Properties'])(
  'the same rules on the Guard Hook input (%s) of each resource fail the same findings',
  async (spelling) => {
    const catalog = loadCatalog(POLICIES);
    const rules = selectRules({ catalog, profile: catalog.profiles.get('prod')! });
    const jobs: EvaluationJob[] = [];
    for (const source of discoverTemplates([outdir]).sources) {
      const template = parseTemplate(source.read(), source.file, source.stack);
      for (const { logicalId, type } of template.resources) {
        const resource = (template.document.Resources as Record<string, { Properties?: unknown }>)[logicalId];
        const types = new Set([type]);
        jobs.push({
          template: hookInput(source.file, logicalId, type, resource.Properties ?? {}, spelling),
          rules: rules.filter((r) => ruleApplies(r, types)),
        });
      }
    }
    const engine = createEngine('native');
    try {
      const results = await engine.evaluate(jobs);
      expect(results.flatMap((r) => r.errors)).toEqual([]);
      const byName = new Map(rules.flatMap((r) => r.names.map((n) => [n, r.id] as const)));
      const hook = results.flatMap((r) => r.violations.map((v) => triple(r.job.template.file, v.logicalId, byName.get(v.ruleName)!)));
      expect([...new Set(hook)].sort()).toEqual(synthTriples);
    } finally {
      engine.dispose();
    }
  },
);

/** What a Guard Hook receives for a RESOURCE target (guardHookInput), as a document the engines evaluate. */
function hookInput(file: string, logicalId: string, type: string, properties: unknown, spelling: HookInputSpelling): ParsedTemplate {
  const document = guardHookInput(logicalId, type, properties, spelling);
  return { file, document, resources: [{ logicalId, type }], types: new Set([type]), unchecked: [], alternatives: {}, locate: () => ({ file }) };
}
