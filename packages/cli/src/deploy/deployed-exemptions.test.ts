import { GetObjectCommand } from '@aws-sdk/client-s3';
import { Control } from '@tarmac/core';
import { buildRuleBundle } from '@tarmac/core/org';
import { statusCommand } from '../commands/status';
import { FakeAws } from './__tests__/fake-aws';
import { BUCKET, DEV, Fixture, PROD, makeFixture } from './__tests__/fixture';
import { deployAll } from './deploy';
import { expiredDeployedExemptions, renderExpiredDeployed, ruleLocations } from './deployed-exemptions';
import { readDesired } from './desired';
import { plainProgress } from './progress';
import { selectionOf } from './selection';

// cfn-guard has no clock: plan and status read the deployed bundles back (s3:GetObject of the version the hook
// pins) and report an exemption still carried after its last day.
const control = (id: string): Control => ({ id, guard: `rule r_${id.replace(/\W/g, '_')} {\n    Resources exists\n}\n` }) as Control;
const EX_0001 = { id: 'EX-0001', expires: '2027-03-31', accountIds: ['200000000002'], stacks: ['legacy-ingest-*'], resources: ['RawBucket'] };
const day = (text: string) => new Date(`${text}T00:00:00Z`);

let fake: FakeAws;
let fixture: Fixture;
beforeEach(async () => {
  fake = new FakeAws();
  fixture = makeFixture();
  await deployAll(fake.context(), readDesired(fixture.dir), { allowDelete: false, selection: selectionOf(undefined), stackTags: [] });
  // The deployed objects hold real bundles: prod's carries EX-0001 in LZ.S3.2, dev's none.
  const prod = buildRuleBundle('guardrails', [control('LZ.S3.1'), control('LZ.S3.2')], 'prod', 'enforce', new Map([['LZ.S3.2', [EX_0001]]]));
  const dev = buildRuleBundle('guardrails', [control('LZ.S3.1')], 'dev', 'enforce');
  const [prodKey, devKey] = fixture.bundles.map((b) => b.key);
  fake.objects.set(prodKey, { ...fake.objects.get(prodKey)!, body: prod.bytes });
  fake.objects.set(devKey, { ...fake.objects.get(devKey)!, body: dev.bytes });
  // As Tarmac synthesizes a hook: the Uri a literal s3://bucket/key, the VersionId a stack set parameter.
  for (const [name, key] of [
    [PROD, prodKey],
    [DEV, devKey],
  ]) {
    const set = fake.stackSets.get(name)!.set;
    const template = JSON.parse(set.TemplateBody!);
    template.Resources.Hook.Properties.RuleLocation.Uri = `s3://${BUCKET}/${key}`;
    set.TemplateBody = JSON.stringify(template);
  }
});
afterEach(() => {
  jest.restoreAllMocks();
  fake.restore();
  fixture.remove();
});

test('on its last day the exemption is not reported; the day after, the prod stack set is named with the bundle and version', async () => {
  const desired = readDesired(fixture.dir);
  expect(await expiredDeployedExemptions(fake.context(), desired, day('2027-03-31'))).toEqual([]);
  const expired = await expiredDeployedExemptions(fake.context(), desired, day('2027-04-01'));
  const prodKey = fixture.bundles[0].key;
  expect(expired).toEqual([
    expect.objectContaining({ stackSet: PROD, control: 'LZ.S3.2', id: 'EX-0001', expires: '2027-03-31', versionId: fake.objects.get(prodKey)!.versionId }),
  ]);
  expect(expired[0].bundle).toBe(`s3://${BUCKET}/${prodKey}`);
  expect(expired.some((e) => e.stackSet === DEV)).toBe(false);
  // The pinned version is the one read: the GetObject names it.
  const gets = fake.s3.commandCalls(GetObjectCommand).map((c) => c.args[0].input);
  expect(gets).toContainEqual(expect.objectContaining({ Key: prodKey, VersionId: fake.objects.get(prodKey)!.versionId }));
  expect(renderExpiredDeployed(expired, day('2027-04-01'))).toContain(`${PROD}  EX-0001 expired 2027-03-31  LZ.S3.2`);
});

test('tarmac status exits 1 while a deployed bundle carries an expired exemption, 0 before it expires', async () => {
  let stdout = '';
  jest.spyOn(process.stdout, 'write').mockImplementation((s) => ((stdout += String(s)), true));
  const deps = () => ({ clients: fake.clients(), retry: { sleep: async () => {} }, progress: plainProgress(() => {}) });
  const opts = { out: fixture.dir, format: 'text' as const };
  expect(await statusCommand({ ...opts, at: '2027-03-31' }, deps())).toBe(0);
  expect(stdout).not.toContain('EX-0001');
  stdout = '';
  expect(await statusCommand({ ...opts, at: '2027-04-01' }, deps())).toBe(1);
  expect(stdout).toContain('still carrying an exemption expired before 2027-04-01');
  expect(stdout).toContain('EX-0001 expired 2027-03-31');
  stdout = '';
  expect(await statusCommand({ ...opts, at: '2027-04-01', format: 'json' }, deps())).toBe(1);
  expect(JSON.parse(stdout).expiredExemptions).toEqual([expect.objectContaining({ stackSet: PROD, id: 'EX-0001' })]);
});

test('a Guard Hook whose rule location cannot be resolved is an error, never "nothing expired"', () => {
  const template = JSON.stringify({
    Resources: { Hook: { Type: 'AWS::CloudFormation::GuardHook', Properties: { RuleLocation: { Uri: { Ref: 'Missing' } } } } },
  });
  expect(() => ruleLocations({ StackSetName: 'tarmac-guardrails-prod', TemplateBody: template, Parameters: [] })).toThrow(
    /stack set tarmac-guardrails-prod: a Guard Hook's RuleLocation.Uri cannot be resolved/,
  );
});
