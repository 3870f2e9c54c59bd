import { verifyBuild } from '../../build-output';
import { deployCommand } from '../../commands/deploy';
import { planCommand } from '../../commands/plan';
import { statusCommand } from '../../commands/status';
import { plainProgress } from '../progress';
import { AwsOperation, FakeAws } from './fake-aws';
import { ACCOUNT_BASELINE, BUNDLE_STACK, COST_TAGS, DEV, FINOPS, Fixture, PROD, makeFixture } from './fixture';

/**
 * `tarmac plan | deploy | status` as a person runs them, on a fake AWS: what they print, the exit code, the
 * progress lines, and how often they backed off. The test file mocks `../build-output` (verifyBuild).
 */
export interface CommandRun {
  readonly code: number;
  readonly stdout: string;
  /** Everything on stderr: progress lines and the one-line AWS error. */
  readonly stderr: string;
  readonly sleeps: number;
}

export type CommandName = 'plan' | 'deploy' | 'status';

export interface CommandOptions {
  readonly management?: boolean;
  readonly allowDelete?: boolean;
  readonly allowInactiveTags?: boolean;
  readonly drift?: boolean;
  readonly only?: string[];
}

export async function runCommand(fake: FakeAws, fixture: Fixture, command: CommandName, options: CommandOptions = {}): Promise<CommandRun> {
  let stdout = '';
  let stderr = '';
  let sleeps = 0;
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((s) => ((stdout += String(s)), true));
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((s) => ((stderr += String(s)), true));
  const deps = {
    clients: fake.clients(),
    retry: {
      sleep: async () => {
        sleeps++;
      },
    },
    progress: plainProgress((s) => (stderr += s)),
  };
  const opts = { out: fixture.dir, policies: '/somewhere/policies', format: 'text' as const, at: '2027-01-10', ...options };
  try {
    const code = await (command === 'plan' ? planCommand(opts, deps) : command === 'deploy' ? deployCommand(opts, deps) : statusCommand(opts, deps));
    return { code, stdout, stderr, sleeps };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

/** The operations a run sent, each once, in the order first sent. */
export function operationsSent(fake: FakeAws): AwsOperation[] {
  return [...new Set(fake.sent().map((c) => c.op))];
}

/** Random operation IDs and client request tokens, so two runs can be compared as text. */
export const withoutIds = (text: string) => text.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<id>');

/** Progress lines can interleave differently between stack sets deployed at once: compared as a sorted list. */
export const progressLines = (stderr: string) => withoutIds(stderr).split('\n').filter(Boolean).sort();

/**
 * For a test file that mocks `../build-output`: `world()` is a fresh drifted organization (below), and `keep`
 * takes one the test made itself; both are removed after the test. The build is taken as verified.
 */
export function driftedWorlds(): {
  world: () => Promise<{ fake: FakeAws; fixture: Fixture }>;
  keep: (w: { fake: FakeAws; fixture: Pick<Fixture, 'remove'> }) => void;
} {
  const verify = verifyBuild as jest.MockedFunction<typeof verifyBuild>;
  const worlds: { fake: FakeAws; fixture: Pick<Fixture, 'remove'> }[] = [];
  beforeEach(() => {
    verify.mockReset();
    verify.mockResolvedValue({ org: { organization: { deployment: { tags: { CostCenter: 'platform' } } } } } as never);
  });
  afterEach(() => {
    for (const w of worlds.splice(0)) {
      w.fake.restore();
      w.fixture.remove();
    }
  });
  return {
    world: async () => {
      const w = await driftedOrganization();
      worlds.push(w);
      return w;
    },
    keep: (w) => void worlds.push(w),
  };
}

/**
 * A fake organization in the state a previous deploy left it, with the baselines build: then AWS drifted
 * from the build in every way plan and deploy look at, so each listing call has several items to page
 * through: an orphan stack set (and another team's), a dropped OU's instances, a missing instance, changed
 * parameters and auto-deployment, a changed SCP, an extra tag policy, an extra policy target, an outdated
 * bundle stack template, and a second operation on each stack set.
 */
export async function driftedOrganization(): Promise<{ fake: FakeAws; fixture: Fixture }> {
  const fake = new FakeAws();
  const fixture = makeFixture({ baselines: true });
  for (const key of COST_TAGS) fake.costAllocationTags.set(key, 'Active');
  const first = await runCommand(fake, fixture, 'deploy');
  if (first.code !== 0) throw new Error(`the first deploy failed:\n${first.stdout}${first.stderr}`);
  // A second deploy of a changed build: every stack set gets a second operation, so its history has two.
  for (const name of [PROD, DEV, ACCOUNT_BASELINE, FINOPS]) {
    const s = fake.stackSets.get(name)!;
    s.set.Parameters = (s.set.Parameters ?? []).map((p) => (p.ParameterKey === 'Profile' ? { ...p, ParameterValue: 'old' } : p));
  }
  const second = await runCommand(fake, fixture, 'deploy');
  if (second.code !== 0) throw new Error(`the second deploy failed:\n${second.stdout}${second.stderr}`);

  fake.stacks.get(BUNDLE_STACK)!.template = '{"Resources":{}}';
  const prod = fake.stackSets.get(PROD)!;
  prod.set.Parameters = prod.set.Parameters!.map((x) => (x.ParameterKey === 'RulesVersion' ? { ...x, ParameterValue: 'v-old' } : x));
  prod.set.AutoDeployment = { Enabled: false };
  prod.instances = prod.instances.filter((i) => !(i.OrganizationalUnitId === 'ou-prod-2222' && i.Region === 'eu-central-1'));
  const dev = fake.stackSets.get(DEV)!;
  dev.set.OrganizationalUnitIds = [...dev.set.OrganizationalUnitIds!, 'ou-old-9999'];
  dev.instances.push({ ...dev.instances[0], Account: '900000000001', OrganizationalUnitId: 'ou-old-9999' });
  fake.addStackSet('someone-elses', { ous: ['ou-old-9999'], regions: ['eu-west-1'] });
  fake.addStackSet('tarmac-guardrails-old', { ous: ['ou-old-9999', 'ou-dev-3333'], regions: ['eu-west-1', 'eu-central-1'] });
  fake.addStackSet('tarmac-guardrails-older', { ous: ['ou-old-9999'], regions: ['eu-west-1'] });
  const scp = [...fake.policies.values()].find((x) => x.name === 'tarmac-scp-root-1')!;
  scp.content = '{"Version":"2012-10-17","Statement":[]}';
  fake.addPolicy('TAG_POLICY', 'tarmac-tag-removed-1', '{}', ['ou-old-9999', 'ou-dev-3333']);
  [...fake.policies.values()].find((x) => x.name === 'tarmac-tag-lz-tag-1')!.targets.add('ou-old-9999');
  fake.cfn.resetHistory();
  fake.s3.resetHistory();
  fake.org.resetHistory();
  fake.ce.resetHistory();
  fake.sts.resetHistory();
  return { fake, fixture };
}

/** What AWS holds after a run, for comparing two: stack sets with their instances, policies with their targets, stacks, objects. */
export function awsState(fake: FakeAws): unknown {
  return {
    stackSets: [...fake.stackSets.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, s]) => ({
        name,
        set: s.set,
        instances: [...s.instances].sort((a, b) => `${a.Account} ${a.Region}`.localeCompare(`${b.Account} ${b.Region}`)),
      })),
    policies: [...fake.policies.values()]
      .map((p) => ({ name: p.name, type: p.type, content: p.content, targets: [...p.targets].sort() }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    stacks: [...fake.stacks.entries()].sort(([a], [b]) => a.localeCompare(b)),
    objects: [...fake.objects.keys()].sort(),
  };
}
