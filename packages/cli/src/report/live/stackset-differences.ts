import type { ExpiredDeployedExemption } from '../../deploy/deployed-exemptions';
import { verdictOf } from '../../deploy/instance-verdict';
import type { StackSetStatus } from '../../deploy/status';
import type { ReportAccount } from '../report-model';
import type { LiveFinding } from './model';

/** The stack sets that reach an account in the report, with the regions of their instances there. */
export function stackSetsOf(account: ReportAccount): Map<string, readonly string[]> {
  const reach = new Map<string, readonly string[]>();
  for (const b of account.baselines) reach.set(b.stackSet, b.regions);
  for (const c of account.controls) for (const p of c.points) if (p.stackSet && !reach.has(p.stackSet)) reach.set(p.stackSet, p.regions ?? account.regions);
  return reach;
}

/**
 * Every stack set the build has, and in every account it reaches (as the report says) one instance per region,
 * CURRENT. An instance of a suspended account, skipped by StackSets, is not a difference.
 */
export function stackSetDifferences(accounts: readonly ReportAccount[], statuses: readonly StackSetStatus[]): LiveFinding[] {
  const findings: LiveFinding[] = [];
  const byName = new Map(statuses.map((s) => [s.name, s]));
  for (const s of statuses.filter((s) => !s.exists))
    findings.push({
      kind: 'stack-set-missing',
      subject: s.name,
      message: `stack set ${s.name} (${s.kind}) does not exist: no account of its targets has what it deploys`,
      fix: 'run `tarmac deploy` from the delegated administrator',
    });
  for (const account of accounts.filter((a) => !a.management)) {
    for (const [name, regions] of stackSetsOf(account)) {
      const status = byName.get(name);
      if (!status?.exists) continue;
      for (const region of regions) {
        const instance = status.instances.find((i) => i.account === account.id && i.region === region);
        const controls = account.controls.filter((c) => c.points.some((p) => p.stackSet === name)).map((c) => c.id);
        const about = { account: account.id, region, subject: name, ...(controls.length ? { controls } : {}) };
        if (!instance) {
          findings.push({
            ...about,
            kind: 'instance-missing',
            message: `${name} has no instance in ${account.name} (${account.id}) ${region}: nothing it deploys runs there`,
            fix: 'run `tarmac deploy` (an account that joined the OU before auto-deployment was on gets its instance then)',
          });
          continue;
        }
        const verdict = verdictOf(instance);
        if (verdict === 'ok' || verdict === 'skipped') continue;
        findings.push({
          ...about,
          kind: 'instance-not-current',
          message: `${name} in ${account.name} (${account.id}) ${region} is ${instance.status}${instance.detailedStatus ? ` (${instance.detailedStatus})` : ''}${instance.reason ? `: ${instance.reason}` : ''}`,
          fix:
            verdict === 'inoperable'
              ? 'see `tarmac status` for how to remove an INOPERABLE instance'
              : 'run `tarmac deploy`, then `tarmac status` for what failed',
        });
      }
    }
  }
  return findings;
}

/** cfn-guard has no clock: a deployed bundle keeps skipping for an exemption past its day until a newer build replaces it. */
export function expiredExemptionDifferences(expired: readonly ExpiredDeployedExemption[]): LiveFinding[] {
  return expired.map((e) => ({
    kind: 'expired-exemption-deployed' as const,
    subject: e.stackSet,
    controls: [e.control],
    message: `${e.stackSet}'s bundle ${e.bundle}${e.versionId ? ` (version ${e.versionId})` : ''} still carries exemption ${e.id} of ${e.control}, which expired after ${e.expires}: its hooks keep skipping what it names`,
    fix: 'run `tarmac build` and `tarmac deploy`: the new bundle drops it',
  }));
}
