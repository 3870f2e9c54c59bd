// Org-wide deployment (ADR 0006): the constructs of the platform's own templates, and the synthesis of
// DIR/stacksets/ that `tarmac build` writes.
export {
  RULE_BUNDLES_STACK,
  STACK_SETS_STACK,
  ORGANIZATION_POLICIES_STACK,
  RULES_KEY_ARN,
  BUNDLE_BUCKET_NAME,
  LOG_BUCKET_NAME,
  RULES_VERSION_ID,
  ADVISORY_RULES_VERSION_ID,
  HOOK_ROLE_PATH,
  S3_VERSION_ID_PATTERN,
  bundleVersionParameter,
} from './names';
export { PlatformStack, PLATFORM_APP_CONTEXT, platformApp } from './platform-stack';
export type { PlatformStackProps } from './platform-stack';
export * from './template-body';
export * from './hardening';
export * from './rules-key';
export * from './access-log-bucket';
export * from './rule-log-bucket';
export * from './rule-bundle-bucket';
export * from './rule-bundles-stack';
export * from './hook-execution-role';
export * from './report-reader-role';
export * from './guard-hook-baseline';
export * from './profile-conformance-pack';
export * from './stack-set-instance-stack';
export * from './org-stack-set';
export * from './stack-sets-stack';
export * from './organization-policies';
export * from './synthesize';
