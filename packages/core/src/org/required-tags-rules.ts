/**
 * AWS Config rules that detect resources missing the mandatory tags, using the AWS managed rule
 * required-tags (identifier REQUIRED_TAGS): https://docs.aws.amazon.com/config/latest/developerguide/required-tags.html
 * Tag policies cannot require a key to be present; this rule reports resources that lack one.
 */

import { MandatoryTag } from '../catalog/model';

export const REQUIRED_TAGS_IDENTIFIER = 'REQUIRED_TAGS';
/** The rule takes tag1Key..tag6Key (with optional tag1Value..tag6Value): "You can check up to 6 tags at a time". */
export const MAX_TAGS_PER_RULE = 6;
/**
 * Scope.ComplianceResourceTypes holds at most 100 types:
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-config-configrule-scope.html
 */
export const MAX_SCOPE_RESOURCE_TYPES = 100;
export const RULE_NAME_PREFIX = 'tarmac-required-tags';

/**
 * Resource types the required-tags page names as supported. Source: the AWS Config Developer Guide source
 * (awsdocs/aws-config-developer-guide, doc_source/required-tags.md); the current page,
 * https://docs.aws.amazon.com/config/latest/developerguide/required-tags.html, warns instead that AWS Config
 * does not record tags for every resource type. A type outside this list may still work; verify it first.
 */
export const REQUIRED_TAGS_RESOURCE_TYPES: readonly string[] = [
  'AWS::ACM::Certificate',
  'AWS::AutoScaling::AutoScalingGroup',
  'AWS::CloudFormation::Stack',
  'AWS::CodeBuild::Project',
  'AWS::DynamoDB::Table',
  'AWS::EC2::CustomerGateway',
  'AWS::EC2::Instance',
  'AWS::EC2::InternetGateway',
  'AWS::EC2::NetworkAcl',
  'AWS::EC2::NetworkInterface',
  'AWS::EC2::RouteTable',
  'AWS::EC2::SecurityGroup',
  'AWS::EC2::Subnet',
  'AWS::EC2::Volume',
  'AWS::EC2::VPC',
  'AWS::EC2::VPNConnection',
  'AWS::EC2::VPNGateway',
  'AWS::ElasticLoadBalancing::LoadBalancer',
  'AWS::ElasticLoadBalancingV2::LoadBalancer',
  'AWS::RDS::DBInstance',
  'AWS::RDS::DBSecurityGroup',
  'AWS::RDS::DBSnapshot',
  'AWS::RDS::DBSubnetGroup',
  'AWS::RDS::EventSubscription',
  'AWS::Redshift::Cluster',
  'AWS::Redshift::ClusterParameterGroup',
  'AWS::Redshift::ClusterSecurityGroup',
  'AWS::Redshift::ClusterSnapshot',
  'AWS::Redshift::ClusterSubnetGroup',
  'AWS::S3::Bucket',
];

/**
 * The properties of an AWS::Config::ConfigRule that an AWS managed rule needs, in CloudFormation casing
 * (Source.Owner 'AWS' and the rule identifier as SourceIdentifier, as in the AWS CLI put-config-rule example
 * for REQUIRED_TAGS). An AWS::Config::OrganizationConfigRule carries the same facts under
 * OrganizationManagedRuleMetadata (RuleIdentifier, InputParameters as a JSON string, ResourceTypesScope):
 * https://docs.aws.amazon.com/config/latest/APIReference/API_OrganizationManagedRuleMetadata.html
 */
export interface ConfigRuleDefinition {
  readonly ConfigRuleName: string;
  readonly Description: string;
  readonly Source: { readonly Owner: 'AWS'; readonly SourceIdentifier: string };
  /** tagNKey and tagNValue; a value is a comma-separated list of allowed values. */
  readonly InputParameters: Readonly<Record<string, string>>;
  /** Unset: the rule evaluates every resource type it supports that AWS Config records. */
  readonly Scope?: { readonly ComplianceResourceTypes: readonly string[] };
}

/**
 * One REQUIRED_TAGS rule per six mandatory tags, in tag set order, named tarmac-required-tags-1, -2, ...
 * Keys with enumerated values get tagNValue; keys with a pattern are checked for presence only (the rule
 * compares exact values and cannot test a pattern). Without `resourceTypes` (or with an empty list) the
 * scope is left unset, so each rule evaluates all resource types it supports.
 */
export function compileRequiredTagsRules(tags: readonly MandatoryTag[], resourceTypes?: readonly string[]): ConfigRuleDefinition[] {
  const scopeTypes = resourceTypes ? [...new Set(resourceTypes)] : [];
  if (scopeTypes.length > MAX_SCOPE_RESOURCE_TYPES) {
    throw new Error(`a Config rule scope holds at most ${MAX_SCOPE_RESOURCE_TYPES} resource types, got ${scopeTypes.length}`);
  }
  const chunks: MandatoryTag[][] = [];
  for (let i = 0; i < tags.length; i += MAX_TAGS_PER_RULE) chunks.push(tags.slice(i, i + MAX_TAGS_PER_RULE));
  return chunks.map((chunk, index) => {
    const parameters: Record<string, string> = {};
    chunk.forEach((tag, j) => {
      parameters[`tag${j + 1}Key`] = tag.key;
      if (tag.values) parameters[`tag${j + 1}Value`] = csv(tag);
    });
    const part = chunks.length > 1 ? ` (part ${index + 1} of ${chunks.length})` : '';
    return {
      ConfigRuleName: `${RULE_NAME_PREFIX}-${index + 1}`,
      Description: `Checks that resources carry the mandatory tags ${chunk.map((t) => t.key).join(', ')}${part}.`,
      Source: { Owner: 'AWS', SourceIdentifier: REQUIRED_TAGS_IDENTIFIER },
      InputParameters: parameters,
      ...(scopeTypes.length ? { Scope: { ComplianceResourceTypes: scopeTypes } } : {}),
    };
  });
}

/** The given types that REQUIRED_TAGS_RESOURCE_TYPES does not name, for a warning. */
export function unlistedRequiredTagsTypes(resourceTypes: readonly string[]): string[] {
  const listed = new Set(REQUIRED_TAGS_RESOURCE_TYPES);
  return resourceTypes.filter((t) => !listed.has(t));
}

/** The allowed values as the rule's CSV parameter; a value with a comma cannot be written in it. */
function csv(tag: MandatoryTag): string {
  const withComma = tag.values!.find((v) => v.includes(','));
  if (withComma !== undefined) throw new Error(`tag '${tag.key}' value '${withComma}' contains a comma, which the REQUIRED_TAGS CSV parameter cannot carry`);
  return tag.values!.join(',');
}
