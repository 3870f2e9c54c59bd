import { InputErrors } from '../../errors';
import { loadOrganization } from '../load-org';
import { PoliciesFixture } from './fixture';

const fixtures: PoliciesFixture[] = [];
afterAll(() => fixtures.forEach((f) => f.remove()));

function orgErrors(change: (f: PoliciesFixture) => void): { f: PoliciesFixture; messages: string[] } {
  const f = new PoliciesFixture();
  fixtures.push(f);
  change(f);
  try {
    loadOrganization(f.file('org.yaml'));
  } catch (err) {
    if (err instanceof InputErrors) return { f, messages: err.errors.map((e) => e.message) };
    throw err;
  }
  throw new Error('expected org.yaml to be refused');
}

describe('loadOrganization', () => {
  it('reads the OU tree with paths, parents, account types and inherited regions', () => {
    const f = new PoliciesFixture();
    fixtures.push(f);
    const org = loadOrganization(f.file('org.yaml'));
    expect(org.ous.find((o) => o.path === 'Workloads/Prod')).toMatchObject({ id: 'ou-a1b2-44444444', parentId: 'ou-a1b2-33333333' });
    expect(org.accounts.find((a) => a.name === 'data-dev')).toMatchObject({
      id: '888888888888',
      type: 'dev',
      ouId: 'ou-a1b2-55555555',
      regions: { home: 'eu-west-1', allowed: ['eu-west-1', 'eu-central-1'] },
    });
    expect(org.quotas.SERVICE_CONTROL_POLICY).toEqual({ maxSize: 10240, maxAttached: 10 });
    expect(org.quotas.TAG_POLICY).toEqual({ maxSize: 10000, maxAttached: 10 });
    // FullAWSAccess and RCPFullAWSAccess count everywhere; Control Tower's SCP only where org.yaml says.
    expect(org.alreadyAttached.find((p) => p.name === 'FullAWSAccess')!.targetIds).toHaveLength(1 + org.ous.length + org.accounts.length);
    expect(org.alreadyAttached.find((p) => p.name === 'aws-guardrails-mandatory')!.targetIds).toEqual([
      'ou-a1b2-11111111',
      'ou-a1b2-22222222',
      'ou-a1b2-33333333',
    ]);
  });

  it('refuses OUs nested deeper than AWS allows', () => {
    const deep = (n: number): object => ({ name: `L${n}`, id: `ou-a1b2-9999999${n}`, ...(n < 6 ? { ous: [deep(n + 1)] } : {}) });
    const { messages } = orgErrors((f) => f.edit('org.yaml', (d) => d.setIn(['ous', 4, 'ous'], [deep(2)])));
    expect(messages).toEqual([
      expect.stringMatching(/org\.yaml:\d+:\d+: OU Suspended\/L2\/L3\/L4\/L5\/L6 is nested 6 levels deep \(expected at most 5 levels/),
    ]);
  });

  it('refuses an ID used twice, a widened region list and the management account listed as a member', () => {
    const { f, messages } = orgErrors((f) =>
      f.edit('org.yaml', (d) => {
        d.setIn(['ous', 0, 'accounts', 1, 'id'], '222222222222');
        d.setIn(['ous', 1, 'regions'], { allowed: ['eu-west-1', 'us-east-1'] });
        d.setIn(['accounts'], [{ id: '111111111111', name: 'mgmt-again', type: 'prod' }]);
      }),
    );
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/account ID 222222222222 is already used by log-archive/),
        expect.stringMatching(new RegExp(`${f.file('org.yaml')}:\\d+:\\d+: region us-east-1 is not allowed by the parent`)),
        expect.stringMatching(/management account 111111111111 is also listed as a member account/),
      ]),
    );
  });

  it('refuses unknown keys and malformed IDs at their line', () => {
    const { f, messages } = orgErrors((f) =>
      f.edit('org.yaml', (d) => {
        d.setIn(['ous', 0, 'acounts'], []);
        d.setIn(['ous', 1, 'id'], 'ou-bad');
      }),
    );
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^${f.file('org.yaml')}:${f.lineOf('org.yaml', 'acounts')}:\\d+: unknown key 'acounts'`)),
        expect.stringMatching(/'ous\.1\.id' has value "ou-bad"/),
      ]),
    );
  });

  it('refuses an already-attached policy on a target that does not exist', () => {
    const { messages } = orgErrors((f) => f.edit('org.yaml', (d) => d.setIn(['alreadyAttached', 0, 'targets'], ['ou:Security/Tools'])));
    expect(messages).toEqual([expect.stringMatching(/no OU at path Security\/Tools/)]);
  });
});
