import { InputError, InputErrors } from '../errors';
import { validateAgainstSchema } from '../schema-validation';
import { SourceDocument, readSourceFile } from '../yaml-source';
import { loadSchema } from '../schemas';
import {
  Account,
  AccountType,
  AlreadyAttachedPolicy,
  ConfigQuotas,
  ExemptionPolicy,
  Deployment,
  Organization,
  OrganizationalUnit,
  OrgPolicyType,
  Quota,
  Regions,
} from './model';
import { ALLOW_ALL, DEFAULT_CONFIG_QUOTAS, DEFAULT_EXEMPTION_POLICY, DEFAULT_QUOTAS } from './quotas';
import { allTargetIds, resolveTarget } from './targets';

/** AWS Organizations allows OUs to nest five levels below the root. */
export const MAX_OU_DEPTH = 5;

interface RegionsSource {
  home?: string;
  allowed?: string[];
}
interface AccountSource {
  id: string;
  name: string;
  type: AccountType;
  email?: string;
  regions?: RegionsSource;
}
interface OuSource {
  name: string;
  id: string;
  regions?: RegionsSource;
  accounts?: AccountSource[];
  ous?: OuSource[];
}
interface OrgSource {
  organization: { id: string; rootId: string; managementAccount: { id: string; name: string } };
  regions: Regions;
  roles: Record<string, string>;
  accounts?: AccountSource[];
  ous?: OuSource[];
  quotas?: Partial<Record<OrgPolicyType, Partial<Quota>>>;
  alreadyAttached?: { name: string; type: OrgPolicyType; targets: string[] }[];
  deployment?: { delegatedAdmin: string; tags: Record<string, string> };
  configQuotas?: Partial<ConfigQuotas>;
  exemptionPolicy?: Partial<ExemptionPolicy>;
}

/** Loads and validates policies/org.yaml; throws InputErrors naming every problem with its line. */
export function loadOrganization(file: string): Organization {
  const doc = readSourceFile(file);
  const problems = validateAgainstSchema(doc, loadSchema('org'));
  if (problems.length) throw new InputErrors(problems);
  const src = doc.value as OrgSource;
  const errors: InputError[] = [];
  const lineOf = new Map<string, number>();
  const seenIds = new Map<string, string>();
  const seenNames = new Map<string, string>();
  const claim = (id: string, name: string, path: (string | number)[], what: string) => {
    const at = doc.locate(path);
    if (seenIds.has(id)) errors.push(new InputError(doc.locate([...path, 'id']), `${what} ID ${id} is already used by ${seenIds.get(id)}`, 'each ID once'));
    seenIds.set(id, name);
    if (at.line !== undefined) lineOf.set(id, at.line);
  };

  const mgmt = src.organization.managementAccount;
  claim(src.organization.rootId, 'the root', ['organization', 'rootId'], 'root');
  claim(mgmt.id, mgmt.name, ['organization', 'managementAccount'], 'account');
  checkHomeRegion(doc, ['regions'], src.regions, errors);

  const ous: OrganizationalUnit[] = [];
  const accounts: Account[] = [];
  const addAccounts = (list: AccountSource[] | undefined, basePath: (string | number)[], parentRegions: Regions, ouId?: string) => {
    list?.forEach((a, i) => {
      const path = [...basePath, 'accounts', i];
      claim(a.id, a.name, path, 'account');
      if (seenNames.has(a.name))
        errors.push(
          new InputError(doc.locate([...path, 'name']), `account name ${a.name} is already used`, 'unique account names: policies target accounts by name'),
        );
      seenNames.set(a.name, a.id);
      const regions = narrowRegions(doc, [...path, 'regions'], parentRegions, a.regions, errors);
      accounts.push({ id: a.id, name: a.name, type: a.type, ouId, regions, email: a.email, line: doc.locate([...path, 'name']).line });
    });
  };
  const walk = (list: OuSource[] | undefined, basePath: (string | number)[], parentId: string, parentPath: string, parentRegions: Regions, depth: number) => {
    const siblings = new Set<string>();
    list?.forEach((ou, i) => {
      const path = [...basePath, 'ous', i];
      if (depth > MAX_OU_DEPTH)
        errors.push(
          new InputError(
            doc.locate(path),
            `OU ${parentPath}/${ou.name} is nested ${depth} levels deep`,
            `at most ${MAX_OU_DEPTH} levels of OUs below the root`,
          ),
        );
      if (siblings.has(ou.name.toLowerCase()))
        errors.push(
          new InputError(doc.locate([...path, 'name']), `OU ${ou.name} appears twice under ${parentPath || 'the root'}`, 'unique OU names among siblings'),
        );
      siblings.add(ou.name.toLowerCase());
      claim(ou.id, ou.name, path, 'OU');
      const ouPath = parentPath ? `${parentPath}/${ou.name}` : ou.name;
      const regions = narrowRegions(doc, [...path, 'regions'], parentRegions, ou.regions, errors);
      ous.push({ id: ou.id, name: ou.name, path: ouPath, parentId, regions, line: doc.locate([...path, 'name']).line });
      addAccounts(ou.accounts, path, regions, ou.id);
      walk(ou.ous, path, ou.id, ouPath, regions, depth + 1);
    });
  };
  addAccounts(src.accounts, [], src.regions);
  walk(src.ous, [], src.organization.rootId, '', src.regions, 1);
  if (accounts.some((a) => a.id === mgmt.id)) {
    errors.push(
      new InputError(
        doc.locate(['organization', 'managementAccount']),
        `management account ${mgmt.id} is also listed as a member account`,
        'the management account only under organization.managementAccount',
      ),
    );
  }

  const quotas = { ...DEFAULT_QUOTAS };
  for (const [type, q] of Object.entries(src.quotas ?? {}) as [OrgPolicyType, Partial<Quota>][]) {
    quotas[type] = { ...DEFAULT_QUOTAS[type], ...q };
  }

  const partial: Organization = {
    file,
    id: src.organization.id,
    rootId: src.organization.rootId,
    managementAccountId: mgmt.id,
    managementAccountName: mgmt.name,
    regions: src.regions,
    roles: src.roles,
    ous,
    accounts,
    quotas,
    alreadyAttached: [],
    lineOf,
    configQuotas: { ...DEFAULT_CONFIG_QUOTAS, ...src.configQuotas },
    exemptionPolicy: { ...DEFAULT_EXEMPTION_POLICY, ...src.exemptionPolicy },
  };
  const alreadyAttached: AlreadyAttachedPolicy[] = [];
  (src.alreadyAttached ?? []).forEach((p, i) => {
    const targetIds = new Set<string>();
    p.targets.forEach((t, j) => {
      try {
        resolveTarget(partial, t).forEach((id) => targetIds.add(id));
      } catch (err) {
        errors.push(
          new InputError(doc.locate(['alreadyAttached', i, 'targets', j]), (err as Error).message, 'root, *, ou:<path>, type:<account type> or account:<name>'),
        );
      }
    });
    alreadyAttached.push({ name: p.name, type: p.type, targetIds: [...targetIds], document: ALLOW_ALL[p.name] });
  });
  // AWS attaches its allow-all policies to every root, OU and account unless the organization detached them.
  for (const [name, type] of [
    ['FullAWSAccess', 'SERVICE_CONTROL_POLICY'],
    ['RCPFullAWSAccess', 'RESOURCE_CONTROL_POLICY'],
  ] as const) {
    if (!alreadyAttached.some((p) => p.name === name)) {
      alreadyAttached.push({ name, type, targetIds: allTargetIds(partial), document: ALLOW_ALL[name] });
    }
  }
  const deployment = src.deployment && deploymentOf(doc, src.deployment, accounts, errors);
  if (errors.length) throw new InputErrors(errors);
  return { ...partial, alreadyAttached, deployment };
}

