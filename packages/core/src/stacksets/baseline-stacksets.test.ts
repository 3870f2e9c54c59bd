/**
 * Stack sets that deploy baselines (stacksets/*.yaml with `baseline:`): account and network per profile,
 * finops to the cost export's account only. Every refusal is asserted at its file and line.
 */
import * as fs from 'fs';
import { loadCatalog } from '../catalog/load-catalog';
import { InputError, collectInputErrors } from '../errors';
import { loadOrganization } from '../org/load-org';
import { PoliciesFixture, policiesFixtures } from '../org/__tests__/fixture';
import { loadDeployment, loadDeploymentChecked } from './load-deployment';
import { StackSetUnit, StackSetsBuild } from './model';

const fixture = policiesFixtures({ deployment: true });

const load = (f: PoliciesFixture): StackSetsBuild | undefined => loadDeployment(loadCatalog(f.dir), loadOrganization(f.file('org.yaml')));

const errorsOf = (f: PoliciesFixture): InputError[] => {
  try {
    load(f);
  } catch (err) {
    return collectInputErrors(err);
  }
  throw new Error('expected loading to fail');
};

/** The one error, asserted at the line of `text` in `rel` (relative to policies/). */
const onlyErrorAt = (f: PoliciesFixture, rel: string, text: string): InputError => {
  const errors = errorsOf(f);
  expect(errors.map((e) => e.message)).toHaveLength(1);
  expect(errors[0].location).toEqual(expect.objectContaining({ file: f.file(rel), line: f.lineOf(rel, text) }));
  return errors[0];
};

const ACCOUNT_SETS = '../stacksets/account-baseline.yaml';
const NETWORK_SETS = '../stacksets/network-baseline.yaml';
const FINOPS_SETS = '../stacksets/finops.yaml';
const GUARDRAILS = '../stacksets/guardrails.yaml';
const NETWORK = 'baselines/network.yaml';

const unit = (build: StackSetsBuild, name: string): StackSetUnit => {
  const found = build.units.find((u) => u.name === name);
  if (!found) throw new Error(`no unit ${name} in ${build.units.map((u) => u.name).join(', ')}`);
  return found;
};

describe('the example stacksets/', () => {
  let build: StackSetsBuild;
  beforeAll(() => {
    build = load(fixture())!;
  });

  it('builds a stack set per baseline target, deployed before the hooks', () => {
    expect(build.units.map((u) => [u.name, u.baseline?.kind ?? 'guardrails', u.wave])).toEqual([
      ['tarmac-account-baseline-dev', 'account', 0],
      ['tarmac-account-baseline-prod', 'account', 0],
      ['tarmac-account-baseline-sandbox', 'account', 0],
      ['tarmac-finops-cost-data', 'finops', 0],
      ['tarmac-guardrails-dev', 'guardrails', 1],
      ['tarmac-guardrails-prod', 'guardrails', 1],
      ['tarmac-guardrails-sandbox', 'guardrails', 1],
      ['tarmac-network-baseline-dev', 'network', 0],
      ['tarmac-network-baseline-prod', 'network', 0],
      ['tarmac-network-baseline-sandbox', 'network', 0],
    ]);
  });

  it("gives each baseline target its profile's settings, and no bundle or Config rule", () => {
    const account = unit(build, 'tarmac-account-baseline-sandbox');
    expect(account.baseline).toEqual({ kind: 'account', settings: expect.objectContaining({ profile: 'sandbox', homeRegion: 'eu-west-1' }) });
    expect(unit(build, 'tarmac-network-baseline-prod').baseline).toEqual({
      kind: 'network',
      settings: expect.objectContaining({ profile: 'prod', natGateways: 'perAz' }),
    });
    expect(unit(build, 'tarmac-network-baseline-dev').baseline).toEqual({ kind: 'network', settings: expect.objectContaining({ natGateways: 'single' }) });
    for (const u of build.units.filter((x) => x.baseline)) {
      expect({ name: u.name, hook: u.hook, enforced: u.enforced, advisory: u.advisory, rules: u.configRules, config: u.definition.config }).toEqual({
        name: u.name,
        hook: undefined,
        enforced: undefined,
        advisory: undefined,
        rules: [],
        config: false,
      });
    }
  });

  it("targets the FinOps account alone: its OU narrowed to it, in the cost export's region", () => {
    const finops = unit(build, 'tarmac-finops-cost-data');
    expect(finops.baseline).toEqual({ kind: 'finops', costExport: expect.objectContaining({ account: { id: '555555555555', name: 'finops' } }) });
    expect(finops.target).toMatchObject({ ouIds: ['ou-a1b2-22222222'], ouPaths: ['Infrastructure'], accountIds: ['555555555555'], accountNames: ['finops'] });
    expect(finops.target.profile).toBeUndefined();
    // Infrastructure holds two accounts; the INTERSECTION filter deploys to one.
    expect(finops.accountsByOu).toEqual({ 'ou-a1b2-22222222': 1 });
    expect(finops.definition.regions).toEqual(['eu-west-1']);
    expect(build.finops?.costExport?.bucketName).toBe('tarmac-cost-data-555555555555-eu-west-1');
  });

  it('passes the IAM check of the permissions boundary too', async () => {
    const f = fixture();
    const checked = await loadDeploymentChecked(loadCatalog(f.dir), loadOrganization(f.file('org.yaml')));
    expect(checked!.units.map((u) => u.name)).toEqual(build.units.map((u) => u.name));
  });
});

