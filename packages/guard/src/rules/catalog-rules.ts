import { Catalog, Profile, modeOf, taggableResourceTypes } from '@tarmac/core';
import { GuardRule, reportedRuleNames } from './guard-rule';

let taggable: ReadonlySet<string> | undefined;

/** The catalog's controls that are on under a profile, as Guard rules. */
export function catalogRules(catalog: Catalog, profile: Profile): GuardRule[] {
  const rules: GuardRule[] = [];
  for (const c of catalog.controls) {
    const mode = modeOf(profile, c.id);
    if (mode === 'off') continue;
    const types = c.resourceTypes.includes('*') ? (taggable ??= new Set(taggableResourceTypes())) : new Set(c.resourceTypes);
    rules.push({
      id: c.id, origin: 'catalog', file: c.guardFile, text: c.guard, textFor: c.guardFor, names: reportedRuleNames(c.guard),
      resourceTypes: types, title: c.title, severity: c.severity, message: c.message, fix: c.fix, mode, unresolved: c.unresolved,
    });
  }
  return rules;
}
