import { spawn } from 'child_process';
import * as os from 'os';
import { InputError } from '@tarmac/core';
import { EvaluationJob, GuardEngine, JobResult, canonicalJson } from './engine';
import { NativeReport, violationsFromReport } from './native-report';
import { nativeGuardBinary, nativeGuardVersion } from './native-binary';
import { GuardRule, ruleKey } from '../rules/guard-rule';

/** cfn-guard's exit codes for "evaluated, all passed" and "evaluated, something failed". */
const EVALUATED = new Set([0, 19]);

/**
 * Native cfn-guard, one process per group of templates that share the same applicable rules, fed
 * canonical JSON on stdin (--payload). A crashed batch is split until the culprit is isolated, so one
 * bad template or rule never loses the verdicts of the others.
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
    const groups = new Map<string, EvaluationJob[]>();
    for (const job of jobs) {
      if (job.rules.length === 0) continue;
      const key = job.rules.map(ruleKey).join('\n');
      const group = groups.get(key) ?? [];
      group.push(job);
      groups.set(key, group);
    }
    const results = new Map<EvaluationJob, JobResult>();
    const queue = [...groups.values()].flatMap((g) => chunk(g, 25));
    const workers = Array.from({ length: Math.max(1, Math.min(os.cpus().length, queue.length)) }, async () => {
      for (let batch = queue.shift(); batch; batch = queue.shift()) {
        for (const r of await this.evaluateBatch(batch)) results.set(r.job, r);
        onProgress?.(results.size);
      }
    });
    await Promise.all(workers);
    return jobs.map((job) => results.get(job) ?? { job, violations: [] });
  }

  private async evaluateBatch(jobs: EvaluationJob[]): Promise<JobResult[]> {
    const rules = jobs[0].rules;
    const run = await this.run(rules, jobs.map((j) => canonicalJson(j.template)));
    if (run.reports) return jobs.map((job, i) => ({ job, violations: violationsFromReport(run.reports![i]) }));
    if (jobs.length > 1) {
      const results: JobResult[] = [];
      for (const job of jobs) results.push(...(await this.evaluateBatch([job])));
      return results;
    }
    return [{ job: jobs[0], violations: [], error: await this.diagnose(jobs[0], run.failure) }];
  }

  /** A single template failed: find which rule makes cfn-guard fail, so the error names it. */
  private async diagnose(job: EvaluationJob, failure: string): Promise<InputError> {
    const { template } = job;
    if (job.rules.length > 1) {
      for (const rule of job.rules) {
        const run = await this.run([rule], [canonicalJson(template)]);
        if (!run.reports) return engineError(template.file, rule, run.failure);
      }
    }
    return engineError(template.file, job.rules.length === 1 ? job.rules[0] : undefined, failure);
  }

  private run(rules: readonly GuardRule[], data: string[]): Promise<{ reports?: NativeReport[]; failure: string }> {
    return new Promise((resolve) => {
      const child = spawn(this.binary, ['validate', '--payload', '--structured', '--show-summary', 'none', '--output-format', 'json'], {
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (b: Buffer) => out.push(b));
      child.stderr.on('data', (b: Buffer) => err.push(b));
      child.on('error', (e) => resolve({ failure: `cannot run ${this.binary}: ${e.message}` }));
      child.on('close', (code, signal) => {
        const stderr = Buffer.concat(err).toString('utf8').trim();
        if (signal || code === null || !EVALUATED.has(code)) {
          resolve({ failure: `cfn-guard ${signal ? `was killed by ${signal}` : `exited with ${code}`}${stderr ? `: ${firstLines(stderr)}` : ''}` });
          return;
        }
        try {
          const reports = JSON.parse(Buffer.concat(out).toString('utf8')) as NativeReport[];
          if (!Array.isArray(reports) || reports.length !== data.length) throw new Error(`expected ${data.length} reports`);
          resolve({ reports, failure: '' });
        } catch (e) {
          resolve({ failure: `unreadable cfn-guard output: ${(e as Error).message}` });
        }
      });
      child.stdin.on('error', () => undefined); // a crash closes stdin early; 'close' reports it
      child.stdin.end(JSON.stringify({ rules: rules.map((r) => r.text), data }));
    });
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

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
