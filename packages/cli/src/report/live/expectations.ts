import type { Catalog } from '@tarmac/core';
import type { Desired } from '../../deploy/desired';
import type { ReportAccount } from '../report-model';
import type { AccountExpectation } from './model';
import { stackSetsOf } from './stackset-differences';

interface TemplateFacts {
  readonly hooks: readonly string[];
  readonly conformancePacks: readonly string[];
  readonly securityHub: boolean;
}

/** What a built template deploys that the reader role can see: Guard Hook aliases, conformance pack names, a Security Hub hub. */
function factsOf(templateBody: string): TemplateFacts {
  const resources = Object.values(
    (JSON.parse(templateBody) as { Resources?: Record<string, { Type?: string; Properties?: Record<string, unknown> }> }).Resources ?? {},
  );
  const strings = (type: string, property: string) =>
    resources.filter((r) => r.Type === type).flatMap((r) => (typeof r.Properties?.[property] === 'string' ? [r.Properties[property] as string] : []));
  return {
    hooks: strings('AWS::CloudFormation::GuardHook', 'Alias'),
    conformancePacks: strings('AWS::Config::ConformancePack', 'ConformancePackName'),
    securityHub: resources.some((r) => r.Type === 'AWS::SecurityHub::Hub'),
  };
}

/**
 * For every account of the report, what the build deploys there that AWS can be asked about: from the
 * templates of the stack sets reaching it (and, for the management account, its plain guardrails stack).
 */
export function expectationsOf(accounts: readonly ReportAccount[], desired: Desired): AccountExpectation[] {
  const facts = new Map<string, TemplateFacts>();
  const of = (name: string, body: string) => {
    if (!facts.has(name)) facts.set(name, factsOf(body));
    return facts.get(name)!;
  };
  const stackSets = new Map(desired.stackSets.map((s) => [s.name, s]));
  const managementStacks = new Map(desired.managementStacks.map((s) => [s.name, s]));
  return accounts.map((account) => {
    const reached: { facts: TemplateFacts; regions: readonly string[] }[] = [];
    if (account.management) {
      for (const c of account.controls)
        for (const p of c.points) {
          const stack = p.stack ? managementStacks.get(p.stack) : undefined;
          if (stack && !reached.some((r) => r.facts === facts.get(stack.name)))
            reached.push({ facts: of(stack.name, stack.templateBody), regions: [stack.region] });
        }
    } else {
      for (const [name, regions] of stackSetsOf(account)) {
        const s = stackSets.get(name);
        if (s) reached.push({ facts: of(name, s.templateBody), regions });
      }
    }
    const packs = [...new Set(reached.flatMap((r) => r.facts.conformancePacks))];
    if (packs.length > 1)
      throw new Error(`account ${account.name} gets ${packs.length} conformance packs (${packs.join(', ')}): the report reads one per account`);
    return {
      id: account.id,
      name: account.name,
      regions: [...new Set(reached.flatMap((r) => r.regions))].sort(),
      hookTypeNames: [...new Set(reached.flatMap((r) => r.facts.hooks))].sort(),
      ...(packs.length ? { conformancePack: packs[0] } : {}),
      securityHub: reached.some((r) => r.facts.securityHub),
    };
  });
}

/**
 * The controls of a Guard rule as a hook result names it: a control's ID (its bundle file is `<id>.guard`) or a
 * rule its Guard file defines. A name no control has maps to none (the finding then names the rule only).
 */
export function guardRuleControls(catalog: Catalog): (ruleName: string) => readonly string[] {
  const byName = new Map<string, Set<string>>();
  const add = (name: string, id: string) => {
    const key = name.toLowerCase();
    if (!byName.has(key)) byName.set(key, new Set());
    byName.get(key)!.add(id);
  };
  for (const control of catalog.controls) {
    add(control.id, control.id);
    for (const m of control.guard.matchAll(/^\s*rule\s+([A-Za-z_][A-Za-z0-9_]*)/gm)) add(m[1], control.id);
  }
  return (ruleName) => {
    const name = ruleName.toLowerCase().replace(/\.guard$/, '');
    return [...(byName.get(name) ?? byName.get(name.split('/').pop() ?? name) ?? [])].sort();
  };
}
