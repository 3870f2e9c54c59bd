import { loadCatalog } from '../../catalog/load-catalog';
import { loadOrgPolicies } from '../load-org-policies';
import { policiesFixtures } from './fixture';

const fixture = policiesFixtures();

const IMDS_CONTROL = 'controls/ec2/launch-template-imdsv2.yaml';

describe("an organization policy's control: and its control's aliases agree", () => {
  it('the default set links IMDSv2 and the tag controls both ways, and keeps the deployed policy IDs', async () => {
    const f = fixture();
    const set = (await loadOrgPolicies(loadCatalog(f.dir)))!;
    const links = Object.fromEntries(set.controls.filter((c) => c.control).map((c) => [c.id, c.control]));
    expect(links).toEqual({ 'LZ.SCP.5': 'LZ.EC2.2', 'LZ.SCP.9': 'LZ.TAG.1', 'LZ.TAG.3': 'LZ.TAG.2' });
    expect(set.controls.find((c) => c.id === 'LZ.DEC.1')).toMatchObject({ related: ['LZ.EC2.2'] });
    expect(set.controls.find((c) => c.id === 'LZ.DEC.1')!.control).toBeUndefined();
  });

  it('refuses a control: whose control does not list the policy back, at the control: line', async () => {
    const f = fixture().edit('scp/deny-unencrypted-storage.yaml', (d) => d.set('control', 'LZ.RDS.1'));
    const errors = await f.errors();
    expect(errors).toHaveLength(1);
    expect(errors[0].location).toMatchObject({
      file: f.file('scp/deny-unencrypted-storage.yaml'),
      line: f.lineOf('scp/deny-unencrypted-storage.yaml', 'control:'),
    });
    expect(errors[0].problem).toBe('control LZ.RDS.1 does not list LZ.SCP.6 in its aliases');
  });

  it('refuses a control: naming an unknown control or an alias', async () => {
    const f = fixture()
      .edit('scp/deny-unencrypted-storage.yaml', (d) => d.set('control', 'LZ.RDS.99'))
      .edit('scp/deny-root-user.yaml', (d) => d.set('control', 'LZ.SCP.5'));
    const messages = (await f.errors()).map((e) => e.message);
    expect(messages).toEqual([
      expect.stringMatching(/deny-root-user\.yaml:\d+:\d+: LZ\.SCP\.5 is an alias of LZ\.EC2\.2 \(expected LZ\.EC2\.2\)/),
      expect.stringMatching(/deny-unencrypted-storage\.yaml:\d+:\d+: unknown control LZ\.RDS\.99/),
    ]);
  });

  it("refuses an alias naming an organization policy that does not say control: back, at the alias's line", async () => {
    const f = fixture().edit('scp/require-imdsv2.yaml', (d) => d.delete('control'));
    const errors = await f.errors();
    expect(errors).toHaveLength(1);
    expect(errors[0].location).toMatchObject({ file: f.file(IMDS_CONTROL), line: f.lineOf(IMDS_CONTROL, 'aliases:') });
    expect(errors[0].problem).toMatch(
      /^alias LZ\.SCP\.5 of LZ\.EC2\.2 is the organization policy in .*require-imdsv2\.yaml, which does not name LZ\.EC2\.2 as its control$/,
    );
  });

  it('refuses a policy that names one control while another lists it as an alias', async () => {
    const f = fixture().edit('scp/require-imdsv2.yaml', (d) => d.set('control', 'LZ.EC2.1'));
    const messages = (await f.errors()).map((e) => e.message);
    expect(messages).toEqual([
      expect.stringMatching(/require-imdsv2\.yaml:\d+:\d+: control LZ\.EC2\.1 does not list LZ\.SCP\.5 in its aliases/),
      expect.stringMatching(/launch-template-imdsv2\.yaml:2:\d+: alias LZ\.SCP\.5 of LZ\.EC2\.2 is the organization policy/),
    ]);
  });
});
