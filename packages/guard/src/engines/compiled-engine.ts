import { InputError } from '@tarmac/core';
import { EvaluationJob, GuardEngine, JobResult, SyncGuardEngine, Violation } from './engine';
import { engineError } from './native-engine';
import type { GuardFile } from '../compiled/ast';
import { GuardEvaluation, GuardEvaluationError, UnsupportedGuard, evaluateGuard } from '../compiled/evaluate';
import { parseGuardCached } from '../compiled/parse-cached';
import { GuardParseError } from '../compiled/parse';
import { GuardRule, ruleTextFor } from '../rules/guard-rule';
import { ruleParseError } from '../rules/rule-parse-error';

/** The cfn-guard release whose verdicts the compiled engine reproduces (docs/guard-semantics.md). */
export const COMPILED_GUARD_SEMANTICS = '3.1.1';
const VERSION: string = (require('../../package.json') as { version: string }).version;

/** A rule text parsed once per process, or why the compiled engine leaves it to native cfn-guard. */
type Compiled = { readonly ast: GuardFile } | { readonly refused: UnsupportedGuard | GuardParseError };

/**
 * By file, then by the exact text evaluated (a rule file, or a generated rule narrowed to a template's types);
 * on disk too, see parseGuardCached. Two levels, not one joined key: joining copies and rehashes the text on
 * every lookup.
 */
const compiledTexts = new Map<string, Map<string, Compiled>>();

function compile(rule: GuardRule, text: string): Compiled {
  let texts = compiledTexts.get(rule.file);
  if (!texts) compiledTexts.set(rule.file, (texts = new Map()));
  let c = texts.get(text);
  if (!c) {
    try {
      c = { ast: parseGuardCached(text, rule.file) };
    } catch (e) {
      if (!(e instanceof GuardParseError)) throw e;
      c = { refused: e };
    }
    texts.set(text, c);
  }
  return c;
}

/** The engine that evaluates what the compiled engine refuses: native cfn-guard, else WebAssembly. */
export type FallbackEngine = () => GuardEngine;

/**
 * Guard rules evaluated in-process by the compiled evaluator (src/compiled): each rule text parsed once, then
 * interpreted on the template already parsed, with cfn-guard 3.1.1's verdicts and attributions (ADR 0013).
 * A rule file the evaluator does not reproduce exactly (UnsupportedGuard), or that its parser refuses, is
 * evaluated by the fallback engine instead, whole, and `notes` says so: refusing is safe, guessing is not.
 * An evaluation error is the rule's error on that template, as it is on cfn-guard.
 */
export class CompiledEngine implements SyncGuardEngine {
  readonly name = 'compiled' as const;
  /** Part of every verdict cache key: a release that evaluates differently must not read an older one's verdicts. */
  readonly version = `${VERSION}, cfn-guard ${COMPILED_GUARD_SEMANTICS} semantics`;
  private fallbackEngine?: GuardEngine | InputError;
  private readonly refusals = new Map<string, string>();

  constructor(private readonly fallback: FallbackEngine) {}

  /** Rule files evaluated by the fallback engine in this run, each with the construct that sent it there. */
  get notes(): string[] {
    const engine = this.fallbackEngine;
    return [...this.refusals].map(([rule, why]) =>
      engine instanceof InputError || !engine
        ? `rule ${rule} needs cfn-guard, which is not installed: ${why}`
        : `rule ${rule} was evaluated by the ${engine.name} Guard engine: ${why}`,
    );
  }

  async evaluate(jobs: readonly EvaluationJob[], onProgress?: (done: number) => void): Promise<JobResult[]> {
    const { results, delegated, done } = this.evaluateHere(jobs, onProgress);
    if (delegated.length) {
      const engine = this.fallbackOrError();
      if (engine instanceof InputError) {
        for (const d of delegated) results.get(d.job)!.errors.push(engine);
      } else {
        const byAsked = new Map(delegated.map((d) => [d.asked, d.job]));
        for (const r of await engine.evaluate(
          delegated.map((d) => d.asked),
          onProgress && ((n) => onProgress(done + n)),
        )) {
          const job = byAsked.get(r.job);
          if (!job) throw new Error(`the ${engine.name} Guard engine answered for a template it was not asked about`);
          byAsked.delete(r.job);
          results.get(job)!.violations.push(...r.violations);
          results.get(job)!.errors.push(...r.errors);
        }
        // A delegated template without an answer was not checked: never a pass.
        for (const job of byAsked.values())
          results.get(job)!.errors.push(new InputError({ file: job.template.file }, `the ${engine.name} Guard engine returned no result for this template`));
      }
    }
    return jobs.map((job) => ({ job, ...results.get(job)! }));
  }

