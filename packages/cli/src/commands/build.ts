import { MAX_TEMPLATE_BODY_BYTES, POLICY_TYPE_DIR, OrgBuild, StackSetsManifest, manifestOf } from '@tarmac/core/org';
import { InputErrors } from '@tarmac/core';
import { buildOutput, writeBuildOutput } from '../build-output';
import { SelfCheckResult, deploymentSelfCheck } from '../deployment-self-check';
import { loadSimulator } from '../org-policy-tests';
import { dayOption } from '../day-option';
import { alignRows } from '../deploy/table';

export interface BuildCommandOptions {
  policies?: string;
  out: string;
  format: 'text' | 'json';
  at?: string;
  /** Build without proving the stack sets may deploy under the SCPs (without the optional simulator). */
  skipSelfCheck?: boolean;
}

/**
 * Validates and builds the organization policies (DIR/org/), the tag set's companion Config and Guard rules,
 * and the org-wide deployment (DIR/stacksets/: rule bundles, the bundle bucket stack, the stack sets and their
 * instance templates, the management-account policies stack). Prints what each target uses of the policy
 * quotas and what each stack set deploys where. Nothing is written when anything is invalid.
 */
export async function buildCommand(opts: BuildCommandOptions): Promise<number> {
  const output = await buildOutput(opts.policies, undefined, dayOption(opts.at));
  const started = performance.now();
  const check = opts.skipSelfCheck ? undefined : await deploymentSelfCheck(output, loadSimulator());
  if (check && (check.denials.length || check.unchecked.length)) throw new InputErrors([...check.denials, ...check.unchecked]);
  const selfCheck = check && { ...check, ms: Math.round(performance.now() - started) };
  if (opts.skipSelfCheck && output.stackSets) {
    process.stderr.write('tarmac build: --skip-self-check: nothing proves that the stack sets may deploy what they deploy under the SCPs and RCPs\n');
  }
  writeBuildOutput(opts.out, output);
  process.stdout.write(
    opts.format === 'json'
      ? JSON.stringify(
          {
            ...manifestOf(output.org),
            stackSets: output.stackSets,
            ...(selfCheck ? { selfCheck: { sites: selfCheck.sites, requests: selfCheck.requests, simulations: selfCheck.simulations, ms: selfCheck.ms } } : {}),
          },
          null,
          2,
        ) + '\n'
      : usageTable(output.org) + stackSetsTable(output.stackSets) + (selfCheck ? selfCheckLine(selfCheck) : ''),
  );
  return 0;
}

function selfCheckLine(check: SelfCheckResult & { ms: number }): string {
  const management = check.managementStacks.length
    ? `; ${check.managementStacks.join(', ')} ${check.managementStacks.length === 1 ? 'is' : 'are'} in the management account, where SCPs and RCPs do not apply`
    : '';
  return `self-check: every stack set instance, every stack and call of tarmac deploy and every read of tarmac report --live in a member account (${check.sites}) may do what it deploys under its account's SCPs and RCPs (${check.requests.toLocaleString('en-US')} actions, ${check.simulations.toLocaleString('en-US')} simulations, ${(check.ms / 1000).toFixed(1)} s)${management}\n`;
}

function usageTable(build: OrgBuild): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const rows = [
    ['TARGET', 'TYPE', 'ATTACHED', 'LARGEST POLICY (CHARACTERS)'],
    ...build.usage.map((u) => [u.target, POLICY_TYPE_DIR[u.type].toUpperCase(), `${u.attached}/${u.maxAttached}`, `${n(u.largest)}/${n(u.maxSize)}`]),
  ];
  return table(rows) + `${build.policies.length} policies built\n`;
}

function stackSetsTable(manifest: StackSetsManifest | undefined): string {
  if (!manifest) return '';
  // Wave 0 (baselines) deploys before wave 1 (hooks): listed in that order.
  const stackSets = [...manifest.stackSets].sort((a, b) => a.wave - b.wave);
  const rows = [
    ['STACK SET', 'DEPLOYS', 'PROFILE', 'FAILURE MODE', 'TARGETS', 'INSTANCES'],
    ...stackSets.map((s) => {
      const accounts = s.accounts?.length ?? s.ous.reduce((n, o) => n + o.accounts, 0);
      const targets = s.accounts?.length ? s.accounts.map((a) => `account ${a.name}`).join(', ') : s.ous.map((o) => o.path).join(', ');
      return [
        s.name,
        s.kind,
        s.profile ?? '-',
        s.kind === 'guardrails' ? s.failureMode : '-',
        targets,
        `${plural(accounts, 'account')} x ${plural(s.regions.length, 'region')}`,
      ];
    }),
  ];
  const management = manifest.managementStacks
    .map(
      (m) =>
        `management account stack ${m.name} (${m.region}, template ${m.templateBytes.toLocaleString('en-US')} of ${MAX_TEMPLATE_BODY_BYTES.toLocaleString('en-US')} bytes): deploy with tarmac deploy --management\n`,
    )
    .join('');
  return (
    '\n' +
    table(rows) +
    `${manifest.stackSets.length} stack sets and ${manifest.bundles.length} rule bundles built for delegated administrator ${manifest.delegatedAdmin.accountName} (${manifest.delegatedAdmin.accountId}, ${manifest.delegatedAdmin.region})\n` +
    management
  );
}

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

const table = (rows: string[][]) => alignRows(rows).join('\n') + '\n';