describe('loadDeploymentChecked', () => {
  it("reports the boundary's IAM problems with every other problem, at once", async () => {
    const f = fixture()
      .replace('permissions-boundary.yaml', '      - iam:CreateUser\n', '      - iam:CreateUsers\n')
      .replace(ACCOUNT_SETS, 'profile: sandbox', 'profile: sandbx');
    let errors: InputError[] = [];
    await loadDeploymentChecked(loadCatalog(f.dir), loadOrganization(f.file('org.yaml'))).catch((err) => (errors = collectInputErrors(err)));
    expect(errors.map((e) => [e.location.file, e.location.line])).toEqual([
      [f.file(ACCOUNT_SETS), f.lineOf(ACCOUNT_SETS, 'profile: sandbx')],
      [f.file('permissions-boundary.yaml'), f.lineOf('permissions-boundary.yaml', 'iam:CreateUsers')],
    ]);
    expect(errors[1].problem).toMatch(/unknown action iam:CreateUsers; did you mean iam:CreateUser\?/);
  });

  it('refuses a misspelt boundary action even when everything else builds', async () => {
    const f = fixture().replace('permissions-boundary.yaml', '      - iam:CreateUser\n', '      - iam:CreateUsers\n');
    expect(load(f)).toBeDefined(); // the synchronous build cannot know
    await expect(loadDeploymentChecked(loadCatalog(f.dir), loadOrganization(f.file('org.yaml')))).rejects.toThrow(
      /permissions-boundary\.yaml:\d+:\d+: unknown action iam:CreateUsers/,
    );
  });
});

describe('what a stack set deploys', () => {
  it('is a hook or a baseline, not neither nor both', () => {
    const f = fixture().replace(ACCOUNT_SETS, 'baseline: account\n', '');
    const [e] = errorsOf(f);
    expect(e.location).toEqual(expect.objectContaining({ file: f.file(ACCOUNT_SETS), line: f.lineOf(ACCOUNT_SETS, 'description:') }));
    expect(e.problem).toMatch(/neither hook nor baseline/);
    const g = fixture().replace(ACCOUNT_SETS, 'baseline: account\n', 'baseline: account\nhook: guardrails\n');
    expect(onlyErrorAt(g, ACCOUNT_SETS, 'baseline: account').problem).toBe('the stack set has both hook and baseline');
  });

  it('takes config and failureMode only with a hook', () => {
    const f = fixture().replace(ACCOUNT_SETS, 'baseline: account\n', 'baseline: account\nconfig: true\n');
    expect(onlyErrorAt(f, ACCOUNT_SETS, 'config: true').problem).toBe('config is only for hook stack sets');
    const g = fixture().replace(ACCOUNT_SETS, '    ous: [Sandbox]', '    ous: [Sandbox]\n    failureMode: WARN');
    expect(onlyErrorAt(g, ACCOUNT_SETS, 'failureMode: WARN').problem).toBe('failureMode is only for hook stack sets');
  });

  it('needs the baseline file it deploys', () => {
    const f = fixture();
    fs.rmSync(f.file('baselines/account.yaml'));
    expect(onlyErrorAt(f, ACCOUNT_SETS, 'baseline: account').problem).toBe('baseline: account deploys policies/baselines/account.yaml, which does not exist');
    const g = fixture();
    fs.rmSync(g.file(NETWORK));
    expect(onlyErrorAt(g, NETWORK_SETS, 'baseline: network').problem).toBe('baseline: network deploys policies/baselines/network.yaml, which does not exist');
    const h = fixture();
    fs.rmSync(h.file('finops/cost-export.yaml'));
    expect(onlyErrorAt(h, FINOPS_SETS, 'baseline: finops').problem).toMatch(/there is no policies\/finops\/cost-export\.yaml/);
  });

  it('refuses an unknown baseline kind at its line', () => {
    const f = fixture().replace(ACCOUNT_SETS, 'baseline: account', 'baseline: accounts');
    expect(onlyErrorAt(f, ACCOUNT_SETS, 'baseline: accounts').message).toMatch(/one of: account, network, finops/);
  });
});