  /** Without waiting: undefined when a rule needs cfn-guard (then evaluate() is the way). */
  evaluateSync(jobs: readonly EvaluationJob[], onProgress?: (done: number) => void): JobResult[] | undefined {
    const { results, delegated } = this.evaluateHere(jobs, onProgress);
    return delegated.length ? undefined : jobs.map((job) => ({ job, ...results.get(job)! }));
  }

  /** Every rule this engine evaluates; the jobs of the rules it refuses, to ask cfn-guard about. */
  private evaluateHere(jobs: readonly EvaluationJob[], onProgress?: (done: number) => void) {
    const results = new Map<EvaluationJob, { violations: Violation[]; errors: InputError[] }>();
    const delegated: { job: EvaluationJob; asked: EvaluationJob }[] = [];
    let done = 0;
    for (const job of jobs) {
      const result = { violations: [] as Violation[], errors: [] as InputError[] };
      results.set(job, result);
      const refused: GuardRule[] = [];
      for (const rule of job.rules) {
        const c = compile(rule, ruleTextFor(rule, job.template.types));
        if ('refused' in c) {
          this.refuse(rule, c.refused);
          refused.push(rule);
          continue;
        }
        let evaluation: GuardEvaluation;
        try {
          evaluation = evaluateGuard(c.ast, job.template.document);
        } catch (e) {
          if (e instanceof UnsupportedGuard) {
            this.refuse(rule, e);
            refused.push(rule);
          } else if (e instanceof GuardEvaluationError) result.errors.push(engineError(job.template.file, rule, e.message));
          else throw e;
          continue;
        }
        addEvaluation(rule, evaluation, result);
      }
      if (refused.length) delegated.push({ job, asked: { template: job.template, rules: refused } });
      else onProgress?.(++done);
    }
    return { results, delegated, done };
  }

  async unparsableRules(rules: readonly GuardRule[]): Promise<InputError[]> {
    const refused = rules.filter((r) => 'refused' in compile(r, r.text));
    if (!refused.length) return [];
    // The parser refuses what cfn-guard refuses (parse.test.ts); where cfn-guard is here, its word is final.
    const engine = this.fallbackOrError();
    if (!(engine instanceof InputError)) return engine.unparsableRules(refused);
    return refused.map((r) => {
      const e = (compile(r, r.text) as { refused: GuardParseError }).refused;
      return ruleParseError(r, `at line ${e.line} at column ${e.column}, when handling expected ${e.expected}`);
    });
  }

  dispose(): void {
    if (this.fallbackEngine && !(this.fallbackEngine instanceof InputError)) this.fallbackEngine.dispose();
  }

  private refuse(rule: GuardRule, why: UnsupportedGuard | GuardParseError): void {
    if (!this.refusals.has(rule.id)) this.refusals.set(rule.id, why.message);
  }

  private fallbackOrError(): GuardEngine | InputError {
    if (!this.fallbackEngine) {
      try {
        this.fallbackEngine = this.fallback();
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        this.fallbackEngine = new InputError(
          e.location,
          `a rule the compiled Guard engine does not support needs native cfn-guard or the WebAssembly engine: ${e.problem}`,
          e.expected,
        );
      }
    }
    return this.fallbackEngine;
  }
}

/**
 * A file's verdicts as the native engine derives them from cfn-guard's report (violationsFromReport), and the
 * same check that every rule name the file declares was evaluated.
 */
function addEvaluation(rule: GuardRule, evaluation: GuardEvaluation, into: { violations: Violation[]; errors: InputError[] }): void {
  const evaluated = new Set(evaluation.rules.map((r) => r.name));
  if (!rule.names.length || !rule.names.every((n) => evaluated.has(n))) {
    into.errors.push(ruleParseError(rule, 'the compiled Guard engine did not evaluate every rule it names', 'was not evaluated'));
    return;
  }
  for (const r of evaluation.rules) {
    if (r.status !== 'FAIL') continue;
    // As from cfn-guard's report: a name the file does not declare (clauses outside rules: `default`) has no owner.
    const owner = rule.names.includes(r.name) ? rule : undefined;
    for (const v of r.violations) {
      into.violations.push(
        v.logicalId === undefined
          ? { ruleName: r.name, rule: owner, message: v.message }
          : { ruleName: r.name, rule: owner, logicalId: v.logicalId, path: v.paths[0], paths: v.paths, message: v.message },
      );
    }
  }
}
