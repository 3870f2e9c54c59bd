import * as fs from 'fs';
import { Catalog, Control, InputError, Profile, modeOf, taggableResourceTypes } from '@tarmac/core';
import { GuardRule, reportedRuleNames } from './guard-rule';
import { analyzeRule } from './rule-analysis';

let taggable: ReadonlySet<string> | undefined;

/**
 * The catalog's controls that are on under a profile, as Guard rules, dispatched on the types their metadata
 * declares. That the metadata covers every template a rule can fail on is proven when the catalog is
 * validated (catalogDispatchProblems, in `tarmac test` and `tarmac build`), not on every check: the proof
 * reads each rule, and pre-commit pays for every millisecond.
 */
export function catalogRules(catalog: Catalog, profile: Profile): GuardRule[] {
  const rules: GuardRule[] = [];
  for (const c of catalog.controls) {
    const mode = modeOf(profile, c.id);
    if (mode === 'off') continue;
    const types = c.resourceTypes.includes('*') ? (taggable ??= new Set(taggableResourceTypes())) : new Set(c.resourceTypes);
    rules.push({
      id: c.id,
      origin: 'catalog',
      file: c.guardFile,
      text: c.guard,
      textFor: c.guardFor,
      generated: c.guardFor !== undefined,
      names: reportedRuleNames(c.guard),
      resourceTypes: types,
      title: c.title,
      severity: c.severity,
      message: c.message,
      fix: c.fix,
      mode,
      unresolved: c.unresolved,
      rationale: c.rationale,
      helpUri: c.references?.[0],
    });
  }
  return rules;
}

/** Controls whose metadata would route their rule away from a template it can fail on (see declaredTypesProblem). */
export function catalogDispatchProblems(catalog: Catalog): InputError[] {
  return catalog.controls.flatMap((c) => (c.resourceTypes.includes('*') ? [] : (declaredTypesProblem(c) ?? [])));
}

/**
 * Metadata that lists fewer types than the rule reads routes the rule away from templates it fails on: every
 * literal type the rule filters resources on must be declared, and the rule must not be able to fail on a
 * template without them (a check on Outputs, an untyped or pattern type filter, see analyzeRule). Text the
 * analysis cannot read is left to the engine, which reports a rule that does not parse at its line.
 */
function declaredTypesProblem(c: Control): InputError | undefined {
  const analysis = analyzeRule(c.guard);
  // A rule that does not parse is the engine's error, at its line in the .guard file: never a pass.
  if (analysis.syntaxProblem) return undefined;
  const where = () => ({ file: c.file, ...resourceTypesLine(c.file) });
  const declared = new Set(c.resourceTypes);
  const missing = [...analysis.filterTypes].filter((t) => !declared.has(t)).sort();
  if (missing.length) {
    return new InputError(
      where(),
      `${c.id}: its rule filters on ${missing.join(', ')}, which resourceTypes does not list, so it would never run on templates with only ${missing.length > 1 ? 'those types' : 'that type'}`,
      `resourceTypes listing every type the rule in ${c.guardFile} filters on: ${[...new Set([...c.resourceTypes, ...missing])].join(', ')}`,
    );
  }
  if (analysis.dispatchBlockers.length) {
    return new InputError(
      where(),
      `${c.id}: its rule can fail on templates without any of its resourceTypes (${analysis.dispatchBlockers[0]}), and would never run on them`,
      `a rule in ${c.guardFile} that reaches resources only through type filters on literal types and reads nothing else in its checks`,
    );
  }
  return undefined;
}

function resourceTypesLine(file: string): { line?: number; column?: number } {
  try {
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    const i = lines.findIndex((l) => /^resourceTypes\s*:/.test(l));
    return i < 0 ? {} : { line: i + 1, column: 1 };
  } catch {
    return {};
  }
}
