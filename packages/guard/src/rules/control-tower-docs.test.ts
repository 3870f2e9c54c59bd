import { controlTowerRules } from './control-tower-rules';
import { controlTowerDocsUrl } from './control-tower-docs';

const REFERENCE = 'https://docs.aws.amazon.com/controltower/latest/controlreference';

test('a proactive control links to its section of its service page, whose slug is not always the ID part', () => {
  expect(controlTowerDocsUrl('CT.S3.PR.10')).toBe(`${REFERENCE}/s3-rules.html#ct-s3-pr-10-description`);
  expect(controlTowerDocsUrl('CT.ELASTICFILESYSYSTEM.PR.1')).toBe(`${REFERENCE}/efs-rules.html#ct-elasticfilesysystem-pr-1-description`);
  expect(controlTowerDocsUrl('CT.NETWORK-FIREWALL.PR.2')).toMatch(/\/network-firewall-rules\.html#/);
  expect(controlTowerDocsUrl('CT.AUTOSCALING.PR.1')).toMatch(/\/ec2-auto-scaling-rules\.html#/);
});

test('a service the guide has no page for links to the proactive controls index, never a guessed page', () => {
  expect(controlTowerDocsUrl('CT.NEWSERVICE.PR.1')).toBe(`${REFERENCE}/proactive-controls.html`);
  expect(controlTowerDocsUrl('CT.S3.PV.1')).toBe(`${REFERENCE}/proactive-controls.html`);
});

test('every shipped Control Tower rule has its service page (an update adding a service shows here)', () => {
  const unmapped = controlTowerRules('enforce').filter((r) => r.helpUri!.endsWith('/proactive-controls.html'));
  expect(unmapped.map((r) => r.id)).toEqual([]);
  expect(controlTowerRules('enforce').every((r) => r.rationale)).toBe(true);
});
