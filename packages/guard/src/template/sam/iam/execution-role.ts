import { Unit } from '../unit';
import { Dict, clone, dict } from '../values';
import { RolePolicies, addManaged } from './policies';

export interface ExecutionRole {
  readonly logicalId: string;
  /** The service that assumes it (lambda.amazonaws.com, states.amazonaws.com). */
  readonly service: string;
  /** AssumeRolePolicyDocument when the author gave one. */
  readonly assumeRolePolicy?: unknown;
  /** Managed policies SAM always attaches, then those the resource's features need (tracing, VPC...). */
  readonly managed: readonly unknown[];
  /** From the `Policies` property, then from features and events. */
  readonly policies: RolePolicies;
  readonly inline: readonly unknown[];
  readonly permissionsBoundary?: unknown;
  readonly path?: unknown;
  readonly tags: readonly Dict[];
  /** State machines always write ManagedPolicyArns, even empty. */
  readonly alwaysListManaged: boolean;
  readonly attributes: Dict;
}

/** The IAM role SAM generates for a function or state machine that has no Role. */
export function addExecutionRole(unit: Unit, role: ExecutionRole): void {
  const managed: unknown[] = [];
  addManaged(managed, ...role.managed, ...role.policies.managed);
  const inline = [...role.policies.inline, ...role.inline];
  unit.add(
    role.logicalId,
    'AWS::IAM::Role',
    dict([
      [
        'AssumeRolePolicyDocument',
        clone(role.assumeRolePolicy) ?? {
          Version: '2012-10-17',
          Statement: [{ Action: ['sts:AssumeRole'], Effect: 'Allow', Principal: { Service: [role.service] } }],
        },
      ],
      ['ManagedPolicyArns', managed.length > 0 || role.alwaysListManaged ? managed : undefined],
      ['Policies', inline.length > 0 ? inline : undefined],
      ['PermissionsBoundary', clone(role.permissionsBoundary)],
      ['Path', clone(role.path)],
      ['Tags', role.tags.length > 0 ? clone(role.tags) : undefined],
    ]),
    role.attributes,
  );
}
