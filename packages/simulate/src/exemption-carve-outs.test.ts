// Exemptions carved out of SCPs and RCPs, proven on both sides: the repository's policies/ (and a copy with a
// synthetic RCP exemption) are built for an injected day, and each request runs through the simulator exactly as
// `tarmac test` runs a YAML test case (orgTests builds the request from the built policies' chains).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { dayOf, loadCatalog, loadExemptions } from '@tarmac/core';
import { OrgBuild, OrgControl, PolicyTestCase, buildOrgPolicies, loadOrgPolicies, orgTests } from '@tarmac/core/org';
import { simulateOrgRequest } from './index';

const POLICIES = path.resolve(__dirname, '..', '..', '..', 'policies');
/** EX-0002 exempts data-dev from LZ.SCP.6 through 2027-01-15: one day it is in force, one day after it expired. */
const IN_FORCE = dayOf('2027-01-10')!;
const EXPIRED = dayOf('2027-01-16')!;

interface Built {
  build: OrgBuild;
  controls: readonly OrgControl[];
}

async function buildFor(dir: string, today: Date): Promise<Built> {
  const catalog = loadCatalog(dir);
  const set = (await loadOrgPolicies(catalog))!;
  const exemptions = loadExemptions(catalog, set.organization, set.controls, today);
  return { build: buildOrgPolicies(set, catalog, { exemptions, today }), controls: set.controls };
}

/** The decision for one test case of a control, as `tarmac test` would reach it against this build. */
async function decide(
  built: Built,
  controlId: string,
  test: Omit<PolicyTestCase, 'name' | 'line' | 'expect' | 'context' | 'resource'> & Partial<PolicyTestCase>,
) {
  const control = built.controls.find((c) => c.id === controlId)!;
  const [t] = orgTests(built.build, [{ ...control, tests: [{ name: 'case', line: 1, expect: 'Denied', resource: '*', context: {}, ...test }] }]);
  return (await simulateOrgRequest(t.request)).decision;
}

/** An unencrypted Aurora cluster created by a developer, with every mandatory tag so that no other SCP refuses it. */
const aurora = (account: string, accountId: string, env: string, encrypted = 'false') => ({
  account,
  principal: 'role/Developer',
  action: 'rds:CreateDBCluster',
  resource: `arn:aws:rds:eu-west-1:${accountId}:cluster:orders`,
  context: {
    'rds:StorageEncrypted': encrypted,
    'aws:RequestTag/team': 'data',
    'aws:RequestTag/project': 'lake',
    'aws:RequestTag/env': env,
    'aws:RequestTag/domain': 'raw',
    'aws:RequestTag/cost-center': 'cc-42',
  },
});

describe('SCP carve-out (EX-0002: LZ.SCP.6 for data-dev until 2027-01-15)', () => {
  let inForce: Built;
  let expired: Built;
  beforeAll(async () => {
    inForce = await buildFor(POLICIES, IN_FORCE);
    expired = await buildFor(POLICIES, EXPIRED);
  });

  it('in force: an unencrypted Aurora cluster is still refused in ml-prod and data-prod', async () => {
    expect(await decide(inForce, 'LZ.SCP.6', aurora('ml-prod', '777777777777', 'prod'))).toBe('Denied');
    expect(await decide(inForce, 'LZ.SCP.6', aurora('data-prod', '666666666666', 'prod'))).toBe('Denied');
  });

  it('in force: it is allowed in data-dev, the exempted account', async () => {
    expect(await decide(inForce, 'LZ.SCP.6', aurora('data-dev', '888888888888', 'dev'))).toBe('Allowed');
  });

  it('expired: it is refused in data-dev too', async () => {
    expect(await decide(expired, 'LZ.SCP.6', aurora('data-dev', '888888888888', 'dev'))).toBe('Denied');
  });

  it('the refusal is the encryption control: encrypted, the same request is allowed in data-dev on either day', async () => {
    expect(await decide(expired, 'LZ.SCP.6', aurora('data-dev', '888888888888', 'dev', 'true'))).toBe('Allowed');
    expect(await decide(inForce, 'LZ.SCP.6', aurora('data-dev', '888888888888', 'dev', 'true'))).toBe('Allowed');
  });
});

describe('RCP carve-out (a synthetic exemption of LZ.RCP.1 for data-prod)', () => {
  let dir: string;
  let inForce: Built;
  let expired: Built;
  beforeAll(async () => {
    dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-carve-out-')), 'policies');
    fs.cpSync(POLICIES, dir, { recursive: true });
    fs.appendFileSync(
      path.join(dir, 'exemptions.yaml'),
      [
        '  - id: EX-0099',
        '    controls: [LZ.RCP.1]',
        '    scope: { accounts: [data-prod] }',
        '    reason: A partner reads the curated bucket directly until its replica is set up.',
        '    owner: data-platform@example.com',
        '    expires: 2027-01-15',
        '',
      ].join('\n'),
    );
    inForce = await buildFor(dir, IN_FORCE);
    expired = await buildFor(dir, EXPIRED);
  });
  afterAll(() => fs.rmSync(path.dirname(dir), { recursive: true, force: true }));

  const partnerReads = (resourceAccount: string, resource: string) => ({
    principal: 'arn:aws:iam::123456789012:role/Partner',
    action: 's3:GetObject',
    resource,
    resourceAccount,
    context: { 'aws:PrincipalOrgID': 'o-zzzzzzzzzz' },
  });

  it('in force: a principal of another organization may read a bucket in data-prod (the resource account is carved out)', async () => {
    // The caller's account is the partner's: a carve-out on aws:PrincipalAccount would still refuse this.
    expect(await decide(inForce, 'LZ.RCP.1', partnerReads('data-prod', 'arn:aws:s3:::data-lake-curated/orders.parquet'))).toBe('Allowed');
  });

  it('in force: the same principal is still refused on a bucket of any other account', async () => {
    expect(await decide(inForce, 'LZ.RCP.1', partnerReads('data-dev', 'arn:aws:s3:::data-dev-scratch/orders.parquet'))).toBe('Denied');
    expect(await decide(inForce, 'LZ.RCP.1', partnerReads('log-archive', 'arn:aws:s3:::org-trail-logs/x.json.gz'))).toBe('Denied');
  });

  it('expired: it is refused in data-prod too', async () => {
    expect(await decide(expired, 'LZ.RCP.1', partnerReads('data-prod', 'arn:aws:s3:::data-lake-curated/orders.parquet'))).toBe('Denied');
  });

  it('every Deny of the control keeps applying outside the carve-out: a service acting for another organization is refused on log-archive', async () => {
    expect(
      await decide(inForce, 'LZ.RCP.1', {
        principal: 'cloudtrail.amazonaws.com',
        action: 's3:PutObject',
        resource: 'arn:aws:s3:::data-lake-curated/AWSLogs/210987654321/f.json.gz',
        resourceAccount: 'log-archive',
        context: { 'aws:SourceOrgID': 'o-otherorg123', 'aws:SourceAccount': '210987654321' },
      }),
    ).toBe('Denied');
  });
});
