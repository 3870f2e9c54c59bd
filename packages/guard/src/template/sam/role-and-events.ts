import { Context } from './context';
import { expandEvents } from './events';
import { EventTarget, RoleGrants } from './events/target';
import { ExecutionRole, addExecutionRole } from './iam/execution-role';
import { readPolicies } from './iam/policies';
import { prop, propertyPath } from './properties';
import { tagList } from './tags';
import { SamResource, Unit } from './unit';

/** How the role SAM generates differs between a function and a state machine. */
const ROLES: Readonly<Record<EventTarget['kind'], { called: string; service: string; createdBy: string }>> = {
  function: { called: 'the execution role', service: 'lambda.amazonaws.com', createdBy: 'lambda:createdBy' },
  stateMachine: { called: 'the role', service: 'states.amazonaws.com', createdBy: 'stateMachine:createdBy' },
};

/** What the resource's own features add to its role, given what its events grant. */
export type RoleFeatures = (grants: RoleGrants) => Pick<ExecutionRole, 'assumeRolePolicy' | 'managed' | 'inline'>;

/**
 * What a function and a state machine generate after themselves: the unit of the role SAM generates when
 * `roleId` is given (with the Policies, PermissionsBoundary, RolePath and Tags written, and `features`), and
 * those of each event, which may add to the role.
 */
export function roleAndEvents(ctx: Context, r: SamResource, target: EventTarget, roleId: string | undefined, features: RoleFeatures): Unit[] {
  const { called, service, createdBy } = ROLES[target.kind];
  const role = roleId ? new Unit(r, propertyPath(r, 'Policies'), ['AWS::IAM::Role'], `${called} ${roleId}`) : undefined;
  const grants: RoleGrants = { managed: [], inline: [] };
  const events = expandEvents(ctx, target, propertyPath(r, 'Events'), role, grants);
  if (!role || !roleId) return events;
  role.run(() => {
    const policies = readPolicies(prop(r, 'Policies'), propertyPath(r, 'Policies'), roleId);
    addExecutionRole(role, {
      logicalId: roleId,
      service,
      ...features(grants),
      policies,
      permissionsBoundary: prop(r, 'PermissionsBoundary'),
      path: prop(r, 'RolePath'),
      tags: tagList(prop(r, 'Tags'), propertyPath(r, 'Tags'), createdBy),
      alwaysListManaged: true,
      attributes: target.attributes,
    });
  });
  return [role, ...events];
}
