import { Organization, allTargetIds, targetName } from '@tarmac/core/org';
import { sameDocument } from '../../deploy/canonical-json';
import type { LiveOrganization } from './collect-organization';
import type { LiveFinding } from './model';

const REDEPLOY = 'run `tarmac build` and `tarmac deploy` from the delegated administrator (it attaches and updates what the sources say)';

/** A policy as the sources build it on the report's day: what AWS should have. */
export interface IntendedPolicy {
  readonly type: string;
  readonly name: string;
  readonly content: string;
  readonly targetIds: readonly string[];
  readonly controls: readonly string[];
}

/**
 * The organization as AWS has it against org.yaml and the policies the sources build on the report's day (so an
 * exemption that expired since the last deploy shows as a policy that still carves it out): where each account
 * sits, Tarmac's policies (present, same content, attached where built) and every other policy attached in the
 * tree, which must be one org.yaml declares (`alreadyAttached`, AWS's FullAWSAccess and RCPFullAWSAccess by default).
 */
export function organizationDifferences(org: Organization, policies: readonly IntendedPolicy[], live: LiveOrganization): LiveFinding[] {
  return [...placementDifferences(org, live), ...tarmacPolicyDifferences(org, policies, live), ...otherPolicyDifferences(org, live)];
}

function placementDifferences(org: Organization, live: LiveOrganization): LiveFinding[] {
  const findings: LiveFinding[] = [];
  const where = (id: string) => (id === org.rootId ? 'the root' : targetName(org, id));
  if (live.rootId && live.rootId !== org.rootId)
    findings.push({
      kind: 'account-placement',
      subject: 'root',
      message: `the organization's root is ${live.rootId}, org.yaml says ${org.rootId}: are these credentials of another organization?`,
      fix: "correct organization.rootId in org.yaml, or use the delegated administrator's credentials of this organization",
    });
  const liveOus = new Map(live.ous.map((o) => [o.id, o]));
  for (const ou of org.ous) {
    const found = liveOus.get(ou.id);
    if (!found)
      findings.push({
        kind: 'account-placement',
        subject: `ou:${ou.path}`,
        message: `OU ${ou.path} (${ou.id}) is not in the organization`,
        fix: 'create it or correct its id in org.yaml, then tarmac build and tarmac deploy',
      });
    else if (found.parentId !== ou.parentId)
      findings.push({
        kind: 'account-placement',
        subject: `ou:${ou.path}`,
        message: `OU ${ou.path} (${ou.id}) is under ${where(found.parentId)} in AWS; org.yaml places it under ${where(ou.parentId)}`,
        fix: 'move it back, or describe the tree as it is in org.yaml, then tarmac build and tarmac deploy',
      });
  }
  const liveAccounts = new Map(live.accounts.map((a) => [a.id, a]));
  const known = new Set([...org.accounts.map((a) => a.id), org.managementAccountId]);
  for (const account of org.accounts) {
    const found = liveAccounts.get(account.id);
    const intended = account.ouId ?? org.rootId;
    if (!found)
      findings.push({
        kind: 'account-placement',
        account: account.id,
        subject: `account:${account.name}`,
        message: `account ${account.name} (${account.id}) is not in the organization`,
        fix: 'remove it from org.yaml (or correct its id), then tarmac build',
      });
    else if (found.parentId !== intended)
      findings.push({
        kind: 'account-placement',
        account: account.id,
        subject: `account:${account.name}`,
        message: `account ${account.name} (${account.id}) is in ${where(found.parentId)} in AWS; org.yaml places it in ${where(intended)}, so it gets another OU's policies and stack sets`,
        fix: `move it back (aws organizations move-account --account-id ${account.id} --source-parent-id ${found.parentId} --destination-parent-id ${intended}), or change org.yaml and tarmac build`,
      });
  }
  for (const account of live.accounts.filter((a) => !known.has(a.id) && a.state === 'ACTIVE'))
    findings.push({
      kind: 'account-placement',
      account: account.id,
      subject: `account:${account.name}`,
      message: `account ${account.name} (${account.id}) in ${where(account.parentId)} is not in org.yaml: the report cannot say which controls it should have`,
      fix: 'describe it in org.yaml (its OU and type), then tarmac build',
    });
  return findings;
}

