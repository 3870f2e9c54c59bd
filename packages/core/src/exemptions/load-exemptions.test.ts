import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { collectInputErrors } from '../errors';
import { loadCatalog } from '../catalog/load-catalog';
import { loadOrganization } from '../org/load-org';
import { OrgControlRef, loadExemptions } from './load-exemptions';
import { dayOf, exemptionStatus } from './model';

const POLICIES = path.resolve(__dirname, '..', '..', '..', '..', 'policies');
const ORG_CONTROLS: OrgControlRef[] = [
  { id: 'LZ.SCP.1', type: 'SERVICE_CONTROL_POLICY' },
  { id: 'LZ.SCP.5', type: 'SERVICE_CONTROL_POLICY' },
  { id: 'LZ.SCP.6', type: 'SERVICE_CONTROL_POLICY' },
  { id: 'LZ.SCP.10', type: 'SERVICE_CONTROL_POLICY' },
  { id: 'LZ.RCP.1', type: 'RESOURCE_CONTROL_POLICY' },
  { id: 'LZ.DEC.1', type: 'DECLARATIVE_POLICY_EC2' },
  { id: 'LZ.DEC.2', type: 'AISERVICES_OPT_OUT_POLICY' },
  { id: 'LZ.TAG.3', type: 'TAG_POLICY' },
];
/** The injected clock: never the real date. */
const TODAY = dayOf('2026-12-07')!;

/** A copy of the example policies with exemptions.yaml (and optionally other files) replaced. */
function policies(exemptions: string, edit: (dir: string) => void = () => {}): string {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-exemptions-')), 'policies');
  fs.cpSync(POLICIES, dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'exemptions.yaml'), exemptions);
  edit(dir);
  return dir;
}

function load(dir: string, today = TODAY) {
  return loadExemptions(loadCatalog(dir), loadOrganization(path.join(dir, 'org.yaml')), ORG_CONTROLS, today);
}

function errorsOf(dir: string, today = TODAY): string[] {
  try {
    load(dir, today);
  } catch (err) {
    return collectInputErrors(err).map((e) => e.message);
  }
  throw new Error('expected input errors');
}

const one = (fields: string) => `exemptions:\n  - id: EX-0009\n    reason: A reason long enough to review.\n    owner: team@example.com\n${fields}`;

