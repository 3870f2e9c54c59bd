/**
 * What `tarmac test` checks of the organization policy cases beyond the decision: the statement that denies
 * (deniedBy) and that every exemption has an Allowed case it decides. Each test edits a copy of policies/.
 */
import { loadCatalog } from '@tarmac/core';
import { PoliciesFixture, policiesFixtures } from '../../../core/src/org/__tests__/fixture';
import { caseFailure, runOrgPolicyTests } from '../org-policy-tests';
import { OrgTest } from '@tarmac/core/org';
import { testExitCode, testReportText } from '../commands/test';

const fixture = policiesFixtures();

async function run(f: PoliciesFixture) {
  const org = (await runOrgPolicyTests(loadCatalog(f.dir), false))!;
  const report = testReportText({ results: [], org, errors: [] });
  return { org, report, code: testExitCode({ results: [], org, errors: [] }) };
}

const REGION_DENY_CONDITION = 'StringNotEquals:\n        aws:RequestedRegion: "{{regions.allowed}}"';
/** The region statement kept (Sid and {{regions.allowed}}), but with a condition added that never holds: it denies nothing. */
const NEUTRALIZED = `${REGION_DENY_CONDITION}\n      StringEquals:\n        aws:RequestedRegion: af-south-1`;

describe('deniedBy in tarmac test', () => {
  it('the default policies pass, every case and every exemption covered', async () => {
    const f = fixture();
    const { org, code } = await run(f);
    expect(org.results.filter((r) => r.failure || r.error)).toEqual([]);
    expect(org.coverage).toEqual([]);
    expect(code).toBe(0);
  });

  it('a case denied by another statement than the one it names fails, saying which statement denied it', async () => {
    // The us-east-1 launch of issue 21, with IMDSv1 allowed again: RequireImdsV2OnLaunch denies it as well.
    const f = fixture()
      .replace('scp/region-restriction.yaml', 'aws:RequestedRegion: us-east-1, ec2:MetadataHttpTokens: required,', 'aws:RequestedRegion: us-east-1,')
      .replace('scp/region-restriction.yaml', REGION_DENY_CONDITION, NEUTRALIZED);
    const { org, report, code } = await run(f);
    const line = f.lineOf('scp/region-restriction.yaml', 'cannot run instances outside the allowed regions');
    const failed = org.results.find((r) => r.test.test.line === line && r.test.control.id === 'LZ.SCP.3')!;
    expect(failed.actual).toBe('Denied');
    expect(failed.failure).toBe('expected Denied by DenyOutsideAllowedRegions, got Denied by RequireImdsV2OnLaunch');
    expect(report).toMatch(
      new RegExp(
        `^FAIL LZ\\.SCP\\.3 .*region-restriction\\.yaml:${line} {2}'a developer in a prod account cannot run instances outside the allowed regions': expected Denied by DenyOutsideAllowedRegions, got Denied by RequireImdsV2OnLaunch \\(SCP "tarmac-scp-root-1" statement Sid "RequireImdsV2OnLaunch"`,
        'm',
      ),
    );
    expect(code).toBe(1);
  });

  it('a case the named statement no longer denies fails as Allowed', async () => {
    const f = fixture().replace('scp/region-restriction.yaml', REGION_DENY_CONDITION, NEUTRALIZED);
    const { org } = await run(f);
    const failures = org.results.filter((r) => r.failure).map((r) => `${r.test.control.id} ${r.test.test.name}: ${r.failure}`);
    expect(failures).toContain(
      'LZ.SCP.3 a developer in a prod account cannot run instances outside the allowed regions: expected Denied by DenyOutsideAllowedRegions, got Allowed',
    );
    expect(failures).toContain(
      'LZ.SCP.3 S3 reads are regional and denied outside the allowed regions: expected Denied by DenyOutsideAllowedRegions, got Allowed',
    );
  });

  it('deniedBy on a case that expects Allowed fails the case', async () => {
    const f = fixture().replace('scp/deny-root-user.yaml', 'expect: Denied\n    deniedBy: DenyRootUser', 'expect: Allowed\n    deniedBy: DenyRootUser');
    const { org } = await run(f);
    const failed = org.results.filter((r) => r.failure);
    expect(failed).toHaveLength(1);
    expect(failed[0].failure).toBe('expected Allowed, got Denied');
  });

  it('deniedBy on a case that is Allowed as expected still fails: it contradicts the expectation', async () => {
    const f = fixture().replace(
      'scp/deny-root-user.yaml',
      'action: s3:ListAllMyBuckets\n    expect: Allowed',
      'action: s3:ListAllMyBuckets\n    expect: Allowed\n    deniedBy: DenyRootUser',
    );
    const { org } = await run(f);
    expect(org.results.filter((r) => r.failure).map((r) => [r.test.test.name, r.failure])).toEqual([
      [
        'an IAM role in the same account is not affected',
        'deniedBy DenyRootUser contradicts expect: Allowed (a case names the statement that denies it only when it expects Denied)',
      ],
    ]);
  });

  it('deleting the statement a case names is a load error at that case', async () => {
    const f = fixture().replace(
      'scp/protect-security-services.yaml',
      '  - Sid: ProtectMacie\n    Effect: Deny\n    Action: [macie2:DisableMacie, macie2:DisassociateFromAdministratorAccount, macie2:DisassociateFromMasterAccount, macie2:UpdateMacieSession]\n    Resource: "*"\n',
      '',
    );
    await expect(runOrgPolicyTests(loadCatalog(f.dir), false)).rejects.toThrow(
      new RegExp(
        `protect-security-services\\.yaml:${f.lineOf('scp/protect-security-services.yaml', 'deniedBy: ProtectMacie')}:\\d+: no Deny statement with Sid ProtectMacie in this file`,
      ),
    );
  });
});

