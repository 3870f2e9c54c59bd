import * as fs from 'fs';
import * as path from 'path';
import { Catalog } from '../catalog/model';
import { InputError } from '../errors';
import { isYaml, listFiles } from '../list-files';
import { loadOrganization } from '../org/load-org';
import { ExemptionPolicy, OrgPolicyType, Organization, POLICY_TYPE_DIR } from '../org/model';
import { findAccount } from '../org/targets';
import { readSourceFile } from '../yaml-source';
import { closestMatch } from '../closest-match';
import { OrgControlRef, loadExemptions } from './load-exemptions';
import { ExemptionMatch, ExemptionTarget, matchExemption } from './match-exemptions';
import { Exemption } from './model';

/** The exemptions of a catalog with what it takes to apply them on a day: org.yaml's accounts, OUs and policy. */
export interface ExemptionSet {
  readonly exemptions: readonly Exemption[];
  readonly org: Organization;
  readonly today: Date;
  readonly policy: ExemptionPolicy;
}

/** The organization policy directories whose controls an exemption may name, with the type each holds. */
const ORG_POLICY_DIRS: readonly [string, OrgPolicyType | undefined][] = [
  ['scp', 'SERVICE_CONTROL_POLICY'],
  ['rcp', 'RESOURCE_CONTROL_POLICY'],
  // Declarative, tag and AI opt-out policies say their type; loadExemptions refuses all of them alike.
  ['declarative', undefined],
];

/**
 * policies/exemptions.yaml, validated, for the enforcement points that honour it at check and synth time;
 * undefined without the file. It reads org.yaml and only the IDs of the organization policies (not their
 * statements: `tarmac build` and `tarmac test` validate those), so a pre-commit check stays fast.
 */
export function loadExemptionSet(catalog: Catalog, today: Date): ExemptionSet | undefined {
  const file = path.join(catalog.root, 'exemptions.yaml');
  if (!fs.existsSync(file)) return undefined;
  const orgFile = path.join(catalog.root, 'org.yaml');
  if (!fs.existsSync(orgFile)) throw new InputError({ file }, 'exemptions need org.yaml beside them (their scope names accounts and OUs)', 'policies/org.yaml');
  const org = loadOrganization(orgFile);
  return { exemptions: loadExemptions(catalog, org, orgPolicyIds(catalog), today), org, today, policy: org.exemptionPolicy };
}

function orgPolicyIds(catalog: Catalog): OrgControlRef[] {
  return ORG_POLICY_DIRS.flatMap(([dir, dirType]) =>
    listFiles(path.join(catalog.root, dir), isYaml).flatMap((f) => {
      const value = readSourceFile(f).value as { id?: unknown; type?: unknown } | null;
      // A declarative file without a valid type is refused by `tarmac build`; here it is still never an SCP or RCP.
      const declared = typeof value?.type === 'string' && value.type in POLICY_TYPE_DIR ? (value.type as OrgPolicyType) : undefined;
      const type = dirType ?? (declared && !declared.endsWith('CONTROL_POLICY') ? declared : 'DECLARATIVE_POLICY_EC2');
      return typeof value?.id === 'string' ? [{ id: value.id, type }] : [];
    }),
  );
}

/** An account named on the command line or by a stack's environment, by name or ID from org.yaml. */
export function accountIdOf(set: ExemptionSet, nameOrId: string, where: { file: string; line?: number } = { file: set.org.file }): string {
  const account = findAccount(set.org, nameOrId);
  if (account) return account.id;
  const guess = closestMatch(nameOrId, [...set.org.accounts.flatMap((a) => [a.name, a.id]), set.org.managementAccountName]);
  throw new InputError(where, `unknown account ${nameOrId}${guess ? `; did you mean ${guess}?` : ''}`, 'an account name or ID from org.yaml');
}

/** The exemption covering a control (by its ID or aliases) at a target in this set, if any. */
export function exemptionFor(set: ExemptionSet, controlIds: readonly string[], target: ExemptionTarget): ExemptionMatch | undefined {
  return matchExemption(set.exemptions, controlIds, target, set.org, set.today, set.policy);
}
