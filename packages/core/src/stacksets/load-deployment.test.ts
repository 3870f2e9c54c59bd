import * as fs from 'fs';
import { loadCatalog } from '../catalog/load-catalog';
import { InputError, InputErrors } from '../errors';
import { loadOrganization } from '../org/load-org';
import { PoliciesFixture } from '../org/__tests__/fixture';
import { configRulesFor } from './compile-stacksets';
import { loadDeployment } from './load-deployment';
import { StackSetsBuild } from './model';

const fixtures: PoliciesFixture[] = [];
const fixture = () => {
  const f = new PoliciesFixture({ deployment: true });
  fixtures.push(f);
  return f;
};
afterAll(() => fixtures.forEach((f) => f.remove()));

const load = (f: PoliciesFixture): StackSetsBuild | undefined => {
  const catalog = loadCatalog(f.dir);
  return loadDeployment(catalog, loadOrganization(f.file('org.yaml')));
};

/** The input errors loading fails with, as "file-suffix:line message" (fails the test if it succeeds). */
const errorsOf = (f: PoliciesFixture): InputError[] => {
  try {
    load(f);
  } catch (err) {
    if (err instanceof InputErrors) return [...err.errors];
    if (err instanceof InputError) return [err];
    throw err;
  }
  throw new Error('expected loading to fail');
};

/** The guardrails (hook) stack set of a profile; baselines have their own tests (baseline-stacksets.test.ts). */
const guardrails = (build: StackSetsBuild, profile: string) => build.units.find((u) => u.hook && u.target.profile === profile)!;

describe('the example hooks/ and stacksets/', () => {
  let build: StackSetsBuild;
  beforeAll(() => {
    build = load(fixture())!;
  });

  it('builds one stack set per target, named after the file and the target', () => {
    expect(build.units.filter((u) => u.hook).map((u) => u.name)).toEqual(['tarmac-guardrails-dev', 'tarmac-guardrails-prod', 'tarmac-guardrails-sandbox']);
    const prod = guardrails(build, 'prod');
    expect(prod.target.ouPaths).toEqual(['Security', 'Infrastructure', 'Workloads/Prod']);
    expect(prod.accountsByOu).toEqual({ 'ou-a1b2-11111111': 2, 'ou-a1b2-22222222': 2, 'ou-a1b2-44444444': 2 });
    expect(prod.definition.regions).toEqual(['eu-west-1', 'eu-central-1']);
  });

  it('puts the bundle bucket in the delegated administrator account, named for it', () => {
    expect(build.delegatedAdmin).toEqual({ accountId: '333333333333', accountName: 'audit', region: 'eu-west-1' });
    expect(build.bundleBucket).toBe('tarmac-rule-bundles-333333333333-eu-west-1');
    expect(build.logBucket).toBe('tarmac-rule-logs-333333333333-eu-west-1');
  });

  it("splits a FAIL target's controls into the enforced hook and the advisory hook, as the profile says", () => {
    const catalog = loadCatalog(fixtures[0].dir);
    const dev = guardrails(build, 'dev');
    const devProfile = catalog.profiles.get('dev')!;
    expect(dev.target.failureMode).toBe('FAIL');
    expect(dev.advisory!.controls).toEqual(
      Object.entries(devProfile.controls)
        .filter(([, m]) => m === 'warn')
        .map(([id]) => id)
        .sort(),
    );
    expect(dev.enforced!.controls).not.toEqual(expect.arrayContaining(['LZ.TAG.1']));
    expect(dev.enforced!.controls.length + dev.advisory!.controls.length).toBe(catalog.controls.length);
    // prod warns about nothing: no advisory hook at all.
    expect(guardrails(build, 'prod').advisory).toBeUndefined();
  });

  it('gives a WARN target one hook with every control its profile does not turn off', () => {
    const sandbox = guardrails(build, 'sandbox');
    expect(sandbox.target.failureMode).toBe('WARN');
    expect(sandbox.advisory).toBeUndefined();
    expect(sandbox.enforced!.mode).toBe('warn');
    expect(sandbox.enforced!.controls).toContain('LZ.S3.1');
    expect(sandbox.enforced!.controls).not.toContain('LZ.S3.4'); // off in sandbox
  });

  it("gives the management account the prod hook as a plain stack in org.yaml's home region, with no Config rules", () => {
    expect(build.management).toHaveLength(1);
    const [management] = build.management!;
    expect(management).toMatchObject({ name: 'tarmac-guardrails-management', region: 'eu-west-1', configRules: [], accountsByOu: {}, wave: 1 });
    expect(management.target).toMatchObject({ name: 'management', profile: 'prod', ouIds: [], accountIds: ['111111111111'], failureMode: 'FAIL' });
    expect(management.hook!.alias).toBe('Tarmac::Guard::Guardrails');
    // The prod profile's rules; without exemptions to carry, the very bundle of the prod stack set.
    expect(management.enforced!.key).toBe(guardrails(build, 'prod').enforced!.key);
    expect(management.advisory).toBeUndefined();
    expect(build.units.map((u) => u.name)).not.toContain('tarmac-guardrails-management');
  });

  it('lists every bundle once, content-addressed', () => {
    const used = [...build.units, ...(build.management ?? [])]
      .flatMap((u) => [u.enforced, u.advisory])
      .filter((b) => b)
      .map((b) => b!.key);
    expect(build.bundles.map((b) => b.key).sort()).toEqual([...new Set(used)].sort());
    for (const b of build.bundles) expect(b.key).toBe(`hooks/guardrails/${b.sha256}.zip`);
  });

  it('maps each profile to the Config rules of the controls it does not turn off, REQUIRED_TAGS from tags.yaml', () => {
    const catalog = loadCatalog(fixtures[0].dir);
    const prod = configRulesFor(catalog, catalog.profiles.get('prod')!);
    const sandbox = configRulesFor(catalog, catalog.profiles.get('sandbox')!);
    expect(prod.map((r) => r.identifier)).toContain('S3_BUCKET_VERSIONING_ENABLED');
    expect(sandbox.map((r) => r.identifier)).not.toContain('S3_BUCKET_VERSIONING_ENABLED');
    const tags = prod.filter((r) => r.identifier === 'REQUIRED_TAGS');
    expect(tags.map((r) => r.name)).toEqual(['tarmac-required-tags-1']);
    expect(tags[0].inputParameters).toMatchObject({ tag1Key: 'team', tag3Key: 'env', tag3Value: 'dev,staging,prod' });
    expect(new Set(prod.map((r) => r.name)).size).toBe(prod.length);
  });
});

