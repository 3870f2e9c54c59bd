import { InputError } from '../errors';
import { ComposedStatement } from './compose';
import { Organization } from './model';
import { chainTo } from './targets';

/**
 * An OU or account that narrows its allowed regions in org.yaml must get an SCP that says so: some
 * statement using {{regions.allowed}} on its path must resolve to a list within its own. Otherwise the
 * narrowing is documentation only, and the wider list of the root still applies.
 */
export function unenforcedRegionNarrowing(org: Organization, composed: ReadonlyMap<string, readonly ComposedStatement[]>): InputError[] {
  const errors: InputError[] = [];
  for (const target of [...org.ous, ...org.accounts]) {
    const allowed = new Set(target.regions.allowed);
    if (org.regions.allowed.every((r) => allowed.has(r))) continue;
    const enforced = chainTo(org, target.id).some((id) => (composed.get(id) ?? []).some((s) => s.regions?.every((r) => allowed.has(r))));
    if (!enforced) {
      const name = 'path' in target ? `OU ${target.path}` : `account ${target.name}`;
      errors.push(
        new InputError(
          { file: org.file, line: target.line },
          `${name} narrows its regions to ${target.regions.allowed.join(', ')}, but no SCP on its path enforces that list`,
          `a control using {{regions.allowed}} (such as the region restriction) that also targets ${'path' in target ? `ou:${target.path}` : `account:${target.name}`}`,
        ),
      );
    }
  }
  return errors;
}
