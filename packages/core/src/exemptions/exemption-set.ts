import * as fs from 'fs';
import * as path from 'path';
import { Catalog } from '../catalog/model';
import { InputError } from '../errors';
import { isYaml, listFiles } from '../list-files';
import { loadOrganization } from '../org/load-org';
import { ExemptionPolicy, Organization } from '../org/model';
import { findAccount } from '../org/targets';
import { readSourceFile } from '../yaml-source';
import { closestMatch } from '../closest-match';
import { loadExemptions } from './load-exemptions';
import { ExemptionMatch, ExemptionTarget, matchExemption } from './match-exemptions';
import { Exemption } from './model';

/** The exemptions of a catalog with what it takes to apply them on a day: org.yaml's accounts, OUs and policy. */
export interface ExemptionSet {
  readonly exemptions: readonly Exemption[];
  readonly org: Organization;
  readonly today: Date;
  readonly policy: ExemptionPolicy;
}

/** The organization policy directories whose controls an exemption may name. */
const ORG_POLICY_DIRS = ['scp', 'rcp', 'declarative'];

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

function orgPolicyIds(catalog: Catalog): string[] {
  return ORG_POLICY_DIRS.flatMap((dir) => listFiles(path.join(catalog.root, dir), isYaml)).flatMap((f) => {
    const id = (readSourceFile(f).value as { id?: unknown } | null)?.id;
    return typeof id === 'string' ? [id] : [];
  });
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