describe('validation', () => {
  it('has nothing to build without stacksets/', () => {
    const f = fixture();
    fs.rmSync(f.file('../stacksets'), { recursive: true });
    expect(load(f)).toBeUndefined();
  });

  it('refuses targets of one hook that overlap, naming both places', () => {
    const f = fixture().replace('../stacksets/guardrails.yaml', 'ous: [Workloads/Dev]', 'ous: [Workloads]');
    const [e] = errorsOf(f);
    expect(e.location).toEqual({
      file: f.file('../stacksets/guardrails.yaml'),
      line: f.lineOf('../stacksets/guardrails.yaml', 'ous: [Workloads]'),
      column: expect.any(Number),
    });
    expect(e.problem).toMatch(/OU Workloads overlaps Workloads\/Prod \(guardrails.yaml:\d+\)/);
  });

  it('names unknown OUs, profiles, hooks and regions with suggestions', () => {
    const f = fixture()
      .replace('../stacksets/guardrails.yaml', 'ous: [Sandbox]', 'ous: [Sandbx]')
      .replace('../stacksets/guardrails.yaml', 'profile: dev', 'profile: devel')
      .replace('../stacksets/guardrails.yaml', 'regions: [eu-west-1, eu-central-1]', 'regions: [eu-west-1, us-east-1]');
    const messages = errorsOf(f).map((e) => e.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/guardrails.yaml:\d+:\d+: no OU Sandbx in org.yaml; did you mean Sandbox\?/),
        expect.stringMatching(/unknown profile devel \(expected one of dev, prod, sandbox\)/),
        expect.stringMatching(/region us-east-1 is not allowed in org.yaml/),
      ]),
    );
    const g = fixture().replace('../stacksets/guardrails.yaml', 'hook: guardrails', 'hook: guardrail');
    expect(errorsOf(g).map((e) => e.message)).toEqual([expect.stringMatching(/no hook guardrail in hooks\/; did you mean guardrails\?/)]);
  });

  it('rejects unknown keys and a hook alias AWS reserves', () => {
    const f = fixture().replace('../hooks/guardrails.yaml', 'failureMode: FAIL', 'failureMode: FAIL\nfailuremode: WARN');
    expect(errorsOf(f)[0].message).toMatch(/hooks\/guardrails.yaml:\d+.*failuremode/);
    const g = fixture().replace('../hooks/guardrails.yaml', 'alias: Tarmac::Guard::Guardrails', 'alias: Aws::Guard::Guardrails');
    expect(errorsOf(g)[0].message).toMatch(/alias Aws::Guard::Guardrails starts with AWS/);
  });

  it('needs org.yaml to name a member account as delegated administrator', () => {
    const f = fixture().replace('org.yaml', 'delegatedAdmin: audit', 'delegatedAdmin: management');
    expect(() => load(f)).toThrow(/delegated administrator management is not a member account/);
    const g = fixture().replace('org.yaml', 'deployment:', 'unused:').replace('org.yaml', '  delegatedAdmin: audit\n', '  a: b\n');
    expect(() => load(g)).toThrow(/unused/);
  });

  it("checks the platform's own tags against tags.yaml", () => {
    const f = fixture().replace('org.yaml', 'domain: platform', 'domain: plat');
    const [e] = errorsOf(f);
    expect(e.location.line).toBe(f.lineOf('org.yaml', 'domain: plat'));
    expect(e.problem).toMatch(/deployment.tags domain:/);
  });

  it("keeps each profile's Config rules within the conformance pack quota of org.yaml", () => {
    const f = fixture().replace('org.yaml', 'quotas:', 'configQuotas: { rulesPerConformancePack: 5 }\nquotas:');
    const errors = errorsOf(f);
    expect(errors.length).toBe(3);
    expect(errors[0].message).toMatch(/stacksets\/guardrails.yaml:\d+: profile prod maps to \d+ AWS Config rules \(expected at most 5 in one conformance pack/);
  });

  it('checks management: against the profiles and the other targets, for hook stack sets only, once per hook', () => {
    const file = '../stacksets/guardrails.yaml';
    const f = fixture().replace(file, 'profile: prod\nregions', 'profile: prd\nregions');
    expect(errorsOf(f).map((e) => e.message)).toEqual([
      expect.stringMatching(/guardrails.yaml:\d+:\d+: unknown profile prd; did you mean prod\? \(expected one of dev, prod, sandbox\)/),
    ]);
    const g = fixture().replace(file, '  - profile: dev\n', '  - profile: dev\n    name: management\n');
    const [clash] = errorsOf(g);
    expect(clash.location.line).toBe(g.lineOf(file, 'management:'));
    expect(clash.problem).toMatch(/a target is named management, and so is the management account's stack tarmac-guardrails-management/);
    const h = fixture().replace(file, 'management:\n  profile: prod\n', 'management:\n  profile: prod\n  account: management\n');
    expect(errorsOf(h)[0].message).toMatch(/guardrails.yaml:\d+.*account/);
    const i = fixture();
    fs.writeFileSync(
      i.file('../stacksets/more.yaml'),
      'description: More.\nhook: guardrails\nconfig: false\ntargets:\n  - { profile: prod, ous: [Suspended] }\nmanagement: { profile: dev }\n',
    );
    expect(errorsOf(i).map((e) => e.message)).toEqual([
      expect.stringMatching(/stacksets\/more.yaml:6: the management account also gets hook guardrails from guardrails.yaml:\d+/),
    ]);
    const j = fixture();
    fs.writeFileSync(
      j.file('../stacksets/more.yaml'),
      'description: More.\nbaseline: account\ntargets:\n  - { profile: prod, ous: [Suspended] }\nmanagement: { profile: prod }\n',
    );
    expect(errorsOf(j).map((e) => e.message)).toEqual(
      expect.arrayContaining([expect.stringMatching(/stacksets\/more.yaml:5:\d+: management is only for hook stack sets/)]),
    );
  });

  it('adds up the Config rules of every stack set that reaches an account', () => {
    const f = fixture();
    fs.copyFileSync(f.file('../stacksets/guardrails.yaml'), f.file('../stacksets/more.yaml'));
    fs.copyFileSync(f.file('../hooks/guardrails.yaml'), f.file('../hooks/more.yaml'));
    f.replace('../hooks/more.yaml', 'alias: Tarmac::Guard::Guardrails', 'alias: Tarmac::Guard::More').replace(
      '../stacksets/more.yaml',
      'hook: guardrails',
      'hook: more',
    );
    f.replace('org.yaml', 'quotas:', 'configQuotas: { rulesPerAccount: 60 }\nquotas:');
    const messages = errorsOf(f).map((e) => e.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/org.yaml:\d+: account data-prod would get \d+ AWS Config rules from tarmac-guardrails-prod, tarmac-more-prod/),
      ]),
    );
  });
});