describe('profiles of baseline targets', () => {
  it('are required for account and network targets', () => {
    const f = fixture().replace(NETWORK_SETS, '  - profile: dev\n    ous: [Workloads/Dev]', '  - name: dev\n    ous: [Workloads/Dev]');
    expect(onlyErrorAt(f, NETWORK_SETS, '- name: dev').problem).toBe('the target has no profile');
  });

  it('must have settings in the baseline file, with a suggestion', () => {
    const f = fixture().replace(NETWORK_SETS, 'profile: sandbox', 'profile: sandbx');
    const e = onlyErrorAt(f, NETWORK_SETS, 'profile: sandbx');
    expect(e.problem).toBe('policies/baselines/network.yaml has no settings for profile sandbx; did you mean sandbox?');
    const g = fixture().replace(NETWORK, '  sandbox: { natGateways: none }\n', '');
    expect(onlyErrorAt(g, NETWORK_SETS, 'profile: sandbox').problem).toBe('policies/baselines/network.yaml has no settings for profile sandbox');
  });

  it('are not allowed for the finops baseline, which has none', () => {
    const f = fixture().replace(FINOPS_SETS, '  - name: cost-data\n', '  - name: cost-data\n    profile: prod\n');
    expect(onlyErrorAt(f, FINOPS_SETS, 'profile: prod').problem).toMatch(/has no profile/);
  });
});

describe('account targets', () => {
  it('narrow the OUs of the accounts to them, in any kind of stack set', () => {
    const f = fixture().replace(GUARDRAILS, '    ous: [Sandbox]\n    failureMode: WARN', '    accounts: [sandbox-alice]\n    failureMode: WARN');
    const sandbox = unit(load(f)!, 'tarmac-guardrails-sandbox');
    expect(sandbox.target).toMatchObject({ ouIds: ['ou-a1b2-66666666'], ouPaths: ['Sandbox'], accountIds: ['999999999999'], accountNames: ['sandbox-alice'] });
    // Narrowing changes where the hook goes, not what it carries: the OU target's bundle, byte for byte, with every
    // control the sandbox profile does not turn off, all in the one warning hook (failureMode WARN).
    const catalog = loadCatalog(f.dir);
    const sandboxProfile = catalog.profiles.get('sandbox')!;
    expect(sandbox.enforced).toMatchObject({
      profile: 'sandbox',
      mode: 'warn',
      controls: catalog.controls
        .map((c) => c.id)
        .filter((id) => (sandboxProfile.controls[id] ?? sandboxProfile.default) !== 'off')
        .sort(),
    });
    expect(sandbox.enforced!.key).toBe(unit(load(fixture())!, 'tarmac-guardrails-sandbox').enforced!.key);
    expect(sandbox.advisory).toBeUndefined();
  });

  it('take ous or accounts, not both, not neither', () => {
    const f = fixture().replace(ACCOUNT_SETS, '    ous: [Sandbox]', '    ous: [Sandbox]\n    accounts: [sandbox-alice]');
    expect(onlyErrorAt(f, ACCOUNT_SETS, 'accounts: [sandbox-alice]').problem).toBe('the target has both ous and accounts');
    const g = fixture().replace(ACCOUNT_SETS, '  - profile: sandbox\n    ous: [Sandbox]', '  - profile: sandbox');
    expect(onlyErrorAt(g, ACCOUNT_SETS, '- profile: sandbox').problem).toBe('the target has neither ous nor accounts');
  });

  it('name member accounts of org.yaml, never the management account', () => {
    const f = fixture().replace(ACCOUNT_SETS, '    ous: [Sandbox]', '    accounts: [sandbox-alic]');
    expect(onlyErrorAt(f, ACCOUNT_SETS, 'sandbox-alic').problem).toBe('no member account sandbox-alic in org.yaml; did you mean sandbox-alice?');
    const g = fixture().replace(ACCOUNT_SETS, '    ous: [Sandbox]', '    accounts: [management]');
    expect(onlyErrorAt(g, ACCOUNT_SETS, 'accounts: [management]').problem).toMatch(
      /is the management account, which service-managed stack sets never deploy to/,
    );
  });

  it('cannot reach an account directly under the root', () => {
    const f = fixture()
      .replace('org.yaml', 'ous:\n  - name: Security', 'accounts:\n  - { id: "123456789012", name: shared-tools, type: prod }\nous:\n  - name: Security')
      .replace(ACCOUNT_SETS, '    ous: [Sandbox]', '    accounts: [shared-tools]');
    expect(onlyErrorAt(f, ACCOUNT_SETS, 'accounts: [shared-tools]').problem).toBe(
      'account shared-tools sits directly under the root, and a stack set reaches accounts only through their OU',
    );
  });
});

