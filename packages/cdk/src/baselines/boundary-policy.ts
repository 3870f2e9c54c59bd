import { CfnCondition, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IamStatement, PermissionsBoundaryDocument } from '@tarmac/core/org';
import { Construct } from 'constructs';

export interface BoundaryPolicyProps {
  readonly boundary: PermissionsBoundaryDocument;
  /** The policy is created only where this condition holds: IAM is global, the stack is deployed per region. */
  readonly condition?: CfnCondition;
}

// IAM's own limits on a managed policy's name and path.
const POLICY_NAME = /^[\w+=,.@-]{1,128}$/;
const POLICY_PATH = /^\/([\x21-\x7e]{0,510}\/)?$/;

/**
 * The organization's permissions boundary as a customer managed policy. Its ARN is built from the name and
 * path, not a Ref: the policy exists only in the home region's stack, and the ARN is the same in every
 * region of the account, so roles of any region (and of other stacks) can carry it.
 */
export class BoundaryPolicy extends Construct {
  readonly resource: iam.CfnManagedPolicy;
  /** arn:<partition>:iam::<account>:policy<path><name>, valid in every region. */
  readonly policyArn: string;
  /** The policy, to hand to a role's permissionsBoundary. */
  readonly policy: iam.IManagedPolicy;

  constructor(scope: Construct, id: string, props: BoundaryPolicyProps) {
    super(scope, id);
    const { name, path, description, statements } = props.boundary;
    if (!POLICY_NAME.test(name)) throw new Error(`${this.node.path}: '${name}' is not a valid IAM policy name (1-128 of letters, digits and +=,.@_-)`);
    if (!POLICY_PATH.test(path)) throw new Error(`${this.node.path}: '${path}' is not a valid IAM path: it starts and ends with /, e.g. /tarmac/`);
    if (!statements.length) throw new Error(`${this.node.path}: the permissions boundary ${name} has no statements`);
    this.resource = new iam.CfnManagedPolicy(this, 'Resource', {
      managedPolicyName: name,
      path,
      description,
      policyDocument: { Version: '2012-10-17', Statement: statements.map((s) => ({ ...s })) },
    });
    if (props.condition) this.resource.cfnOptions.condition = props.condition;
    this.policyArn = Stack.of(this).formatArn({ service: 'iam', region: '', resource: 'policy', resourceName: `${path.slice(1)}${name}` });
    this.policy = iam.ManagedPolicy.fromManagedPolicyArn(this, 'Arn', this.policyArn);
    if (statements.some((s) => s.Effect === 'Allow' && s.NotAction !== undefined)) {
      Validations.of(this.resource).acknowledge({
        id: 'CloudFormation-Validate::W2512',
        reason: 'A permissions boundary caps: an Allow with NotAction is the usual way to say "anything identity policies grant, except these"',
      });
    }
    for (const id of wildcardFindings(statements)) {
      Validations.of(this.resource).acknowledge({
        id: `AwsSolutions::AwsSolutions-IAM5${id}`,
        reason:
          'A permissions boundary grants nothing: it caps what identity policies may grant, so its Allow is deliberately broad (policies/permissions-boundary.yaml, reviewed there)',
      });
    }
  }
}

/**
 * The AwsSolutions-IAM5 findings cdk-nag reports on these statements, computed as it does: a wildcard in an
 * Allow's Action is `[Action::x]`, in its Resource `[Resource::x]` (with ${...} written <...>). An Allow without
 * Action (NotAction) makes the rule throw, which cdk-nag reports as the bare rule ('') and nothing else.
 */
export function wildcardFindings(statements: readonly IamStatement[]): string[] {
  const list = (v: string | string[] | undefined) => (Array.isArray(v) ? v : [v]);
  const out = new Set<string>();
  for (const s of statements.filter((x) => x.Effect === 'Allow')) {
    const actions = list(s.Action);
    if (actions.some((a) => a === undefined)) return [''];
    for (const a of actions as string[]) if (a.includes('*')) out.add(`[Action::${a}]`);
    const resources = list(s.Resource).map((r) => (r ?? '').replace(/\$\{/g, '<').replace(/\}/g, '>'));
    for (const r of resources) if (r.includes('*')) out.add(`[Resource::${r}]`);
  }
  return [...out].sort();
}
