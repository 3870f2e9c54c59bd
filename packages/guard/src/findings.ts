import { ExemptionStatus, InputError, Mode, Severity, compareIds } from '@tarmac/core';
import { JobResult } from './engines/engine';
import { GuardRule, RuleOrigin } from './rules/guard-rule';
import { pointerReachesIntrinsic } from './template/intrinsics';
import type { ParsedTemplate } from './template/parse-template';

/** A policy finding: everything a person needs to find and fix it, with a stable control ID. */
export interface Finding {
  readonly controlId: string;
  readonly origin: RuleOrigin;
  readonly title: string;
  readonly severity: Severity;
  /**
   * fail: the rule failed on literal values. unknown: it failed only where the template holds values known at
   * deploy time (Ref, Fn::If, Fn::ImportValue...); the control's unresolved policy sets its mode. unchecked:
   * a transform Tarmac cannot expand owns the resource (see unchecked.ts); the profile's uncheckable sets it.
   */
  readonly verdict: 'fail' | 'unknown' | 'unchecked';
  /** enforce: blocks (exit 1); warn: reported only. */
  readonly mode: Exclude<Mode, 'off'>;
  readonly file: string;
  readonly stack?: string;
  readonly logicalId?: string;
  readonly resourceType?: string;
  /** Property path inside the resource, e.g. Properties.BucketEncryption */
  readonly path?: string;
  readonly line?: number;
  readonly column?: number;
  readonly message: string;
  readonly fix?: string;
  readonly ruleName: string;
  /** Why the control exists, and where to read more (from the catalog or Control Tower metadata). */
  readonly rationale?: string;
  readonly helpUri?: string;
  /** Control Tower rules that failed on this resource too and are reported as this finding (see control-tower-equivalents.ts). */
  readonly controlTowerIds?: readonly string[];
  /** The exemption in policies/exemptions.yaml that covers it: in force, it does not block; expired, it only says so. */
  readonly exemption?: FindingExemption;
}

/** What a report says of the exemption that covers a finding. */
export interface FindingExemption {
  readonly id: string;
  readonly status: ExemptionStatus;
  /** The last day it applies (YYYY-MM-DD, UTC). */
  readonly expires: string;
  readonly reason: string;
  readonly owner: string;
  readonly ticket?: string;
}

/** An exemption in force (active or expiring) covers the finding: reported, never blocking. */
export function isExempted(f: Pick<Finding, 'exemption'>): boolean {
  return f.exemption !== undefined && f.exemption.status !== 'expired';
}

/** Enforced and not exempted: the findings that fail a check. */
export function blocks(f: Pick<Finding, 'mode' | 'exemption'>): boolean {
  return f.mode === 'enforce' && !isExempted(f);
}

/**
 * Normalizes engine violations into findings, with lines from the template as written. A violation of a
 * rule name no selected rule defines cannot be attributed to a control: it is an error, never dropped.
 */
export function findingsFrom(result: JobResult): { findings: Finding[]; errors: InputError[] } {
  const { template, rules } = result.job;
  const byName = new Map(rules.flatMap((r) => r.names.map((n) => [n, r] as const)));
  const out: Finding[] = [];
  const errors: InputError[] = [];
  for (const v of result.violations) {
    const rule = v.rule ?? byName.get(v.ruleName);
    if (!rule) {
      errors.push(
        new InputError(
          { file: template.file },
          `the Guard engine reported rule ${v.ruleName}, which no selected rule file defines`,
          'rule names declared as `rule NAME when ... {` or `rule NAME {`',
        ),
      );
      continue;
    }
    const resource = v.logicalId ? resourcesById(template).get(v.logicalId) : undefined;
    const paths = v.paths ?? (v.path ? [v.path] : []);
    const literal = paths.filter((p) => !pointerReachesIntrinsic(template.document, p));
    const verdict = paths.length && !literal.length ? 'unknown' : 'fail';
    // Point at what blocks: the first failure on a literal value, when there is one.
    const shown = literal[0] ?? v.path;
    const segments = shown
      ? shown
          .split('/')
          .slice(1)
          .map((s) => (/^\d+$/.test(s) ? Number(s) : s))
      : [];
    const loc = segments.length ? template.locate(segments) : undefined;
    out.push({
      controlId: rule.id,
      origin: rule.origin,
      title: rule.title,
      severity: rule.severity,
      verdict,
      mode: modeFor(rule, verdict),
      file: template.file,
      stack: template.stack,
      logicalId: v.logicalId,
      resourceType: resource?.type,
      path: segments.length > 2 ? segments.slice(2).join('.') : undefined,
      line: loc?.line,
      column: loc?.column,
      message: rule.origin === 'custom' && v.message ? v.message : rule.message,
      fix: rule.fix ?? v.message,
      ruleName: v.ruleName,
      rationale: rule.rationale,
      helpUri: rule.helpUri,
    });
  }
  return { findings: out, errors };
}

