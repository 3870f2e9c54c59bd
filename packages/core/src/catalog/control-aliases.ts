/**
 * One control, one ID (ADR 0012, "Aliases and one ID per intent"): a control's `aliases` are other IDs that
 * name the same intent (the organization policy that enforces it at the API, or a retired ID), so that an
 * acknowledgement, an exemption or `tarmac explain` naming one of them reaches the control.
 */
import { InputError, SourceLocation } from '../errors';
import type { Catalog, Control } from './model';

/** Every ID that names the control: its own first, then its aliases. */
export function controlIdsOf(control: Pick<Control, 'id' | 'aliases'>): string[] {
  return [control.id, ...control.aliases];
}

/** The ID of the control an ID or alias names (exact spelling), or undefined when no control answers to it. */
export function canonicalControlId(catalog: Pick<Catalog, 'controls'>, idOrAlias: string): string | undefined {
  return controlNamed(catalog, idOrAlias)?.id;
}

/** The control an ID or alias names, or undefined. */
export function controlNamed(catalog: Pick<Catalog, 'controls'>, idOrAlias: string): Control | undefined {
  return catalog.controls.find((c) => c.id === idOrAlias) ?? catalog.controls.find((c) => c.aliases.includes(idOrAlias));
}

/** alias → control ID, for code that resolves many IDs. */
export function aliasMap(catalog: Pick<Catalog, 'controls'>): ReadonlyMap<string, string> {
  return new Map(catalog.controls.flatMap((c) => c.aliases.map((a): [string, string] => [a, c.id])));
}

/** Where each alias of a control is written, to report problems at its line. */
export interface AliasSource {
  readonly control: Pick<Control, 'id' | 'aliases' | 'file'>;
  readonly at: (index: number) => SourceLocation;
}

/**
 * An alias names one intent: it is not the ID of a control (that would make one ID name two controls)
 * and no two aliases are alike, across all controls.
 */
export function aliasProblems(sources: readonly AliasSource[]): InputError[] {
  const ids = new Map(sources.map((s) => [s.control.id, s.control.file]));
  const seen = new Map<string, string>();
  const problems: InputError[] = [];
  for (const { control, at } of sources) {
    control.aliases.forEach((alias, i) => {
      if (ids.has(alias)) {
        problems.push(new InputError(at(i), `alias ${alias} of ${control.id} is the ID of the control in ${ids.get(alias)}`, 'an ID no control has'));
      } else if (seen.has(alias)) {
        problems.push(new InputError(at(i), `alias ${alias} of ${control.id} is already an alias of ${seen.get(alias)}`, 'each alias on one control only'));
      } else seen.set(alias, control.id);
    });
  }
  return problems;
}
