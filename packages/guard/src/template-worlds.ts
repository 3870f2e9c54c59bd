import { InputError } from '@tarmac/core';
import { EvaluationJob, JobResult } from './engines/engine';
import { typesReadBy, withReferrers } from './engines/narrow-document';
import { Finding, asUnknown, findingsFrom } from './findings';
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
  /** Each world's findings, normalized once; a world absent here was not evaluated (nothing differs there). */
  private readonly found = new Map<World, { job: EvaluationJob; findings: Map<string, Finding> }>();

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
    const { findings, errors } = findingsFrom(result);
    this.found.set(this.world.get(result.job)!, { job: result.job, findings: new Map(findings.map((f) => [keyOf(f), f])) });
    return errors;
  }

  findings(): Finding[] {
    const written = this.found.get('written');
    if (!written) return [];
    const ruleOf = (f: Finding) => this.written.rules.find((r) => r.id === f.controlId && r.names.includes(f.ruleName));
    /** A world's verdicts: its own for the rules it evaluated, the written template's for the others. */
    const inWorld = (w: World) => {
      const world = this.found.get(w);
      if (!world) return written.findings;
      const evaluated = new Set<GuardRule | undefined>(world.job.rules);
      return new Map([...[...written.findings].filter(([, f]) => !evaluated.has(ruleOf(f))), ...world.findings]);
    };
    const out = new Map(written.findings);
    const [whenTrue, whenFalse] = [inWorld('conditionsTrue'), inWorld('conditionsFalse')];
    for (const [key, f] of whenTrue) {
      if (f.verdict === 'fail' && whenFalse.get(key)?.verdict === 'fail' && out.get(key)?.verdict !== 'fail') out.set(key, f);
    }
    for (const w of ['conditionsTrue', 'conditionsFalse', 'parameterDefaults'] as const) {
      for (const [key, f] of this.found.get(w)?.findings ?? []) {
        const rule = ruleOf(f);
        // A finding no selected rule claims stays as found (a failure): never softened into a warning.
        if (!out.has(key)) out.set(key, rule ? asUnknown(f, rule) : f);
      }
    }
    return [...out.values()];
  }
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