const byId = new WeakMap<ParsedTemplate, Map<string, ParsedTemplate['resources'][number]>>();
/** A template's resources by logical ID, made once: a large template has thousands of findings. */
function resourcesById(template: ParsedTemplate): Map<string, ParsedTemplate['resources'][number]> {
  let map = byId.get(template);
  if (!map) byId.set(template, (map = new Map(template.resources.map((r) => [r.logicalId, r]))));
  return map;
}

/** The control, and the Control Tower rules its finding stands for: `LZ.S3.2 (also CT.S3.PR.10)`. */
export function controlLabel(f: Pick<Finding, 'controlId' | 'controlTowerIds'>): string {
  return f.controlTowerIds?.length ? `${f.controlId} (also ${f.controlTowerIds.join(', ')})` : f.controlId;
}

/** The finding as one only some deployments have: unknown until deploy, in the mode the control's unresolved policy gives. */
export function asUnknown(finding: Finding, rule: GuardRule): Finding {
  return { ...finding, verdict: 'unknown', mode: modeFor(rule, 'unknown') };
}

function modeFor(rule: GuardRule, verdict: Finding['verdict']): Finding['mode'] {
  return verdict === 'unknown' && rule.unresolved === 'warn' ? 'warn' : rule.mode;
}

/** `localeCompare`'s order, with one collator instead of one per call (a large template has thousands of findings). */
const byText = new Intl.Collator().compare;

const SEVERITY_ORDER: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3, informational: 4 };

/** Deterministic order: file, line, control. */
export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort(
    (a, b) =>
      byText(a.file, b.file) ||
      byText(a.stack ?? '', b.stack ?? '') ||
      (a.line ?? 0) - (b.line ?? 0) ||
      byText(a.logicalId ?? '', b.logicalId ?? '') ||
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      compareIds(a.controlId, b.controlId),
  );
}

export interface CheckSummary {
  files: number;
  templates: number;
  resources: number;
  findings: number;
  blocking: number;
  /** Findings an exemption in force covers (counted in findings, not in blocking). */
  exempted: number;
  /** Resources (or templates) owned by a transform Tarmac cannot expand. */
  unchecked: number;
  /** Files and directories found in scans and not checked, with why, by reason. */
  skipped: number;
  skippedBy: Record<string, number>;
  durationMs: number;
}

export interface CheckReport {
  readonly findings: Finding[];
  readonly errors: InputError[];
  readonly summary: CheckSummary;
  /** notes: how the engine evaluated what it could not itself (a rule left to native cfn-guard). */
  readonly engine: { name: string; version: string; notes?: readonly string[] };
  /** The catalog whose controls judged: name@version from its catalog.yaml, else its directory. */
  readonly catalog: string;
  /** Each template checked and the controls dispatched to it, failing or not (JUnit lists the passes). */
  readonly evaluated: readonly EvaluatedTemplate[];
}

export interface EvaluatedTemplate {
  readonly file: string;
  readonly stack?: string;
  readonly controls: readonly string[];
}

/** 0 nothing blocking; 1 blocking findings; 2 bad input (wins: an error is never a pass). */
export function exitCodeOf(report: CheckReport): 0 | 1 | 2 {
  if (report.errors.length) return 2;
  return report.summary.blocking > 0 ? 1 : 0;
}
