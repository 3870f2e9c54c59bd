import { Command, CommanderError, Option } from 'commander';
import { InputError, InputErrors } from '@tarmac/core';
import { checkCommand } from './commands/check';
// build and test load the organization modules and the IAM catalog: loaded on use, so check starts fast.
import { UsageError } from './usage-error';

const collect = (value: string, previous: string[]) => [...previous, value];

function program(run: (code: Promise<number>) => void): Command {
  const cmd = new Command('tarmac')
    .description('Policy as code for AWS landing zones: one control, one verdict, everywhere.')
    .version(require('../package.json').version)
    .exitOverride()
    .showHelpAfterError('(run tarmac --help for usage)');

  cmd
    .command('check')
    .description('Check CloudFormation templates, directories and CDK cdk.out folders against the controls.')
    .argument('[paths...]', 'templates, directories (recursive) or cdk.out folders')
    .option('-p, --profile <name>', 'profile deciding which controls apply and which block', 'prod')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json', 'sarif', 'junit']).default('text'))
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .option('--control-tower', 'also run the AWS Control Tower proactive rules (CT.* IDs)')
    .option('--rules <path>', 'extra Guard rules: a .guard file or a directory (repeatable)', collect, [])
    .option('--staged', 'check the templates staged in git (their staged content)')
    .addOption(
      new Option('--engine <engine>', 'Guard engine: auto is compiled (in-process, cfn-guard 3.1.1 verdicts); native or wasm run cfn-guard itself')
        .choices(['auto', 'compiled', 'native', 'wasm'])
        .default('auto'),
    )
    .option('--catalog <name>', 'the installed catalog package to use, when several are installed ($TARMAC_CATALOG)')
    .option(
      '--policies <dir>',
      "a policies/ directory instead of an installed catalog package ($TARMAC_POLICIES; default: the catalog package among the project's dependencies, else the nearest policies/ above)",
    )
    .option('--cache <dir>', "remember each template's verdicts in <dir>: an unchanged template is not evaluated again")
    .option(
      '--account <name|id>',
      'the account (from org.yaml) the templates deploy to: exemptions scoped to it apply (a cdk.out stack with an environment knows its own)',
    )
    .option('--stack-name <name>', 'the stack name plain templates deploy as, for exemptions scoped to stacks (a cdk.out knows its stack names)')
    .option('--at <day>', 'judge exemptions as on this day (YYYY-MM-DD, UTC) instead of today')
    .option('--no-color', 'never colour the output')
    .addHelpText(
      'after',
      '\nExemptions (policies/exemptions.yaml) apply to findings in the account they name: an exempted finding is reported, and does not block.\nExit codes: 0 nothing blocking, 1 blocking findings, 2 bad input or usage.',
    )
    .action((paths: string[], opts) => run(checkCommand(paths, { ...opts, color: opts.color === false ? false : undefined })));

  cmd
    .command('test')
    .description(
      "Run every control's cfn-guard test cases (PASS/FAIL/SKIP for every input shape) with the real cfn-guard, and every organization policy's simulation cases against the effective chain of SCPs and RCPs.",
    )
    .option('--catalog <name>', 'the installed catalog package to test, when several are installed')
    .option('--policies <dir>', 'the policies/ directory (default: as for check)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--skip-simulation', 'do not run organization policy cases (they need the optional AGPL package @tarmac/simulate)')
    .addHelpText('after', '\nExit codes: 0 all cases pass, 1 a case fails or a shape lacks coverage, 2 bad input.')
    .action((opts) => run(import('./commands/test').then((m) => m.testCommand(opts))));

  cmd
    .command('explain')
    .description(
      'Show one control (catalog or organization policy): its rationale, frameworks and references, and where it is enforced: modes per profile, the stack sets that deploy its hook, its AWS Config rule and Control Tower controls, or the built policies and their targets.',
    )
    .argument('<control-id>', 'a control ID such as LZ.S3.2 or LZ.SCP.6, or an alias such as LZ.SCP.5')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--catalog <name>', 'the installed catalog package to use, when several are installed ($TARMAC_CATALOG)')
    .option('--policies <dir>', 'the policies/ directory (default: as for check); hooks/ and stacksets/ beside it tell the deploy-time part')
    .option('--at <day>', "the exemptions' status on this day (YYYY-MM-DD, UTC) instead of today")
    .addHelpText('after', '\nExit codes: 0 shown, 2 unknown control or bad input.')
    .action((id: string, opts) => run(import('./commands/explain').then((m) => m.explainCommand(id, opts))));

  const catalog = cmd.command('catalog').description("Package the organization's catalog for workload repositories, and review what a new version changes.");
  catalog
    .command('pack')
    .description(
      'Validate the catalog as tarmac build and tarmac test do, and write it as an npm package (name and version from policies/catalog.yaml) that workload repositories install; prints the tarball path last.',
    )
    .option('--policies <dir>', 'the policies/ directory (default: the nearest policies/ above)')
    .option('-o, --out <dir>', 'where to write the tarball', '.')
    .option('--skip-simulation', 'do not run organization policy cases (they need the optional AGPL package @tarmac/simulate)')
    .addHelpText(
      'after',
      '\nThe package holds policies/, rules/<control>.guard and, in package.json, the SHA-256 of every rule bundle the Guard Hooks run.\nPublish it to your registry with npm publish <tarball>.\nExit codes: 0 packed, 2 the catalog is invalid or its tests fail (nothing written).',
    )
    .action((opts) => run(import('./commands/catalog-pack').then((m) => m.catalogPackCommand(opts))));
  catalog
    .command('diff')
    .description(
      'What moving from one catalog version to another changes: controls added and removed, modes per profile, rule text, metadata and mandatory tags.',
    )
    .argument('<old>', 'a catalog: a package tarball (.tgz), a directory (package or policies/), or an npm spec such as @acme/controls@1.4.0')
    .argument('<new>', 'the other catalog, in any of those forms')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .addHelpText('after', '\nExit codes, as diff(1): 0 no differences, 1 differences, 2 bad input.')
    .action((from: string, to: string, opts) => run(import('./commands/catalog-diff').then((m) => m.catalogDiffCommand(from, to, opts))));

  cmd
    .command('exemptions')
    .description(
      "List the exemptions in policies/exemptions.yaml with their status: active, expiring (within org.yaml's exemptionPolicy.expiringWithinDays) or expired; given templates, also unused (an exemption of a Guard control that covered none of their findings).",
    )
    .argument('[paths...]', 'templates, directories or cdk.out folders to check which exemptions they use')
    .option('-p, --profile <name>', 'with templates: the profile to check them under', 'prod')
    .option('--account <name|id>', 'with templates: the account plain templates deploy to (as for check)')
    .option('--stack-name <name>', 'with templates: the stack name plain templates deploy as (as for check)')
    .addOption(new Option('--engine <engine>', 'with templates: the Guard engine').choices(['auto', 'compiled', 'native', 'wasm']).default('auto'))
    .option('--catalog <name>', 'the installed catalog package, when several are installed')
    .option('--policies <dir>', 'the policies/ directory (default: as for check)')
    .option('--at <day>', 'the status on this day (YYYY-MM-DD, UTC) instead of today: what will have expired by then')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .addHelpText('after', '\nExit codes: 0 none expired, 1 an expired exemption is still in the file (it suppresses nothing), 2 bad input.')
    .action((paths: string[], opts) => run(import('./commands/exemptions').then((m) => m.exemptionsCommand(paths, opts))));

  cmd
    .command('build')
    .description(
      'Validate the organization policies (policies/org.yaml, scp/, rcp/, declarative/), hooks/ and stacksets/, and build them: policies composed per target and packed under the size quotas, and the CloudFormation templates and rule bundles that deploy the controls org-wide.',
    )
    .option('--policies <dir>', 'the policies/ directory')
    .option('-o, --out <dir>', 'output directory', 'tarmac.out')
    .option('--at <day>', 'build the exemptions in force on this day (YYYY-MM-DD, UTC) instead of today')
    .option('--skip-self-check', 'do not prove that the stack sets may deploy under the SCPs and RCPs (the check needs the optional @tarmac/simulate)')
    .addOption(new Option('-f, --format <format>', 'what to print: a quota table, or the manifest').choices(['text', 'json']).default('text'))
    .addHelpText(
      'after',
      '\nWrites DIR/org/<type>/<name>.json (the exact bytes to send), DIR/org/manifest.json, DIR/config/required-tags.json,\nDIR/guard/<tag control>.guard and, from hooks/ and stacksets/, DIR/stacksets/ (templates, rule bundles, manifest.json).\n' +
        "Before writing, proves that every stack set instance (account x region) and every stack and call of tarmac deploy in a\nmember account may do what it deploys under the SCP and RCP chain its account gets from this build: each resource's\nCloudFormation handler permissions, as the role that performs them, with the platform's tags.\n" +
        'Exit codes: 0 built, 2 invalid input, a quota exceeded or a deployment the SCPs or RCPs would deny (nothing written).',
    )
    .action((opts) => run(import('./commands/build').then((m) => m.buildCommand(opts))));

  cmd
    .command('report')
    .description(
      'Report, from the sources, every account in org.yaml (OU, profile) with every control that applies to it and how each enforcement point applies it (pre-commit, synth, hook, scp, rcp, declarative, tag-policy, config, control-tower), the exemptions in force, and which controls cover which framework requirement in which accounts. Reads no AWS unless --live, which adds what AWS says and reports every difference.',
    )
    .option('--policies <dir>', 'the policies/ directory (hooks/ and stacksets/ beside it)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['html', 'json', 'csv', 'markdown']).default('markdown'))
    .option('-o, --output <file>', 'write the report to a file instead of stdout (quiet on success)')
    .option('--at <day>', 'the exemptions in force on this day (YYYY-MM-DD, UTC) instead of today')
    .option(
      '--live',
      "add what AWS says, read from the delegated administrator (standard credential chain) and each account's TarmacReportReader role; every difference from the intended state is a finding",
    )
    .option('--build <dir>', 'with --live: the directory `tarmac build` wrote, whose stack sets and policies are compared with AWS (default tarmac.out)')
    .option('--since <day>', 'with --live: Guard Hook results invoked on or after this day (YYYY-MM-DD, UTC); default 30 days before --at or today')
    .option('--region <region>', "with --live: AWS region of the stack sets (default: the delegated administrator's home region)")
    .option('--endpoint-url <url>', 'with --live: send AWS requests to this endpoint (testing)')
    .addHelpText(
      'after',
      '\nhtml is one self-contained file (no network): the accounts x controls matrix with filters, printable. csv has one row per account, control and point\n(with --live, then one row per difference, its point live:<kind>).\n' +
        "Exit codes: 0 written (with --live: and AWS matches the intended state), 1 written with --live differences (a policy attached outside Tarmac, a missing\nattachment, an instance not current, a hook not present, a non-compliant resource no exemption covers, an expired exemption still deployed,\nsomething that could not be read), 2 bad input, usage, or credentials that are not the delegated administrator's.",
    )
    .action((opts) => run(import('./commands/report').then((m) => m.reportCommand(opts))));

  // plan, deploy and status talk to AWS: credentials and region come from the standard AWS SDK chain.
  const awsOptions = (c: Command) =>
    c
      .option('--policies <dir>', 'the policies/ directory (hooks/ and stacksets/ beside it)')
      .option('-o, --out <dir>', 'the directory `tarmac build` wrote', 'tarmac.out')
      .option('--region <region>', "AWS region of the stack sets (default: the delegated administrator's home region)")
      .option('--endpoint-url <url>', 'send AWS requests to this endpoint (testing)')
      .addOption(new Option('--call-as <who>', 'whom StackSets calls are made as').choices(['DELEGATED_ADMIN', 'SELF']).default('DELEGATED_ADMIN'))
      .option('--at <day>', 'judge exemptions as on this day (YYYY-MM-DD, UTC) instead of today: a deployed bundle carrying one expired by then is reported')
      .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'));

  const management =
    'the management account stacks only (tarmac-finops-billing in us-east-1: budgets, budget actions, anomaly detection, the CUR 2.0 export), with management-account credentials; checks first that the cost allocation tags the build relies on are active';
  awsOptions(cmd.command('plan'))
    .description(
      'Show what `tarmac deploy` would change: rule bundles, the bundle stack, organization policies, stack sets in deploy order (wave 0 baselines, then wave 1 guardrails; their kind, OUs or accounts, how many instances). Reads AWS, writes nothing.',
    )
    .option('--management', `plan ${management}`)
    .addHelpText(
      'after',
      '\nWithout --management, the management account stacks are named and left alone (StackSets cannot reach that account).\n' +
        'Exit codes: 0 plan shown; 1 with --management, a cost allocation tag is not active or could not be checked, or a stack is blocked;\n2 stale or invalid build, bad input, credentials of the wrong account with --management, or an AWS error.',
    )
    .action((opts) => run(import('./commands/plan').then((m) => m.planCommand(opts))));

  awsOptions(cmd.command('deploy'))
    .description(
      'Apply the build: the bundle stack, new rule bundle versions, organization policies, then the stack sets wave by wave (every baseline stack set completes before any guardrails stack set starts), waiting for every operation and reporting each account and region.',
    )
    .option('--allow-delete', 'also delete stack sets, stack instances and organization policies (and detach policies) that the build no longer has')
    .option('--only <name>', "deploy only this part: a stack set name, 'bundles' or 'organization-policies' (repeatable)", collect, [])
    .option('--management', `deploy ${management}`)
    .option(
      '--allow-inactive-tags',
      'with --management: deploy even though a cost allocation tag is not active (warns; budgets filtering on it count nothing until it is)',
    )
    .addHelpText(
      'after',
      '\nRefuses a build that is stale or fails validation. Without --allow-delete, removals are skipped and reported.\n' +
        'A failed wave 0 (baselines) stops the deploy before wave 1. Without --management, the management account stacks are not touched.\n' +
        'With --management, deploy refuses before any change while a cost allocation tag is not active (unless --allow-inactive-tags) or could not be checked.\n' +
        'Exit codes: 0 deployed and every instance current; 1 an operation or instance failed, a wave stopped the deploy, a removal was skipped,\nor --management refused; 2 bad input or credentials of the wrong account.',
    )
    .action((opts) => run(import('./commands/deploy').then((m) => m.deployCommand(opts))));

  awsOptions(cmd.command('status'))
    .description(
      "Show each stack set (its kind: guardrails or the account, network or finops baseline; an account target's accounts) and each instance (account and region) as deployed now: CURRENT, OUTDATED, INOPERABLE and the detailed status.",
    )
    .option('--drift', 'detect drift on every stack set first and report each instance')
    .addHelpText(
      'after',
      '\nExit codes: 0 every instance current (and in sync with --drift) and every account of an account target deployed, 1 otherwise, 2 bad input or an AWS error.',
    )
    .action((opts) => run(import('./commands/status').then((m) => m.statusCommand(opts))));
  return cmd;
}

/** Runs the CLI and returns the exit code. Input errors are printed for people; nothing fails open. */
export async function main(argv: string[]): Promise<number> {
  let pending: Promise<number> | undefined;
  try {
    await program((p) => (pending = p)).parseAsync(argv);
    return pending ? await pending : 0;
  } catch (err) {
    return report(err);
  }
}

function report(err: unknown): number {
  if (err instanceof CommanderError) {
    // Asked for (--help, --version): 0. Shown because no command was given (commander.help): a usage error.
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return 0;
    return 2; // commander already printed the message
  }
  if (err instanceof UsageError) {
    process.stderr.write(`tarmac: ${err.message}\n`);
    return 2;
  }
  if (err instanceof InputErrors || err instanceof InputError) {
    const errors = err instanceof InputErrors ? err.errors : [err];
    for (const e of errors) process.stderr.write(`error ${e.message}\n`);
    return 2;
  }
  process.stderr.write(`tarmac: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
  return 2;
}
