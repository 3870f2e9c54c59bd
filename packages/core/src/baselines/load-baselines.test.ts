import * as fs from 'fs';
import { loadCatalog } from '../catalog/load-catalog';
import { InputError, collectInputErrors } from '../errors';
import { loadOrganization } from '../org/load-org';
import { PoliciesFixture, policiesFixtures } from '../org/__tests__/fixture';
import { permissionsBoundaryProblems } from './boundary-statements';
import { loadBaselines } from './load-baselines';
import { Baselines } from './model';

const fixture = policiesFixtures({ deployment: true });

const load = (f: PoliciesFixture): Baselines => loadBaselines(loadCatalog(f.dir), loadOrganization(f.file('org.yaml')));

/** The input errors loading fails with (fails the test if it succeeds). */
const errorsOf = (f: PoliciesFixture): InputError[] => {
  try {
    load(f);
  } catch (err) {
    return collectInputErrors(err);
  }
  throw new Error('expected loading to fail');
};

/** The one error, asserted to be at file:line of the fixture. */
const onlyErrorAt = (f: PoliciesFixture, rel: string, text: string): InputError => {
  const errors = errorsOf(f);
  expect(errors.map((e) => e.message)).toHaveLength(1);
  expect(errors[0].location).toEqual(expect.objectContaining({ file: f.file(rel), line: f.lineOf(rel, text) }));
  return errors[0];
};

const ACCOUNT = 'baselines/account.yaml';
const NETWORK = 'baselines/network.yaml';
const BOUNDARY = 'permissions-boundary.yaml';

describe('the example policies/baselines', () => {
  let baselines: Baselines;
  beforeAll(() => {
    baselines = load(fixture());
  });

  it('resolves the account baseline per profile, with the home region and the boundary', () => {
    const account = baselines.account!;
    expect([...account.keys()].sort()).toEqual(['dev', 'prod', 'sandbox']);
    const prod = account.get('prod')!;
    expect(prod).toMatchObject({
      profile: 'prod',
      homeRegion: 'eu-west-1',
      ebsDefaultKey: { alias: 'alias/tarmac/ebs-default' },
      securityServices: { guardDuty: true, securityHub: true, macie: true, detective: true },
      accessAnalyzer: { unusedAccessAgeDays: 90 },
    });
    expect(account.get('sandbox')!.securityServices).toEqual({ guardDuty: true, securityHub: false, macie: false, detective: false });
    expect(account.get('sandbox')!.accessAnalyzer).toEqual({});
    expect(prod.permissionsBoundary).toMatchObject({ name: 'TarmacWorkloadBoundary', path: '/tarmac/' });
    expect(prod.permissionsBoundary.statements.map((s) => s.Sid)).toEqual(
      expect.arrayContaining(['AllowWhatIdentityPoliciesGrant', 'DenyRolesAndUsersWithoutThisBoundary', 'DenyBoundaryRemoval']),
    );
  });

  it('resolves the network baseline per profile: shared VPC settings, the NAT gateways of each', () => {
    const network = baselines.network!;
    expect(Object.fromEntries([...network].map(([p, s]) => [p, s.natGateways]))).toEqual({ prod: 'perAz', dev: 'single', sandbox: 'none' });
    expect(network.get('dev')).toMatchObject({
      vpcNetmaskLength: 22,
      availabilityZones: 3,
      subnetNetmaskLength: 25,
      flowLogs: { retentionDays: 365, trafficType: 'ALL' },
      interfaceEndpoints: ['ssm', 'ssmmessages', 'ec2messages'],
      gatewayEndpoints: ['s3'],
    });
    expect(network.get('prod')!.ipamPools.map((p) => [p.region, p.cidr])).toEqual([
      ['eu-central-1', '10.4.0.0/14'],
      ['eu-west-1', '10.0.0.0/14'],
    ]);
    expect(network.get('prod')!.ipamPools.every((p) => /^ipam-pool-[0-9a-f]{17}$/.test(p.id))).toBe(true);
  });

  it('names the files it read', () => {
    expect(baselines.files.account).toMatch(/policies\/baselines\/account\.yaml$/);
    expect(baselines.files.network).toMatch(/policies\/baselines\/network\.yaml$/);
  });

  it('leaves a baseline undefined when its file is absent', () => {
    const f = fixture();
    fs.rmSync(f.file(NETWORK));
    const partial = load(f);
    expect(partial.network).toBeUndefined();
    expect(partial.files).toEqual({ account: f.file(ACCOUNT) });
  });
});

