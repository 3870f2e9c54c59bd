import { Violation } from './engine';

/** One entry of `cfn-guard validate --structured -o json` output: the verdicts for one data document. */
export interface NativeReport {
  name: string;
  status: 'PASS' | 'FAIL' | 'SKIP';
  not_compliant: { Rule?: NativeRuleNode }[];
  not_applicable: string[];
  compliant: string[];
}

interface NativeRuleNode {
  name: string;
  messages?: { custom_message?: string | null };
  checks?: unknown[];
}

/** Turns the failing rules of a report into violations: one per rule and resource, with every path reported. */
export function violationsFromReport(report: NativeReport): Violation[] {
  const out: Violation[] = [];
  for (const entry of report.not_compliant ?? []) {
    const rule = entry.Rule;
    if (!rule) {
      // Not a named rule: keep it, so findingsFrom reports it instead of the failure vanishing.
      out.push({ ruleName: '(unnamed clause)', message: JSON.stringify(entry).slice(0, 200) });
      continue;
    }
    const found: { path: string; message?: string }[] = [];
    collectPaths(rule, cleanMessage(rule.messages?.custom_message), found);
    const perResource = new Map<string, { path: string; message?: string; paths: string[] }>();
    for (const f of found) {
      const logicalId = logicalIdOf(f.path);
      if (logicalId === undefined) continue;
      const entry = perResource.get(logicalId) ?? perResource.set(logicalId, { ...f, paths: [] }).get(logicalId)!;
      if (!entry.paths.includes(f.path)) entry.paths.push(f.path);
    }
    if (perResource.size === 0) {
      out.push({ ruleName: rule.name, message: found[0]?.message ?? cleanMessage(rule.messages?.custom_message) });
      continue;
    }
    for (const [logicalId, f] of perResource) out.push({ ruleName: rule.name, logicalId, path: f.path, paths: f.paths, message: f.message });
  }
  return out;
}

function collectPaths(node: unknown, message: string | undefined, out: { path: string; message?: string }[]): void {
  if (Array.isArray(node)) {
    for (const n of node) collectPaths(n, message, out);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const obj = node as Record<string, unknown>;
  // A failed `a or b` is located, like the WebAssembly engine locates it, by its first alternative: where
  // that one reaches only intrinsics, the failure is unknown until deploy on both engines alike.
  const disjunction = obj.Disjunctions as { checks?: unknown[] } | undefined;
  if (disjunction && typeof disjunction === 'object' && Array.isArray(disjunction.checks)) {
    collectPaths(disjunction.checks[0], message, out);
    return;
  }
  const rule = obj.Rule as NativeRuleNode | undefined;
  if (rule && typeof rule === 'object') {
    collectPaths(rule.checks, cleanMessage(rule.messages?.custom_message) ?? message, out);
    return;
  }
  if (typeof obj.path === 'string' && obj.path.startsWith('/')) out.push({ path: obj.path, message });
  // `value` is template data (whose own keys may be named path), except in a check's result, where it is
  // the value checked, { path, value }, or how far an unresolved query got, { traversed_to: { path, value } }.
  const checked = obj.value as { path?: unknown; traversed_to?: unknown } | null | undefined;
  if (
    typeof obj.path !== 'string' &&
    checked &&
    typeof checked === 'object' &&
    ('traversed_to' in checked || (typeof checked.path === 'string' && 'value' in checked))
  ) {
    collectPaths(checked.traversed_to ?? checked, message, out);
  }
  for (const [k, v] of Object.entries(obj)) if (k !== 'path' && k !== 'value') collectPaths(v, message, out);
}

function cleanMessage(m: string | null | undefined): string | undefined {
  const t = m?.trim();
  return t ? t.replace(/\s*\n\s*/g, ' ') : undefined;
}

/** /Resources/Bucket/Properties -> Bucket */
export function logicalIdOf(pointer: string): string | undefined {
  const m = /^\/Resources\/([^/]+)/.exec(pointer);
  return m?.[1];
}