/** The delegated administrator must be a member account: StackSets cannot delegate to the management account. */
function deploymentOf(
  doc: SourceDocument,
  src: NonNullable<OrgSource['deployment']>,
  accounts: readonly Account[],
  errors: InputError[],
): Deployment | undefined {
  const at = doc.locate(['deployment', 'delegatedAdmin']);
  const admin = accounts.find((a) => a.name === src.delegatedAdmin || a.id === src.delegatedAdmin);
  if (!admin) {
    errors.push(
      new InputError(
        at,
        `delegated administrator ${src.delegatedAdmin} is not a member account in this file`,
        `the name of a member account, one of ${accounts.map((a) => a.name).join(', ')}`,
      ),
    );
    return undefined;
  }
  return { delegatedAdmin: admin, tags: src.tags, lines: { delegatedAdmin: at.line, tags: doc.locate(['deployment', 'tags']).line } };
}

function checkHomeRegion(doc: SourceDocument, path: (string | number)[], r: Regions, errors: InputError[]): void {
  if (!r.allowed.includes(r.home))
    errors.push(new InputError(doc.locate([...path, 'home']), `home region ${r.home} is not in the allowed regions`, `one of ${r.allowed.join(', ')}`));
}

/** An OU or account may narrow its parent's regions, never widen them: the parent's SCP would deny the rest. */
function narrowRegions(doc: SourceDocument, path: (string | number)[], parent: Regions, own: RegionsSource | undefined, errors: InputError[]): Regions {
  if (!own) return parent;
  const allowed = own.allowed ?? parent.allowed;
  own.allowed?.forEach((r, i) => {
    if (!parent.allowed.includes(r))
      errors.push(new InputError(doc.locate([...path, 'allowed', i]), `region ${r} is not allowed by the parent`, `a subset of ${parent.allowed.join(', ')}`));
  });
  const home = own.home ?? (allowed.includes(parent.home) ? parent.home : allowed[0]);
  if (!allowed.includes(home))
    errors.push(new InputError(doc.locate([...path, 'home']), `home region ${home} is not in the allowed regions`, `one of ${allowed.join(', ')}`));
  return { home, allowed };
}
