import * as fs from 'fs';
import * as path from 'path';
import { loadCatalog } from '../catalog/load-catalog';
import { InputErrors } from '../errors';
import { PoliciesFixture } from '../org/__tests__/fixture';
import { buildOrgPolicies } from '../org/build-org';
import { loadOrgPolicies } from '../org/load-org-policies';
import { IamStatement } from '../org/model';
import { loadExemptions } from './load-exemptions';
import { dayOf } from './model';
import { orgPolicyCarveOuts, withCarveOut } from './org-policy-carve-outs';

/** Injected days around EX-0002's expiry (2027-01-15): never the real date. */
const IN_FORCE = dayOf('2027-01-10')!;
const EXPIRED = dayOf('2027-01-16')!;
const DATA_DEV = '888888888888';

const deny: IamStatement = { Sid: 'D', Effect: 'Deny', Action: 'rds:CreateDBCluster', Resource: '*', Condition: { Bool: { 'rds:StorageEncrypted': 'false' } } };

describe('withCarveOut', () => {
  it('adds StringNotEquals on aws:PrincipalAccount to an SCP Deny, keeping its other conditions', () => {
    expect(withCarveOut(deny, 'SERVICE_CONTROL_POLICY', ['1', '2']).Condition).toEqual({
      Bool: { 'rds:StorageEncrypted': 'false' },
      StringNotEquals: { 'aws:PrincipalAccount': ['1', '2'] },
    });
  });

  it('uses aws:ResourceAccount for an RCP', () => {
    expect(withCarveOut({ ...deny, Condition: undefined }, 'RESOURCE_CONTROL_POLICY', ['1']).Condition).toEqual({
      StringNotEquals: { 'aws:ResourceAccount': ['1'] },
    });
  });

  it('unites the values of the same operator and key (NOR of both lists), whatever the key spelling', () => {
    const s: IamStatement = { ...deny, Condition: { StringNotEquals: { 'aws:principalaccount': '9', 'aws:RequestedRegion': 'x' } } };
    expect(withCarveOut(s, 'SERVICE_CONTROL_POLICY', ['1']).Condition).toEqual({
      StringNotEquals: { 'aws:principalaccount': ['9', '1'], 'aws:RequestedRegion': 'x' },
    });
  });

  it('leaves another operator on the same key in its own block (ANDed)', () => {
    const s: IamStatement = { ...deny, Condition: { StringNotEqualsIfExists: { 'aws:PrincipalAccount': '9' } } };
    expect(withCarveOut(s, 'SERVICE_CONTROL_POLICY', ['1']).Condition).toEqual({
      StringNotEqualsIfExists: { 'aws:PrincipalAccount': '9' },
      StringNotEquals: { 'aws:PrincipalAccount': ['1'] },
    });
  });

  it('leaves Allow statements, other policy types and empty carve-outs alone', () => {
    const allow: IamStatement = { ...deny, Effect: 'Allow' };
    expect(withCarveOut(allow, 'SERVICE_CONTROL_POLICY', ['1'])).toBe(allow);
    expect(withCarveOut(deny, 'TAG_POLICY', ['1'])).toBe(deny);
    expect(withCarveOut(deny, 'SERVICE_CONTROL_POLICY', [])).toBe(deny);
  });
});

