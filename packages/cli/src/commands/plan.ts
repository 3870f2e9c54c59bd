import { verifyBuild } from '../build-output';
import type { AwsCommandOptions, CommandDeps } from '../deploy/command-support';
import { dayOption } from '../day-option';
import { awsSdk, loadOptional } from '../optional-dependency';

export interface PlanCommandOptions extends AwsCommandOptions {
  /** Plan the management account's stacks and check the cost allocation tags, instead of the org-wide deployment. */
  management?: boolean;
}

/**
 * `tarmac plan`: what deploy would change, read from AWS without writing anything. Refuses a build that is
 * stale or fails validation (InputErrors, exit 2). Without --management it plans the org-wide deployment
 * and names the management stacks it leaves alone; with it, it plans only those, with management-account
 * credentials, after asking Cost Explorer whether the build's cost allocation tags are active.
 * Exit codes: 0 plan shown; 1 (--management) a cost allocation tag is not active or could not be checked, or
 * a stack is blocked; without --management, a deployed rule bundle still carries an exemption expired before
 * the day (--at, else today): cfn-guard has no clock, so the hook skips for it until the next deploy;
 * 2 bad input, credentials of the wrong account, or an AWS error.
 */
export async function planCommand(opts: PlanCommandOptions, deps: CommandDeps = {}): Promise<number> {
  // The AWS SDK is an optional peer of the CLI: loaded here, so `tarmac check` never needs it.
  const [
    { engineContext, exitOnAwsError, regionFor },
    { readDesired },
    { managementPlanExitCode, planManagement },
    { planDeployment },
    { renderManagementPlan, renderPlan },
    { expiredDeployedExemptions, renderExpiredDeployed },
  ] = await loadOptional(awsSdk('plan'), () =>
    Promise.all([
      import('../deploy/command-support'),
      import('../deploy/desired'),
      import('../deploy/management'),
      import('../deploy/plan'),
      import('../deploy/render-plan'),
      import('../deploy/deployed-exemptions'),
    ]),
  );
  const today = dayOption(opts.at);
  await verifyBuild(opts.out, opts.policies, today);
  const desired = readDesired(opts.out);
  const ctx = engineContext(opts, desired, deps, false);
  return exitOnAwsError(async () => {
    if (opts.management) {
      const plan = await planManagement(ctx, desired);
      process.stdout.write(opts.format === 'json' ? JSON.stringify(plan, null, 2) + '\n' : renderManagementPlan(plan));
      return managementPlanExitCode(plan);
    }
    const { plan } = await planDeployment(ctx, desired, undefined, regionFor(opts, desired));
    const expiredExemptions = await expiredDeployedExemptions(ctx, desired, today);
    process.stdout.write(
      opts.format === 'json'
        ? JSON.stringify(expiredExemptions.length ? { ...plan, expiredExemptions } : plan, null, 2) + '\n'
        : renderPlan(plan) + renderExpiredDeployed(expiredExemptions, today),
    );
    return expiredExemptions.length ? 1 : 0;
  });
}