describe('loadExemptions', () => {
  test("the example's exemptions: names resolved to IDs, scope and expiry kept", () => {
    const [guard, scp] = loadExemptions(loadCatalog(POLICIES), loadOrganization(path.join(POLICIES, 'org.yaml')), ORG_CONTROLS, TODAY);
    expect(guard).toMatchObject({
      id: 'EX-0001',
      controls: ['LZ.S3.2'],
      accountIds: ['666666666666'],
      stacks: ['legacy-ingest-*'],
      resources: ['RawBucket'],
      ticket: 'SEC-1234',
    });
    expect(guard.expires.toISOString()).toBe('2027-03-31T00:00:00.000Z');
    expect(scp).toMatchObject({ id: 'EX-0002', controls: ['LZ.SCP.6'], accountIds: ['888888888888'], stacks: [], resources: [] });
  });

  test('OUs by path or ID; accounts by name or ID', () => {
    const dir = policies(one('    controls: [LZ.S3.2]\n    scope: { ous: [Workloads/Prod], accounts: ["888888888888", data-dev] }\n    expires: 2027-01-31\n'));
    const [ex] = load(dir);
    expect(ex.accountIds).toEqual(['888888888888']);
    expect(ex.ouIds).toEqual([loadOrganization(path.join(dir, 'org.yaml')).ous.find((o) => o.path === 'Workloads/Prod')!.id]);
  });

  test('unknown controls, accounts and OUs are errors at their line, with the closest match', () => {
    const dir = policies(one('    controls: [LZ.S3.22, LZ.SCP.66]\n    scope: { accounts: [data-prd], ous: [Workloads/Prd] }\n    expires: 2027-01-31\n'));
    expect(errorsOf(dir)).toEqual([
      expect.stringMatching(/exemptions\.yaml:5:16: unknown control LZ\.S3\.22; did you mean LZ\.S3\.2\?/),
      expect.stringMatching(/exemptions\.yaml:5:26: unknown control LZ\.SCP\.66; did you mean LZ\.SCP\.6\?/),
      expect.stringMatching(/exemptions\.yaml:6:25: unknown account data-prd; did you mean data-prod\?/),
      expect.stringMatching(/exemptions\.yaml:6:42: unknown OU Workloads\/Prd; did you mean Workloads\/Prod\?/),
    ]);
  });

  test('a control marked exemptible: false cannot be exempted', () => {
    const dir = policies(one('    controls: [LZ.S3.2]\n    scope: { accounts: [data-prod] }\n    expires: 2027-01-31\n'), (d) =>
      fs.appendFileSync(path.join(d, 'controls', 's3', 'bucket-kms-encryption.yaml'), 'exemptible: false\n'),
    );
    expect(errorsOf(dir)).toEqual([expect.stringMatching(/exemptions\.yaml:5:16: control LZ\.S3\.2 cannot be exempted \(exemptible: false in its metadata\)/)]);
  });

  test('an alias names its control: a retired ID is known, and the policy enforcing a control marked exemptible: false cannot be exempted', () => {
    const retired = policies(one('    controls: [LZ.S3.99]\n    scope: { accounts: [data-prod] }\n    expires: 2027-01-31\n'), (d) =>
      fs.appendFileSync(path.join(d, 'controls', 's3', 'bucket-kms-encryption.yaml'), 'aliases: [LZ.S3.99]\n'),
    );
    expect(load(retired).map((e) => e.controls)).toEqual([['LZ.S3.99']]);
    const locked = policies(one('    controls: [LZ.SCP.5]\n    scope: { accounts: [data-prod] }\n    expires: 2027-01-31\n'), (d) =>
      fs.appendFileSync(path.join(d, 'controls', 'ec2', 'launch-template-imdsv2.yaml'), 'exemptible: false\n'),
    );
    expect(errorsOf(locked)).toEqual([expect.stringMatching(/control LZ\.SCP\.5 cannot be exempted \(exemptible: false in its metadata\)/)]);
  });

  test("an expiry further out than org.yaml allows is refused; the organization's own limit counts", () => {
    const far = policies(one('    controls: [LZ.S3.2]\n    scope: { accounts: [data-prod] }\n    expires: 2027-06-06\n'));
    expect(errorsOf(far)).toEqual([
      expect.stringMatching(/expires 2027-06-06, 181 days from today \(expected at most 180 days out \(exemptionPolicy\.maxDays in org\.yaml\)/),
    ]);
    expect(load(far, dayOf('2026-12-08')!)).toHaveLength(1); // a day later it is within 180
    const strict = policies(one('    controls: [LZ.S3.2]\n    scope: { accounts: [data-prod] }\n    expires: 2027-01-31\n'), (d) =>
      fs.appendFileSync(path.join(d, 'org.yaml'), 'exemptionPolicy: { maxDays: 30 }\n'),
    );
    expect(errorsOf(strict)).toEqual([expect.stringMatching(/at most 30 days out/)]);
  });

  test.each([
    ['a day that does not exist', '    controls: [LZ.S3.2]\n    scope: { accounts: [data-prod] }\n    expires: 2027-02-30\n', /2027-02-30 is not a date/],
    ['a scope without accounts or OUs', '    controls: [LZ.S3.2]\n    scope: { stacks: [app] }\n    expires: 2027-01-31\n', /scope/],
    ['an unknown key', '    controls: [LZ.S3.2]\n    scope: { accounts: [data-prod] }\n    expires: 2027-01-31\n    approved: yes\n', /approved/],
    ['no expiry', '    controls: [LZ.S3.2]\n    scope: { accounts: [data-prod] }\n', /expires/],
  ])('%s is an error naming the file', (_name, fields, pattern) => {
    const errors = errorsOf(policies(one(fields)));
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.join('\n')).toMatch(pattern);
    expect(errors.every((e) => e.includes('exemptions.yaml:'))).toBe(true);
  });

  test('an exemption ID used twice is an error at the second', () => {
    const entry =
      '  - id: EX-0001\n    controls: [LZ.S3.2]\n    scope: { accounts: [data-prod] }\n    reason: A reason long enough to review.\n    owner: team@example.com\n    expires: 2027-01-31\n';
    expect(errorsOf(policies(`exemptions:\n${entry}${entry}`))).toEqual([
      expect.stringMatching(/exemptions\.yaml:8:\d+: exemption ID EX-0001 is already used at line 2/),
    ]);
  });

  test('an SCP or RCP control cannot be exempted for stacks or resources: refused at the scope line', () => {
    const dir = policies(
      one(
        '    controls: [LZ.S3.2, LZ.SCP.6]\n    scope:\n      accounts: [data-dev]\n      stacks: ["etl-*"]\n      resources: [Db]\n    expires: 2027-01-31\n',
      ) +
        '  - id: EX-0010\n    reason: A reason long enough to review.\n    owner: team@example.com\n    controls: [LZ.RCP.1]\n    scope: { accounts: [data-prod], resources: [Bucket] }\n    expires: 2027-01-31\n',
    );
    expect(errorsOf(dir)).toEqual([
      expect.stringMatching(
        /exemptions\.yaml:8:\d+: LZ\.SCP\.6 is an SCP, which cannot tell stacks or logical IDs apart: its exemption carves out whole accounts/,
      ),
      expect.stringMatching(/exemptions\.yaml:9:\d+: LZ\.SCP\.6 is an SCP, .*\(expected a separate exemption of LZ\.SCP\.6 scoped to accounts or OUs only/),
      expect.stringMatching(/exemptions\.yaml:15:\d+: LZ\.RCP\.1 is an RCP, which cannot tell stacks or logical IDs apart/),
    ]);
  });

  test.each(['LZ.DEC.1', 'LZ.DEC.2', 'LZ.TAG.3'])(
    'a declarative-type control (%s) cannot be exempted: refused at its line, saying what to do instead',
    (id) => {
      const dir = policies(one(`    controls: [LZ.SCP.6, ${id}]\n    scope: { accounts: [data-dev] }\n    expires: 2027-01-31\n`));
      expect(errorsOf(dir)).toEqual([
        expect.stringMatching(
          new RegExp(
            `exemptions\\.yaml:5:\\d+: declarative policies have no account-level exceptions in AWS: ${id.replace(/\./g, '\\.')} is a \\w+, .*move the account to an OU where the policy is not attached`,
          ),
        ),
      ]);
    },
  );

  test('no exemptions.yaml: none', () => {
    const dir = policies('', (d) => fs.rmSync(path.join(d, 'exemptions.yaml')));
    expect(load(dir)).toEqual([]);
  });
});

describe('exemptionStatus', () => {
  const policy = { maxDays: 180, expiringWithinDays: 14 };
  test.each([
    ['2027-03-31', '2026-12-07', 'active'],
    ['2026-12-22', '2026-12-07', 'active'],
    ['2026-12-21', '2026-12-07', 'expiring'],
    ['2026-12-07', '2026-12-07', 'expiring'],
    ['2026-12-06', '2026-12-07', 'expired'],
  ])('expiring %s, seen on %s: %s', (expires, today, status) => {
    expect(exemptionStatus({ expires: dayOf(expires)! }, dayOf(today)!, policy)).toBe(status);
  });

  test('in force through its whole expiry day, whatever the hour', () => {
    expect(exemptionStatus({ expires: dayOf('2026-12-07')! }, new Date('2026-12-07T23:59:59Z'), policy)).toBe('expiring');
    expect(exemptionStatus({ expires: dayOf('2026-12-07')! }, new Date('2026-12-08T00:00:00Z'), policy)).toBe('expired');
  });
});