describe('account.yaml', () => {
  it('lets a profile override the shared settings only where it says', () => {
    const f = fixture().replace(ACCOUNT, 'accessAnalyzer: { unusedAccessAgeDays: 90 }\n  prod:', 'accessAnalyzer: { unusedAccessAgeDays: 30 }\n  prod:');
    const account = load(f).account!;
    expect(account.get('dev')!.accessAnalyzer).toEqual({ unusedAccessAgeDays: 30 });
    expect(account.get('prod')!.accessAnalyzer).toEqual({ unusedAccessAgeDays: 90 });
  });

  it('refuses a profile policies/profiles does not have, with a suggestion', () => {
    const e = onlyErrorAt(fixture().replace(ACCOUNT, '  prod:', '  prd:'), ACCOUNT, '  prd:');
    expect(e.problem).toBe('unknown profile prd; did you mean prod?');
  });

  it('refuses unknown keys and values out of range at their line', () => {
    const f = fixture().replace(ACCOUNT, 'detective: true }', 'detective: true, inspector: true }');
    expect(onlyErrorAt(f, ACCOUNT, 'inspector: true').problem).toMatch(/unknown key 'inspector'/);
    const g = fixture().replace(ACCOUNT, 'accessAnalyzer: { unusedAccessAgeDays: 90 }\n  prod:', 'accessAnalyzer: { unusedAccessAgeDays: 400 }\n  prod:');
    expect(onlyErrorAt(g, ACCOUNT, 'unusedAccessAgeDays: 400').problem).toMatch(/must be <= 180/);
  });

  it('refuses an EBS key alias in the namespace AWS reserves', () => {
    const e = onlyErrorAt(fixture().replace(ACCOUNT, 'alias: alias/tarmac/ebs-default', 'alias: alias/aws/ebs'), ACCOUNT, 'alias: alias/aws/ebs');
    expect(e.problem).toMatch(/alias\/aws\/ namespace AWS reserves/);
  });

  it('needs the permissions boundary and its statements', () => {
    const f = fixture();
    fs.rmSync(f.file(BOUNDARY));
    expect(errorsOf(f).map((e) => e.message)).toEqual([
      expect.stringMatching(
        /account\.yaml:\d+:\d+: the account baseline deploys the permissions boundary, but there is no policies\/permissions-boundary\.yaml/,
      ),
    ]);
    const g = fixture();
    fs.writeFileSync(g.file(BOUNDARY), 'name: TarmacWorkloadBoundary\npath: /tarmac/\ndescription: Caps every workload role and user.\n');
    const [e] = errorsOf(g);
    expect(e.location).toEqual({ file: g.file(BOUNDARY), line: 1 });
    expect(e.problem).toMatch(/has no statements/);
  });

  it("refuses an iam:PermissionsBoundary condition that names another policy than the boundary's own", () => {
    // After a rename, the old ARN would deny creating any role with the boundary roles must now carry.
    const f = fixture().replace(BOUNDARY, 'name: TarmacWorkloadBoundary', 'name: TarmacBoundary');
    const e = onlyErrorAt(f, BOUNDARY, 'iam:PermissionsBoundary: arn:aws:iam::');
    expect(e.problem).toMatch(/policy\/tarmac\/TarmacWorkloadBoundary" is not this boundary's own ARN/);
    expect(e.expected).toBe('arn:aws:iam::${aws:PrincipalAccount}:policy/tarmac/TarmacBoundary');
  });
});

describe("the permissions boundary's IAM names", () => {
  it('are all known in the example', async () => {
    expect(await permissionsBoundaryProblems(loadCatalog(fixture().dir))).toEqual([]);
  });

  it('are checked against the IAM catalog, each problem at its line', async () => {
    const f = fixture()
      .replace(BOUNDARY, '      - iam:DeleteUserPermissionsBoundary', '      - iam:DeleteUserPermissionBoundary')
      .replace(BOUNDARY, '      StringNotEquals:', '      StringNotEqual:');
    const problems = await permissionsBoundaryProblems(loadCatalog(f.dir));
    expect(problems.map((p) => [p.location.file, p.location.line, p.problem])).toEqual([
      [
        f.file(BOUNDARY),
        f.lineOf(BOUNDARY, 'StringNotEqual:'),
        expect.stringMatching(/unknown condition operator StringNotEqual; did you mean StringNotEquals\?/),
      ],
      [
        f.file(BOUNDARY),
        f.lineOf(BOUNDARY, 'iam:DeleteUserPermissionBoundary'),
        expect.stringMatching(/unknown action iam:DeleteUserPermissionBoundary; did you mean iam:DeleteUserPermissionsBoundary\?/),
      ],
    ]);
  });

  it('are not checked when there is no boundary to deploy', async () => {
    const f = fixture();
    fs.rmSync(f.file(BOUNDARY));
    expect(await permissionsBoundaryProblems(loadCatalog(f.dir))).toEqual([]);
  });
});

describe('network.yaml', () => {
  it('refuses a pool CIDR that is not a network address, and a malformed pool id', () => {
    const f = fixture().replace(NETWORK, 'cidr: 10.4.0.0/14', 'cidr: 10.5.0.0/14');
    expect(onlyErrorAt(f, NETWORK, 'cidr: 10.5.0.0/14').problem).toBe('10.5.0.0/14 has host bits set; the network is 10.4.0.0/14');
    const g = fixture().replace(NETWORK, 'id: ipam-pool-0a1b2c3d4e5f60718', 'id: ipam-pool-0a1b2c3d');
    expect(onlyErrorAt(g, NETWORK, 'ipam-pool-0a1b2c3d,').problem).toMatch(/'ipam.pools.eu-west-1.id' has value "ipam-pool-0a1b2c3d"/);
  });

  it('refuses pools that overlap, and one pool for two regions', () => {
    const f = fixture().replace(NETWORK, 'cidr: 10.4.0.0/14', 'cidr: 10.2.0.0/16');
    const e = onlyErrorAt(f, NETWORK, 'cidr: 10.2.0.0/16');
    expect(e.problem).toBe(`pool 10.2.0.0/16 of eu-central-1 overlaps pool 10.0.0.0/14 of eu-west-1 (line ${f.lineOf(NETWORK, 'cidr: 10.0.0.0/14')})`);
    const g = fixture().replace(NETWORK, 'id: ipam-pool-0f1e2d3c4b5a69788', 'id: ipam-pool-0a1b2c3d4e5f60718');
    expect(onlyErrorAt(g, NETWORK, 'eu-central-1: {').problem).toBe('pool ipam-pool-0a1b2c3d4e5f60718 is also the pool of eu-west-1');
  });

  it('refuses a pool for a region org.yaml does not allow', () => {
    const f = fixture().replace(NETWORK, '    eu-central-1:', '    us-east-1:');
    expect(onlyErrorAt(f, NETWORK, 'us-east-1:').problem).toBe('region us-east-1 is not allowed in org.yaml');
  });

  it('refuses a VPC larger than a pool', () => {
    const f = fixture().replace(NETWORK, 'cidr: 10.4.0.0/14', 'cidr: 10.4.0.0/23');
    const e = onlyErrorAt(f, NETWORK, 'netmaskLength: 22');
    expect(e.problem).toBe('a /22 VPC is larger than pool 10.4.0.0/23 of eu-central-1');
    expect(e.expected).toBe('a netmask length of at least 23');
  });

  it('refuses subnets that do not fit the VPC, once for a shared value', () => {
    // 3 AZs x 2 tiers = 6 subnets; a /22 holds 4 of /24.
    const f = fixture().replace(NETWORK, 'subnetNetmaskLength: 25', 'subnetNetmaskLength: 24');
    const e = onlyErrorAt(f, NETWORK, 'subnetNetmaskLength: 24');
    expect(e.problem).toBe('a /22 VPC holds 4 subnets of /24, but 3 AZs × 2 tiers (public, private) need 6');
    expect(e.expected).toMatch(/^a subnet netmask length of at least 25/);
  });

  it("blames a profile's own override, and names the profile", () => {
    const f = fixture().replace(NETWORK, 'sandbox: { natGateways: none }', 'sandbox: { natGateways: none, vpc: { netmaskLength: 26 } }');
    const e = onlyErrorAt(f, NETWORK, 'netmaskLength: 26');
    expect(e.problem).toBe('a /26 VPC holds 0 subnets of /25, but 3 AZs × 2 tiers (public, private) need 6 (profile sandbox)');
    const ok = fixture().replace(
      NETWORK,
      'sandbox: { natGateways: none }',
      'sandbox: { natGateways: none, vpc: { netmaskLength: 24, availabilityZones: 2, subnetNetmaskLength: 26 } }',
    );
    const sandbox = load(ok).network!.get('sandbox')!;
    expect([sandbox.vpcNetmaskLength, sandbox.availabilityZones, sandbox.subnetNetmaskLength]).toEqual([24, 2, 26]);
    expect(load(ok).network!.get('prod')!.vpcNetmaskLength).toBe(22);
  });

  it('refuses what AWS does not allow: AZ counts, netmasks, retention days, endpoint kinds', () => {
    const cases: [string, string, RegExp][] = [
      ['availabilityZones: 3', 'availabilityZones: 7', /must be <= 6/],
      ['netmaskLength: 22', 'netmaskLength: 12', /must be >= 16/],
      ['retentionDays: 365', 'retentionDays: 366', /one of: 1, 3, 5/],
      ['gatewayEndpoints: [s3]', 'gatewayEndpoints: [s3, ssm]', /one of: s3, dynamodb/],
    ];
    for (const [from, to, why] of cases) {
      const f = fixture().replace(NETWORK, from, to);
      expect(onlyErrorAt(f, NETWORK, to.split(',')[0].split(']')[0]).message).toMatch(why);
    }
  });

  it('reports the problems of both files at once', () => {
    const f = fixture().replace(NETWORK, '  prod:', '  prd:').replace(ACCOUNT, '  prod:', '  prd:');
    expect(errorsOf(f).map((e) => e.location.file)).toEqual([f.file(ACCOUNT), f.file(NETWORK)]);
  });
});
