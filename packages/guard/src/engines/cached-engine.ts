import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { InputError } from '@tarmac/core';
import { EvaluationJob, GuardEngine, JobResult, SyncGuardEngine, Violation } from './engine';
import { narrowDocument, stringLiterals, typesReadBy } from './narrow-document';
import { GuardRule, ruleTextFor } from '../rules/guard-rule';

/** Bump when the stored shape or what goes into a key changes. */
const FORMAT = 3;
/** Entries unused for this long are removed at the end of a run. */
const MAX_AGE_MS = 7 * 24 * 3600 * 1000;

/**
 * Remembers each rule's violations on each template, keyed by everything that decides them: the engine and
 * its version, the rule's evaluated text, and the part of the template the rule can read (the template
 * narrowed to the rule's types, see narrowDocument; the whole template for a rule that is not narrowable).
 * The engines are deterministic, so after an edit only the rules that read what changed are evaluated again:
 * editing a queue re-runs the queue rules of that stack, not the bucket rules or the other stacks.
 * Only clean results are stored (a template with an error is evaluated again next time), and an entry that
 * cannot be read is a miss, never a pass.
 */
export class CachedEngine implements SyncGuardEngine {
  readonly name: GuardEngine['name'];
  readonly version: string;

  constructor(
    private readonly inner: GuardEngine,
    private readonly dir: string,
  ) {
    this.name = inner.name;
    this.version = inner.version;
  }

  async evaluate(jobs: readonly EvaluationJob[], onProgress?: (done: number) => void): Promise<JobResult[]> {
    const plan = this.plan(jobs, onProgress);
    return plan.finish(plan.asked.length ? await this.inner.evaluate(plan.asked, plan.progress) : []);
  }

  /** Without waiting, when the engine inside can (see SyncGuardEngine); undefined otherwise. */
  evaluateSync(jobs: readonly EvaluationJob[], onProgress?: (done: number) => void): JobResult[] | undefined {
    const inner = this.inner as Partial<SyncGuardEngine>;
    if (!inner.evaluateSync) return undefined;
    const plan = this.plan(jobs, onProgress);
    const fresh = plan.asked.length ? inner.evaluateSync(plan.asked, plan.progress) : [];
    return fresh && plan.finish(fresh);
  }

  /** What the cache answers, what the engine must be asked, and how the answers combine into results. */
  private plan(jobs: readonly EvaluationJob[], onProgress?: (done: number) => void) {
    const planned = jobs.map((job) => {
      const keys = this.keysOf(job);
      const cached = new Map<GuardRule, Violation[]>();
      for (const rule of job.rules) {
        const violations = this.read(keys.get(rule)!, rule);
        if (violations) cached.set(rule, violations);
      }
      return { job, keys, cached, missing: job.rules.filter((r) => !cached.has(r)) };
    });

    // Results are matched to their jobs by identity, never by position: a template must not get another's verdicts.
    const asked = new Map(planned.filter((p) => p.missing.length).map((p) => [{ template: p.job.template, rules: p.missing } as EvaluationJob, p]));
    const answered = jobs.length - asked.size;
    if (answered) onProgress?.(answered);
    const finish = (fresh: readonly JobResult[]): JobResult[] => {
      const freshFor = new Map<EvaluationJob, JobResult>();
      for (const result of fresh) {
        const p = asked.get(result.job);
        if (!p) throw new Error(`the ${this.name} engine returned a result for a template it was not given`);
        if (!result.errors.length) {
          const byRule = attribute(result.violations, p.missing);
          if (byRule) for (const rule of p.missing) this.write(p.keys.get(rule)!, byRule.get(rule) ?? []);
        }
        freshFor.set(p.job, result);
      }
      this.prune();
      return planned.map(({ job, cached, missing }) => {
        const result = freshFor.get(job);
        if (missing.length && !result) throw new Error(`the ${this.name} engine returned no result for ${job.template.file}`);
        return { job, violations: [...[...cached.values()].flat(), ...(result?.violations ?? [])], errors: result?.errors ?? [] };
      });
    };
    return { asked: [...asked.keys()], progress: onProgress && ((done: number) => onProgress(answered + done)), finish };
  }

  get notes(): readonly string[] | undefined {
    return this.inner.notes;
  }

  unparsableRules(rules: readonly GuardRule[]): Promise<InputError[]> {
    return this.inner.unparsableRules(rules);
  }

  dispose(): void {
    this.inner.dispose();
  }

