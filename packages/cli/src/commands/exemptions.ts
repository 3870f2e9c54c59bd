import * as fs from 'fs';
import * as path from 'path';
import {
  Catalog,
  Exemption,
  ExemptionSet,
  ExemptionStatus,
  InputError,
  InputErrors,
  accountIdOf,
  controlIdsOf,
  daysBetween,
  describeScope,
  exemptionStatus,
  loadExemptions,
  profileNamed,
  resolveCatalog,
} from '@tarmac/core';
import { Organization, loadOrgPolicies } from '@tarmac/core/org';
import { EngineChoice, checkPaths, createEngine } from '@tarmac/guard';
import { dayOption } from '../day-option';
import { alignRows } from '../deploy/table';

export interface ExemptionsCommandOptions {
  policies?: string;
  catalog?: string;
  at?: string;
  format: 'text' | 'json';
  /** With templates: the check's profile, account, stack name and engine, as for `tarmac check`. */
  profile: string;
  account?: string;
  stackName?: string;
  engine: EngineChoice;
}

/** unused: templates were given, and the exemption, in force, covered no finding in them. */
type Status = ExemptionStatus | 'unused';

/**
 * Lists policies/exemptions.yaml with each exemption's status on a day (today, or --at): active, expiring (within
 * org.yaml's exemptionPolicy.expiringWithinDays) or expired; with templates, an exemption of a Guard control that
 * covered none of their findings is unused. 1 while an expired one is still in the file.
 */
export async function exemptionsCommand(paths: string[], opts: ExemptionsCommandOptions): Promise<number> {
  const today = dayOption(opts.at);
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
  const exemptions: ExemptionSet = { exemptions: loadExemptions(catalog, set.organization, set.controls, today), org: set.organization, today, policy };
  const used = paths.length ? await exemptionsUsed(paths, catalog, exemptions, opts) : undefined;
  const guardControls = new Set(catalog.controls.flatMap(controlIdsOf));
  const rows = exemptions.exemptions.map((exemption): Row => {
    const status = exemptionStatus(exemption, today, policy);
    const checkable = exemption.controls.some((c) => guardControls.has(c));
    return {
      exemption,
      status: used && checkable && status !== 'expired' && !used.has(exemption.id) ? 'unused' : status,
      daysLeft: daysBetween(today, exemption.expires),
    };
  });
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
  status: Status;
  daysLeft: number;
}

/** The IDs of the exemptions that covered a finding (in force or not) when checking `paths` as `tarmac check` would. */
async function exemptionsUsed(paths: string[], catalog: Catalog, exemptions: ExemptionSet, opts: ExemptionsCommandOptions): Promise<Set<string>> {
  const engine = createEngine(opts.engine);
  try {
    const report = await checkPaths(paths, {
      catalog,
      profile: profileNamed(catalog, opts.profile),
      engine,
      exemptions: () => exemptions,
      accountId: opts.account ? accountIdOf(exemptions, opts.account) : undefined,
      stackName: opts.stackName,
    });
    if (report.errors.length) throw new InputErrors(report.errors);
    return new Set(report.findings.flatMap((f) => (f.exemption ? [f.exemption.id] : [])));
  } finally {
    engine.dispose();
  }
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
  const unused = rows.filter((r) => r.status === 'unused').length;
  return (
    alignRows(lines).join('\n') +
    '\n' +
    (expired ? `${expired} expired: they suppress nothing; remove them from exemptions.yaml (or renew them with a new expiry)\n` : '') +
    (unused ? `${unused} unused: they covered no finding in the templates checked; remove them if no other repository needs them\n` : '')
  );
}
