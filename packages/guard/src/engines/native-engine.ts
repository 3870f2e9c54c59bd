import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { InputError } from '@tarmac/core';
import { EvaluationJob, GuardEngine, JobResult, Violation, canonicalJson, engineJson, resourceTypesOf } from './engine';
import { NativeReport, violationsFromReport } from './native-report';
import { nativeGuardBinary, nativeGuardVersion } from './native-binary';
import { narrowDocument, stringLiterals } from './narrow-document';
import { planRuleBatches } from './rule-batches';
import { GuardRule, ruleKey, ruleTextFor } from '../rules/guard-rule';
import { ruleParseError } from '../rules/rule-parse-error';

interface BatchResult {
  readonly job: EvaluationJob;
  readonly violations: readonly Violation[];
  readonly errors: readonly InputError[];
}

/** One cfn-guard process: its reports, one per document, or why there are none. */
interface NativeRun {
  readonly reports?: NativeReport[];
  readonly failure: string;
  /** What cfn-guard printed beside its reports (why a rule file did not parse). */
  readonly stderr?: string;
}

/**
 * cfn-guard's exit codes when it wrote a report: all passed (0), a rule file did not parse (5, only when
 * nothing failed), something failed (19). A rule file that does not parse is left out of the report whatever
 * the code, so the report itself must show that every rule was evaluated (see unevaluatedRules).
 */
const REPORTED = new Set([0, 5, 19]);

/**
 * Native cfn-guard fed canonical JSON on stdin (--payload), one process per rule batch (rule-major: see
 * planRuleBatches), several at a time. A crashed batch is split until the culprit template and rule are
 * isolated, so one bad template or rule never loses the verdicts of the others.
 */
export class NativeEngine implements GuardEngine {
  readonly name = 'native' as const;
  readonly version = nativeGuardVersion();
  private readonly binary: string;

  constructor(binary = nativeGuardBinary()) {
    if (!binary) throw new Error(`no cfn-guard binary for ${process.platform}/${process.arch}; use --engine wasm`);
    this.binary = binary;
  }

  async evaluate(jobs: readonly EvaluationJob[], onProgress?: (done: number) => void): Promise<JobResult[]> {
    const workerCount = Math.max(1, os.cpus().length);
    const queue = planRuleBatches(jobs, { workers: workerCount });
    const violations = new Map<EvaluationJob, Violation[]>(jobs.map((j) => [j, []]));
    const errors = new Map<EvaluationJob, InputError[]>(jobs.map((j) => [j, []]));
    // A job is done when every batch it is in has run.
    const pending = new Map<EvaluationJob, number>();
    for (const batch of queue) for (const job of batch.jobs) pending.set(job, (pending.get(job) ?? 0) + 1);
    let done = jobs.length - pending.size;
    if (done) onProgress?.(done);
    const json = new Map<EvaluationJob, string>();
    const wholeJson = (job: EvaluationJob) => json.get(job) ?? json.set(job, canonicalJson(job.template)).get(job)!;

    const workers = Array.from({ length: Math.min(workerCount, Math.max(1, queue.length)) }, async () => {
      for (let batch = queue.shift(); batch; batch = queue.shift()) {
        const names = batch.narrowTo && batch.rules.flatMap((r) => stringLiterals(r.text));
        const dataOf = batch.narrowTo ? (job: EvaluationJob) => engineJson(narrowDocument(job.template.document, batch.narrowTo!, names)) : wholeJson;
        for (const r of await this.evaluateBatch(
          batch.rules,
          batch.jobs.map((job) => ({ job, data: dataOf(job) })),
        )) {
          // A merged batch also runs some rules on templates they were not dispatched to: not their verdicts.
          const dispatched = new Set(r.job.rules.map(ruleKey));
          violations.get(r.job)!.push(...r.violations.filter((v) => !v.rule || dispatched.has(ruleKey(v.rule))));
          errors.get(r.job)!.push(...r.errors.filter((e) => !(e instanceof RuleNotEvaluated) || dispatched.has(ruleKey(e.rule))));
        }
        let finished = 0;
        for (const job of batch.jobs) {
          const left = pending.get(job)! - 1;
          pending.set(job, left);
          if (left === 0) finished++;
        }
        if (finished) onProgress?.((done += finished));
      }
    });
    await Promise.all(workers);
    return jobs.map((job) => ({ job, violations: violations.get(job)!, errors: errors.get(job)! }));
  }

