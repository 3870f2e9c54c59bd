import type { DesiredStackSet } from './desired';

/** A stack set parameter's value; `pending` says why it is not known yet (plan only). */
export interface ResolvedParameter {
  readonly key: string;
  readonly value?: string;
  readonly pending?: string;
}

/** What deploy knows so far: each bundle's VersionId, each plain stack's outputs. */
export interface KnownValues {
  readonly versions: ReadonlyMap<string, string>;
  readonly outputs: ReadonlyMap<string, ReadonlyMap<string, string>>;
}

/** Fills each parameter from its source: a literal, the VersionId of a bundle, an output of a plain stack. */
export function resolveParameters(stackSet: DesiredStackSet, known: KnownValues): ResolvedParameter[] {
  return stackSet.parameters.map(({ key, source }): ResolvedParameter => {
    if ('value' in source) return { key, value: source.value };
    if ('bundle' in source) {
      const version = known.versions.get(source.bundle);
      return version ? { key, value: version } : { key, pending: `new version of ${source.bundle}` };
    }
    const value = known.outputs.get(source.output.stack)?.get(source.output.key);
    return value !== undefined ? { key, value } : { key, pending: `output ${source.output.key} of stack ${source.output.stack}, known after it deploys` };
  });
}

/** The parameters as the StackSets API takes them; only once every value is known. */
export function apiParameters(params: readonly ResolvedParameter[]): { ParameterKey: string; ParameterValue: string }[] {
  return params.map((p) => {
    if (p.value === undefined) throw new Error(`parameter ${p.key} has no value yet (${p.pending})`);
    return { ParameterKey: p.key, ParameterValue: p.value };
  });
}
