import { CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { InputError, InputErrors } from '@tarmac/core';
import { verifyBuild } from '../build-output';
import { deployCommand } from '../commands/deploy';
import { planCommand } from '../commands/plan';
import { statusCommand } from '../commands/status';
import { main } from '../main';
import { FakeAws, cfnError } from './__tests__/fake-aws';
import { Fixture, makeFixture } from './__tests__/fixture';
import { plainProgress } from './progress';

jest.mock('../build-output', () => ({ verifyBuild: jest.fn() }));
const verify = verifyBuild as jest.MockedFunction<typeof verifyBuild>;

let fake: FakeAws;
let fixture: Fixture;
let stdout: string;
let stderr: string;
beforeEach(() => {
  fake = new FakeAws();
  fixture = makeFixture();
  stdout = '';
  stderr = '';
  jest.spyOn(process.stdout, 'write').mockImplementation((s) => ((stdout += String(s)), true));
  jest.spyOn(process.stderr, 'write').mockImplementation((s) => ((stderr += String(s)), true));
  verify.mockReset();
  verify.mockResolvedValue({ org: { organization: { deployment: { tags: { CostCenter: 'platform', Owner: 'ccoe' } } } } } as never);
});
afterEach(() => {
  jest.restoreAllMocks();
  fake.restore();
  fixture.remove();
});

const deps = () => ({ clients: fake.clients(), retry: { sleep: async () => {} }, progress: plainProgress((s) => (stderr += s)) });
const opts = () => ({ out: fixture.dir, policies: '/somewhere/policies', format: 'text' as const, at: '2027-01-10' });

describe('tarmac plan', () => {
  test('verifies the build, then prints the plan: exit 0', async () => {
    expect(await planCommand(opts(), deps())).toBe(0);
    expect(verify).toHaveBeenCalledWith(fixture.dir, '/somewhere/policies', new Date('2027-01-10T00:00:00Z'));
    expect(stdout).toMatch(/^Plan for organization o-abc123/);
    expect(stdout).toMatch(/^7 to create/m);
  });

  test('--format json prints the structured plan', async () => {
    expect(await planCommand({ ...opts(), format: 'json' }, deps())).toBe(0);
    const plan = JSON.parse(stdout);
    expect(plan).toMatchObject({ callAs: 'DELEGATED_ADMIN', region: 'eu-west-1', removals: 0 });
    expect(plan.stackSets.map((s: { name: string; action: string }) => [s.name, s.action])).toEqual([
      ['tarmac-guardrails-prod', 'create'],
      ['tarmac-guardrails-dev', 'create'],
    ]);
  });

  test('a stale build is refused before AWS is asked anything', async () => {
    // verifyBuild is mocked here; build-output.test.ts runs the real one on each way a build goes stale.
    verify.mockRejectedValue(new InputErrors([new InputError({ file: `${fixture.dir}/org/manifest.json` }, 'differs from what the sources build')]));
    await expect(planCommand(opts(), deps())).rejects.toThrow(InputErrors);
    expect(fake.cfn.calls().length + fake.s3.calls().length + fake.org.calls().length).toBe(0);
  });

  test('an AWS error is one line naming the call: exit 2', async () => {
    fake.failNext(
      'DescribeStacks',
      cfnError('AccessDenied', 'User: arn:aws:iam::111111111111:user/x is not authorized to perform: cloudformation:DescribeStacks'),
    );
    expect(await planCommand(opts(), deps())).toBe(2);
    expect(stderr).toBe(
      'tarmac: cloudformation:DescribeStacks tarmac-rule-bundles failed: AccessDenied: User: arn:aws:iam::111111111111:user/x is not authorized to perform: cloudformation:DescribeStacks\n',
    );
    expect(stdout).toBe('');
  });
});

describe('tarmac deploy', () => {
  test('deploys with the deployment tags on the stacks and prints only the summary: exit 0', async () => {
    expect(await deployCommand(opts(), deps())).toBe(0);
    expect(fake.cfn.commandCalls(CreateStackCommand)[0].args[0].input.Tags).toEqual([
      { Key: 'CostCenter', Value: 'platform' },
      { Key: 'Owner', Value: 'ccoe' },
    ]);
    expect(stdout).toMatch(/^PART +NAME +ACTION +RESULT +DETAIL$/m);
    expect(stdout).not.toMatch(/warning/);
  });

  test('removals without --allow-delete: a loud warning, skipped, exit 1', async () => {
    fake.addStackSet('tarmac-guardrails-old', { ous: ['ou-old-9999'], regions: ['eu-west-1'] });
    expect(await deployCommand(opts(), deps())).toBe(1);
    expect(stderr).toContain(
      'warning: the build removes 1 thing(s) that exist in AWS (run tarmac plan to see them); without --allow-delete they are skipped and deploy exits 1',
    );
    expect(stdout).toContain('Skipped without --allow-delete (1):\n  - tarmac-guardrails-old: delete the stack set and its instances');
    expect(fake.stackSets.has('tarmac-guardrails-old')).toBe(true);
  });

  test('--format json prints the plan, the report and the exit code', async () => {
    expect(await deployCommand({ ...opts(), format: 'json', only: ['organization-policies'] }, deps())).toBe(0);
    const out = JSON.parse(stdout);
    expect(out.exitCode).toBe(0);
    expect(out.report.policies.map((p: { name: string }) => p.name)).toEqual(['tarmac-scp-root-1', 'tarmac-tag-lz-tag-1']);
  });

  test('a build that fails verification is refused: nothing is deployed', async () => {
    verify.mockRejectedValue(new InputErrors([new InputError({ file: 'policies/scp/x.yaml', line: 3 }, 'unknown key')]));
    await expect(deployCommand({ ...opts(), allowDelete: true }, deps())).rejects.toThrow('policies/scp/x.yaml:3: unknown key');
    expect(fake.cfn.calls()).toHaveLength(0);
  });
});

describe('tarmac status', () => {
  test('reads the build without rebuilding it, and reports: exit 1 when nothing is deployed', async () => {
    expect(await statusCommand(opts(), deps())).toBe(1);
    expect(verify).not.toHaveBeenCalled();
    expect(stdout).toMatch(/^tarmac-guardrails-prod +guardrails +NOT DEPLOYED$/m);
  });

  test('after a deploy: exit 0, and --format json', async () => {
    await deployCommand(opts(), deps());
    stdout = '';
    expect(await statusCommand({ ...opts(), format: 'json', drift: true }, deps())).toBe(0);
    const out = JSON.parse(stdout);
    expect(out.stackSets[0].instances[0]).toMatchObject({ status: 'CURRENT', detailedStatus: 'SUCCEEDED', drift: 'IN_SYNC' });
  });
});

describe('the command line', () => {
  test('plan and deploy take --management, deploy --allow-inactive-tags, and say so in --help', async () => {
    // commander wraps help to the terminal width: compare with the line breaks taken out.
    const help = async (command: string) => {
      stdout = '';
      expect(await main(['node', 'tarmac', command, '--help'])).toBe(0);
      return stdout.replace(/\s+/g, ' ');
    };
    expect(await help('plan')).toContain(
      '--management plan the management account stacks only (tarmac-finops-billing in us-east-1: budgets, budget actions, anomaly detection, the CUR 2.0 export)',
    );
    const deploy = await help('deploy');
    expect(deploy).toContain('--management deploy the management account stacks only');
    expect(deploy).toContain('--allow-inactive-tags with --management: deploy even though a cost allocation tag is not active');
    expect(deploy).toContain('A failed wave 0 (baselines) stops the deploy before wave 1.');
    expect(await help('status')).toContain("an account target's accounts");
  });

  test('--allow-inactive-tags reaches the command: without --management it is a usage error, exit 2', async () => {
    expect(await main(['node', 'tarmac', 'deploy', '--out', fixture.dir, '--allow-inactive-tags'])).toBe(2);
    expect(stderr).toBe('tarmac: --allow-inactive-tags applies only with --management (the cost allocation tags are checked there)\n');
    expect(verify).not.toHaveBeenCalled();
  });
});
