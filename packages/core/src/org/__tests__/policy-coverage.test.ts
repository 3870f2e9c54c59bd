import { loadCatalog } from '../../catalog/load-catalog';
import { InputError } from '../../errors';
import { loadOrgPolicies } from '../load-org-policies';
import { OrgControl, OrgPolicySet } from '../model';
import { casesOfExemption, deniedByChoices, denySids, policyExemptions, staticCoverageGaps } from '../policy-coverage';
import { NEW_ACCOUNT_ID, orgTests } from '../policy-tests';
import { buildOrgPolicies } from '../build-org';
import { POLICIES, PoliciesFixture, policiesFixtures } from './fixture';

const fixture = policiesFixtures();

async function load(dir: string): Promise<OrgPolicySet> {
  const set = await loadOrgPolicies(loadCatalog(dir));
  if (!set) throw new Error('no org.yaml');
  return set;
}

async function loadErrors(f: PoliciesFixture): Promise<InputError[]> {
  try {
    await load(f.dir);
  } catch (err) {
    return [...((err as { errors?: InputError[] }).errors ?? [err as InputError])];
  }
  throw new Error('expected loading to fail');
}

const control = (set: OrgPolicySet, id: string): OrgControl => set.controls.find((c) => c.id === id)!;
const messages = (c: OrgControl, set: OrgPolicySet) => staticCoverageGaps(c, set.organization).map((g) => g.message);

describe('deniedBy at load', () => {
  it('a Sid that is no Deny statement of the file is an error at the case line, with the closest Sid', async () => {
    const f = fixture().replace('scp/region-restriction.yaml', 'deniedBy: DenyOutsideAllowedRegions', 'deniedBy: DenyOutsideAllowedRegion');
    const errors = await loadErrors(f);
    expect(errors).toHaveLength(1);
    expect(errors[0].location).toMatchObject({
      file: f.file('scp/region-restriction.yaml'),
      line: f.lineOf('scp/region-restriction.yaml', 'deniedBy: DenyOutsideAllowedRegion'),
    });
    expect(errors[0].message).toMatch(/no Deny statement with Sid DenyOutsideAllowedRegion in this file; did you mean DenyOutsideAllowedRegions\?/);
  });

  it("another policy's Sid is not accepted: the case must name a statement of its own file", async () => {
    const f = fixture().replace('scp/region-restriction.yaml', 'deniedBy: DenyOutsideAllowedRegions', 'deniedBy: RequireImdsV2OnLaunch');
    const [error] = await loadErrors(f);
    expect(error.message).toMatch(
      /region-restriction\.yaml:\d+:\d+: no Deny statement with Sid RequireImdsV2OnLaunch in this file \(expected one of DenyOutsideAllowedRegions\)/,
    );
  });

  it('a statement repeated per mandatory tag is named by its expanded Sid', async () => {
    const set = await load(POLICIES);
    expect(denySids(control(set, 'LZ.SCP.9'), loadCatalog(POLICIES).tags)).toEqual([
      'DenyCreateWithoutTagTeam',
      'DenyCreateWithoutTagProject',
      'DenyCreateWithoutTagEnv',
      'DenyCreateWithoutTagDomain',
      'DenyCreateWithoutTagCostCenter',
    ]);
    const f = fixture().replace('scp/mandatory-tags-on-create.yaml', 'deniedBy: DenyCreateWithoutTagTeam', 'deniedBy: DenyCreateWithoutTag{{tag.Name}}');
    // Not a Sid at all: the schema refuses it at its line.
    const [error] = await loadErrors(f);
    expect(error.location.line).toBe(f.lineOf('scp/mandatory-tags-on-create.yaml', 'deniedBy: DenyCreateWithoutTag{{'));
  });

  it('`implicit` is a choice only in a file with Allow statements (an allow-list)', () => {
    const statement = (Sid: string, Effect: 'Allow' | 'Deny') => ({ statement: { Sid, Effect, Action: 's3:*', Resource: '*' }, index: 0 });
    expect(deniedByChoices({ id: 'X.1', statements: [statement('DenyA', 'Deny')] }, [])).toEqual(['DenyA']);
    expect(deniedByChoices({ id: 'X.1', statements: [statement('AllowS3', 'Allow'), statement('DenyA', 'Deny')] }, [])).toEqual(['DenyA', 'implicit']);
  });

  it('an unknown OU in a case is an error at its line', async () => {
    const f = fixture().replace('scp/suspended-deny-all.yaml', 'ou: Suspended', 'ou: Suspendd');
    const [error] = await loadErrors(f);
    expect(error.location.line).toBe(f.lineOf('scp/suspended-deny-all.yaml', 'ou: Suspendd'));
    expect(error.message).toMatch(/no OU at path Suspendd; did you mean Suspended\?/);
  });
});

