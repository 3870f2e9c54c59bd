// The compiled evaluator against cfn-guard 3.1.1's recorded verdicts: every conformance case of
// test/guard-semantics (docs/guard-semantics.md) and every catalog control's test cases.
import * as fs from 'fs';
import * as path from 'path';
import { loadCatalog } from '@tarmac/core';
import * as YAML from 'yaml';
import { loadCases } from '../../../../test/guard-semantics/runner';
import { evaluateGuard, GuardEvaluation, GuardEvaluationError, UnsupportedGuard } from './evaluate';
import { parseGuard } from './parse';
import { GuardParseError } from './scanner';

const REPO = path.join(__dirname, '../../../..');

/** Cases the evaluator refuses (UnsupportedGuard): the list may only shrink, never silently grow. */
const REFUSED: string[] = [
  // (?i) with Unicode simple case folding: the regex translator refuses it.
  '06-regex.yaml: regex i flag with unicode case folding',
];

/** Cases whose data is text with values JavaScript cannot hold (JSON floats like 1.0, YAML tags): not applicable. */
const TEXT_DATA: string[] = [
  '04-comparisons.yaml: float data 1.0 compared with int literal',
  '04-comparisons.yaml: float data compared with float literal',
  '04-comparisons.yaml: float data gt int literal not comparable',
  '04-comparisons.yaml: quoted yaml number is a string',
  '04-comparisons.yaml: yaml GetAtt short form',
  '04-comparisons.yaml: yaml short form intrinsic Ref becomes a map',
  '04-comparisons.yaml: yaml tilde is null',
  '04-comparisons.yaml: yaml yes is a string not a bool',
  '05-unary.yaml: is_float on float data',
];

type Outcome = { expect: Record<string, string> | 'ERROR'; failingPaths: Record<string, string[]>; messages: Record<string, string[]> };

/** What test/guard-semantics/runner.js derives from a native report, derived from our evaluation. */
function outcomeOf(evaluation: GuardEvaluation): Outcome {
  const expect: Record<string, string> = {};
  for (const r of evaluation.rules) if (r.status === 'PASS') expect[r.name] = 'PASS';
  for (const r of evaluation.rules) if (r.status === 'SKIP') expect[r.name] = 'SKIP';
  for (const r of evaluation.rules) if (r.status === 'FAIL') expect[r.name] = 'FAIL';
  const paths: Record<string, Set<string>> = {};
  const messages: Record<string, Set<string>> = {};
  for (const r of evaluation.rules) {
    for (const v of r.violations) {
      for (const p of v.paths) (paths[r.name] ??= new Set()).add(p);
      if (v.message) (messages[r.name] ??= new Set()).add(v.message);
    }
  }
  const sorted = (m: Record<string, Set<string>>) => Object.fromEntries(Object.entries(m).map(([k, s]) => [k, [...s].sort()]));
  return { expect, failingPaths: sorted(paths), messages: sorted(messages) };
}

const canonical = (v: unknown): string =>
  JSON.stringify(v, (_k, x) =>
    x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a.localeCompare(b))) : x,
  );

describe('compiled Guard evaluator: conformance with cfn-guard 3.1.1', () => {
  const cases = loadCases();
  const refused: string[] = [];
  const textData: string[] = [];
  const failures: string[] = [];
  let passed = 0;

  beforeAll(() => {
    for (const { file, case: c } of cases) {
      const id = `${file}: ${c.name}`;
      if (typeof c.data === 'string') {
        textData.push(id);
        continue;
      }
      const recorded = { expect: c.expect, failingPaths: c.failingPaths ?? {}, messages: c.messages ?? {} };
      let actual: Outcome | { expect: 'ERROR' };
      try {
        const document = JSON.parse(JSON.stringify(c.data ?? {}));
        actual = outcomeOf(evaluateGuard(parseGuard(c.rules, 'rules.guard'), document));
      } catch (e) {
        if (e instanceof UnsupportedGuard) {
          refused.push(id);
          continue;
        }
        if (!(e instanceof GuardEvaluationError || e instanceof GuardParseError)) {
          failures.push(`${id}: threw ${(e as Error).stack}`);
          continue;
        }
        actual = { expect: 'ERROR' };
      }
      const same = recorded.expect === 'ERROR' ? actual.expect === 'ERROR' : canonical(recorded) === canonical(actual);
      if (same) passed++;
      else failures.push(`${id}: recorded ${canonical(recorded)}, got ${canonical(actual)}`);
    }
    console.log(`conformance: ${passed} pass, ${refused.length} refused, ${textData.length} text data, ${failures.length} fail of ${cases.length}`);
  });

  test('every evaluated case gives the recorded verdicts, failing paths and messages', () => {
    expect(failures).toEqual([]);
  });

  test('the refused cases are exactly the listed ones', () => {
    expect(refused.sort()).toEqual([...REFUSED].sort());
  });

  test('the cases with text data are exactly the listed ones', () => {
    expect(textData.sort()).toEqual([...TEXT_DATA].sort());
  });
});

describe('compiled Guard evaluator: catalog control test cases', () => {
  const catalog = loadCatalog(path.join(REPO, 'policies'));
  for (const control of catalog.controls) {
    test(`${control.id} (${control.rule})`, () => {
      const file = parseGuard(control.guard, control.guardFile);
      const cases = YAML.parse(fs.readFileSync(control.testFile, 'utf8')) as {
        name: string;
        input: unknown;
        expectations: { rules: Record<string, string> };
      }[];
      const wrong: string[] = [];
      for (const c of cases) {
        const evaluation = evaluateGuard(file, c.input ?? {});
        for (const [rule, expected] of Object.entries(c.expectations.rules)) {
          // `cfn-guard test` (reporters/test/mod.rs get_status_result): PASS/FAIL if any rule of that name has it,
          // SKIP if all of them skipped.
          const statuses = evaluation.rules.filter((r) => r.name === rule).map((r) => r.status);
          const ok = expected === 'SKIP' ? statuses.length > 0 && statuses.every((s) => s === 'SKIP') : statuses.includes(expected as 'PASS' | 'FAIL');
          if (!ok) wrong.push(`${c.name}: ${rule} expected ${expected}, got ${statuses.join(', ') || 'nothing'}`);
        }
      }
      expect(wrong).toEqual([]);
    });
  }
});
