// The in-process evaluator of Guard rule files with cfn-guard 3.1.1's verdicts (docs/guard-semantics.md). It
// interprets the AST of parse.ts; nothing from a template or a rule is ever turned into code.
import type { GuardFile, Pos } from './ast';
import { ClauseEvaluator } from './clauses';
import { UnsupportedGuard } from './errors';
import { rustRegex } from './regex';
import { UntranslatableRegex } from './rust-regex';
import { collectPaths, Report, Status } from './status';
import { fromData, PV, UnsupportedValue } from './values';

export { GuardEvaluationError, UnsupportedGuard } from './errors';

/** What Tarmac's violationsFromReport derives from one failing rule of cfn-guard's report. */
export interface GuardViolation {
  /** The resource the paths are under; absent when no path names a resource. */
  readonly logicalId?: string;
  /** JSON pointers under /Resources/<logicalId>, as reported, without duplicates. */
  readonly paths: readonly string[];
  readonly message?: string;
}

export interface GuardRuleResult {
  readonly name: string;
  readonly status: Status;
  /** Only for FAIL. */
  readonly violations: readonly GuardViolation[];
}

export interface GuardEvaluation {
  /** Each named rule of the file (and `default` for clauses outside rules), in file order as cfn-guard evaluates them. */
  readonly rules: readonly GuardRuleResult[];
}

const checked = new WeakSet<GuardFile>();

/**
 * Each document's PathAwareValue form, converted once for all the rule files evaluated on it: a document is a
 * parsed template, never modified once evaluated (Tarmac copies a template to change it), and the converted
 * form is only read.
 */
const converted = new WeakMap<object, PV>();

function documentValue(document: unknown): PV {
  if (document === null || typeof document !== 'object') return fromData(document);
  let pv = converted.get(document);
  if (pv === undefined) {
    pv = fromData(document);
    converted.set(document, pv);
  }
  return pv;
}

/**
 * Evaluates `file` on one parsed document as cfn-guard 3.1.1 would. Throws GuardEvaluationError where cfn-guard
 * fails the whole file, and UnsupportedGuard (naming file:line:column) for a construct not reproduced exactly:
 * the caller must then use native cfn-guard for the file.
 */
export function evaluateGuard(file: GuardFile, document: unknown): GuardEvaluation {
  if (!checked.has(file)) {
    translateRegexes(file.file, file);
    checked.add(file);
  }
  try {
    const ev = new ClauseEvaluator(file, documentValue(document));
    const rules = file.rules.map((rule): GuardRuleResult => {
      const o = ev.rule(rule, ev.rootScope);
      return { name: rule.name, status: o.status, violations: o.status === 'FAIL' ? violations(o.reports) : [] };
    });
    return { rules };
  } catch (e) {
    if (e instanceof UntranslatableRegex) throw new UnsupportedGuard(file.file, undefined, e.message);
    if (e instanceof UnsupportedValue) throw new UnsupportedGuard(file.file, undefined, `document value: ${e.message}`);
    if (e instanceof RangeError) throw new UnsupportedGuard(file.file, undefined, `evaluation too deep: ${e.message}`);
    throw e;
  }
}

/** violationsFromReport for one failed rule: one violation per resource, or one without a resource. */
function violations(reports: readonly Report[]): GuardViolation[] {
  const found: { path: string; message?: string }[] = [];
  collectPaths(reports, undefined, found);
  const perResource = new Map<string, { paths: string[]; message?: string }>();
  for (const f of found) {
    const id = /^\/Resources\/([^/]+)/.exec(f.path)?.[1];
    if (id === undefined) continue;
    const entry = perResource.get(id) ?? perResource.set(id, { paths: [], message: f.message }).get(id)!;
    if (!entry.paths.includes(f.path)) entry.paths.push(f.path);
  }
  if (perResource.size === 0) return [{ paths: [], message: found[0]?.message }];
  return [...perResource].map(([logicalId, v]) => ({ logicalId, paths: v.paths, message: v.message }));
}

/** Every regex literal of the file must translate exactly, or the file is refused before evaluating anything. */
function translateRegexes(fileName: string, node: unknown): void {
  if (Array.isArray(node)) {
    for (const n of node) translateRegexes(fileName, n);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const o = node as { kind?: unknown; source?: unknown; pos?: Pos };
  if (o.kind === 'regex' && typeof o.source === 'string') {
    try {
      rustRegex(o.source);
    } catch (e) {
      if (e instanceof UntranslatableRegex) throw new UnsupportedGuard(fileName, o.pos, e.message);
      throw e;
    }
    return;
  }
  for (const v of Object.values(node)) translateRegexes(fileName, v);
}
