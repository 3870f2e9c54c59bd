import * as organizations from 'aws-cdk-lib/aws-organizations';
import type { BuiltPolicy } from '@tarmac/core/org';
import { Construct } from 'constructs';
import { compareNames, shorten, uniqueLogicalIds } from './names';
import { PlatformStack, PlatformStackProps } from './platform-stack';

export interface OrganizationPoliciesProps {
  /** The policies as `tarmac build` built them (OrgBuild.policies). */
  readonly policies: readonly Pick<BuiltPolicy, 'type' | 'name' | 'content' | 'targetIds' | 'controls'>[];
}

/** Policy Description: at most 512 characters. */
const MAX_DESCRIPTION = 512;

/**
 * One AWS::Organizations::Policy per built policy, attached to its targets, for organizations that manage
 * their policies with CloudFormation (`tarmac deploy` uses the Organizations API instead: ADR 0006 decision 6).
 * The content is the built document, byte for byte the same JSON, parsed so the template reads as a policy.
 */
export class OrganizationPolicies extends Construct {
  /** Each policy's resource, by policy name. */
  readonly policies = new Map<string, organizations.CfnPolicy>();

  constructor(scope: Construct, id: string, props: OrganizationPoliciesProps) {
    super(scope, id);
    const sorted = [...props.policies].sort((a, b) => compareNames(a.type, b.type) || compareNames(a.name, b.name));
    const ids = uniqueLogicalIds(
      sorted.map((p) => p.name),
      'organization policy',
    );
    for (const policy of sorted) {
      if (this.policies.has(policy.name)) throw new Error(`organization policy ${policy.name} appears twice`);
      let content: unknown;
      try {
        content = JSON.parse(policy.content);
      } catch (err) {
        throw new Error(`organization policy ${policy.name}: its content is not JSON (${(err as Error).message})`);
      }
      const resource = new organizations.CfnPolicy(this, ids.get(policy.name)!, {
        name: policy.name,
        type: policy.type,
        content,
        targetIds: [...policy.targetIds],
        description: shorten(`Tarmac: ${policy.controls.join(', ')}`, MAX_DESCRIPTION),
      });
      this.policies.set(policy.name, resource);
    }
  }
}

export interface OrganizationPoliciesStackProps extends PlatformStackProps, OrganizationPoliciesProps {}

/** The management account's stack of organization policies. */
export class OrganizationPoliciesStack extends PlatformStack {
  readonly policies: OrganizationPolicies;

  constructor(scope: Construct, id: string, props: OrganizationPoliciesStackProps) {
    super(scope, id, {
      description: 'Tarmac: the organization policies as tarmac build built them, for organizations that manage them with CloudFormation.',
      ...props,
    });
    this.policies = new OrganizationPolicies(this, 'Policies', { policies: props.policies });
  }
}
