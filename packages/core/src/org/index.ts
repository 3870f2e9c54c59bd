// @tarmac/core/org: the organization model and policy build. A separate entry point so that
// `tarmac check` (the pre-commit path) does not load it, nor the IAM catalog it validates against.
export * from './model';
export * from './load-org';
export * from './load-org-policies';
export * from './build-org';
export * from './policy-tests';
export * from './targets';
// Org-wide deployment (hooks/, stacksets/): built with the organization policies, by `tarmac build`.
export * from '../stacksets/model';
export * from '../stacksets/load-hooks';
export * from '../stacksets/load-stacksets';
export * from '../stacksets/compile-stacksets';
export * from '../stacksets/load-deployment';
export * from '../stacksets/rule-bundle';
