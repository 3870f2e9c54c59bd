import { loadCatalog } from '../catalog/load-catalog';
import { loadExemptions } from '../exemptions/load-exemptions';
import { dayOf } from '../exemptions/model';
import { configRulesFor } from '../stacksets/compile-stacksets';
import { POLICIES, PoliciesFixture } from './__tests__/fixture';
import { exemptionsRecord } from './exemptions-record';
import { loadOrgPolicies } from './load-org-policies';

async function recordOn(dir: string, day: string): Promise<{ exemptions: Record<string, unknown>[] }> {
  const today = dayOf(day)!;
  const catalog = loadCatalog(dir);
  const set = (await loadOrgPolicies(catalog))!;
  return JSON.parse(exemptionsRecord(loadExemptions(catalog, set.organization, set.controls, today), set.organization, catalog, today));
}

describe('org/exemptions.json', () => {
  it('records each exemption in force with its expanded accounts and the Config rule of each Guard control', async () => {
    const catalog = loadCatalog(POLICIES);
    const s3Rule = configRulesFor(catalog, catalog.profiles.get('prod')!).find((r) => r.controls.includes('LZ.S3.2'))!.name;
    expect(await recordOn(POLICIES, '2027-01-10')).toEqual({
      exemptions: [
        {
          id: 'EX-0001',
          controls: ['LZ.S3.2'],
          accounts: ['666666666666'],
          stacks: ['legacy-ingest-*'],
          resources: ['RawBucket'],
          expires: '2027-03-31',
          reason: expect.stringContaining('SSE-S3'),
          owner: 'data-platform@example.com',
          ticket: 'SEC-1234',
          configRules: { 'LZ.S3.2': [s3Rule] },
        },
        {
          id: 'EX-0002',
          controls: ['LZ.SCP.6'],
          accounts: ['888888888888'],
          stacks: [],
          resources: [],
          expires: '2027-01-15',
          reason: expect.any(String),
          owner: 'data-platform@example.com',
          ticket: 'SEC-1301',
          configRules: {},
        },
      ],
    });
    expect(s3Rule).toBe('tarmac-s3-default-encryption-kms');
  });

  it('leaves out an expired exemption, and expands OUs', async () => {
    const f = new PoliciesFixture();
    try {
      f.replace('exemptions.yaml', 'accounts: [data-prod]', 'ous: [Workloads/Prod]');
      const record = await recordOn(f.dir, '2027-01-16');
      expect(record.exemptions.map((e) => e.id)).toEqual(['EX-0001']);
      expect(record.exemptions[0].accounts).toEqual(['666666666666', '777777777777']);
    } finally {
      f.remove();
    }
  });
});
