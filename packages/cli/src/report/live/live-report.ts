import { describeError } from '../../deploy/aws-errors';
import { UsageError } from '../../usage-error';
import { assertCallerAccount } from '../../deploy/caller-account';
import type { EngineContext } from '../../deploy/context';
import { expiredDeployedExemptions } from '../../deploy/deployed-exemptions';
import type { Desired } from '../../deploy/desired';
import { statusOf } from '../../deploy/status';
import type { ReportModel, ReportSources } from '../report-model';
import { accountDifferences } from './account-differences';
import { collectOrganization } from './collect-organization';
import { expectationsOf, guardRuleControls } from './expectations';
import type { AccountExpectation, LiveAccount, LiveBlocked, LiveFinding, LiveReport } from './model';
import { organizationDifferences } from './organization-differences';
import { expiredExemptionDifferences, stackSetDifferences } from './stackset-differences';

/** Reads every account's live state (the reader role in each); injected, so the report's logic is tested apart from the SDK. */
export type CollectAccounts = (expectations: readonly AccountExpectation[]) => Promise<LiveAccount[]>;

export interface LiveOptions {
  /** The day exemptions are judged on. */
  readonly today: Date;
  /** Hook results invoked since then are read. */
  readonly since: Date;
  readonly now: Date;
}

/**
 * `tarmac report --live`: what AWS says, against the intended state, as findings. Each part that cannot be
 * read (Organizations, StackSets, the deployed bundles, an account, a region) is a `not-read` finding and the
 * rest is still collected: the report is produced, with exit 1, never silently short.
 */
/**
 * The reader roles trust the delegated administrator's account alone, and StackSets answers it as DELEGATED_ADMIN:
 * other credentials would read nothing and report every account unreadable. Said once, before any read (exit 2).
 */
export async function requireDelegatedAdmin(ctx: EngineContext, desired: Desired): Promise<void> {
  const admin = desired.delegatedAdmin;
  if (!admin)
    throw new UsageError('--live: this build has no org-wide deployment (DIR/stacksets/manifest.json): there is no delegated administrator to read AWS as');
  await assertCallerAccount(
    ctx,
    admin.accountId,
    (account, arn) =>
      `--live reads AWS as the delegated administrator ${admin.accountName} (${admin.accountId}), whom the reader roles trust; these are credentials of account ${account} (${arn}). Nothing was read.`,
  );
}

export async function liveReport(
  model: ReportModel,
  sources: ReportSources,
  desired: Desired,
  ctx: EngineContext,
  collectAccounts: CollectAccounts,
  opts: LiveOptions,
): Promise<LiveReport> {
  const findings: LiveFinding[] = [];
  const notRead = (subject: string, what: string, err: unknown): void => {
    findings.push({
      kind: 'not-read',
      subject,
      message: `${what} could not be read: ${describeError(err)}`,
      fix: "check the delegated administrator's permissions and run the report again",
    });
  };
  const org = sources.orgPolicies.organization;

  const [organization, statuses, expired, accounts] = await Promise.all([
    collectOrganization(ctx).catch((err) => void notRead('organization', 'the organization (tree and policies)', err)),
    statusOf(ctx, desired, { drift: false }).catch((err) => void notRead('stack sets', 'the stack sets and their instances', err)),
    expiredDeployedExemptions(ctx, desired, opts.today).catch((err) => void notRead('rule bundles', 'the deployed rule bundles', err)),
    (async () => {
      const expectations = expectationsOf(model.accounts, desired);
      return { expectations, live: await collectAccounts(expectations) };
    })(),
  ]);

  if (organization) {
    for (const e of organization.errors)
      findings.push({ kind: 'not-read', subject: 'organization', message: e, fix: "check the delegated administrator's Organizations permissions" });
    findings.push(...organizationDifferences(org, sources.orgBuild.policies, organization));
  }
  if (statuses) findings.push(...stackSetDifferences(model.accounts, statuses));
  if (expired) findings.push(...expiredExemptionDifferences(expired));

  const blocked: LiveBlocked[] = [];
  const ruleControls = guardRuleControls(sources.catalog);
  const summaries: LiveReport['accounts'][number][] = [];
  model.accounts.forEach((account, i) => {
    const live = accounts.live[i];
    const diff = accountDifferences(account, live, ruleControls);
    findings.push(...diff.findings);
    blocked.push(...diff.blocked);
    const standards = live.regions.find((r) => r.securityHubStandards !== undefined)?.securityHubStandards;
    summaries.push({
      id: account.id,
      read: !live.error,
      findings: 0,
      nonCompliant: live.regions.reduce((n, r) => n + (r.conformancePack?.nonCompliant.length ?? 0), 0),
      ...(standards !== undefined ? { securityHubStandards: standards } : {}),
    });
  });
  const perAccount = new Map<string, number>();
  for (const f of findings) if (f.account) perAccount.set(f.account, (perAccount.get(f.account) ?? 0) + 1);
  return {
    collectedAt: opts.now.toISOString(),
    hookResultsSince: opts.since.toISOString(),
    findings,
    blocked,
    accounts: summaries.map((s) => ({ ...s, findings: perAccount.get(s.id) ?? 0 })),
  };
}