  /** One key per rule; rules reading the same types share the narrowing and hashing of the template. */
  private keysOf(job: EvaluationJob): Map<GuardRule, string> {
    const { template } = job;
    const digests = new Map<string, string>();
    const keys = new Map<GuardRule, string>();
    for (const rule of job.rules) {
      const types = typesReadBy(rule);
      const resources = template.document.Resources as object;
      const names = types ? literalsOf(rule.text).filter((n) => Object.hasOwn(resources, n)) : [];
      const shape = types ? `${[...types].sort().join(',')}|${names.sort().join(',')}` : '*';
      let digest = digests.get(shape);
      if (!digest) {
        const document = types ? narrowDocument(template.document, types, names) : template.document;
        digest = sha256(JSON.stringify(document));
        digests.set(shape, digest);
      }
      const text = textDigest(ruleTextFor(rule, template.types));
      keys.set(rule, sha256(JSON.stringify([FORMAT, this.inner.name, this.inner.version, rule.id, text, digest])));
    }
    return keys;
  }

  private fileOf(key: string): string {
    return path.join(this.dir, `${key}.json`);
  }

  private read(key: string, rule: GuardRule): Violation[] | undefined {
    const file = this.fileOf(key);
    let stored: unknown;
    try {
      stored = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch {
      return undefined;
    }
    if (!Array.isArray(stored) || !stored.every((v) => isStoredViolation(v) && rule.names.includes(v.ruleName))) return undefined;
    touch(file);
    return (stored as Omit<Violation, 'rule'>[]).map((v) => ({ ...v, rule }));
  }

  private write(key: string, violations: readonly Violation[]): void {
    try {
      fs.mkdirSync(this.dir, { recursive: true });
      // Written whole, then renamed: a concurrent run reads the old entry or the new one, never half of one.
      const tmp = `${this.fileOf(key)}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify(violations.map(({ rule: _rule, ...v }) => v)));
      fs.renameSync(tmp, this.fileOf(key));
    } catch {
      // A cache that cannot be written only costs the next run an evaluation.
    }
  }

  private prune(): void {
    let names: string[];
    try {
      names = fs.readdirSync(this.dir);
    } catch {
      return;
    }
    const oldest = Date.now() - MAX_AGE_MS;
    for (const name of names) {
      const file = path.join(this.dir, name);
      try {
        if (fs.statSync(file).mtimeMs < oldest) fs.rmSync(file, { force: true });
      } catch {
        // Removed by a concurrent run.
      }
    }
  }
}

/**
 * Each violation's rule file: the one the engine named, else the only evaluated rule declaring its name.
 * Undefined when some violation cannot be attributed: then nothing of that template is stored.
 */
function attribute(violations: readonly Violation[], rules: readonly GuardRule[]): Map<GuardRule, Violation[]> | undefined {
  const byRule = new Map<GuardRule, Violation[]>();
  for (const v of violations) {
    const candidates = v.rule ? [v.rule] : rules.filter((r) => r.names.includes(v.ruleName));
    if (candidates.length !== 1 || !rules.includes(candidates[0])) return undefined;
    byRule.set(candidates[0], [...(byRule.get(candidates[0]) ?? []), v]);
  }
  return byRule;
}

/** An entry as write stores it, field by field: anything else (edited, truncated, another version) is a miss. */
function isStoredViolation(v: unknown): v is Omit<Violation, 'rule'> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const { ruleName, logicalId, path, paths, message, ...rest } = v as Record<string, unknown>;
  const optionalString = (x: unknown) => x === undefined || typeof x === 'string';
  return (
    typeof ruleName === 'string' &&
    optionalString(logicalId) &&
    optionalString(path) &&
    optionalString(message) &&
    (paths === undefined || (Array.isArray(paths) && paths.every((p) => typeof p === 'string'))) &&
    Object.keys(rest).length === 0
  );
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

// Per rule text, once per process: keys are made for every rule on every template of a large app.
const literals = new Map<string, string[]>();
const digestsOfText = new Map<string, string>();
function literalsOf(text: string): string[] {
  let l = literals.get(text);
  if (!l) literals.set(text, (l = stringLiterals(text)));
  return l;
}
function textDigest(text: string): string {
  let d = digestsOfText.get(text);
  if (!d) digestsOfText.set(text, (d = sha256(text)));
  return d;
}

function touch(file: string): void {
  const now = new Date();
  try {
    fs.utimesSync(file, now, now);
  } catch {
    // A read-only cache is still usable.
  }
}