  /** Rules cfn-guard cannot parse, each an error at its file and line: one process for all of them. */
  async unparsableRules(rules: readonly GuardRule[]): Promise<InputError[]> {
    if (!rules.length) return [];
    const run = await this.run(
      rules.map((r) => r.text),
      ['{}'],
    );
    if (!run.reports) return [new InputError({ file: rules[0].file }, `cfn-guard could not check the rules: ${run.failure}`)];
    return unevaluatedRules(rules, run.reports, run.stderr ?? '').map((u) => u.error);
  }

  private async evaluateBatch(rules: readonly GuardRule[], inputs: readonly { job: EvaluationJob; data: string }[]): Promise<BatchResult[]> {
    const jobs = inputs.map((i) => i.job);
    const types = resourceTypesOf(jobs);
    const run = await this.run(
      rules.map((r) => ruleTextFor(r, types)),
      inputs.map((i) => i.data),
    );
    if (run.reports) {
      // Names are unique within a batch, so each reported name belongs to exactly one rule file.
      const byName = new Map(rules.flatMap((r) => r.names.map((n) => [n, r] as const)));
      const unevaluated = unevaluatedRules(rules, run.reports, run.stderr ?? '');
      return jobs.map((job, i) => ({
        job,
        violations: violationsFromReport(run.reports![i]).map((v) => ({ ...v, rule: byName.get(v.ruleName) })),
        errors: unevaluated.filter((u) => u.reportIndexes.includes(i)).map((u) => u.error),
      }));
    }
    if (inputs.length > 1) {
      const results: BatchResult[] = [];
      for (const input of inputs) results.push(...(await this.evaluateBatch(rules, [input])));
      return results;
    }
    return [{ job: jobs[0], violations: [], errors: [await this.diagnose(jobs[0], rules, inputs[0].data, run.failure)] }];
  }

  /** A single template failed: find which rule makes cfn-guard fail, so the error names it. */
  private async diagnose(job: EvaluationJob, rules: readonly GuardRule[], data: string, failure: string): Promise<InputError> {
    const { template } = job;
    if (rules.length > 1) {
      for (const rule of rules) {
        const run = await this.run([ruleTextFor(rule, template.types)], [data]);
        if (!run.reports) return engineError(template.file, rule, run.failure);
      }
    }
    return engineError(template.file, rules.length === 1 ? rules[0] : undefined, failure);
  }

  /**
   * One cfn-guard process. Its report goes to a file, not a pipe: cfn-guard writes its (often many MB of)
   * JSON a few bytes per write, and each write to a pipe wakes this process; on two CPUs that costs the
   * other cfn-guard processes about a fifth of their time.
   */
  private run(rules: readonly string[], data: string[]): Promise<NativeRun> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-guard-'));
    const outFile = path.join(dir, 'report.json');
    const out = fs.openSync(outFile, 'w');
    const cleanUp = () => fs.rmSync(dir, { recursive: true, force: true });
    return new Promise<NativeRun>((resolve) => {
      const child = spawn(this.binary, ['validate', '--payload', '--structured', '--show-summary', 'none', '--output-format', 'json'], {
        stdio: ['pipe', out, 'pipe'],
      });
      fs.closeSync(out);
      const err: Buffer[] = [];
      child.stderr!.on('data', (b: Buffer) => err.push(b));
      child.on('error', (e) => resolve({ failure: `cannot run ${this.binary}: ${e.message}` }));
      child.on('close', (code, signal) => {
        const stderr = Buffer.concat(err).toString('utf8').trim();
        if (signal || code === null || !REPORTED.has(code)) {
          resolve({ failure: `cfn-guard ${signal ? `was killed by ${signal}` : `exited with ${code}`}${stderr ? `: ${firstLines(stderr)}` : ''}` });
          return;
        }
        try {
          const reports = JSON.parse(fs.readFileSync(outFile, 'utf8')) as NativeReport[];
          if (!Array.isArray(reports) || reports.length !== data.length) throw new Error(`expected ${data.length} reports`);
          resolve({ reports, failure: '', stderr });
        } catch (e) {
          resolve({ failure: `unreadable cfn-guard output: ${(e as Error).message}` });
        }
      });
      child.stdin!.on('error', () => undefined); // a crash closes stdin early; 'close' reports it
      child.stdin!.end(JSON.stringify({ rules, data }));
    }).finally(cleanUp);
  }

  dispose(): void {}
}

