import * as path from 'path';
import { Aspects, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { MandatoryTags } from '../mandatory-tags';
import { TarmacChecks } from '../tarmac-checks';
import { findingKeys, newApp, synthesize } from './synth';

const POLICIES = path.resolve(__dirname, '..', '..', '..', '..', 'policies');
const TAGS = { team: 'data', project: 'lake', env: 'prod' as const, domain: 'curated', 'cost-center': 'cc-42' };

/** Two launch templates that allow IMDSv1 (LZ.EC2.2, enforced in prod); `ack` acknowledges some of it. */
function twoImdsV1Templates(ack: (stack: Stack, a: ec2.LaunchTemplate) => void) {
  const app = newApp();
  Validations.of(app).addPlugins(new TarmacChecks(app, { profile: 'prod', policies: POLICIES }));
  Aspects.of(app).add(new MandatoryTags(TAGS, { policies: POLICIES }));
  const stack = new Stack(app, 'Compute');
  const a = new ec2.LaunchTemplate(stack, 'A');
  new ec2.LaunchTemplate(stack, 'B');
  ack(stack, a);
  return synthesize(app);
}

describe('acknowledging an alias', () => {
  test('the two templates fail LZ.EC2.2 without an acknowledgement', () => {
    expect(findingKeys(twoImdsV1Templates(() => undefined).tarmac, 'error')).toEqual(['LZ.EC2.2 Compute/A/Resource', 'LZ.EC2.2 Compute/B/Resource']);
  });

  test('Tarmac::LZ.SCP.5 on a construct acknowledges LZ.EC2.2 there, and says which ID was written', () => {
    const { tarmac } = twoImdsV1Templates((_, a) => Validations.of(a).acknowledge({ id: 'Tarmac::LZ.SCP.5', reason: 'AMI needs IMDSv1 until Q3' }));
    expect(findingKeys(tarmac, 'error')).toEqual(['LZ.EC2.2 Compute/B/Resource']);
    expect(tarmac?.suppressedViolations).toEqual([
      expect.objectContaining({
        ruleName: 'LZ.EC2.2',
        acknowledgedAt: 'Compute/A',
        reason: 'AMI needs IMDSv1 until Q3 (acknowledged as Tarmac::LZ.SCP.5, an alias of LZ.EC2.2)',
        violatingConstructs: [expect.objectContaining({ constructPath: 'Compute/A/Resource' })],
      }),
    ]);
    // Not reported as an acknowledgement of an unknown control.
    expect(tarmac!.violations.filter((v) => v.ruleName === 'acknowledgement')).toEqual([]);
  });

  test('on a stack, the alias acknowledges every finding of the control below it', () => {
    const { error, tarmac } = twoImdsV1Templates((stack) => Validations.of(stack).acknowledge({ id: 'Tarmac::LZ.SCP.5', reason: 'legacy fleet' }));
    expect(error).toBeUndefined();
    expect(findingKeys(tarmac)).toEqual([]);
    expect(tarmac?.suppressedViolations?.flatMap((v) => v.violatingConstructs.map((c) => c.constructPath)).sort()).toEqual([
      'Compute/A/Resource',
      'Compute/B/Resource',
    ]);
  });

  test('an ID that is no alias still acknowledges nothing', () => {
    const { tarmac } = twoImdsV1Templates((stack) => Validations.of(stack).acknowledge({ id: 'Tarmac::LZ.DEC.1', reason: 'not an alias of LZ.EC2.2' }));
    expect(findingKeys(tarmac, 'error')).toEqual(['LZ.EC2.2 Compute/A/Resource', 'LZ.EC2.2 Compute/B/Resource']);
    expect(tarmac!.violations.filter((v) => v.ruleName === 'acknowledgement').map((v) => v.description)).toEqual([
      expect.stringContaining("acknowledgement 'Tarmac::LZ.DEC.1' names no control this pack evaluates"),
    ]);
  });
});
