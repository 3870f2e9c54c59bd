/**
 * `control:` of an organization policy and `aliases:` of a catalog control name the same link from both
 * ends (ADR 0012): a policy enforcing a control's intent at the API says which control, and that control
 * lists the policy's id as an alias. Each end is checked against the other, so neither drifts alone.
 */
import { InputError } from '../errors';
import type { Catalog } from '../catalog/model';
import { readSourceFile } from '../yaml-source';
import type { OrgControl } from './model';

export function controlLinkProblems(policies: readonly Pick<OrgControl, 'id' | 'control' | 'file'>[], catalog: Pick<Catalog, 'controls'>): InputError[] {
  const problems: InputError[] = [];
  const byId = new Map(catalog.controls.map((c) => [c.id, c]));
  for (const p of policies) {
    if (p.control === undefined) continue;
    const control = byId.get(p.control);
    const at = () => readSourceFile(p.file).locate(['control']);
    if (!control) {
      const owner = catalog.controls.find((c) => c.aliases.includes(p.control!));
      problems.push(
        new InputError(
          at(),
          owner ? `${p.control} is an alias of ${owner.id}` : `unknown control ${p.control}`,
          owner ? owner.id : 'the ID of a control in policies/controls',
        ),
      );
    } else if (!control.aliases.includes(p.id)) {
      problems.push(
        new InputError(
          at(),
          `control ${control.id} does not list ${p.id} in its aliases`,
          `aliases: [${[...control.aliases, p.id].join(', ')}] in ${control.file}`,
        ),
      );
    }
  }
  const policyById = new Map(policies.map((p) => [p.id, p]));
  for (const c of catalog.controls) {
    c.aliases.forEach((alias, i) => {
      const policy = policyById.get(alias);
      if (!policy || policy.control === c.id) return;
      problems.push(
        new InputError(
          readSourceFile(c.file).locate(['aliases', i]),
          `alias ${alias} of ${c.id} is the organization policy in ${policy.file}, which does not name ${c.id} as its control`,
          `control: ${c.id} in ${policy.file}, or no such alias`,
        ),
      );
    });
  }
  return problems;
}
