// @tarmac/core/org: the organization model and policy build. A separate entry point so that
// `tarmac check` (the pre-commit path) does not load it, nor the IAM catalog it validates against.
export * from './model';
export * from './load-org';
export * from './load-org-policies';
export * from './build-org';
export * from './policy-tests';
export * from './policy-coverage';
export { builtSids } from './compose';
export * from './targets';
// Org-wide deployment (hooks/, stacksets/): built with the organization policies, by `tarmac build`.
export * from '../stacksets/model';
export * from '../stacksets/load-hooks';
export * from '../stacksets/stack-filters';
export * from '../stacksets/handler-permissions';
export * from '../stacksets/deployment-requests';
export * from '../stacksets/deploy-api-actions';
export * from '../stacksets/hook-runtime-calls';
export * from '../stacksets/request-classes';
export * from '../stacksets/load-stacksets';
export * from '../stacksets/compile-stacksets';
export * from '../stacksets/load-deployment';
export * from '../stacksets/rule-bundle';
export * from '../stacksets/report-reader';
export * from '../stacksets/report-reader-calls';
// FinOps (policies/finops/): budgets, anomaly detection, the CUR 2.0 export; deployed by `tarmac deploy --management` and a stack set.
export * from '../finops/model';
export * from '../finops/load-finops';
export * from '../finops/budget-deny-policy';
export * from '../finops/budget-quotas';
export * from '../finops/cur2-columns';
export * from '../finops/saved-queries';
export * from '../finops/anomaly-rules';
// Account and network baselines (policies/baselines/), deployed by the stack sets with baseline: account | network.
export * from '../baselines/model';
export * from '../baselines/load-baselines';
export * from '../baselines/load-account-baseline';
export * from '../baselines/load-network-baseline';
export * from '../baselines/boundary-statements';
// Exemptions at the organization level: SCP/RCP carve-outs, and the record AWS Config reports are joined with.
export * from '../exemptions/org-policy-carve-outs';
export * from './exemptions-record';