describe('carve-outs in the built organization policies', () => {
  let f: PoliciesFixture;
  afterEach(() => f?.remove());

  async function built(dir: string, today: Date) {
    const catalog = loadCatalog(dir);
    const set = (await loadOrgPolicies(catalog))!;
    const exemptions = loadExemptions(catalog, set.organization, set.controls, today);
    return { set, exemptions, build: buildOrgPolicies(set, catalog, { exemptions, today }) };
  }

  /** Every statement with this Sid in the built SCPs/RCPs. */
  function statements(build: Awaited<ReturnType<typeof built>>['build'], sid: string): Record<string, unknown>[] {
    return build.policies
      .filter((p) => p.type === 'SERVICE_CONTROL_POLICY' || p.type === 'RESOURCE_CONTROL_POLICY')
      .flatMap((p) => (JSON.parse(p.content) as { Statement: Record<string, unknown>[] }).Statement)
      .filter((s) => s.Sid === sid);
  }

  it('carves data-dev out of LZ.SCP.6 while EX-0002 is in force, and not once it expired', async () => {
    f = new PoliciesFixture();
    const during = await built(f.dir, IN_FORCE);
    expect(orgPolicyCarveOuts(during.exemptions, during.set.organization, IN_FORCE, during.set.controls)).toEqual(
      new Map([
        [
          'LZ.SCP.6',
          { accountIds: [DATA_DEV], exemptions: [{ id: 'EX-0002', file: f.file('exemptions.yaml'), line: f.lineOf('exemptions.yaml', 'EX-0002') }] },
        ],
      ]),
    );
    for (const sid of ['DenyUnencryptedRds', 'DenyUnencryptedEfs']) {
      const found = statements(during.build, sid);
      expect(found.length).toBeGreaterThan(0);
      for (const s of found) expect((s.Condition as Record<string, unknown>).StringNotEquals).toEqual({ 'aws:PrincipalAccount': DATA_DEV });
    }
    const after = await built(f.dir, EXPIRED);
    for (const s of statements(after.build, 'DenyUnencryptedRds')) expect((s.Condition as Record<string, unknown>).StringNotEquals).toBeUndefined();
    // Without exemptions (as before), the build is the expired one, byte for byte.
    const catalog = loadCatalog(f.dir);
    expect(buildOrgPolicies((await loadOrgPolicies(catalog))!, catalog).policies).toEqual(after.build.policies);
  });

  it('carves every account of an OU out, OUs at any depth expanded through org.yaml', async () => {
    f = new PoliciesFixture();
    f.replace('exemptions.yaml', 'accounts: [data-dev]', 'ous: [Workloads]');
    const { build, set } = await built(f.dir, IN_FORCE);
    const workloads = set.organization.accounts.filter((a) => a.name === 'data-prod' || a.name === 'ml-prod' || a.name === 'data-dev').map((a) => a.id);
    for (const s of statements(build, 'DenyUnencryptedRds'))
      expect((s.Condition as Record<string, unknown>).StringNotEquals).toEqual({ 'aws:PrincipalAccount': [...workloads].sort() });
  });

  it('an exemption of the catalog control an SCP enforces (its ID an alias of it) carves the SCP when scoped to whole accounts', async () => {
    f = new PoliciesFixture();
    f.replace('exemptions.yaml', 'controls: [LZ.SCP.6]', 'controls: [LZ.EC2.2]');
    f.replace('exemptions.yaml', 'controls: [LZ.S3.2]', 'controls: [LZ.S3.2, LZ.EC2.2]');
    const { set, exemptions } = await built(f.dir, IN_FORCE);
    expect(set.controls.find((c) => c.id === 'LZ.SCP.5')?.control).toBe('LZ.EC2.2');
    // EX-0002 (data-dev, whole account) carves LZ.SCP.5; EX-0001 (stacks and resources in data-prod) cannot.
    expect(orgPolicyCarveOuts(exemptions, set.organization, IN_FORCE, set.controls)).toEqual(
      new Map([['LZ.SCP.5', { accountIds: [DATA_DEV], exemptions: [expect.objectContaining({ id: 'EX-0002' })] }]]),
    );
  });

  it('names the exemption at its line when its carve-out alone overflows the SCP size quota', async () => {
    f = new PoliciesFixture();
    // A control whose one statement is the largest, sized so that it fits the quota exactly without a carve-out.
    const pad = 'x'.repeat(6000);
    fs.writeFileSync(
      f.file('scp/zz-large.yaml'),
      [
        'id: LZ.SCP.99',
        'title: A large statement',
        'severity: low',
        'rationale: Sized to fill the SCP quota exactly, so that any carve-out overflows it.',
        'targets: ["account:data-dev"]',
        'frameworks: { nist-800-53-r5: [AC-3] }',
        'statements:',
        '  - Sid: Large',
        '    Effect: Deny',
        '    Action: s3:PutObject',
        '    Resource: "*"',
        '    Condition:',
        `      StringEquals: { "aws:RequestTag/pad": "${pad}" }`,
      ].join('\n') + '\n',
    );
    const large = statements(await f.build(), 'Large')[0];
    const maxSize = JSON.stringify(large).length + '{"Version":"2012-10-17","Statement":[]}'.length;
    f.edit('org.yaml', (d) => d.setIn(['quotas', 'SERVICE_CONTROL_POLICY'], { maxSize, maxAttached: 50 }));
    await f.build(); // the sources fit without the carve-out
    f.replace('exemptions.yaml', 'controls: [LZ.SCP.6]', 'controls: [LZ.SCP.99]');
    const catalog = loadCatalog(f.dir);
    const set = (await loadOrgPolicies(catalog))!;
    const exemptions = loadExemptions(catalog, set.organization, set.controls, IN_FORCE);
    const errors = buildErrors(() => buildOrgPolicies(set, catalog, { exemptions, today: IN_FORCE }));
    expect(errors).toHaveLength(1);
    expect(errors[0].location).toEqual({ file: f.file('exemptions.yaml'), line: f.lineOf('exemptions.yaml', 'EX-0002') });
    expect(errors[0].problem).toMatch(/EX-0002 carves its accounts out of LZ\.SCP\.99.*statement Large alone is \d+ characters/);
    // Expired, it carves nothing and the build fits again.
    expect(() => buildOrgPolicies(set, catalog, { exemptions, today: EXPIRED })).not.toThrow();
  });

  it('reports the sources’ own overflow at their line, not an exemption', async () => {
    f = new PoliciesFixture();
    f.edit('org.yaml', (d) => d.setIn(['quotas', 'SERVICE_CONTROL_POLICY', 'maxSize'], 1000));
    const catalog = loadCatalog(f.dir);
    const set = (await loadOrgPolicies(catalog))!;
    const exemptions = loadExemptions(catalog, set.organization, set.controls, IN_FORCE);
    const files = buildErrors(() => buildOrgPolicies(set, catalog, { exemptions, today: IN_FORCE })).map((e) => path.basename(e.location.file));
    expect(files.length).toBeGreaterThan(0);
    expect(files).not.toContain('exemptions.yaml');
  });
});

/** The InputErrors a build throws; fails the test when it throws nothing or something else. */
function buildErrors(build: () => unknown): InputErrors['errors'] {
  try {
    build();
  } catch (err) {
    expect(err).toBeInstanceOf(InputErrors);
    return (err as InputErrors).errors;
  }
  throw new Error('expected the build to fail');
}
