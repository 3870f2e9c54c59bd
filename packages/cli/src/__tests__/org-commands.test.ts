import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PoliciesFixture } from '../../../core/src/org/__tests__/fixture';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const BIN = path.join(ROOT, 'packages', 'cli', 'bin', 'tarmac.js');

function tarmac(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-org-cli-'));

const fixtures: PoliciesFixture[] = [];
afterAll(() => fixtures.forEach((f) => f.remove()));

/** A copy of policies/ with one file edited by a text replacement. */
function policiesWith(file: string, from: string, to: string): string {
  const f = new PoliciesFixture().replace(file, from, to);
  fixtures.push(f);
  return f.dir;
}

describe('tarmac build', () => {
  test('writes every policy, the manifest and the companions, and prints the quota table', () => {
    const out = tmp();
    const r = tarmac(['build', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^TARGET +TYPE +ATTACHED +LARGEST POLICY \(CHARACTERS\)$/m);
    expect(r.stdout).toMatch(/^root +SCP +2\/10 +[\d,]+\/10,240$/m);
    expect(r.stdout).toMatch(/^ou:Workloads +SCP +3\/10 /m);
    const manifest = JSON.parse(fs.readFileSync(path.join(out, 'org', 'manifest.json'), 'utf8')) as { policies: { file: string; bytes: number }[] };
    for (const p of manifest.policies) expect(fs.statSync(path.join(out, p.file)).size).toBe(p.bytes);
    expect(fs.existsSync(path.join(out, 'config', 'required-tags.json'))).toBe(true);
    expect(fs.existsSync(path.join(out, 'guard', 'LZ.TAG.1.guard'))).toBe(true);
    // hooks/ and stacksets/ beside policies/: the org-wide deployment, one stack set per target.
    expect(r.stdout).toMatch(/^STACK SET +DEPLOYS +PROFILE +FAILURE MODE +TARGETS +INSTANCES$/m);
    expect(r.stdout).toMatch(/^tarmac-guardrails-prod +guardrails +prod +FAIL +Security, Infrastructure, Workloads\/Prod +6 accounts x 2 regions$/m);
    expect(r.stdout).toMatch(/^tarmac-guardrails-sandbox +guardrails +sandbox +WARN +Sandbox +1 account x 2 regions$/m);
    // Baselines first (wave 0), then the hooks; the FinOps stack set reaches one account.
    expect(r.stdout).toMatch(/^tarmac-finops-cost-data +finops +- +- +account finops +1 account x 1 region$/m);
    expect(r.stdout.indexOf('tarmac-network-baseline-sandbox')).toBeLessThan(r.stdout.indexOf('tarmac-guardrails-dev'));
    // The margin under CloudFormation's inline TemplateBody limit: the minified template deploy sends.
    const built = JSON.parse(fs.readFileSync(path.join(out, 'stacksets', 'manifest.json'), 'utf8'));
    const billing = fs.readFileSync(path.join(out, built.managementStacks[0].template), 'utf8');
    const bytes = Buffer.byteLength(JSON.stringify(JSON.parse(billing))).toLocaleString('en-US');
    expect(r.stdout).toMatch(
      new RegExp(
        `^management account stack tarmac-finops-billing \\(us-east-1, template ${bytes} of 51,200 bytes\\): deploy with tarmac deploy --management$`,
        'm',
      ),
    );
    const stackSets = JSON.parse(fs.readFileSync(path.join(out, 'stacksets', 'manifest.json'), 'utf8')) as {
      bundles: { file: string; sha256: string }[];
      stackSets: { instanceTemplate: string }[];
    };
    for (const b of stackSets.bundles)
      expect(
        createHash('sha256')
          .update(fs.readFileSync(path.join(out, b.file)))
          .digest('hex'),
      ).toBe(b.sha256);
    for (const s of stackSets.stackSets) expect(fs.existsSync(path.join(out, s.instanceTemplate))).toBe(true);
    // Proved deployable under its own SCPs and RCPs before anything was written.
    expect(r.stdout).toMatch(
      /^self-check: every stack set instance, every stack and call of tarmac deploy and every read of tarmac report --live in a member account \(83\) may do what it deploys under its account's SCPs and RCPs \([\d,]+ actions, [\d,]+ simulations, [\d.]+ s\); tarmac-finops-billing, tarmac-guardrails-management are in the management account, where SCPs and RCPs do not apply$/m,
    );
  });

  test("a stack set its account's SCPs would refuse fails the build, naming the stack set and the statement: exit 2, nothing written", () => {
    // Before issue 20 the region restriction did not exempt the StackSets execution role: ml-prod allows eu-west-1 only.
    const f = new PoliciesFixture({ deployment: true }).replace(
      'scp/region-restriction.yaml',
      'exemptions: [platform, breakGlass, stackSetsExec, reportReader]',
      'exemptions: [platform, breakGlass, reportReader]',
    );
    fixtures.push(f);
    const out = path.join(tmp(), 'out');
    const r = tarmac(['build', '--policies', f.dir, '--out', out, '--at', '2027-01-10']);
    expect(r.code).toBe(2);
    const stackSetFile = path.join(f.dir, '..', 'stacksets', 'network-baseline.yaml');
    const stackSet = `${stackSetFile}:${fs.readFileSync(stackSetFile, 'utf8').split('\n').indexOf('  - profile: prod') + 1}`;
    const statement = `${f.file('scp/region-restriction.yaml')}:${f.lineOf('scp/region-restriction.yaml', 'Sid: DenyOutsideAllowedRegions')}`;
    expect(r.stderr).toContain(
      `error ${stackSet}: stack set tarmac-network-baseline-prod would fail: the StackSets execution role (stacksets-exec-*) is denied `,
    );
    expect(r.stderr).toMatch(
      new RegExp(`in ml-prod \\(777777777777\\) in eu-central-1 by DenyOutsideAllowedRegions \\(${statement.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\)`),
    );
    expect(fs.existsSync(out)).toBe(false);
    // --skip-self-check builds it, and says what it did not prove.
    const skipped = tarmac(['build', '--policies', f.dir, '--out', out, '--at', '2027-01-10', '--skip-self-check']);
    expect(skipped.code).toBe(0);
    expect(skipped.stderr).toBe('tarmac build: --skip-self-check: nothing proves that the stack sets may deploy what they deploy under the SCPs and RCPs\n');
    expect(skipped.stdout).not.toMatch(/^self-check/m);
  });

  test('a rebuild gives the same bytes and removes policies that no longer exist', () => {
    const out = tmp();
    tarmac(['build', '--out', out]);
    const stale = path.join(out, 'org', 'scp', 'tarmac-scp-removed-1.json');
    fs.writeFileSync(stale, '{}');
    const before = fs.readFileSync(path.join(out, 'org', 'scp', 'tarmac-scp-root-1.json'));
    expect(tarmac(['build', '--out', out]).code).toBe(0);
    expect(fs.readFileSync(path.join(out, 'org', 'scp', 'tarmac-scp-root-1.json'))).toEqual(before);
    expect(fs.existsSync(stale)).toBe(false);
  });

  test('--format json prints the manifest', () => {
    const r = tarmac(['build', '--out', tmp(), '--format', 'json']);
    const manifest = JSON.parse(r.stdout);
    expect(Object.keys(manifest)).toEqual(['organization', 'policies', 'stackSets', 'selfCheck']);
    expect(manifest.selfCheck).toEqual({ sites: 83, requests: expect.any(Number), simulations: expect.any(Number), ms: expect.any(Number) });
    const stackSets: { name: string; kind: string }[] = manifest.stackSets.stackSets;
    expect(stackSets.filter((s) => s.kind === 'guardrails').map((s) => s.name)).toEqual([
      'tarmac-guardrails-dev',
      'tarmac-guardrails-prod',
      'tarmac-guardrails-sandbox',
    ]);
    expect(new Set(stackSets.map((s) => s.kind))).toEqual(new Set(['account', 'finops', 'guardrails', 'network']));
    expect(manifest.stackSets.managementStacks.map((m: { name: string }) => m.name)).toEqual(['tarmac-finops-billing', 'tarmac-guardrails-management']);
    expect(manifest.policies.map((p: { type: string }) => p.type)).toContain('RESOURCE_CONTROL_POLICY');
  });

  test('bad input exits 2 with the file and line, and writes nothing', () => {
    const policies = policiesWith('scp/deny-services.yaml', '      - gamelift:*', '      - gamelift:*\n      - lightsail:CreateInstance');
    const out = path.join(tmp(), 'out');
    const r = tarmac(['build', '--policies', policies, '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      new RegExp(
        `^error ${policies}/scp/deny-services\\.yaml:\\d+:\\d+: unknown action lightsail:CreateInstance; did you mean lightsail:CreateInstances\\?`,
        'm',
      ),
    );
    expect(fs.existsSync(out)).toBe(false);
  });
});

describe('tarmac test with organization policies', () => {
  test('a simulation case that does not hold fails the run with its file and line', () => {
    const policies = policiesWith(
      'scp/deny-leave-organization.yaml',
      'action: organizations:LeaveOrganization\n    expect: Denied',
      'action: organizations:LeaveOrganization\n    expect: Allowed',
    );
    const r = tarmac(['test', '--policies', policies]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /^FAIL LZ\.SCP\.1 .*deny-leave-organization\.yaml:\d+ {2}'a developer in a prod account cannot leave the organization': expected Allowed, got Denied \(SCP "tarmac-scp-root-1" statement Sid "DenyLeaveOrganization"/m,
    );
    expect(r.stdout).toMatch(/^\d+ passed, 1 failed \(\d+ organization policy cases, simulated\)$/m);
  });

  test('--skip-simulation says how many cases did not run', () => {
    const r = tarmac(['test', '--skip-simulation', '--format', 'json']);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout).summary;
    expect(summary.organizationPolicySkipped).toBeGreaterThan(40);
    expect(summary.organizationPolicyCases).toBe(0);
  });
});
