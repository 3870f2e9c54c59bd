import { Context } from '../context';
import { Unit, SamResource } from '../unit';
import { Dict, Path } from '../values';

/** What an event invokes: a function (or its alias) or a state machine, and how to refer to it. */
export interface EventTarget {
  readonly owner: SamResource;
  readonly kind: 'function' | 'stateMachine';
  /** Ref to the function, its alias, or the state machine. */
  readonly ref: Dict;
  /** Its ARN: Fn::GetAtt Arn, or the Ref of an alias (which is the alias ARN). */
  readonly arn: Dict;
  /** The same ARN as a Fn::Sub variable (`Fn.Arn` or `FnAliaslive`). */
  readonly arnVariable: string;
  /** Condition, DeletionPolicy, UpdateReplacePolicy copied to what the event generates. */
  readonly attributes: Dict;
}

/** Permissions an event adds to the execution role SAM generates for the target. */
export interface RoleGrants {
  readonly managed: unknown[];
  readonly inline: unknown[];
}

export interface EventSpec {
  readonly name: string;
  readonly type: string;
  readonly properties: Dict;
  /** Path of the event (…, 'Events', name). */
  readonly path: Path;
  /** `<owner><event>`: SAM's logical ID for the event's main resource. */
  readonly logicalId: string;
}

export interface EventInput {
  readonly ctx: Context;
  readonly target: EventTarget;
  readonly event: EventSpec;
  readonly unit: Unit;
  readonly grants: RoleGrants;
}

export function propertyPath(event: EventSpec, ...rest: (string | number)[]): Path {
  return [...event.path, 'Properties', ...rest];
}

/** A Lambda permission letting `principal` invoke the target. */
export function lambdaPermission(input: EventInput, logicalId: string, principal: string, source: Dict = {}): void {
  const { target, unit } = input;
  unit.add(
    logicalId,
    'AWS::Lambda::Permission',
    { Action: 'lambda:InvokeFunction', FunctionName: target.ref, Principal: principal, ...source },
    target.attributes,
  );
}
