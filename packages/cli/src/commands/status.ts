import type { AwsCommandOptions, CommandDeps } from '../deploy/command-support';
import { dayOption } from '../day-option';
import { awsSdk, loadOptional } from '../optional-dependency';

export interface StatusCommandOptions extends AwsCommandOptions {
  drift?: boolean;
}

/**
 * `tarmac status`: every built stack set (its kind, and an account target's accounts) with its instances as
 * deployed now, in deploy order. It reads the build without verifying it against the sources: what is
 * deployed can be looked at while the sources are being edited. The management account's stacks are not
 * stack sets and are not shown.
 * Exit codes: 0 every instance CURRENT (and IN_SYNC with --drift; suspended accounts are skipped) and every
 * account of an account target has its instances, 1 otherwise (also when a deployed rule bundle still carries an
 * exemption expired before the day, --at or today: cfn-guard has no clock), 2 bad input or an AWS error.
 */
export async function statusCommand(opts: StatusCommandOptions, deps: CommandDeps = {}): Promise<number> {
  // The AWS SDK is an optional peer of the CLI: loaded here, so `tarmac check` never needs it.
  const [
    { engineContext, exitOnAwsError },
    { readDesired },
    { renderStatus },
    { statusExitCode, statusOf },
    { expiredDeployedExemptions, renderExpiredDeployed },
  ] = await loadOptional(awsSdk('status'), () =>
    Promise.all([
      import('../deploy/command-support'),
      import('../deploy/desired'),
      import('../deploy/render-report'),
      import('../deploy/status'),
      import('../deploy/deployed-exemptions'),
    ]),
  );
  const today = dayOption(opts.at);
  const desired = readDesired(opts.out);
  const ctx = engineContext(opts, desired, deps, opts.drift === true);
  return exitOnAwsError(async () => {
    const stackSets = await statusOf(ctx, desired, { drift: opts.drift === true });
    const expiredExemptions = await expiredDeployedExemptions(ctx, desired, today);
    const code = expiredExemptions.length ? 1 : statusExitCode(stackSets, opts.drift === true);
    process.stdout.write(
      opts.format === 'json'
        ? JSON.stringify({ stackSets, expiredExemptions, exitCode: code }, null, 2) + '\n'
        : renderStatus(stackSets, opts.drift === true) + renderExpiredDeployed(expiredExemptions, today),
    );
    return code;
  });
}
