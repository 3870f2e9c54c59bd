import * as path from 'path';
import { Catalog } from '../catalog/model';
import { closestMatch } from '../closest-match';
import { InputError, InputErrors, collectInputErrors } from '../errors';
import { isYaml, listFiles } from '../list-files';
import { Organization, OrganizationalUnit } from '../org/model';
import { chainTo } from '../org/targets';
import { validateAgainstSchema } from '../schema-validation';
import { loadSchema } from '../schemas';
import { SourceDocument, readSourceFile } from '../yaml-source';
import { FailureMode, HookDefinition, OperationPreferences, StackSetDefinition, StackSetTarget } from './model';

interface StackSetSource {
  description: string;
  hook: string;
  config?: boolean;
  targets: { name?: string; profile: string; ous: string[]; failureMode?: FailureMode }[];
  regions?: string[];
  operationPreferences?: Partial<OperationPreferences>;
  autoDeployment?: { retainStacksOnAccountRemoval?: boolean };
}

/**
 * A quarter of the accounts at a time, stopping when a tenth fail: a bad template is caught early and
 * a few suspended or closing accounts do not stop a rollout. Regions in parallel: each is independent.
 */
const DEFAULT_PREFERENCES: OperationPreferences = {
  maxConcurrentPercentage: 25,
  failureTolerancePercentage: 10,
  regionConcurrencyType: 'PARALLEL',
  concurrencyMode: 'STRICT_FAILURE_TOLERANCE',
};

/** StackSetName: a letter, then letters, digits and hyphens, at most 128 characters. */
const STACK_SET_NAME = /^[a-zA-Z][-a-zA-Z0-9]{0,127}$/;

/**
 * Every stacksets/<name>.yaml, validated against org.yaml, the catalog's profiles and hooks/. Targets of
 * one hook must not overlap anywhere: a stack set targeting an OU reaches every OU below it, and an
 * account holds each hook alias once. Collects every problem and throws InputErrors.
 */
export function loadStackSets(dir: string, org: Organization, catalog: Catalog, hooks: ReadonlyMap<string, HookDefinition>): StackSetDefinition[] {
  const errors: InputError[] = [];
  const definitions: StackSetDefinition[] = [];
  const claimed = new Map<string, { ou: OrganizationalUnit; file: string; line?: number }[]>();
  for (const file of listFiles(dir, isYaml)) {
    try {
      const { definition, doc } = loadStackSet(file, org, catalog, hooks);
      definition.targets.forEach((target, t) => {
        const taken = claimed.get(definition.hook) ?? [];
        target.ouIds.forEach((id, o) => {
          const ou = org.ous.find((x) => x.id === id)!;
          const clash = taken.find((c) => chainTo(org, id).includes(c.ou.id) || chainTo(org, c.ou.id).includes(id));
          if (clash) {
            const where = `${path.basename(clash.file)}${clash.line ? `:${clash.line}` : ''}`;
            errors.push(new InputError(doc.locate(['targets', t, 'ous', o]), `OU ${ou.path} overlaps ${clash.ou.path} (${where}), which also gets hook ${definition.hook}`, 'targets of one hook that share no OU and no OU below another: a stack set reaches every OU below its targets'));
          }
          taken.push({ ou, file, line: doc.locate(['targets', t, 'ous', o]).line });
        });
        claimed.set(definition.hook, taken);
      });
      definitions.push(definition);
    } catch (err) {
      errors.push(...collectInputErrors(err));
    }
  }
  const names = new Map<string, string>();
  for (const d of definitions) {
    for (const t of d.targets) {
      const name = stackSetName(d, t);
      if (names.has(name)) errors.push(new InputError({ file: d.file, line: t.line }, `stack set name ${name} is also built from ${names.get(name)}`, 'unique target names'));
      names.set(name, d.file);
    }
  }
  if (errors.length) throw new InputErrors(errors);
  return definitions;
}

/** The AWS stack set built for one target. */
export function stackSetName(definition: Pick<StackSetDefinition, 'name'>, target: Pick<StackSetTarget, 'name'>): string {
  return `tarmac-${definition.name}-${target.name}`;
}

function loadStackSet(file: string, org: Organization, catalog: Catalog, hooks: ReadonlyMap<string, HookDefinition>): { definition: StackSetDefinition; doc: SourceDocument } {
  const doc = readSourceFile(file);
  const problems = validateAgainstSchema(doc, loadSchema('stackset'));
  if (problems.length) throw new InputErrors(problems);
  const src = doc.value as StackSetSource;
  const name = path.basename(file).replace(/\.ya?ml$/, '');
  const errors: InputError[] = [];
  const hook = hooks.get(src.hook);
  if (!hook) errors.push(new InputError(doc.locate(['hook']), `no hook ${src.hook} in hooks/${suggest(src.hook, [...hooks.keys()])}`, `the name of a file in hooks/ (${[...hooks.keys()].join(', ') || 'none yet'})`));

  const targetNames = new Set<string>();
  const targets: StackSetTarget[] = src.targets.map((t, i) => {
    const at = (...p: (string | number)[]) => doc.locate(['targets', i, ...p]);
    if (!catalog.profiles.has(t.profile)) errors.push(new InputError(at('profile'), `unknown profile ${t.profile}`, `one of ${[...catalog.profiles.keys()].join(', ')}`));
    const targetName = t.name ?? t.profile;
    if (targetNames.has(targetName)) errors.push(new InputError(at(), `two targets are named ${targetName}`, 'a name: for every target after the first with the same profile'));
    targetNames.add(targetName);
    const ous = t.ous.map((ref, j) => {
      const ou = org.ous.find((o) => o.id === ref || o.path.toLowerCase() === ref.replace(/^\/|\/$/g, '').toLowerCase());
      if (!ou) errors.push(new InputError(at('ous', j), `no OU ${ref} in org.yaml${suggest(ref, org.ous.map((o) => o.path))}`, 'an OU path such as Workloads/Prod, or an OU ID'));
      return ou;
    }).filter((o): o is OrganizationalUnit => !!o);
    const stackSet = stackSetName({ name }, { name: targetName });
    if (!STACK_SET_NAME.test(stackSet)) errors.push(new InputError(at(), `stack set name ${stackSet} is not valid`, 'a file and target name giving a letter then letters, digits and hyphens, at most 128 characters'));
    return { name: targetName, profile: t.profile, ouIds: ous.map((o) => o.id), ouPaths: ous.map((o) => o.path), failureMode: t.failureMode ?? hook?.failureMode ?? 'FAIL', line: at().line };
  });

  const regions = src.regions ?? org.regions.allowed;
  src.regions?.forEach((r, i) => {
    if (!org.regions.allowed.includes(r)) errors.push(new InputError(doc.locate(['regions', i]), `region ${r} is not allowed in org.yaml`, `a subset of ${org.regions.allowed.join(', ')}`));
  });
  if (errors.length) throw new InputErrors(errors);
  return {
    doc,
    definition: {
      name, file, description: src.description, hook: src.hook, config: src.config ?? true, targets, regions,
      operationPreferences: { ...DEFAULT_PREFERENCES, ...src.operationPreferences },
      retainStacksOnAccountRemoval: src.autoDeployment?.retainStacksOnAccountRemoval ?? false,
    },
  };
}

function suggest(value: string, known: readonly string[]): string {
  const close = closestMatch(value, known);
  return close ? `; did you mean ${close}?` : '';
}
