import { loadCatalog } from '../../catalog/load-catalog';
import { OrgBuild, manifestOf } from '../build-org';
import { PoliciesFixture } from './fixture';

const fixtures: PoliciesFixture[] = [];
const fixture = () => {
  const f = new PoliciesFixture();
  fixtures.push(f);
  return f;
};
afterAll(() => fixtures.forEach((f) => f.remove()));

const statementsOf = (build: OrgBuild, type = 'SERVICE_CONTROL_POLICY', namePrefix = '') =>
  build.policies
    .filter((p) => p.type === type && p.name.startsWith(namePrefix))
    .flatMap((p) => (JSON.parse(p.content) as { Statement: Record<string, unknown>[] }).Statement);

describe('the default policy set', () => {
  let build: OrgBuild;
  beforeAll(async () => {
    build = await fixture().build();
  });

  it('builds every policy type under its size quota', () => {
    const types = new Set(build.policies.map((p) => p.type));
    expect([...types].sort()).toEqual([
      'AISERVICES_OPT_OUT_POLICY',
      'DECLARATIVE_POLICY_EC2',
      'RESOURCE_CONTROL_POLICY',
      'SERVICE_CONTROL_POLICY',
      'TAG_POLICY',
    ]);
    for (const p of build.policies) {
      expect(p.content.length).toBeLessThanOrEqual(build.organization.quotas[p.type].maxSize);
      expect(p.bytes).toBe(Buffer.byteLength(p.content));
      expect(() => JSON.parse(p.content)).not.toThrow();
    }
    for (const u of build.usage) expect(u.attached).toBeLessThanOrEqual(u.maxAttached);
  });

  it('writes one Deny per mandatory tag key, never one Null block with all of them', () => {
    const keys = loadCatalog(fixtures[0].dir).tags.map((t) => t.key);
    // LZ.SCP.9's statements (LZ.SCP.12 also reads aws:RequestTag/, to compare values, not to require keys).
    const nullChecks = statementsOf(build).filter((s) => String(s.Sid ?? '').startsWith('DenyCreateWithoutTag'));
    expect(nullChecks.length).toBeGreaterThan(0);
    expect(nullChecks.map((s) => Object.keys((s.Condition as { Null: object }).Null))).toEqual(keys.map((k) => [`aws:RequestTag/${k}`]));
    expect(new Set(nullChecks.map((s) => s.Sid)).size).toBe(keys.length);
  });

  it('writes the exemptions into every Deny of an exempting control', () => {
    const cloudTrail = statementsOf(build).find((s) => s.Sid === 'ProtectCloudTrail')!;
    expect(cloudTrail.Condition).toEqual({
      ArnNotLike: { 'aws:PrincipalArn': ['arn:aws:iam::*:role/TarmacPlatformPipeline', 'arn:aws:iam::*:role/stacksets-exec-*'] },
    });
    const regions = statementsOf(build, 'SERVICE_CONTROL_POLICY', 'tarmac-scp-root-').find((s) => s.Sid === 'DenyOutsideAllowedRegions')!;
    expect((regions.Condition as Record<string, Record<string, unknown>>).ArnNotLike['aws:PrincipalArn']).toEqual([
      'arn:aws:iam::*:role/TarmacPlatformPipeline',
      'arn:aws:iam::*:role/TarmacBreakGlass',
      'arn:aws:iam::*:role/stacksets-exec-*',
      'arn:aws:iam::*:role/tarmac/TarmacReportReader',
    ]);
    expect((regions.Condition as Record<string, Record<string, unknown>>).StringNotEquals['aws:RequestedRegion']).toEqual(['eu-west-1', 'eu-central-1']);
    expect(regions.NotAction as string[]).toEqual(
      expect.arrayContaining(['iam:*', 'sts:*', 'organizations:*', 'cloudfront:*', 'route53:*', 'budgets:*', 'ce:*', 'support:*']),
    );
  });

  it('attaches each policy to the targets its controls name', () => {
    const byName = new Map(build.policies.map((p) => [p.name, p]));
    const org = build.organization;
    const ouId = (path: string) => org.ous.find((o) => o.path === path)!.id;
    expect(byName.get('tarmac-scp-root-1')!.targetIds).toEqual([org.rootId]);
    expect(byName.get('tarmac-scp-ou-suspended-1')!.targetIds).toEqual([ouId('Suspended')]);
    // Workloads and Sandbox get the same statements: one policy attached to both.
    expect(byName.get('tarmac-scp-ou-workloads-1')!.targetIds).toEqual([ouId('Workloads'), ouId('Sandbox')]);
    expect(byName.get('tarmac-scp-ou-workloads-1')!.controls).toEqual(['LZ.SCP.9']);
  });

  it('is deterministic: the same sources give the same bytes and manifest', async () => {
    const again = await fixture().build();
    expect(again.policies.map((p) => [p.name, p.content])).toEqual(build.policies.map((p) => [p.name, p.content]));
    expect(JSON.stringify(manifestOf(again))).toBe(JSON.stringify(manifestOf(build)));
  });

  it('describes the organization and every policy in the manifest', () => {
    const manifest = manifestOf(build);
    expect(manifest.organization.rootId).toBe('r-a1b2');
    expect(manifest.organization.ous).toContainEqual({ id: 'ou-a1b2-44444444', name: 'Prod', path: 'Workloads/Prod', parentId: 'ou-a1b2-33333333' });
    expect(manifest.organization.accounts).toContainEqual({ id: '666666666666', name: 'data-prod', ouId: 'ou-a1b2-44444444', type: 'prod' });
    for (const p of manifest.policies) {
      expect(p.file).toMatch(/^org\/[a-z0-9-]+\/tarmac-[a-z0-9-]+\.json$/);
      expect(p.targets.length).toBeGreaterThan(0);
      expect(p.controls.length).toBeGreaterThan(0);
    }
  });

  it('emits the companion Config REQUIRED_TAGS rules and Guard tag rules from the same tag set', () => {
    const rules = JSON.parse(build.companions.get('config/required-tags.json')!) as { InputParameters: Record<string, string> }[];
    const keys = rules.flatMap((r) =>
      Object.entries(r.InputParameters)
        .filter(([k]) => /^tag\dKey$/.test(k))
        .map(([, v]) => v),
    );
    expect(keys).toEqual(loadCatalog(fixtures[0].dir).tags.map((t) => t.key));
    expect(build.companions.get('guard/LZ.TAG.1.guard')).toContain('rule ');
  });
});

