import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Catalog, Control, InputError, SourceDocument, readSourceFile } from '@tarmac/core';
import { GuardEvaluationError, UnsupportedGuard, evaluateGuard } from './compiled/evaluate';
import { GuardParseError, parseGuard } from './compiled/parse';
import { nativeGuardBinary } from './engines/native-binary';
import { isObject } from './template/foreach';
import { ruleParseError } from './rules/rule-parse-error';

/** The input shapes every rule must handle; each needs PASS, FAIL and SKIP cases. */
export const INPUT_SHAPES = ['template', 'hook', 'hook typed', 'legacy'] as const;
export type InputShape = (typeof INPUT_SHAPES)[number];
export type Verdict = 'PASS' | 'FAIL' | 'SKIP';

export interface TestCase {
  readonly name: string;
  readonly shape: InputShape | undefined;
  readonly expected: Verdict;
  readonly line?: number;
  readonly input: unknown;
}

export interface ControlTestResult {
  readonly control: Control;
  readonly cases: number;
  /** Cases whose verdict differed from the expectation, on cfn-guard or on the compiled engine. */
  readonly failures: { case: string; line?: number; expected: string; actual: string }[];
  /** Shapes lacking a PASS, FAIL or SKIP case. */
  readonly missingCoverage: string[];
  readonly errors: InputError[];
  /** Why the compiled engine leaves this control to cfn-guard, when it does. */
  readonly compiledRefusal?: string;
}

/** Which input shape a test document has. */
export function shapeOf(input: unknown): InputShape | undefined {
  if (!isObject(input)) return undefined;
  if (isObject(input.Resources)) {
    const resources = Object.values(input.Resources).filter(isObject);
    const hook = 'HookContext' in input;
    if (resources.some((r) => 'ResourceType' in r)) return hook ? 'hook' : undefined;
    if (resources.some((r) => 'Type' in r)) return hook ? 'hook typed' : 'template';
    return undefined;
  }
  const keys = Object.keys(input);
  if (keys.length && keys.every((k) => /^[A-Za-z0-9]+::[A-Za-z0-9]+::[A-Za-z0-9]+$/.test(k))) return 'legacy';
  return undefined;
}

/** Reads a control's cfn-guard test file and checks each case names the control's rule with a verdict. */
export function readTestCases(control: Control): { cases: TestCase[]; errors: InputError[] } {
  let doc: SourceDocument;
  try {
    doc = readSourceFile(control.testFile);
  } catch (err) {
    return { cases: [], errors: [err as InputError] };
  }
  const errors: InputError[] = [];
  const cases: TestCase[] = [];
  if (!Array.isArray(doc.value) || doc.value.length === 0) {
    return {
      cases,
      errors: [new InputError({ file: control.testFile, line: 1 }, 'no test cases', 'a list of {name, input, expectations: {rules: {RULE: PASS|FAIL|SKIP}}}')],
    };
  }
  doc.value.forEach((c: unknown, i: number) => {
    const loc = doc.locate([i]);
    if (!isObject(c) || typeof c.name !== 'string' || !('input' in c) || !isObject(c.expectations) || !isObject(c.expectations.rules)) {
      errors.push(new InputError(loc, `test case ${i + 1} is malformed`, 'name, input and expectations.rules'));
      return;
    }
    const rules = c.expectations.rules;
    for (const name of Object.keys(rules)) {
      if (name !== control.rule)
        errors.push(
          new InputError(
            doc.locate([i, 'expectations', 'rules', name]),
            `test case '${c.name}' expects unknown rule ${name}`,
            `the control's rule ${control.rule}`,
          ),
        );
    }
    const expected = rules[control.rule];
    if (expected !== 'PASS' && expected !== 'FAIL' && expected !== 'SKIP') {
      errors.push(new InputError(loc, `test case '${c.name}' has no PASS/FAIL/SKIP expectation for ${control.rule}`));
      return;
    }
    cases.push({ name: c.name, shape: shapeOf(c.input), expected, line: loc.line, input: c.input });
  });
  return { cases, errors };
}

/** Shapes that lack a PASS, FAIL or SKIP case, e.g. "legacy: SKIP". */
export function missingCoverage(cases: readonly TestCase[]): string[] {
  const missing: string[] = [];
  for (const shape of INPUT_SHAPES) {
    for (const verdict of ['PASS', 'FAIL', 'SKIP'] as const) {
      if (!cases.some((c) => c.shape === shape && c.expected === verdict)) missing.push(`${shape}: ${verdict}`);
    }
  }
  return missing;
}

interface NativeTestOutput {
  test_cases: { name: string; failed_rules: { name: string; expected: string; evaluated: string | string[] }[] }[];
}

