import { InputError } from '@tarmac/core';
import { EvaluationJob, JobResult } from './engines/engine';
import { typesReadBy, withReferrers } from './engines/narrow-document';
import { Finding, findingsFrom } from './findings';
import { GuardRule } from './rules/guard-rule';
import { Alternatives } from './template/fold-intrinsics';

type World = 'written' | keyof Alternatives;

/**
 * A template and the same template as other deployments read it (see Alternatives), evaluated together.
 * A control that fails with every undecided condition true and with every one false fails whatever they
 * are; one that fails only in some world (or only on an intrinsic) is unknown until deploy, and the Guard
 * Hook, which sees the resolved values, decides. Nothing found in any world is dropped.
 * A world is evaluated only with the rules that can read what differs there; the others' verdicts are the
 * written template's.
 */
export class TemplateWorlds {
  readonly jobs: EvaluationJob[];
  private readonly world = new Map<EvaluationJob, World>();
  private readonly results = new Map<World, JobResult>();

  constructor(private readonly written: EvaluationJob) {
    this.world.set(written, 'written');
    for (const [name, document] of Object.entries(written.template.alternatives) as [keyof Alternatives, Record<string, unknown> | undefined][]) {
      if (!document) continue;
      const changed = changedTypes(written.template.document, document);
      const rules = written.rules.filter((r) => readsAny(r, changed));
      if (rules.length) this.world.set({ template: { ...written.template, document }, rules }, name);
    }
    this.jobs = [...this.world.keys()];
  }

  /** Records an engine result for one of this template's jobs; returns the errors of its findings. */
  add(result: JobResult): InputError[] {
    this.results.set(this.world.get(result.job)!, result);
    return result.job === this.written ? findingsFrom(result).errors : [];
  }

  findings(): Finding[] {
    const written = this.results.get('written');
    if (!written) return [];
    const writtenFindings = (deployTime: boolean) => findingsFrom(written, deployTime).findings;
    const inWorld = (w: World, deployTime = false) => {
      const r = this.results.get(w);
      // Rules not evaluated in a world read nothing that differs there: their verdicts are the written ones.
      const evaluated = new Set(r?.job.rules ?? []);
      const mine = r ? findingsFrom(r, deployTime).findings : [];
      const kept = writtenFindings(deployTime).filter((f) => !r || !ruleOf(this.written.rules, f, evaluated));
      return new Map([...kept, ...mine].map((f) => [keyOf(f), f]));
    };
    const out = inWorld('written');
    const whenTrue = inWorld('conditionsTrue');
    const whenFalse = inWorld('conditionsFalse');
    for (const [key, f] of whenTrue) {
      if (f.verdict === 'fail' && whenFalse.get(key)?.verdict === 'fail' && out.get(key)?.verdict !== 'fail') out.set(key, f);
    }
    for (const w of ['conditionsTrue', 'conditionsFalse', 'parameterDefaults'] as const) {
      if (!this.results.has(w)) continue;
      for (const [key, f] of inWorld(w, true)) if (!out.has(key)) out.set(key, f);
    }
    return [...out.values()];
  }
}

/** True when the finding's rule is one of `evaluated`. */
function ruleOf(rules: readonly GuardRule[], f: Finding, evaluated: ReadonlySet<GuardRule>): boolean {
  return rules.some((r) => evaluated.has(r) && r.id === f.controlId && r.names.includes(f.ruleName));
}

/**
 * Types of the resources that differ between two documents, and of every resource that references one of
 * them (a rule may read a referenced resource through a keyed lookup).
 */
function changedTypes(written: Record<string, unknown>, other: Record<string, unknown>): Set<string> {
  const [a, b] = [written.Resources, other.Resources] as Record<string, unknown>[];
  const ids = Object.keys(a).filter((id) => a[id] !== b[id] && JSON.stringify(a[id]) !== JSON.stringify(b[id]));
  const typeOf = (r: unknown) => (r && typeof r === 'object' && typeof (r as { Type?: unknown }).Type === 'string' ? (r as { Type: string }).Type : '*');
  return new Set([...withReferrers(written, ids), ...withReferrers(other, ids)].map((id) => typeOf(a[id] ?? b[id])));
}

/** Can the rule read a resource of these types? Rules that read the whole template always can. */
function readsAny(rule: GuardRule, types: ReadonlySet<string>): boolean {
  const read = typesReadBy(rule);
  if (!read || types.has('*')) return true;
  for (const t of types) if (read.has(t)) return true;
  return false;
}

function keyOf(f: Finding): string {
  return `${f.controlId}\0${f.ruleName}\0${f.logicalId ?? ''}`;
}
