import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { InputError } from '@tarmac/core';
import { EvaluationJob, GuardEngine, JobResult, Violation, canonicalJson, resourceTypesOf } from './engine';
import { NativeReport, violationsFromReport } from './native-report';
import { nativeGuardBinary, nativeGuardVersion } from './native-binary';
import { narrowDocument, stringLiterals } from './narrow-document';
import { planRuleBatches } from './rule-batches';
import { GuardRule, ruleKey, ruleTextFor } from '../rules/guard-rule';

interface BatchResult {
  readonly job: EvaluationJob;
  readonly violations: readonly Violation[];
  readonly error?: InputError;
}

/** cfn-guard's exit codes for "evaluated, all passed" and "evaluated, something failed". */
const EVALUATED = new Set([0, 19]);

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
        const dataOf = batch.narrowTo
          ? (job: EvaluationJob) => JSON.stringify(narrowDocument(job.template.document, batch.narrowTo!, names))
          : wholeJson;
        for (const r of await this.evaluateBatch(batch.rules, batch.jobs.map((job) => ({ job, data: dataOf(job) })))) {
          // A merged batch also runs some rules on templates they were not dispatched to: not their verdicts.
          const dispatched = new Set(r.job.rules.map(ruleKey));
          violations.get(r.job)!.push(...r.violations.filter((v) => !v.rule || dispatched.has(ruleKey(v.rule))));
          if (r.error) errors.get(r.job)!.push(r.error);
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

  private async evaluateBatch(rules: readonly GuardRule[], inputs: readonly { job: EvaluationJob; data: string }[]): Promise<BatchResult[]> {
    const jobs = inputs.map((i) => i.job);
    const types = resourceTypesOf(jobs);
    const run = await this.run(rules.map((r) => ruleTextFor(r, types)), inputs.map((i) => i.data));
    if (run.reports) {
      // Names are unique within a batch, so each reported name belongs to exactly one rule file.
      const byName = new Map(rules.flatMap((r) => r.names.map((n) => [n, r] as const)));
      return jobs.map((job, i) => ({
        job,
        violations: violationsFromReport(run.reports![i]).map((v) => ({ ...v, rule: byName.get(v.ruleName) })),
      }));
    }
    if (inputs.length > 1) {
      const results: BatchResult[] = [];
      for (const input of inputs) results.push(...(await this.evaluateBatch(rules, [input])));
      return results;
    }
    return [{ job: jobs[0], violations: [], error: await this.diagnose(jobs[0], rules, inputs[0].data, run.failure) }];
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
  private run(rules: readonly string[], data: string[]): Promise<{ reports?: NativeReport[]; failure: string }> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-guard-'));
    const outFile = path.join(dir, 'report.json');
    const out = fs.openSync(outFile, 'w');
    const cleanUp = () => fs.rmSync(dir, { recursive: true, force: true });
    return new Promise<{ reports?: NativeReport[]; failure: string }>((resolve) => {
      const child = spawn(this.binary, ['validate', '--payload', '--structured', '--show-summary', 'none', '--output-format', 'json'], {
        stdio: ['pipe', out, 'pipe'],
      });
      fs.closeSync(out);
      const err: Buffer[] = [];
      child.stderr!.on('data', (b: Buffer) => err.push(b));
      child.on('error', (e) => resolve({ failure: `cannot run ${this.binary}: ${e.message}` }));
      child.on('close', (code, signal) => {
        const stderr = Buffer.concat(err).toString('utf8').trim();
        if (signal || code === null || !EVALUATED.has(code)) {
          resolve({ failure: `cfn-guard ${signal ? `was killed by ${signal}` : `exited with ${code}`}${stderr ? `: ${firstLines(stderr)}` : ''}` });
          return;
        }
        try {
          const reports = JSON.parse(fs.readFileSync(outFile, 'utf8')) as NativeReport[];
          if (!Array.isArray(reports) || reports.length !== data.length) throw new Error(`expected ${data.length} reports`);
          resolve({ reports, failure: '' });
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

export function engineError(file: string, rule: GuardRule | undefined, detail: string): InputError {
  const where = rule ? ` with rule ${rule.id} (${rule.file})` : '';
  return new InputError({ file }, `the Guard engine failed${where}: ${detail}`, 'a template and rules cfn-guard can evaluate');
}

function firstLines(s: string): string {
  return s.split('\n').slice(0, 3).join(' ').slice(0, 400);
}
