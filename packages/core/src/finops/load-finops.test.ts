import * as fs from 'fs';
import { PoliciesFixture } from '../org/__tests__/fixture';
import { ANOMALY, BUDGETS, EXPORT, errorAt, finops, finopsErrors } from './__tests__/finops-fixture';

describe('loadFinOps', () => {
  let fx: PoliciesFixture;
  beforeEach(() => (fx = new PoliciesFixture()));
  afterEach(() => fx.remove());

  it('loads the example organization: budgets, monitors, the export and the tags they rely on', () => {
    const build = finops(fx)!;
    expect(build.budgets).toHaveLength(5);
    expect(build.anomalyDetection?.monitors).toHaveLength(2);
    expect(build.costExport?.name).toBe('cur2');
    expect(build.files).toEqual({ budgets: fx.file(BUDGETS), anomalyDetection: fx.file(ANOMALY), costExport: fx.file(EXPORT) });
    // Budget scopes (team, project), the TAG monitor (cost-center), the saved queries (team, project, domain).
    expect(build.costAllocationTags).toEqual(['cost-center', 'domain', 'project', 'team']);
    // The Bedrock-by-team query: the calling principal's team tag, activated apart from resource tags.
    expect(build.principalCostAllocationTags).toEqual(['team']);
  });

  it('derives the cost allocation tags from what uses them', () => {
    fs.rmSync(fx.file(EXPORT));
    fx.replace(ANOMALY, 'tag: cost-center', 'tag: env');
    expect(finops(fx)!.costAllocationTags).toEqual(['env', 'project', 'team']);
    expect(finops(fx)!.principalCostAllocationTags).toEqual([]);
  });

  it('is undefined without policies/finops, and each file is optional', () => {
    fs.rmSync(fx.file(ANOMALY));
    fs.rmSync(fx.file(EXPORT));
    const budgetsOnly = finops(fx)!;
    expect(budgetsOnly.anomalyDetection).toBeUndefined();
    expect(budgetsOnly.costExport).toBeUndefined();
    expect(budgetsOnly.files).toEqual({ budgets: fx.file(BUDGETS) });
    fs.rmSync(fx.file('finops'), { recursive: true });
    expect(finops(fx)).toBeUndefined();
  });

  it('refuses anomaly subscriptions when budgets.yaml, which declares the notification targets, is absent', () => {
    fs.rmSync(fx.file(BUDGETS));
    const errors = finopsErrors(fx);
    errorAt(errors, fx.file(ANOMALY), fx.lineOf(ANOMALY, 'notify: [cost-alerts]'), 'unknown notification target cost-alerts', 'policies/finops/budgets.yaml');
  });

  it('reports the problems of every file at once', () => {
    fx.replace(BUDGETS, 'amount: 9000', 'amount: -1');
    fx.replace(EXPORT, 'account: finops', 'account: nobody');
    const errors = finopsErrors(fx);
    errorAt(errors, fx.file(BUDGETS), fx.lineOf(BUDGETS, 'amount: -1'), 'must be > 0');
    errorAt(errors, fx.file(EXPORT), fx.lineOf(EXPORT, 'account: nobody'), 'no member account nobody');
  });
});