describe('packing and naming', () => {
  it('splits a target over several policies when one would exceed the size quota', async () => {
    const whole = statementsOf(await fixture().build()).map((s) => s.Sid);
    const f = fixture().edit('org.yaml', (d) => d.setIn(['quotas', 'SERVICE_CONTROL_POLICY', 'maxSize'], 3500));
    const build = await f.build();
    const root = build.policies.filter((p) => p.name.startsWith('tarmac-scp-root-'));
    expect(root.length).toBeGreaterThan(1);
    expect(root.map((p) => p.name)).toEqual(root.map((_, i) => `tarmac-scp-root-${i + 1}`));
    for (const p of root) expect(p.content.length).toBeLessThanOrEqual(3500);
    expect(
      statementsOf(build)
        .map((s) => s.Sid)
        .sort(),
    ).toEqual([...whole].sort());
  });

  it('resolves {{regions.allowed}} per target: the account that narrows its regions gets its own list', async () => {
    const build = await fixture().build();
    const mlProd = build.policies.find((p) => p.name === 'tarmac-scp-account-ml-prod-1')!;
    expect(mlProd.targetIds).toEqual(['777777777777']);
    expect(mlProd.content).toContain('"aws:RequestedRegion":"eu-west-1"');
    expect(mlProd.content).not.toContain('eu-central-1');
  });

  it('shares one policy among accounts of a type, and gives an account whose regions differ its own', async () => {
    const f = fixture().edit('scp/region-restriction.yaml', (d) => d.set('targets', ['type:prod']));
    const build = await f.build();
    const type = build.policies.find((p) => p.name === 'tarmac-scp-type-prod-1')!;
    const mlProd = build.policies.find((p) => p.name === 'tarmac-scp-account-ml-prod-1')!;
    expect(type.targetIds).toEqual(['222222222222', '333333333333', '444444444444', '555555555555', '666666666666']);
    expect(mlProd.targetIds).toEqual(['777777777777']);
    expect(mlProd.content).toContain('"aws:RequestedRegion":"eu-west-1"');
    expect(type.content).toContain('"aws:RequestedRegion":["eu-west-1","eu-central-1"]');
  });
});

