import * as path from 'path';
import { readSourceFile } from '../yaml-source';
import { MandatoryTag } from '../catalog/model';
import { Organization, Regions } from './model';
import { PlaceholderValues } from './placeholders';

export const GLOBAL_SERVICE_ACTIONS_FILE = path.join(__dirname, '..', '..', 'data', 'global-service-actions.yaml');

let globalServiceActions: readonly string[] | undefined;
/** The region-restriction NotAction list (global services), kept as data with its source. */
export function loadGlobalServiceActions(): readonly string[] {
  globalServiceActions ??= (readSourceFile(GLOBAL_SERVICE_ACTIONS_FILE).value as { actions: string[] }).actions;
  return globalServiceActions;
}

/** The ARN pattern that matches a role in any account: what aws:PrincipalArn conditions and protections use. */
export function roleArnPattern(roleName: string): string {
  return `arn:aws:iam::*:role/${roleName}`;
}

/** Placeholder values as seen from one attachment target: regions follow the target's OU or account. */
export function valuesForTarget(org: Organization, targetId: string): PlaceholderValues {
  const regions: Regions = org.accounts.find((a) => a.id === targetId)?.regions ?? org.ous.find((o) => o.id === targetId)?.regions ?? org.regions;
  const values: Record<string, string | readonly string[]> = {
    'org.id': org.id,
    'org.managementAccountId': org.managementAccountId,
    'regions.home': regions.home,
    'regions.allowed': regions.allowed,
    'data.globalServiceActions': loadGlobalServiceActions(),
    roles: Object.values(org.roles).map(roleArnPattern),
  };
  for (const [key, name] of Object.entries(org.roles)) values[`roles.${key}`] = roleArnPattern(name);
  return values;
}

/** The values of {{tag.key}} (the key as written) and {{tag.Name}} (alphanumeric, for Sids). */
export function tagValues(tag: MandatoryTag): PlaceholderValues {
  const name = tag.key
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');
  return { 'tag.key': tag.key, 'tag.Name': name };
}