describe('exemption cases in tarmac test', () => {
  it("removing the pipeline role from LZ.SCP.3's exemptions fails the case of that exemption", async () => {
    const f = fixture().replace(
      'scp/region-restriction.yaml',
      'exemptions: [platform, breakGlass, stackSetsExec, reportReader]',
      'exemptions: [breakGlass, stackSetsExec, reportReader]',
    );
    const { org } = await run(f);
    expect(org.results.filter((r) => r.failure).map((r) => [r.test.test.name, r.failure])).toEqual([
      ['the pipeline role can deploy in any region (its exemption)', 'expected Allowed, got Denied'],
    ]);
  });

  it("removing LZ.SCP.11's break-glass exemption fails its case in the Suspended OU", async () => {
    const f = fixture().replace('scp/suspended-deny-all.yaml', 'exemptions: [breakGlass]\n', '');
    const { org } = await run(f);
    const failed = org.results.filter((r) => r.failure);
    expect(failed.map((r) => [r.test.control.id, r.test.test.name])).toEqual([['LZ.SCP.11', 'break-glass can still investigate and clean up (its exemption)']]);
    expect(failed[0].deniedBy).toEqual(['DenyAllInSuspended']);
  });

  it('an exemption case that stays Allowed without the exemption does not count as its case', async () => {
    // A global action: the region statement would not deny it anyway.
    const f = fixture().replace(
      'scp/region-restriction.yaml',
      'principal: role/TarmacPlatformPipeline\n    action: s3:GetObject\n    resource: arn:aws:s3:::some-bucket/key',
      'principal: role/TarmacPlatformPipeline\n    action: iam:ListRoles\n    resource: "*"',
    );
    const { org, report, code } = await run(f);
    expect(org.results.filter((r) => r.failure)).toEqual([]);
    expect(org.coverage.map((g) => [g.control.id, g.missing.map((m) => m.message)])).toEqual([
      [
        'LZ.SCP.3',
        [
          "no case for the exemption exemptions: platform: an Allowed case that this file denies once the exemption is removed ('the pipeline role can deploy in any region (its exemption)' (line " +
            `${f.lineOf('scp/region-restriction.yaml', 'the pipeline role can deploy in any region')}) is still Allowed)`,
        ],
      ],
    ]);
    expect(report).toMatch(/^FAIL LZ\.SCP\.3 .*region-restriction\.yaml: no case for the exemption exemptions: platform: /m);
    expect(report).toMatch(/^\d+ passed, 0 failed \(\d+ organization policy cases, simulated\); 1 organization policy lacks cases \(above\)$/m);
    expect(code).toBe(1);
  });

  it('a statement-level exemption (ArnNotLike written in the statement) is checked the same way', async () => {
    const f = fixture().replace('scp/require-imdsv2.yaml', '    Condition:\n      ArnNotLike:\n        aws:PrincipalArn: "{{roles.platform}}"\n', '');
    const { org } = await run(f);
    expect(org.results.filter((r) => r.failure).map((r) => [r.test.test.name, r.failure])).toEqual([
      ['the platform role can change metadata defaults', 'expected Allowed, got Denied'],
    ]);
  });
});

describe('deniedBy: implicit (allow-list files)', () => {
  const denied = (deniedBy: string) => ({ test: { expect: 'Denied', deniedBy } }) as unknown as OrgTest;

  it('passes only when no statement explicitly denies', () => {
    expect(caseFailure(denied('implicit'), { decision: 'Denied', explanation: 'no SCP at ou-x allows s3:GetObject', deniedBy: [] })).toBeUndefined();
    expect(caseFailure(denied('implicit'), { decision: 'Denied', explanation: '...', deniedBy: ['DenyAll'] })).toBe(
      'expected Denied by no statement (implicitly), got Denied by DenyAll',
    );
  });

  it('a named statement is not satisfied by an implicit denial', () => {
    expect(caseFailure(denied('DenyAll'), { decision: 'Denied', explanation: '...', deniedBy: [] })).toBe(
      'expected Denied by DenyAll, got Denied by no statement (implicitly: a level allows nothing)',
    );
  });
});
