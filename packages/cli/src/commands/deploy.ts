import type { Tag } from '@aws-sdk/client-cloudformation';
import { verifyBuild } from '../build-output';
import type { AwsCommandOptions, CommandDeps } from '../deploy/command-support';
import { dayOption } from '../day-option';
import { awsSdk, loadOptional } from '../optional-dependency';
import { UsageError } from '../usage-error';

export interface DeployCommandOptions extends AwsCommandOptions {
  allowDelete?: boolean;
  /** Stack set names, 'bundles', 'organization-policies'. */
  only?: string[];
  /** Deploy the management account's stacks (the billing stack) instead of the org-wide deployment. */
  management?: boolean;
  /** With --management: deploy although a cost allocation tag the build relies on is not active. */
  allowInactiveTags?: boolean;
}

/**
 * `tarmac deploy`. Refuses a build that is stale or fails validation (exit 2). Removals (stack sets,
 * instances, policies, attachments the build dropped) are performed only with --allow-delete; without it
 * they are skipped, said loudly, and deploy exits 1 so a pipeline notices. Stack sets go wave by wave.
 * With --management it deploys only the management account's stacks, with that account's credentials,
 * and refuses (exit 1, nothing changed) while a cost allocation tag is inactive (unless
 * --allow-inactive-tags) or could not be checked.
 * Exit codes: 0 deployed and every instance current; 1 an operation, instance or step failed, a removal
 * was skipped, or --management refused; 2 bad input, or AWS refused a read before anything was changed.
 */
export async function deployCommand(opts: DeployCommandOptions, deps: CommandDeps = {}): Promise<number> {
  if (opts.allowInactiveTags && !opts.management)
    throw new UsageError('--allow-inactive-tags applies only with --management (the cost allocation tags are checked there)');
  if (opts.management && opts.only?.length)
    throw new UsageError('--only selects parts of the org-wide deployment; --management deploys the management account stacks only');
  // The AWS SDK is an optional peer of the CLI: loaded here, so `tarmac check` never needs it.
  const [
    { engineContext, exitOnAwsError, regionFor },
    { deployAll, deployExitCode },
    { readDesired },
    { deployManagement, managementDeployExitCode },
    { renderDeployReport, renderManagementReport },
    { selectionOf },
  ] = await loadOptional(awsSdk('deploy'), () =>
    Promise.all([
      import('../deploy/command-support'),
      import('../deploy/deploy'),
      import('../deploy/desired'),
      import('../deploy/management'),
      import('../deploy/render-report'),
      import('../deploy/selection'),
    ]),
  );
  const built = await verifyBuild(opts.out, opts.policies, dayOption(opts.at));
  const desired = readDesired(opts.out);
  const ctx = engineContext(opts, desired, deps, true);
  // Tarmac's own stacks carry the platform's mandatory tags, as every resource in them does.
  const stackTags: Tag[] = Object.entries(built.org.organization.deployment?.tags ?? {}).map(([Key, Value]) => ({ Key, Value }));
  return exitOnAwsError(async () => {
    if (opts.management) {
      const report = await deployManagement(ctx, desired, { allowInactiveTags: opts.allowInactiveTags === true, stackTags });
      const code = managementDeployExitCode(report);
      process.stdout.write(opts.format === 'json' ? JSON.stringify({ report, exitCode: code }, null, 2) + '\n' : renderManagementReport(report));
      return code;
    }
    const { plan, report } = await deployAll(ctx, desired, {
      allowDelete: opts.allowDelete === true,
      selection: selectionOf(opts.only),
      stackTags,
      region: regionFor(opts, desired),
    });
    const code = deployExitCode(report);
    process.stdout.write(opts.format === 'json' ? JSON.stringify({ plan, report, exitCode: code }, null, 2) + '\n' : renderDeployReport(report));
    return code;
  });
}