describe('overlap', () => {
  it('refuses two targets of one baseline kind that reach the same account, naming both places', () => {
    const f = fixture().replace(
      NETWORK_SETS,
      '  - profile: sandbox\n    ous: [Sandbox]',
      '  - profile: sandbox\n    ous: [Sandbox]\n  - name: extra\n    profile: prod\n    accounts: [data-prod]',
    );
    const e = onlyErrorAt(f, NETWORK_SETS, 'accounts: [data-prod]');
    expect(e.problem).toBe(
      `account data-prod overlaps Workloads/Prod (network-baseline.yaml:${f.lineOf(NETWORK_SETS, 'ous: [Workloads/Prod]')}), which also gets baseline network`,
    );
    expect(e.expected).toMatch(/an account holds each baseline once/);
  });

  it('checks across files, and not across kinds', () => {
    const f = fixture();
    fs.writeFileSync(
      f.file('../stacksets/more-network.yaml'),
      'description: Another VPC.\nbaseline: network\ntargets:\n  - profile: dev\n    accounts: [data-dev]\nregions: [eu-west-1]\n',
    );
    const [e] = errorsOf(f);
    expect(e.location.file).toBe(f.file('../stacksets/network-baseline.yaml'));
    expect(e.problem).toMatch(/^OU Workloads\/Dev overlaps account data-dev \(more-network\.yaml:5\), which also gets baseline network$/);
    // The account and network baselines (and the hooks) all reach Workloads/Prod: different kinds do not clash.
    expect(load(fixture())!.units.filter((u) => u.target.ouIds.includes('ou-a1b2-44444444')).length).toBe(3);
  });
});

