import { InputError } from '@tarmac/core';
import { EvaluationJob, GuardEngine, JobResult, Violation, canonicalJson, resourceTypesOf } from './engine';
import { CloudFormationValidate, WasmEngineInstance, loadCloudFormationValidate } from './wasm-validate';
import { GuardRule, ruleKey, ruleTextFor } from '../rules/guard-rule';
import { ruleParseError } from '../rules/rule-parse-error';

const VALIDATE_CONFIG = { disableBuiltinRules: true, detailLevel: 'STANDARD' };

/**
 * The in-process WebAssembly engine: AWS's CloudFormation validator running the Guard evaluator.
 * Building an engine costs about 1.5 s and its rules are fixed, so one engine is built per run with the
 * union of the rules the run dispatches; each template then reports only the rules that apply to it.
 */
export class WasmEngine implements GuardEngine {
  readonly name = 'wasm' as const;
  readonly version: string;
  private readonly lib: CloudFormationValidate;
  private engine?: WasmEngineInstance;
  private engineKey = '';
  private failure?: { key: string; error: unknown };

  constructor() {
    this.lib = loadCloudFormationValidate();
    this.version = this.lib.version();
  }

  async evaluate(jobs: readonly EvaluationJob[], onProgress?: (done: number) => void): Promise<JobResult[]> {
    const union = new Map<string, GuardRule>();
    for (const job of jobs) for (const r of job.rules) union.set(ruleKey(r), r);
    const rules = [...union.values()];
    const types = resourceTypesOf(jobs);
    const texts = rules.map((r) => ruleTextFor(r, types));
    const results: JobResult[] = [];
    let loadErrors: InputError[] | undefined;
    for (const job of jobs) {
      if (job.rules.length === 0) {
        results.push({ job, violations: [], errors: [] });
      } else {
        let engine: WasmEngineInstance | undefined;
        try {
          engine = this.engineFor(rules, texts); // cached; rebuilt only after a trap dropped it
        } catch (err) {
          // Loading stops at the first rule that does not parse: name every one, once. A failure that names
          // no rule (it did not happen again) is still an error, never an empty result.
          loadErrors ??= this.unparsable(rules, texts);
          if (!loadErrors.length) loadErrors = [ruleError(rules, String(err))];
          results.push({ job, violations: [], errors: loadErrors });
        }
        if (engine) results.push(this.evaluateOne(engine, job, rules));
      }
      onProgress?.(results.length);
    }
    return results;
  }

  private evaluateOne(engine: WasmEngineInstance, job: EvaluationJob, loaded: readonly GuardRule[]): JobResult {
    // The engine holds the run's union of rules: keep the ones dispatched to this template, and any name
    // no loaded rule declares (findingsFrom turns that into an error rather than losing it).
    const applicable = new Set(job.rules.flatMap((r) => r.names));
    const declared = new Set(loaded.flatMap((r) => r.names));
    try {
      const report = engine.validateTemplate(new this.lib.TemplateContent(canonicalJson(job.template), job.template.file), VALIDATE_CONFIG);
      if (report.status !== 'OK') {
        const detail = report.diagnostics.map((d) => d.message).join('; ') || report.status;
        return { job, violations: [], errors: [new InputError({ file: job.template.file }, `the Guard engine could not evaluate the template: ${detail}`)] };
      }
      const byKey = new Map<string, Violation & { paths: string[] }>();
      for (const d of report.diagnostics) {
        if (d.source !== 'GUARD' || (declared.has(d.ruleId) && !applicable.has(d.ruleId))) continue;
        const logicalId = d.entity?.logicalId;
        const path = logicalId ? `/Resources/${logicalId}${d.propertyPath ? '/' + d.propertyPath.replace(/\./g, '/') : ''}` : undefined;
        const key = `${d.ruleId}|${logicalId ?? ''}`;
        const seen = byKey.get(key);
        if (seen) {
          if (path && !seen.paths.includes(path)) seen.paths.push(path);
          continue;
        }
        byKey.set(key, { ruleName: d.ruleId, logicalId, path, paths: path ? [path] : [], message: d.message.trim().replace(/\s*\n\s*/g, ' ') });
      }
      // As on the native engine: a rule located on resources is reported there, and a diagnostic of the same
      // rule without a resource (a check on the rule's own values) is not a second finding on the template.
      const located = new Set([...byKey.values()].filter((v) => v.logicalId !== undefined).map((v) => v.ruleName));
      const violations = [...byKey.values()].filter((v) => v.logicalId !== undefined || !located.has(v.ruleName));
      return { job, violations, errors: [] };
    } catch (err) {
      // A trap leaves the instance unusable: drop it so the next call builds a fresh one.
      this.dispose();
      return { job, violations: [], errors: [new InputError({ file: job.template.file }, `the Guard engine crashed: ${String(err)}`)] };
    }
  }

  async unparsableRules(rules: readonly GuardRule[]): Promise<InputError[]> {
    return this.unparsable(
      rules,
      rules.map((r) => r.text),
    );
  }

  /** Loading stops at the first rule that does not parse: load the rest again until none is left. */
  private unparsable(rules: readonly GuardRule[], texts: readonly string[]): InputError[] {
    const errors: InputError[] = [];
    let left = rules.map((rule, i) => ({ rule, text: texts[i] }));
    while (left.length) {
      try {
        new this.lib.CompositeEngine({ guardRules: left.map((r) => ({ name: ruleKey(r.rule), content: r.text })) }).free();
        break;
      } catch (err) {
        const detail = String(err);
        const culprit = left.find((r) => detail.includes(`'${ruleKey(r.rule)}'`));
        errors.push(
          ruleError(
            left.map((r) => r.rule),
            detail,
          ),
        );
        if (!culprit) break;
        left = left.filter((r) => r !== culprit);
      }
    }
    return errors;
  }

  private engineFor(rules: readonly GuardRule[], texts: readonly string[]): WasmEngineInstance {
    const key = texts.join('\0');
    if (this.engine && this.engineKey === key) return this.engine;
    if (this.failure?.key === key) throw this.failure.error; // building again would fail again, 1.5 s later
    this.dispose();
    try {
      // Named by rule key: two generated rules share their source file (tags.yaml).
      this.engine = new this.lib.CompositeEngine({ guardRules: rules.map((r, i) => ({ name: ruleKey(r), content: texts[i] })) });
    } catch (error) {
      this.failure = { key, error };
      throw error;
    }
    this.engineKey = key;
    return this.engine;
  }

  dispose(): void {
    this.engine?.free();
    this.engine = undefined;
    this.engineKey = '';
  }
}

/** The engine names the rule file it could not parse (by rule key, see engineFor). */
function ruleError(rules: readonly GuardRule[], detail: string): InputError {
  const culprit = rules.find((r) => detail.includes(`'${ruleKey(r)}'`));
  return culprit
    ? ruleParseError(culprit, detail)
    : new InputError({ file: rules[0]?.file ?? 'Guard rules' }, `the Guard rules could not be loaded: ${detail.replace(/\s+/g, ' ').slice(0, 400)}`);
}
