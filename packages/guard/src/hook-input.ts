/**
 * The document a Guard Hook evaluates for one resource (a RESOURCE or CLOUD_CONTROL target), so tests and
 * tools can run rules on exactly what the deployed hook sees.
 *
 * Shape from AWS's "Write Guard rules to evaluate resources for Guard Hooks", section "Guard resource input
 * syntax" (https://docs.aws.amazon.com/cloudformation-cli/latest/hooks-userguide/guard-hooks-write-rules.html#guard-hooks-write-rules-resource-operations-input):
 *
 *   HookContext:
 *     AWSAccountID: String
 *     StackId: String
 *     HookTypeName: String
 *     HookTypeVersion: String
 *     InvocationPoint: [CREATE_PRE_PROVISION, UPDATE_PRE_PROVISION, DELETE_PRE_PROVISION]
 *     TargetName: String
 *     TargetType: RESOURCE
 *     TargetLogicalId: String
 *     ChangeSetId: String
 *   Resources:
 *     {ResourceLogicalID}:
 *       ResourceType: {ResourceType}
 *       ResourceProperties: {ResourceProperties}
 *   Previous: (updates only) the same, with the previous properties
 *
 * The account key is spelled AWSAccountID there (not AwsAccountId). The same page's example input spells the
 * resource Type/Properties, as a template does, so every control handles both spellings; `spelling` picks one.
 * Property values are the resolved ones: the hook runs after intrinsics and parameters are evaluated.
 */

export type HookInputSpelling = 'ResourceType/ResourceProperties' | 'Type/Properties';

export type HookInvocationPoint = 'CREATE_PRE_PROVISION' | 'UPDATE_PRE_PROVISION' | 'DELETE_PRE_PROVISION';

/** A type, not an interface, so an input is a Record<string, unknown> (a ParsedTemplate document). */
export type GuardHookContext = {
  readonly AWSAccountID: string;
  readonly StackId: string;
  readonly HookTypeName: string;
  readonly HookTypeVersion: string;
  readonly InvocationPoint: HookInvocationPoint;
  readonly TargetName: string;
  readonly TargetType: 'RESOURCE';
  readonly TargetLogicalId: string;
  readonly ChangeSetId?: string;
};

/** The properties key is left out for a resource declared without Properties (`properties` undefined). */
export type GuardHookResource =
  { readonly ResourceType: string; readonly ResourceProperties?: unknown } | { readonly Type: string; readonly Properties?: unknown };

export type GuardHookResourceInput = {
  readonly HookContext: GuardHookContext;
  readonly Resources: Readonly<Record<string, GuardHookResource>>;
};

/** Where the invocation comes from; placeholders where not given (rules do not read them). */
export interface GuardHookInvocation {
  readonly accountId?: string;
  readonly stackId?: string;
  readonly hookTypeName?: string;
  readonly hookTypeVersion?: string;
  readonly invocationPoint?: HookInvocationPoint;
  /** Present only when the stack operation runs a change set. */
  readonly changeSetId?: string;
}

const DEFAULT_ACCOUNT = '123456789012';

/**
 * What a Guard Hook receives when CloudFormation is about to create (by default) one resource. `properties`
 * are the resolved properties; undefined leaves the key out, as the template had no Properties.
 */
export function guardHookInput(
  logicalId: string,
  resourceType: string,
  properties: unknown,
  spelling: HookInputSpelling,
  invocation: GuardHookInvocation = {},
): GuardHookResourceInput {
  const accountId = invocation.accountId ?? DEFAULT_ACCOUNT;
  const HookContext: GuardHookContext = {
    AWSAccountID: accountId,
    StackId: invocation.stackId ?? `arn:aws:cloudformation:us-east-1:${accountId}:stack/tarmac-hook-input/00000000-0000-0000-0000-000000000000`,
    HookTypeName: invocation.hookTypeName ?? 'Tarmac::Guard::Guardrails',
    HookTypeVersion: invocation.hookTypeVersion ?? '00000001',
    InvocationPoint: invocation.invocationPoint ?? 'CREATE_PRE_PROVISION',
    TargetName: resourceType,
    TargetType: 'RESOURCE',
    TargetLogicalId: logicalId,
    ...(invocation.changeSetId !== undefined ? { ChangeSetId: invocation.changeSetId } : {}),
  };
  const resource: GuardHookResource =
    spelling === 'Type/Properties'
      ? { Type: resourceType, ...(properties === undefined ? {} : { Properties: properties }) }
      : { ResourceType: resourceType, ...(properties === undefined ? {} : { ResourceProperties: properties }) };
  return { HookContext, Resources: { [logicalId]: resource } };
}