/** A rule file absent from cfn-guard's report: it was not evaluated (it did not parse), so it passed nothing. */
class RuleNotEvaluated extends InputError {
  constructor(
    readonly rule: GuardRule,
    detail: string | undefined,
  ) {
    const error = ruleParseError(rule, detail ?? 'cfn-guard left it out of its report', detail ? 'was not evaluated: it does not parse' : 'was not evaluated');
    super(error.location, error.problem, error.expected);
  }
}

/**
 * Rules whose names are missing from a report. cfn-guard lists every named rule it evaluated (compliant,
 * not_applicable or not_compliant) and drops a file it cannot parse, printing why on stderr; a missing rule
 * is an error, never a rule that found nothing.
 */
function unevaluatedRules(rules: readonly GuardRule[], reports: readonly NativeReport[], stderr: string): { error: InputError; reportIndexes: number[] }[] {
  const out: { error: InputError; reportIndexes: number[] }[] = [];
  const parseErrors = parseErrorsByFile(stderr);
  rules.forEach((rule, i) => {
    // A rule that declares no name cannot be shown in a report: it is never taken as evaluated.
    const evaluatedIn = (report: NativeReport) => rule.names.length > 0 && rule.names.every((n) => reportedNames(report).has(n));
    const missing = reports.map((report, r) => (evaluatedIn(report) ? -1 : r)).filter((r) => r >= 0);
    if (missing.length) out.push({ error: new RuleNotEvaluated(rule, parseErrors.get(i + 1)), reportIndexes: missing });
  });
  return out;
}

const namesOfReport = new WeakMap<NativeReport, Set<string>>();
function reportedNames(report: NativeReport): Set<string> {
  let names = namesOfReport.get(report);
  if (!names) {
    names = new Set([
      ...(report.compliant ?? []),
      ...(report.not_applicable ?? []),
      ...(report.not_compliant ?? []).map((e) => e.Rule?.name).filter((n): n is string => !!n),
    ]);
    namesOfReport.set(report, names);
  }
  return names;
}

/** cfn-guard's stderr for rules read from --payload: "Parsing error handling rule file = RULES_STDIN[N], ..." per file. */
function parseErrorsByFile(stderr: string): Map<number, string> {
  const out = new Map<number, string>();
  for (const m of stderr.matchAll(/rule file = RULES_STDIN\[(\d+)\],([\s\S]*?)(?=Parsing error handling rule file =|$)/g)) out.set(Number(m[1]), m[2].trim());
  return out;
}

export function engineError(file: string, rule: GuardRule | undefined, detail: string): InputError {
  const where = rule ? ` with rule ${rule.id} (${rule.file})` : '';
  return new InputError({ file }, `the Guard engine failed${where}: ${detail}`, 'a template and rules cfn-guard can evaluate');
}

function firstLines(s: string): string {
  return s.split('\n').slice(0, 3).join(' ').slice(0, 400);
}