function tarmacPolicyDifferences(org: Organization, policies: readonly IntendedPolicy[], live: LiveOrganization): LiveFinding[] {
  const findings: LiveFinding[] = [];
  const key = (type: string, name: string) => `${type}/${name}`;
  const liveByKey = new Map(live.policies.map((p) => [key(p.type, p.name), p]));
  for (const d of policies) {
    const found = liveByKey.get(key(d.type, d.name));
    const controls = d.controls.length ? { controls: d.controls } : {};
    if (!found) {
      // A type that could not be listed is already a not-read finding; its policies are not also "missing".
      if (unlisted(live, d.type)) continue;
      findings.push({ kind: 'policy-missing', subject: d.name, ...controls, message: `${d.type} ${d.name} is not in the organization`, fix: REDEPLOY });
      continue;
    }
    if (!sameDocument(d.content, found.content))
      findings.push({
        kind: 'policy-changed',
        subject: d.name,
        ...controls,
        message: `${d.type} ${d.name} (${found.id}) says something else than the sources build on the report's day: it was edited outside Tarmac, the sources changed (or an exemption expired) since the last deploy`,
        fix: REDEPLOY,
      });
    for (const target of d.targetIds.filter((t) => !found.targets.includes(t)))
      findings.push({
        kind: 'attachment-missing',
        ...accountOf(org, target),
        subject: d.name,
        ...controls,
        message: `${d.type} ${d.name} is not attached to ${targetName(org, target)} (${target})`,
        fix: REDEPLOY,
      });
    for (const target of found.targets.filter((t) => !d.targetIds.includes(t)))
      findings.push({
        kind: 'policy-outside-tarmac',
        ...accountOf(org, target),
        subject: d.name,
        ...controls,
        message: `${d.type} ${d.name} is attached to ${targetName(org, target)} (${target}), which the sources do not attach it to`,
        fix: 'run `tarmac deploy --allow-delete` to detach it, or target it there in its source',
      });
  }
  const built = new Set(policies.map((d) => key(d.type, d.name)));
  for (const p of live.policies.filter((p) => p.name.startsWith('tarmac-') && !p.awsManaged && !built.has(key(p.type, p.name))))
    findings.push({
      kind: 'policy-outside-tarmac',
      subject: p.name,
      message: `${p.type} ${p.name} (${p.id}) is named like Tarmac's but the sources build no such policy${p.targets.length ? `; attached to ${p.targets.map((t) => targetName(org, t)).join(', ')}` : ''}`,
      fix: 'run `tarmac deploy --allow-delete` to remove it',
    });
  return findings;
}

/** Every policy not Tarmac's attached to a root, OU or account org.yaml describes must be one it declares there. */
function otherPolicyDifferences(org: Organization, live: LiveOrganization): LiveFinding[] {
  const findings: LiveFinding[] = [];
  const inTree = new Set(allTargetIds(org));
  for (const p of live.policies.filter((p) => !(p.name.startsWith('tarmac-') && !p.awsManaged))) {
    const declared = org.alreadyAttached.find((a) => a.type === p.type && a.name === p.name);
    for (const target of p.targets.filter((t) => inTree.has(t) && !declared?.targetIds.includes(t)))
      findings.push({
        kind: 'policy-outside-tarmac',
        ...accountOf(org, target),
        subject: p.name,
        message: `${p.type} ${p.name} (${p.id}${p.awsManaged ? ', AWS managed' : ''}) is attached to ${targetName(org, target)} (${target}) outside Tarmac: the build neither made it nor counts it against the quota`,
        fix: `detach it, or declare it in org.yaml alreadyAttached (name ${p.name}, type ${p.type}, targets [${targetName(org, target)}]) so that builds count it`,
      });
  }
  for (const declared of org.alreadyAttached) {
    const found = live.policies.find((p) => p.type === declared.type && p.name === declared.name);
    if (!found && unlisted(live, declared.type)) continue;
    for (const target of declared.targetIds.filter((t) => !found?.targets.includes(t)))
      findings.push({
        kind: 'attachment-missing',
        ...accountOf(org, target),
        subject: declared.name,
        message: `${declared.type} ${declared.name} is not attached to ${targetName(org, target)} (${target}), as org.yaml alreadyAttached says it is${declared.name === 'FullAWSAccess' ? ': without an allow-all SCP every action there is denied unless another SCP allows it' : ''}`,
        fix: 'attach it again, or correct alreadyAttached in org.yaml',
      });
  }
  return findings;
}

const accountOf = (org: Organization, target: string): { account?: string } =>
  org.accounts.some((a) => a.id === target) || target === org.managementAccountId ? { account: target } : {};

/** A policy type whose listing failed: its not-read finding stands for what is missing there (a type listed empty is not this). */
const unlisted = (live: LiveOrganization, type: string): boolean => live.errors.some((e) => e.startsWith(`${type} policies could not be listed`));