describe('regions', () => {
  it('of an account baseline include the home region, where IAM resources are created', () => {
    const f = fixture().replace(ACCOUNT_SETS, 'regions: [eu-west-1, eu-central-1]', 'regions: [eu-central-1]');
    expect(onlyErrorAt(f, ACCOUNT_SETS, 'regions: [eu-central-1]').problem).toMatch(
      /in the home region eu-west-1 only, and this stack set does not deploy there/,
    );
  });

  it('of a network baseline each have an IPAM pool, blaming the region or, by default, the baseline', () => {
    const f = fixture().replace(NETWORK, '    eu-central-1: { id: ipam-pool-0f1e2d3c4b5a69788, cidr: 10.4.0.0/14 }\n', '');
    const e = onlyErrorAt(f, NETWORK_SETS, 'regions: [eu-west-1, eu-central-1]');
    expect(e.problem).toBe('no IPAM pool for eu-central-1 in policies/baselines/network.yaml: a VPC there would get no CIDR');
    // At the region itself, not at the regions key.
    expect(e.location.column).toBe(fs.readFileSync(f.file(NETWORK_SETS), 'utf8').split('\n')[e.location.line! - 1].indexOf('eu-central-1') + 1);
    const g = fixture()
      .replace(NETWORK, '    eu-central-1: { id: ipam-pool-0f1e2d3c4b5a69788, cidr: 10.4.0.0/14 }\n', '')
      .replace(NETWORK_SETS, 'regions: [eu-west-1, eu-central-1]\n', '');
    expect(onlyErrorAt(g, NETWORK_SETS, 'baseline: network').problem).toMatch(/no IPAM pool for eu-central-1/);
  });

  it("of the finops baseline are the cost export's region", () => {
    const f = fixture().replace(FINOPS_SETS, 'operationPreferences:', 'regions: [eu-central-1]\noperationPreferences:');
    expect(onlyErrorAt(f, FINOPS_SETS, 'regions: [eu-central-1]').problem).toMatch(/the cost export delivers to eu-west-1/);
  });
});

describe('the finops baseline', () => {
  it("deploys to the cost export's account and no other", () => {
    const f = fixture().replace(FINOPS_SETS, 'accounts: [finops]', 'accounts: [network]');
    const e = onlyErrorAt(f, FINOPS_SETS, 'accounts: [network]');
    expect(e.problem).toBe("baseline: finops deploys to the cost export's account finops (policies/finops/cost-export.yaml) and no other");
    const g = fixture().replace(FINOPS_SETS, 'accounts: [finops]', 'ous: [Infrastructure]');
    expect(onlyErrorAt(g, FINOPS_SETS, 'ous: [Infrastructure]').expected).toBe('accounts: [finops]');
  });
});

describe('IPAM pool capacity', () => {
  it('refuses a pool too small for the accounts the network stack sets reach in its region, at the pool', () => {
    // A /21 holds two /22 VPCs; Workloads/Prod (2), Workloads/Dev (1) and Sandbox (1) hold four accounts.
    const f = fixture().replace(NETWORK, 'cidr: 10.0.0.0/14', 'cidr: 10.0.0.0/21');
    const e = onlyErrorAt(f, NETWORK, 'cidr: 10.0.0.0/21');
    expect(e.problem).toBe(
      'pool 10.0.0.0/21 in eu-west-1 holds 2 VPCs of /22; stack sets tarmac-network-baseline-dev, tarmac-network-baseline-prod, tarmac-network-baseline-sandbox reach 4 accounts there',
    );
  });

  it('counts only the regions a stack set deploys to; a pool that fits exactly is enough', () => {
    // /20 holds exactly four /22 VPCs: enough.
    expect(load(fixture().replace(NETWORK, 'cidr: 10.0.0.0/14', 'cidr: 10.0.0.0/20'))).toBeDefined();
    // eu-central-1 is not deployed to by the network stack sets once they name eu-west-1 only.
    const g = fixture()
      .replace(NETWORK, 'cidr: 10.4.0.0/14', 'cidr: 10.4.0.0/22')
      .replace(NETWORK_SETS, 'regions: [eu-west-1, eu-central-1]', 'regions: [eu-west-1]');
    expect(load(g)).toBeDefined();
  });

  it('adds up VPCs of different sizes per profile', () => {
    // prod and dev /22 (3 accounts, 3072 addresses) + sandbox /21 (2048) = 5120 > a /20's 4096.
    const f = fixture()
      .replace(NETWORK, 'cidr: 10.0.0.0/14', 'cidr: 10.0.0.0/20')
      .replace(NETWORK, 'sandbox: { natGateways: none }', 'sandbox: { natGateways: none, vpc: { netmaskLength: 21, subnetNetmaskLength: 24 } }');
    const e = onlyErrorAt(f, NETWORK, 'cidr: 10.0.0.0/20');
    expect(e.problem).toBe(
      'pool 10.0.0.0/20 in eu-west-1 has room for 4096 addresses, and VPCs of /21 (1), /22 (3) need 5120; stack sets tarmac-network-baseline-dev, tarmac-network-baseline-prod, tarmac-network-baseline-sandbox reach 4 accounts there',
    );
  });
});
