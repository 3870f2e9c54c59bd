// @tarmac/core/org: the organization model and policy build. A separate entry point so that
// `tarmac check` (the pre-commit path) does not load it, nor the IAM catalog it validates against.
export * from './model';
export * from './load-org';
export * from './load-org-policies';
export * from './build-org';
export * from './policy-tests';
export * from './targets';
