import * as path from 'path';
import { loadCatalog } from '../catalog/load-catalog';
import { loadExemptionSet } from '../exemptions/exemption-set';
import { loadOrganization } from '../org/load-org';
import { targetAccounts } from './load-stacksets';
import { loadDeployment } from './load-deployment';
import { StackSetsBuild } from './model';
import { expiredCarried, readBundleExemptions } from './bundle-exemptions';
import { readZipEntries } from './rule-bundle';

// The example organization (policies/, hooks/, stacksets/): EX-0001 exempts LZ.S3.2 in data-prod until 2027-03-31.
const POLICIES = path.resolve(__dirname, '..', '..', '..', '..', 'policies');
const catalog = loadCatalog(POLICIES);
const org = loadOrganization(path.join(POLICIES, 'org.yaml'));
const dataProd = org.accounts.find((a) => a.name === 'data-prod')!.id;
const day = (text: string) => new Date(`${text}T00:00:00Z`);
const set = loadExemptionSet(catalog, day('2027-01-10'))!;
const build = (today?: Date) => loadDeployment(catalog, org, today && { exemptions: set.exemptions, today })!;
const holding = (b: StackSetsBuild) => b.units.find((u) => u.enforced && targetAccounts(org, u.target).some((a) => a.id === dataProd))!;
const without = (b: StackSetsBuild) => b.units.filter((u) => u.enforced && !targetAccounts(org, u.target).some((a) => a.id === dataProd));

test('on 2027-01-10 the bundle of the target holding data-prod carries EX-0001 in LZ.S3.2 only; other targets carry nothing', () => {
  const exempt = build(day('2027-01-10'));
  const plain = build();
  const unit = holding(exempt);
  expect(unit.enforced!.controls).toContain('LZ.S3.2');
  expect(unit.enforced!.exemptions).toEqual([{ control: 'LZ.S3.2', id: 'EX-0001', expires: '2027-03-31' }]);
  expect(readBundleExemptions(readZipEntries(unit.enforced!.bytes))).toEqual([{ control: 'LZ.S3.2', id: 'EX-0001', expires: '2027-03-31' }]);
  const entries = readZipEntries(unit.enforced!.bytes);
  expect(entries.get('LZ.S3.2.guard')!.toString()).toContain(`HookContext.AWSAccountID not in ['${dataProd}']`);
  // Only that file changed: every other control's text is the catalog's.
  for (const [name, data] of entries) if (name !== 'LZ.S3.2.guard') expect(data.toString()).toBe(catalog.controls.find((c) => `${c.id}.guard` === name)!.guard);
  const plainUnit = holding(plain);
  expect(unit.enforced!.key).not.toBe(plainUnit.enforced!.key);
  expect(plainUnit.enforced!.exemptions).toBeUndefined();
  expect(exempt.bundles.map((b) => b.key)).toContain(unit.enforced!.key);
  expect(without(exempt).length).toBeGreaterThan(0);
  for (const u of without(exempt)) {
    expect(u.enforced!.exemptions).toBeUndefined();
    expect(u.enforced!.key).toBe(without(plain).find((p) => p.name === u.name)!.enforced!.key);
  }
});

test('on 2027-04-01 (EX-0001 expired on 2027-03-31) every bundle is the exemption-free one', () => {
  const later = build(day('2027-04-01'));
  const plain = build();
  expect(later.bundles.map((b) => b.key)).toEqual(plain.bundles.map((b) => b.key));
  expect(later.bundles.every((b) => b.exemptions === undefined)).toBe(true);
  // The last day still carries it: expiry is inclusive.
  expect(holding(build(day('2027-03-31'))).enforced!.exemptions).toHaveLength(1);
});

test('expiredCarried names what a bundle still carries after its last day', () => {
  const carried = [{ control: 'LZ.S3.2', id: 'EX-0001', expires: '2027-03-31' }];
  expect(expiredCarried(carried, day('2027-03-31'))).toEqual([]);
  expect(expiredCarried(carried, day('2027-04-01'))).toEqual(carried);
});
