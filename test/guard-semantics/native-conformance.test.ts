// The Guard semantics conformance suite (docs/guard-semantics.md) re-run on the real cfn-guard 3.1.1: every case's
// recorded verdicts, failing paths and messages must still be what the binary decides, so the suite cannot drift
// from cfn-guard. Expectations are written only by record.js.
import * as fs from 'fs';
import { engineJson } from '../../packages/guard/src/engines/engine';
import { violationsFromReport } from '../../packages/guard/src/engines/native-report';
import { DEFAULT_BINARY, loadCases, runCases } from './runner';

const binary = process.env.TARMAC_CFN_GUARD || DEFAULT_BINARY;
const cases = loadCases();
const describeNative = fs.existsSync(binary) ? describe : describe.skip;

/** JSON with sorted keys: the recorded YAML and a fresh run may list rules in another order. */
const canonical = (v: unknown): string =>
  JSON.stringify(v, (_k, x) =>
    x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a.localeCompare(b))) : x,
  );

describeNative('Guard semantics conformance on native cfn-guard', () => {
  test('the suite is large and its case names are unique', () => {
    expect(cases.length).toBeGreaterThanOrEqual(250);
    expect(new Set(cases.map((c) => c.case.name)).size).toBe(cases.length);
  });

  test('every case gives the recorded verdicts, failing paths and messages', async () => {
    const outcomes = await runCases(cases, { toJson: engineJson, violationsFromReport, binary });
    const differences = cases.flatMap((c, i) => {
      const recorded = { expect: c.case.expect, failingPaths: c.case.failingPaths ?? {}, messages: c.case.messages ?? {} };
      const actual = { expect: outcomes[i].expect, failingPaths: outcomes[i].failingPaths ?? {}, messages: outcomes[i].messages ?? {} };
      return canonical(recorded) === canonical(actual) ? [] : [`${c.file} "${c.case.name}": recorded ${canonical(recorded)}, got ${canonical(actual)}`];
    });
    expect(differences).toEqual([]);
  });
});