describe('coverage of the default policies', () => {
  it('every SCP and RCP has an Allowed case, a Denied case with deniedBy, and a case per exemption', async () => {
    const set = await load(POLICIES);
    for (const c of set.controls) expect({ id: c.id, gaps: messages(c, set) }).toEqual({ id: c.id, gaps: [] });
  });

  it('exemptions are the exemptions: role keys and the aws:PrincipalArn values written into Deny statements', async () => {
    const set = await load(POLICIES);
    expect(policyExemptions(control(set, 'LZ.SCP.3'), set.organization).map((e) => [e.label, e.patterns])).toEqual([
      ['exemptions: platform', ['arn:aws:iam::*:role/TarmacPlatformPipeline']],
      ['exemptions: breakGlass', ['arn:aws:iam::*:role/TarmacBreakGlass']],
      ['exemptions: stackSetsExec', ['arn:aws:iam::*:role/stacksets-exec-*']],
      ['exemptions: reportReader', ['arn:aws:iam::*:role/tarmac/TarmacReportReader']],
    ]);
    const imds = control(set, 'LZ.SCP.5');
    const [written] = policyExemptions(imds, set.organization);
    expect(written.label).toBe('DenyImdsSettingChanges ArnNotLike {{roles.platform}}');
    // Taking it out leaves the statement without the condition.
    expect(written.without.statements.find((s) => s.statement.Sid === 'DenyImdsSettingChanges')!.statement.Condition).toBeUndefined();
    expect(casesOfExemption(imds, set.organization, written).map((t) => t.name)).toEqual(['the platform role can change metadata defaults']);
  });
});

describe('coverage gaps', () => {
  it('a policy without cases lacks an Allowed, a Denied and an exemption case', async () => {
    const f = fixture().edit('scp/suspended-deny-all.yaml', (doc) => {
      doc.delete('tests');
    });
    const set = await load(f.dir);
    expect(messages(control(set, 'LZ.SCP.11'), set)).toEqual([
      'no Allowed case',
      'no Denied case',
      'no case for the exemption exemptions: breakGlass: an Allowed case from arn:aws:iam::*:role/TarmacBreakGlass',
    ]);
  });

  it('a Denied case without deniedBy is reported at its line, even in a one-statement file', async () => {
    const f = fixture().replace('scp/deny-root-user.yaml', '    deniedBy: DenyRootUser\n', '');
    const set = await load(f.dir);
    const gaps = staticCoverageGaps(control(set, 'LZ.SCP.4'), set.organization);
    expect(gaps).toEqual([
      {
        line: f.lineOf('scp/deny-root-user.yaml', 'the root user of a prod account cannot list buckets'),
        message:
          "'the root user of a prod account cannot list buckets' expects Denied without deniedBy: name the Sid of this file's statement that must deny it",
      },
    ]);
  });

  it('an exemption whose principal has no Allowed case is reported', async () => {
    const f = fixture().replace('scp/mandatory-tags-on-create.yaml', 'principal: role/TarmacPlatformPipeline', 'principal: role/Developer');
    const set = await load(f.dir);
    expect(messages(control(set, 'LZ.SCP.9'), set)).toEqual([
      'no case for the exemption exemptions: platform: an Allowed case from arn:aws:iam::*:role/TarmacPlatformPipeline',
    ]);
  });
});

describe('a case in an OU (ou:)', () => {
  it('comes from a new account in the OU, under its chain and FullAWSAccess', async () => {
    const catalog = loadCatalog(POLICIES);
    const set = await load(POLICIES);
    const build = buildOrgPolicies(set, catalog);
    const [t] = orgTests(build, [control(set, 'LZ.SCP.11')]);
    expect(t.request.principalArn).toBe(`arn:aws:iam::${NEW_ACCOUNT_ID}:role/Developer`);
    const ouId = set.organization.ous.find((o) => o.path === 'Suspended')!.id;
    expect(t.request.scpLevels.map((l) => l.targetId)).toEqual([set.organization.rootId, ouId, NEW_ACCOUNT_ID]);
    expect(t.request.scpLevels[2].policies.map((p) => p.name)).toEqual(['FullAWSAccess']);
    expect(t.request.scpLevels[1].policies.map((p) => p.name)).toContain('tarmac-scp-ou-suspended-1');
    expect(t.request.context['aws:RequestedRegion']).toBe('eu-west-1');
  });
});