/** Runs every control's cases with the real cfn-guard binary (`cfn-guard test`). */
export async function runControlTests(catalog: Catalog, binary = nativeGuardBinary()): Promise<ControlTestResult[]> {
  if (!binary) throw new Error(`cfn-guard is not available for ${process.platform}/${process.arch}: tarmac test needs the native binary`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-test-'));
  try {
    const results: ControlTestResult[] = [];
    const queue = [...catalog.controls];
    const workers = Array.from({ length: Math.min(os.cpus().length, queue.length) }, async () => {
      for (let c = queue.shift(); c; c = queue.shift()) results.push(await testControl(c, binary, tmp));
    });
    await Promise.all(workers);
    return results.sort((a, b) => a.control.id.localeCompare(b.control.id, 'en', { numeric: true }));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

async function testControl(control: Control, binary: string, tmp: string): Promise<ControlTestResult> {
  const { cases, errors } = readTestCases(control);
  const base = { control, cases: cases.length, missingCoverage: missingCoverage(cases) };
  if (errors.length) return { ...base, failures: [], errors };
  // Generated rules (tags.yaml) have no file of their own: write the compiled text for cfn-guard.
  let ruleFile = control.guardFile;
  if (!ruleFile.endsWith('.guard')) {
    ruleFile = path.join(tmp, `${control.rule}.guard`);
    fs.writeFileSync(ruleFile, control.guard);
  }
  const run = await exec(binary, ['test', '--rules-file', ruleFile, '--test-data', control.testFile, '--output-format', 'json']);
  let output: NativeTestOutput;
  try {
    if (run.code !== 0 && run.code !== 7) throw new Error(run.stderr || `exit code ${run.code}`);
    output = JSON.parse(run.stdout) as NativeTestOutput;
    // cfn-guard reports a rule it cannot parse as {"rule_file", "error"} with exit code 0.
    const failed = (output as { error?: string }).error;
    if (failed || !Array.isArray(output.test_cases)) throw new Error(failed ?? 'no test_cases in its output');
  } catch (err) {
    const detail = (err as Error).message;
    return { ...base, failures: [], errors: [ruleParseError({ id: control.id, file: control.guardFile }, detail, 'could not be tested')] };
  }
  const failures = output.test_cases.flatMap((tc, i) =>
    tc.failed_rules.map((f) => ({
      case: tc.name,
      line: cases[i]?.line,
      expected: f.expected,
      actual: [...new Set(Array.isArray(f.evaluated) ? f.evaluated : [f.evaluated])].join('/'),
    })),
  );
  if (output.test_cases.length !== cases.length) {
    errors.push(new InputError({ file: control.testFile }, `cfn-guard ran ${output.test_cases.length} of ${cases.length} cases`));
  }
  const compiled = compiledFailures(control, cases);
  return { ...base, failures: [...failures, ...compiled.failures], errors, ...(compiled.refusal ? { compiledRefusal: compiled.refusal } : {}) };
}

/**
 * The same cases on the compiled engine, which `tarmac check` and TarmacChecks use by default: its verdict must
 * be the expected one too. A rule it does not support runs on cfn-guard there, so it is only noted here.
 */
function compiledFailures(control: Control, cases: readonly TestCase[]): { failures: ControlTestResult['failures']; refusal?: string } {
  const failures: ControlTestResult['failures'] = [];
  try {
    const ast = parseGuard(control.guard, control.guardFile);
    for (const c of cases) {
      let statuses: string[];
      try {
        statuses = evaluateGuard(ast, c.input)
          .rules.filter((r) => r.name === control.rule)
          .map((r) => r.status);
      } catch (e) {
        if (!(e instanceof GuardEvaluationError)) throw e;
        statuses = [`error: ${e.message}`];
      }
      // As `cfn-guard test` judges a name that several rule blocks share: PASS or FAIL when one of them has it,
      // SKIP when all of them skip (reporters/test/mod.rs, get_status_result).
      const passes = c.expected === 'SKIP' ? statuses.every((s) => s === 'SKIP') : statuses.includes(c.expected);
      if (!passes)
        failures.push({ case: c.name, line: c.line, expected: c.expected, actual: `${[...new Set(statuses)].join('/') || 'not evaluated'} (compiled engine)` });
    }
  } catch (e) {
    if (e instanceof UnsupportedGuard || e instanceof GuardParseError) return { failures: [], refusal: e.message };
    throw e;
  }
  return { failures };
}

function exec(cmd: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => resolve({ code: null, stdout: '', stderr: e.message }));
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
  });
}
