import { InputError } from '@tarmac/core';
import { EvaluationJob, JobResult } from './engines/engine';
import { Finding, findingsFrom } from './findings';
import { Alternatives } from './template/fold-intrinsics';

type World = 'written' | keyof Alternatives;

/**
 * A template and the same template as other deployments read it (see Alternatives), evaluated together.
 * A control that fails with every undecided condition true and with every one false fails whatever they
 * are; one that fails only in some world (or only on an intrinsic) is unknown until deploy, and the Guard
 * Hook, which sees the resolved values, decides. Nothing found in any world is dropped.
 */
export class TemplateWorlds {
  readonly jobs: EvaluationJob[];
  private readonly world = new Map<EvaluationJob, World>();
  private readonly results = new Map<World, JobResult>();

  constructor(written: EvaluationJob) {
    this.world.set(written, 'written');
    for (const [name, document] of Object.entries(written.template.alternatives) as [keyof Alternatives, Record<string, unknown> | undefined][]) {
      if (document) this.world.set({ template: { ...written.template, document }, rules: written.rules }, name);
    }
    this.jobs = [...this.world.keys()];
  }

  /** Records an engine result for one of this template's jobs; returns the errors of its findings. */
  add(result: JobResult): InputError[] {
    this.results.set(this.world.get(result.job)!, result);
    return result.job === this.jobs[0] ? findingsFrom(result).errors : [];
  }

  findings(): Finding[] {
    const written = this.results.get('written');
    if (!written) return [];
    const inWorld = (w: World, deployTime = false) => {
      const r = this.results.get(w) ?? (w === 'conditionsTrue' || w === 'conditionsFalse' ? written : undefined);
      return new Map((r ? findingsFrom(r, deployTime).findings : []).map((f) => [keyOf(f), f]));
    };
    const out = inWorld('written');
    const whenTrue = inWorld('conditionsTrue');
    const whenFalse = inWorld('conditionsFalse');
    for (const [key, f] of whenTrue) {
      if (f.verdict === 'fail' && whenFalse.get(key)?.verdict === 'fail' && out.get(key)?.verdict !== 'fail') out.set(key, f);
    }
    for (const w of ['conditionsTrue', 'conditionsFalse', 'parameterDefaults'] as const) {
      for (const [key, f] of inWorld(w, true)) if (!out.has(key)) out.set(key, f);
    }
    return [...out.values()];
  }
}

function keyOf(f: Finding): string {
  return `${f.controlId}\0${f.ruleName}\0${f.logicalId ?? ''}`;
}
