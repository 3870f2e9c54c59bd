import { InputError } from '@tarmac/core';
import { ParsedTemplate } from '../template/parse-template';
import { GuardRule } from '../rules/guard-rule';

/** One template and the rules that apply to it (already dispatched by resource type). */
export interface EvaluationJob {
  readonly template: ParsedTemplate;
  readonly rules: readonly GuardRule[];
}

/** Where a rule failed: a JSON pointer into the canonical template, and the rule's own message. */
export interface Violation {
  readonly ruleName: string;
  /** The rule file that reported it, when the engine can tell (two files may define the same name). */
  readonly rule?: GuardRule;
  readonly logicalId?: string;
  /** e.g. /Resources/Bucket/Properties/BucketEncryption: the first place the rule failed on the resource. */
  readonly path?: string;
  /** Every place the rule failed on the resource (path is the first): tells a literal failure from a token. */
  readonly paths?: readonly string[];
  readonly message?: string;
}

/** Every resource type in the templates of these jobs: what a generated rule may be narrowed to. */
export function resourceTypesOf(jobs: readonly EvaluationJob[]): Set<string> {
  const types = new Set<string>();
  for (const job of jobs) for (const t of job.template.types) types.add(t);
  return types;
}

export interface JobResult {
  readonly job: EvaluationJob;
  /** Rule names that FAILed, with where. A rule name absent here did not fail (PASS or SKIP). */
  readonly violations: readonly Violation[];
  /** Why (part of) the job could not be evaluated: never a pass. Violations found elsewhere still count. */
  readonly errors: readonly InputError[];
}

export type EngineName = 'compiled' | 'wasm' | 'native';

/** A Guard engine: cfn-guard itself (native, WebAssembly), or the compiled evaluator proven equal to it. */
export interface GuardEngine {
  readonly name: EngineName;
  readonly version: string;
  /** `onProgress` is called with the number of jobs done so far. */
  evaluate(jobs: readonly EvaluationJob[], onProgress?: (done: number) => void): Promise<JobResult[]>;
  /** Rules this engine cannot parse, each an error naming its file (and line where the engine says). */
  unparsableRules(rules: readonly GuardRule[]): Promise<InputError[]>;
  /** What the run should say about how it evaluated (rules the compiled engine left to another engine). */
  readonly notes?: readonly string[];
  dispose(): void;
}

/** An engine that can also evaluate without waiting: undefined when it cannot for these jobs (it would need another engine). */
export interface SyncGuardEngine extends GuardEngine {
  evaluateSync(jobs: readonly EvaluationJob[], onProgress?: (done: number) => void): JobResult[] | undefined;
}

/** Canonical JSON the engines evaluate: the same bytes for both, whatever the template was written in. */
export function canonicalJson(template: ParsedTemplate): string {
  return engineJson(template.document);
}

/**
 * JSON for a Guard engine. cfn-guard reads data with a YAML loader, which changes a raw U+0085 in a string
 * (a YAML line break) and refuses other C1 controls: escaped, every character reaches the rules as written.
 */
export function engineJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
