// FinOps as code (issue 6, ADR 0007): the management account's billing constructs (topics, budgets and their
// guardrails, anomaly detection, the CUR 2.0 export) and the FinOps account's cost analytics.
export * from './cost-alert-topics';
export * from './budget-guardrails';
export * from './cost-anomaly-detection';
export * from './cost-data-export';
export * from './cost-data-key';

export * from './cost-analytics';
export * from './finops-billing-stack';
