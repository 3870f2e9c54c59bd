import { verifyBuild } from '../build-output';
import { AwsCommandOptions, CommandDeps, engineContext, exitOnAwsError, regionFor } from '../deploy/command-support';
import { readDesired } from '../deploy/desired';
import { planDeployment } from '../deploy/plan';
import { renderPlan } from '../deploy/render-plan';

export type PlanCommandOptions = AwsCommandOptions;

/**
 * `tarmac plan`: what deploy would change, read from AWS without writing anything. Refuses a build that is
 * stale or fails validation (InputErrors, exit 2). Exit codes: 0 plan shown, 2 bad input or an AWS error.
 */
export async function planCommand(opts: PlanCommandOptions, deps: CommandDeps = {}): Promise<number> {
  await verifyBuild(opts.out, opts.policies);
  const desired = readDesired(opts.out);
  const ctx = engineContext(opts, desired, deps, false);
  return exitOnAwsError(async () => {
    const { plan } = await planDeployment(ctx, desired, undefined, regionFor(opts, desired));
    process.stdout.write(opts.format === 'json' ? JSON.stringify(plan, null, 2) + '\n' : renderPlan(plan));
    return 0;
  });
}
