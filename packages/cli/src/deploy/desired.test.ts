import * as fs from 'fs';
import * as path from 'path';
import { InputErrors } from '@tarmac/core';
import { DEV, Fixture, PROD, makeFixture } from './__tests__/fixture';
import { readDesired } from './desired';
import { groupPairs, pairKey } from './targets';

let fixture: Fixture;
beforeEach(() => (fixture = makeFixture()));
afterEach(() => fixture.remove());

const edit = (rel: string, fn: (json: any) => void) => {
  const file = path.join(fixture.dir, rel);
  const json = JSON.parse(fs.readFileSync(file, 'utf8'));
  fn(json);
  fs.writeFileSync(file, JSON.stringify(json));
};

const errorsOf = (dir: string) => {
  try {
    readDesired(dir);
  } catch (err) {
    if (err instanceof InputErrors) return err.errors.map((e) => e.message);
    throw err;
  }
  return [];
};

describe('readDesired', () => {
  test('reads each StackSet resource by its logical ID, with parameter sources from the manifest', () => {
    const d = readDesired(fixture.dir);
    expect(d.stackSets.map((s) => s.name)).toEqual([PROD, DEV]);
    const prod = d.stackSets[0];
    expect(prod.parameters).toEqual([
      { key: 'RulesVersion', source: { bundle: fixture.bundles[0].key } },
      { key: 'RulesUri', source: { output: { stack: 'tarmac-rule-bundles', key: 'BucketUri' } } },
      { key: 'Profile', source: { value: 'prod' } },
    ]);
    expect(prod.targets).toEqual([{ ous: ['ou-prod-1111', 'ou-prod-2222'], regions: ['eu-west-1', 'eu-central-1'] }]);
    expect(prod.autoDeployment).toEqual({ Enabled: true, RetainStacksOnAccountRemoval: false });
    expect(d.policies.map((p) => p.name)).toEqual(['tarmac-scp-root-1', 'tarmac-tag-lz-tag-1']);
  });

  test('plain stacks are sent minified, and one over the 51,200-byte TemplateBody limit is refused naming its file', () => {
    const file = path.join(fixture.dir, 'stacksets', 'bundle-stack.template.json');
    const template = { Resources: { Bucket: { Type: 'AWS::S3::Bucket', Properties: { Tags: [{ Key: 'team', Value: 'platform' }] } } } };
    fs.writeFileSync(file, JSON.stringify(template, null, 2));
    expect(readDesired(fixture.dir).stacks[0].templateBody).toBe(JSON.stringify(template));
    const description = 'x'.repeat(51_200);
    fs.writeFileSync(file, JSON.stringify({ Description: description, Resources: template.Resources }));
    const bytes = JSON.stringify({ Description: description, Resources: template.Resources }).length;
    expect(errorsOf(fixture.dir)).toEqual([
      `${file}: is ${bytes.toLocaleString('en-US')} bytes minified (expected at most 51,200 bytes inline (CloudFormation's TemplateBody limit))`,
    ]);
  });

  test('a build without org-wide deployment has only organization policies', () => {
    fs.rmSync(path.join(fixture.dir, 'stacksets'), { recursive: true });
    const d = readDesired(fixture.dir);
    expect([d.stackSets, d.bundles, d.stacks]).toEqual([[], [], []]);
    expect(d.policies).toHaveLength(2);
  });

  test('inconsistencies are input errors naming the file', () => {
    edit('stacksets/stacksets.template.json', (t) => {
      t.Resources.ProdStackSet.Properties.Parameters[0].ParameterValue = { Ref: 'Unmapped' };
      t.Resources.DevStackSet.Properties.PermissionModel = 'SELF_MANAGED';
    });
    fs.writeFileSync(path.join(fixture.dir, 'stacksets', 'bundles', `${fixture.bundles[1].sha256}.zip`), 'tampered');
    const errors = errorsOf(fixture.dir);
    expect(errors).toEqual([
      expect.stringMatching(/bundles\/[0-9a-f]{64}\.zip: has sha256 [0-9a-f]{64}, the manifest says [0-9a-f]{64}/),
      expect.stringMatching(
        /stacksets\.template\.json: ProdStackSet \(tarmac-guardrails-prod\): parameter RulesVersion refers to Unmapped, which the manifest's parameters do not map/,
      ),
      expect.stringMatching(/stacksets\.template\.json: DevStackSet \(tarmac-guardrails-dev\): PermissionModel is "SELF_MANAGED" \(expected SERVICE_MANAGED\)/),
    ]);
  });

  test('an org manifest without its policy list is an error, never "no policies" (which would plan to remove them all)', () => {
    edit('org/manifest.json', (m) => delete m.policies);
    expect(errorsOf(fixture.dir)).toEqual([expect.stringMatching(/org\/manifest\.json: has no policies list/)]);
  });

  test('a missing org manifest says what DIR should be', () => {
    fs.rmSync(path.join(fixture.dir, 'org'), { recursive: true });
    expect(errorsOf(fixture.dir)).toEqual([
      expect.stringMatching(/org\/manifest\.json: is missing \(expected the output directory of tarmac build \(--out\)\)/),
    ]);
  });
});

