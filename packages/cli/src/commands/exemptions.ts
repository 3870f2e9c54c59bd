import * as fs from 'fs';
import * as path from 'path';
import { Exemption, ExemptionStatus, InputError, dayOf, daysBetween, describeScope, exemptionStatus, loadExemptions, resolveCatalog } from '@tarmac/core';
import { Organization, loadOrgPolicies } from '@tarmac/core/org';
import { alignRows } from '../deploy/table';
import { UsageError } from '../usage-error';

export interface ExemptionsCommandOptions {
  policies?: string;
  catalog?: string;
  at?: string;
  format: 'text' | 'json';
}

/**
 * Lists policies/exemptions.yaml with each exemption's status on a day (today, or --at): active, expiring (within
 * org.yaml's exemptionPolicy.expiringWithinDays) or expired. 1 while an expired one is still in the file.
 */
export async function exemptionsCommand(opts: ExemptionsCommandOptions): Promise<number> {
  const today = opts.at === undefined ? new Date() : dayOf(opts.at);
  if (!today) throw new UsageError(`--at ${opts.at}: expected a day as YYYY-MM-DD`);
  const catalog = resolveCatalog({ policies: opts.policies, catalog: opts.catalog });
  const set = await loadOrgPolicies(catalog);
  if (!set) {
    if (!fs.existsSync(path.join(catalog.root, 'exemptions.yaml'))) return 0;
    throw new InputError(
      { file: path.join(catalog.root, 'exemptions.yaml') },
      'exemptions need org.yaml beside them (their scope names accounts and OUs)',
      'policies/org.yaml',
    );
  }
  const policy = set.organization.exemptionPolicy;
  const rows = loadExemptions(
    catalog,
    set.organization,
    set.controls.map((c) => c.id),
    today,
  ).map((exemption) => ({
    exemption,
    status: exemptionStatus(exemption, today, policy),
    daysLeft: daysBetween(today, exemption.expires),
  }));
  const org = set.organization;
  process.stdout.write(
    opts.format === 'json'
      ? JSON.stringify(
          rows.map((r) => asJson(r, org)),
          null,
          2,
        ) + '\n'
      : table(rows, org),
  );
  return rows.some((r) => r.status === 'expired') ? 1 : 0;
}

interface Row {
  exemption: Exemption;
  status: ExemptionStatus;
  daysLeft: number;
}

const day = (d: Date) => d.toISOString().slice(0, 10);

function asJson({ exemption: e, status, daysLeft }: Row, org: Organization) {
  return {
    id: e.id,
    status,
    expires: day(e.expires),
    daysLeft,
    controls: e.controls,
    scope: {
      accounts: e.accountIds.map((id) => ({ id, name: org.accounts.find((a) => a.id === id)?.name })),
      ous: e.ouIds.map((id) => ({ id, path: org.ous.find((o) => o.id === id)?.path })),
      stacks: e.stacks,
      resources: e.resources,
    },
    reason: e.reason,
    owner: e.owner,
    ticket: e.ticket,
    file: e.file,
    line: e.line,
  };
}

function table(rows: readonly Row[], org: Organization): string {
  if (!rows.length) return 'no exemptions\n';
  const lines = [
    ['ID', 'STATUS', 'EXPIRES', 'CONTROLS', 'SCOPE', 'OWNER', 'TICKET'],
    ...rows.map(({ exemption: e, status, daysLeft }) => [
      e.id,
      status,
      `${day(e.expires)} (${daysLeft < 0 ? `${-daysLeft} days ago` : daysLeft === 0 ? 'today' : `in ${daysLeft} days`})`,
      e.controls.join(', '),
      describeScope(e, org),
      e.owner,
      e.ticket ?? '-',
    ]),
  ];
  const expired = rows.filter((r) => r.status === 'expired').length;
  return (
    alignRows(lines).join('\n') +
    '\n' +
    (expired ? `${expired} expired: they suppress nothing; remove them from exemptions.yaml (or renew them with a new expiry)\n` : '')
  );
}
