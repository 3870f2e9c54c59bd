// The baselines every member account gets (issue 6), as constructs whose props mirror policies/baselines/*.yaml.
// Each works in any CDK app; the stack sets of stacksets/ deploy them org-wide.
export * from './account-baseline';
export * from './boundary-policy';
export * from './ebs-default-key';
export * from './security-services';
export * from './network-baseline';
export * from './network-settings';
export * from './flow-log-bucket';
