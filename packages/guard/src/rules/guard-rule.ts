import { Mode, Severity, UnresolvedPolicy } from '@tarmac/core';
import { analyzeRule, dispatchTypes } from './rule-analysis';

export type RuleOrigin = 'catalog' | 'control-tower' | 'custom';

/** One Guard rule file as Tarmac evaluates it: the control it implements and the rule names it reports. */
export interface GuardRule {
  /** Control ID: LZ.S3.2, CT.S3.PR.1, or the file name of a custom rule. */
  readonly id: string;
  readonly origin: RuleOrigin;
  readonly file: string;
  readonly text: string;
  /** The text narrowed to documents holding only these resource types (generated rules); else `text`. */
  readonly textFor?: (resourceTypes: ReadonlySet<string>) => string;
  /** Top-level (reportable) rule names defined in the file. */
  readonly names: readonly string[];
  /** Resource types the rule can act on; undefined when unknown, so it runs on every template. */
  readonly resourceTypes?: ReadonlySet<string>;
  readonly title: string;
  readonly severity: Severity;
  readonly message: string;
  readonly fix?: string;
  /** Rules that are off are never selected. */
  readonly mode: Exclude<Mode, 'off'>;
  /** A failure only on values known at deploy time: see UnresolvedPolicy. Rules outside the catalog warn. */
  readonly unresolved: UnresolvedPolicy;
}

/** Identity of a rule within a run: generated rules share a source file (tags.yaml), so the ID is part of it. */
export function ruleKey(rule: GuardRule): string {
  return `${rule.file}#${rule.id}`;
}

/** The text an engine evaluates on documents whose resources all have one of `resourceTypes`. */
export function ruleTextFor(rule: GuardRule, resourceTypes: ReadonlySet<string>): string {
  return rule.textFor ? rule.textFor(resourceTypes) : rule.text;
}

/** Names of the rules a file reports: every `rule NAME when|{`, not parameterized `rule NAME(...)`. */
export function reportedRuleNames(text: string): string[] {
  const names = new Set<string>();
  for (const m of stripComments(text).matchAll(/^\s*rule\s+([A-Za-z_][A-Za-z0-9_]*)\s*(?=when\b|\{)/gm)) names.add(m[1]);
  return [...names];
}

/**
 * The resource types a rule file can fail on, read from its text (see analyzeRule): the literal types it
 * filters resources on, when every rule in the file can fail only through resources of those types, reached
 * by literal type filters (directly, through variables or parameters bound to string literals, type blocks,
 * or the legacy hook shape). Undefined otherwise, and then the rule runs on every template: a filter by
 * pattern or computed type, a negated type, `Resources.*` unfiltered, a check on Outputs, Parameters or the
 * root, an `empty` check, a reference to another named rule, text the analysis cannot follow.
 */
export function deriveResourceTypes(text: string): Set<string> | undefined {
  return dispatchTypes(analyzeRule(text));
}

function stripComments(text: string): string {
  return text.replace(/#[^\n]*/g, '');
}

/** True when the rule can fire on a template holding these resource types. */
export function ruleApplies(rule: GuardRule, templateTypes: ReadonlySet<string>): boolean {
  if (!rule.resourceTypes) return true;
  for (const t of templateTypes) if (rule.resourceTypes.has(t)) return true;
  return false;
}