test('groupPairs: OUs that need the same regions share one call', () => {
  const pairs = [
    pairKey('ou-a', 'eu-west-1'),
    pairKey('ou-a', 'us-east-1'),
    pairKey('ou-b', 'us-east-1'),
    pairKey('ou-b', 'eu-west-1'),
    pairKey('ou-c', 'eu-west-1'),
  ];
  expect(groupPairs(pairs)).toEqual([
    { ous: ['ou-a', 'ou-b'], regions: ['eu-west-1', 'us-east-1'] },
    { ous: ['ou-c'], regions: ['eu-west-1'] },
  ]);
});

describe("a management stack's parameters (the management account's hook)", () => {
  const HOOK_STACK = 'tarmac-guardrails-management';
  const template = 'stacksets/tarmac-guardrails-management.template.json';
  const addHookStack = (parameters: Record<string, unknown> | undefined) => {
    const body = JSON.stringify({
      Parameters: { RulesVersionId: { Type: 'String' }, RulesKeyArn: { Type: 'String' } },
      Resources: { Hook: { Type: 'AWS::CloudFormation::GuardHook', Properties: {} } },
    });
    fs.writeFileSync(path.join(fixture.dir, template), body);
    edit('stacksets/manifest.json', (m) => {
      m.managementStacks = [{ name: HOOK_STACK, template, region: 'eu-west-1', templateBytes: Buffer.byteLength(body) }];
      if (parameters) m.managementParameters = { [HOOK_STACK]: parameters };
    });
  };

  test('are read with what fills each: a bundle VersionId, the key a bundle is encrypted with', () => {
    const key = fixture.bundles[0].key;
    addHookStack({ RulesVersionId: { bundle: key }, RulesKeyArn: { bundleKey: key } });
    expect(readDesired(fixture.dir).managementStacks).toEqual([
      expect.objectContaining({
        name: HOOK_STACK,
        region: 'eu-west-1',
        parameters: [
          { key: 'RulesVersionId', source: { bundle: key } },
          { key: 'RulesKeyArn', source: { bundleKey: key } },
        ],
      }),
    ]);
  });

  test('a parameter nothing fills, or a bundle the manifest does not list, is an error naming the template', () => {
    addHookStack(undefined);
    const file = path.join(fixture.dir, template);
    expect(errorsOf(fixture.dir)).toEqual([
      expect.stringContaining(`${file}: declares parameter RulesVersionId, which the manifest's managementParameters do not fill`),
      expect.stringContaining(`${file}: declares parameter RulesKeyArn, which the manifest's managementParameters do not fill`),
    ]);
    addHookStack({ RulesVersionId: { bundle: 'hooks/guardrails/nope.zip' }, RulesKeyArn: { bundleKey: fixture.bundles[0].key } });
    expect(errorsOf(fixture.dir)).toEqual([
      expect.stringContaining('parameter RulesVersionId takes bundle hooks/guardrails/nope.zip, which the manifest does not list'),
    ]);
  });
});
