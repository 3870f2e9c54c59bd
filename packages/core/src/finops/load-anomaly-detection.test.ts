import { PoliciesFixture } from '../org/__tests__/fixture';
import { ANOMALY, errorAt, finops, finopsErrors } from './__tests__/finops-fixture';

describe('anomaly-detection.yaml', () => {
  let fx: PoliciesFixture;
  beforeEach(() => (fx = new PoliciesFixture()));
  afterEach(() => fx.remove());
  const errors = () => finopsErrors(fx);
  const file = () => fx.file(ANOMALY);
  const line = (text: string) => fx.lineOf(ANOMALY, text);

  it('loads a SERVICE monitor and a TAG monitor on cost-center, with the specification CloudFormation takes', () => {
    const a = finops(fx)!.anomalyDetection!;
    expect(a.monitors.map((m) => [m.name, m.dimension, m.tag])).toEqual([
      ['services', 'SERVICE', undefined],
      ['cost-centers', 'TAG', 'cost-center'],
    ]);
    expect(a.monitors[0].monitorSpecification).toBeUndefined();
    expect(JSON.parse(a.monitors[1].monitorSpecification!)).toEqual({ Tags: { Key: 'cost-center' } });
    const now = a.subscriptions.find((s) => s.frequency === 'IMMEDIATE')!;
    expect(now).toMatchObject({ notify: ['cost-alerts'], thresholdAbsolute: 500, monitors: ['services', 'cost-centers'] });
    expect(a.subscriptions.find((s) => s.frequency === 'WEEKLY')).toMatchObject({ notify: ['finops'], thresholdAbsolute: 100, thresholdPercent: 20 });
  });

  it('refuses a subscription to an unknown monitor, suggesting the closest', () => {
    fx.replace(ANOMALY, 'monitors: [services, cost-centers]\n    frequency: IMMEDIATE', 'monitors: [service, cost-centers]\n    frequency: IMMEDIATE');
    errorAt(errors(), file(), line('monitors: [service, cost-centers]'), 'unknown monitor service', 'did you mean services?');
  });

  it('refuses e-mail subscribers on an IMMEDIATE subscription', () => {
    fx.replace(ANOMALY, 'notify: [cost-alerts]', 'notify: [finops]');
    errorAt(errors(), file(), line('notify: [finops]'), 'anomalies-now is IMMEDIATE but notifies e-mail');
  });

  it('refuses an SNS topic on a WEEKLY subscription', () => {
    fx.replace(ANOMALY, '    notify: [finops]', '    notify: [cost-alerts] # weekly');
    errorAt(errors(), file(), line('notify: [cost-alerts] # weekly'), 'anomalies-weekly is WEEKLY but notifies an SNS topic');
  });

  it('refuses an unknown notification target', () => {
    fx.replace(ANOMALY, 'notify: [cost-alerts]', 'notify: [cost-alert]');
    errorAt(errors(), file(), line('notify: [cost-alert]'), 'unknown notification target cost-alert', 'did you mean cost-alerts?');
  });

  it('refuses a subscription without a threshold', () => {
    fx.replace(ANOMALY, '    thresholdAbsolute: 500\n', '');
    errorAt(errors(), file(), line('name: anomalies-now'), "missing required key 'thresholdAbsolute'");
  });

  it('refuses a TAG monitor on a tag outside the mandatory set', () => {
    fx.replace(ANOMALY, 'tag: cost-center', 'tag: costcenter');
    errorAt(errors(), file(), line('tag: costcenter'), 'not a mandatory tag', 'did you mean cost-center?');
  });

  it('refuses a TAG monitor without a tag, and a tag on a SERVICE monitor', () => {
    fx.replace(ANOMALY, '    tag: cost-center\n', '');
    fx.replace(ANOMALY, '    dimension: SERVICE', '    dimension: SERVICE\n    tag: team');
    const all = errors();
    errorAt(all, file(), line('name: cost-centers'), 'TAG monitor cost-centers names no tag');
    errorAt(all, file(), line('tag: team'), 'tag is only for TAG monitors');
  });

  it('refuses a second monitor of one dimension, which AWS refuses', () => {
    fx.replace(ANOMALY, '  - name: cost-centers', '  - name: services-again\n    dimension: SERVICE # again\n  - name: cost-centers');
    errorAt(errors(), file(), line('dimension: SERVICE # again'), 'a second SERVICE monitor', `line ${line('name: services')}`);
  });

  it('refuses duplicate monitor and subscription names', () => {
    fx.replace(ANOMALY, 'name: cost-centers', 'name: services # twice');
    fx.replace(ANOMALY, 'name: anomalies-weekly', 'name: anomalies-now # twice');
    const all = errors();
    errorAt(all, file(), line('name: services # twice'), 'monitor services is already defined');
    errorAt(all, file(), line('name: anomalies-now # twice'), 'subscription anomalies-now is already defined');
  });

  it("adopts an existing monitor by its ARN (AWS's own Default-Services-Monitor), and refuses what is not a monitor ARN", () => {
    const arn = 'arn:aws:ce::111111111111:anomalymonitor/c9e940b5-d9a9-4a0c-9b1e-2f1e6c1a8d11';
    fx.replace(ANOMALY, '    dimension: SERVICE', `    dimension: SERVICE\n    adopt: ${arn}`);
    expect(finops(fx)!.anomalyDetection!.monitors.map((m) => m.adopt)).toEqual([arn, undefined]);
    fx.replace(ANOMALY, `adopt: ${arn}`, 'adopt: arn:aws:ce::111111111111:anomalysubscription/c9e940b5');
    errorAt(errors(), file(), line('adopt: arn:aws:ce::111111111111:anomalysubscription'), 'anomalymonitor');
  });

  it('refuses an unknown frequency', () => {
    fx.replace(ANOMALY, 'frequency: WEEKLY', 'frequency: MONTHLY');
    errorAt(errors(), file(), line('frequency: MONTHLY'), 'IMMEDIATE, DAILY, WEEKLY');
  });
});