describe('refusals, each with the file and line', () => {
  it('refuses a misspelt action and an action with whitespace', async () => {
    const f = fixture().edit('scp/deny-leave-organization.yaml', (d) =>
      d.setIn(['statements', 0, 'Action'], ['organizations:LeaveOrganisation', 's3: DeleteObject']),
    );
    const errors = await f.errors();
    const file = f.file('scp/deny-leave-organization.yaml');
    expect(errors.map((e) => e.message)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          new RegExp(`^${file}:\\d+:\\d+: unknown action organizations:LeaveOrganisation; did you mean organizations:LeaveOrganization\\?`),
        ),
        expect.stringMatching(new RegExp(`^${file}:\\d+:\\d+: .*s3: DeleteObject.*whitespace`)),
      ]),
    );
  });

  it('refuses a Principal in an SCP', async () => {
    const f = fixture().edit('scp/deny-root-user.yaml', (d) => d.setIn(['statements', 0, 'Principal'], '*'));
    const [e] = await f.errors();
    expect(e.location.file).toBe(f.file('scp/deny-root-user.yaml'));
    expect(e.location.line).toBe(f.lineOf('scp/deny-root-user.yaml', '    Principal:'));
    expect(e.problem).toMatch(/Principal/);
  });

  it('refuses an RCP statement that allows', async () => {
    const f = fixture().edit('rcp/data-perimeter.yaml', (d) => d.setIn(['statements', 0, 'Effect'], 'Allow'));
    const errors = await f.errors();
    expect(
      errors.some(
        (e) =>
          e.location.file === f.file('rcp/data-perimeter.yaml') &&
          e.location.line === f.lineOf('rcp/data-perimeter.yaml', 'Effect: Allow') &&
          /Deny/.test(e.message),
      ),
    ).toBe(true);
  });

  it('refuses an unknown condition operator', async () => {
    const f = fixture().edit('scp/deny-root-user.yaml', (d) =>
      d.setIn(['statements', 0, 'Condition'], { ArnLikes: { 'aws:PrincipalArn': 'arn:aws:iam::*:root' } }),
    );
    const [e] = await f.errors();
    expect(e.location.line).toBe(f.lineOf('scp/deny-root-user.yaml', 'ArnLikes'));
    expect(e.message).toMatch(/ArnLikes.*did you mean ArnLike/);
  });

  it('refuses unknown keys instead of dropping them', async () => {
    const f = fixture().edit('scp/deny-services.yaml', (d) => d.set('target', ['root']));
    const [e] = await f.errors();
    expect(e.location.line).toBe(f.lineOf('scp/deny-services.yaml', 'target:'));
    expect(e.message).toMatch(/unknown key 'target'/);
  });

  it('refuses an unknown placeholder, target, exemption and related control', async () => {
    const f = fixture().edit('scp/region-restriction.yaml', (d) => {
      d.setIn(['statements', 0, 'Condition', 'StringNotEquals', 'aws:RequestedRegion'], '{{regions.permitted}}');
      d.set('targets', ['ou:Workload']);
      d.set('exemptions', ['pipeline']);
      d.set('related', ['LZ.EC2.99']);
    });
    const messages = (await f.errors()).map((e) => e.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/unknown placeholder \{\{regions\.permitted\}\}/),
        expect.stringMatching(/no OU at path Workload; did you mean Workloads/),
        expect.stringMatching(/no role pipeline in org.yaml roles/),
        expect.stringMatching(/unknown control LZ.EC2.99/),
      ]),
    );
  });

  it('refuses a placeholder where what it expands to would go unchecked', async () => {
    const f = fixture().edit('scp/deny-services.yaml', (d) => {
      d.setIn(['statements', 0, 'Action'], ['{{regions.home}}', 'ec2:{{org.id}}']);
      d.setIn(['statements', 0, 'Resource'], ['{{regions.allowed}}', 'arn:aws:s3:::{{regions.allowed}}-logs']);
      d.setIn(['statements', 0, 'Sid'], '{{regions.allowed}}');
    });
    const messages = (await f.errors()).map((e) => e.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/deny-services\.yaml:\d+:\d+: \{\{regions\.home\}\} cannot be used in Action/),
        expect.stringMatching(/\{\{org\.id\}\} cannot be used in Action/),
        expect.stringMatching(/\{\{regions\.allowed\}\} is not an ARN and cannot be a whole Resource value/),
        expect.stringMatching(/\{\{regions\.allowed\}\} is a list and cannot be part of a longer string/),
        expect.stringMatching(/\{\{regions\.allowed\}\} is a list and cannot be part of a longer string, a key or a Sid/),
      ]),
    );
    expect(messages.filter((m) => /placeholder|cannot be|is a list/.test(m))).toHaveLength(5);
  });

  it('refuses a target that would exceed the attachment quota, naming it at its line in org.yaml', async () => {
    const f = fixture().edit('org.yaml', (d) => d.setIn(['quotas', 'SERVICE_CONTROL_POLICY'], { maxAttached: 2, maxSize: 4000 }));
    const errors = await f.errors();
    const root = errors.find((e) => /^root would have/.test(e.problem))!;
    expect(root.location).toEqual({ file: f.file('org.yaml'), line: f.lineOf('org.yaml', 'rootId:') });
    expect(root.problem).toMatch(/FullAWSAccess, tarmac-scp-root-1, tarmac-scp-root-2/);
    expect(root.expected).toMatch(/at most 2/);
  });

  it('refuses a statement too large for any policy', async () => {
    const f = fixture().edit('org.yaml', (d) => d.setIn(['quotas', 'SERVICE_CONTROL_POLICY', 'maxSize'], 1000));
    const errors = await f.errors();
    expect(errors.find((e) => e.location.file === f.file('scp/region-restriction.yaml'))?.message).toMatch(
      /statement DenyOutsideAllowedRegions alone is \d+ characters/,
    );
  });

  it('refuses a declarative policy over its size quota', async () => {
    const f = fixture().edit('org.yaml', (d) => d.setIn(['quotas', 'TAG_POLICY', 'maxSize'], 500));
    const [e] = await f.errors();
    expect(e.location.file).toBe(f.file('declarative/tag-policy.yaml'));
    expect(e.message).toMatch(/TAG_POLICY built from this file is \d+ characters \(expected at most 500/);
  });

  it('refuses an exempted role that nothing protects', async () => {
    // Only the platform role stays protected at the root. In the Suspended OU the deny-all statement
    // itself keeps everyone else off the break-glass role, so there only the other exempting files are refused;
    // a role family (stacksets-exec-*) is one role for this, as any member of it inherits the exemption.
    const f = fixture().edit('scp/protect-platform-roles.yaml', (d) => d.setIn(['statements', 0, 'Resource'], '{{roles.platform}}'));
    const errors = await f.errors();
    expect(errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/protect-security-services\.yaml:\d+: arn:aws:iam::\*:role\/stacksets-exec-\* is exempted here but not protected/),
      expect.stringMatching(/region-restriction\.yaml:\d+: arn:aws:iam::\*:role\/TarmacBreakGlass is exempted here but not protected/),
      expect.stringMatching(/region-restriction\.yaml:\d+: arn:aws:iam::\*:role\/stacksets-exec-\* is exempted here but not protected/),
      // LZ.SCP.12: the execution role, untagged, creates the platform's roles with their tags.
      expect.stringMatching(/protect-principal-cost-tags\.yaml:\d+: arn:aws:iam::\*:role\/stacksets-exec-\* is exempted here but not protected/),
      // LZ.SCP.13: the execution role creates the report's reader role.
      expect.stringMatching(/protect-report-reader\.yaml:\d+: arn:aws:iam::\*:role\/stacksets-exec-\* is exempted here but not protected/),
    ]);
  });

  it('refuses a region narrowing in org.yaml that no SCP enforces', async () => {
    const f = fixture()
      .edit('scp/region-restriction.yaml', (d) => d.set('targets', ['root']))
      .edit('org.yaml', (d) => d.setIn(['ous', 3, 'regions'], { allowed: ['eu-central-1'] }));
    const messages = (await f.errors()).map((e) => e.message);
    expect(messages).toEqual([
      expect.stringMatching(
        new RegExp(
          `org\\.yaml:${f.lineOf('org.yaml', 'name: Sandbox')}: OU Sandbox narrows its regions to eu-central-1, but no SCP on its path enforces that list`,
        ),
      ),
      expect.stringMatching(new RegExp(`org\\.yaml:${f.lineOf('org.yaml', 'name: ml-prod')}: account ml-prod narrows its regions to eu-west-1`)),
      expect.stringMatching(new RegExp(`org\\.yaml:${f.lineOf('org.yaml', 'name: sandbox-alice')}: account sandbox-alice narrows its regions to eu-central-1`)),
    ]);
  });

  it('refuses a Sid used twice and a control ID the catalog already uses', async () => {
    const f = fixture()
      .edit('scp/deny-services.yaml', (d) => d.setIn(['statements', 0, 'Sid'], 'DenyLeaveOrganization'))
      .edit('scp/deny-root-user.yaml', (d) => d.set('id', 'LZ.EC2.2'));
    const messages = (await f.errors()).map((e) => e.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/Sid DenyLeaveOrganization is already used/),
        expect.stringMatching(/control ID LZ.EC2.2 is already used/),
      ]),
    );
  });

  it('refuses a test case whose account does not exist', async () => {
    const f = fixture().edit('scp/deny-services.yaml', (d) => d.setIn(['tests', 0, 'account'], 'data-prd'));
    const [e] = await f.errors();
    expect(e.location.line).toBe(f.lineOf('scp/deny-services.yaml', 'data-prd'));
    expect(e.problem).toMatch(/no account data-prd/);
  });
});
