import { closestResourceType, isKnownResourceType } from '@tarmac/core';

/** Registry type names: `Organization::Service::Resource`, modules with a `::MODULE` suffix. */
const REGISTRY_TYPE = /^[A-Za-z0-9]+::[A-Za-z0-9]+::[A-Za-z0-9]+(::MODULE)?$/;
/** Custom resources: `Custom::` and up to 60 of these characters (CloudFormation's limit). */
const CUSTOM_TYPE = /^Custom::[A-Za-z0-9_@-]{1,60}$/;
/** Namespaces only AWS can publish in: an unknown type there is a typo or a lookalike, not a third-party type. */
const AWS_NAMESPACES = /^(aws|alexa)::/i;

/**
 * Why a resource type cannot be what it claims, or undefined. A rule dispatched on `AWS::S3::Bucket` never
 * sees `aws::s3::bucket`, `AWS::S3::Bucket ` or a Cyrillic `А`: each would pass every control silently, so
 * each is an error. Third-party registry types (`MyOrg::Foo::Bar`) and custom resources stay allowed.
 */
export function resourceTypeProblem(type: string): string | undefined {
  // The SAM transform replaces these (see sam/): one left in the document had no transform to replace it.
  if (/^AWS::Serverless::/.test(type)) return `${type} exists only under Transform: AWS::Serverless-2016-10-31 (CloudFormation rejects it otherwise)`;
  if (CUSTOM_TYPE.test(type)) return undefined;
  if (REGISTRY_TYPE.test(type) && (isKnownResourceType(type) || !AWS_NAMESPACES.test(type))) return undefined;
  const guess = closestResourceType(type.trim());
  const hint = guess && guess !== type ? `; did you mean ${guess}?` : '';
  if (REGISTRY_TYPE.test(type)) return `unknown resource type ${JSON.stringify(type)} in an AWS namespace${hint}`;
  return `${JSON.stringify(type)} is not a valid resource type name (three names of letters and digits joined by ::, or Custom::Name)${hint}`;
}
