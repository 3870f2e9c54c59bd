import type { Tag } from '@aws-sdk/client-cloudformation';
import { verifyBuild } from '../build-output';
import { AwsCommandOptions, CommandDeps, engineContext, exitOnAwsError, regionFor } from '../deploy/command-support';
import { deployAll, deployExitCode } from '../deploy/deploy';
import { readDesired } from '../deploy/desired';
import { renderDeployReport } from '../deploy/render-report';
import { selectionOf } from '../deploy/selection';

export interface DeployCommandOptions extends AwsCommandOptions {
  allowDelete?: boolean;
  /** Stack set names, 'bundles', 'organization-policies'. */
  only?: string[];
}

/**
 * `tarmac deploy`. Refuses a build that is stale or fails validation (exit 2). Removals (stack sets,
 * instances, policies, attachments the build dropped) are performed only with --allow-delete; without it
 * they are skipped, said loudly, and deploy exits 1 so a pipeline notices.
 * Exit codes: 0 deployed and every instance current; 1 an operation, instance or step failed, or a removal
 * was skipped; 2 bad input, or AWS refused a read before anything was changed.
 */
export async function deployCommand(opts: DeployCommandOptions, deps: CommandDeps = {}): Promise<number> {
  const built = await verifyBuild(opts.out, opts.policies);
  const desired = readDesired(opts.out);
  const ctx = engineContext(opts, desired, deps, true);
  // The bundle stack carries the platform's mandatory tags, as every resource in it does.
  const stackTags: Tag[] = Object.entries(built.org.organization.deployment?.tags ?? {}).map(([Key, Value]) => ({ Key, Value }));
  return exitOnAwsError(async () => {
    const { plan, report } = await deployAll(ctx, desired, { allowDelete: opts.allowDelete === true, selection: selectionOf(opts.only), stackTags, region: regionFor(opts, desired) });
    const code = deployExitCode(report);
    process.stdout.write(opts.format === 'json' ? JSON.stringify({ plan, report, exitCode: code }, null, 2) + '\n' : renderDeployReport(report));
    return code;
  });
}
