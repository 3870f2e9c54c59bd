import { generatedAttributes, mainAttributes } from '../attributes';
import { Context } from '../context';
import { checkEvents } from '../events';
import { EventTarget } from '../events/target';
import { generatedTypes } from '../generated-types';
import { managedPolicyArn } from '../iam/managed-policies';
import { NotExpanded } from '../model';
import { checkKeys, checkProperties, literalMap, prop, propertyPath } from '../properties';
import { roleAndEvents } from '../role-and-events';
import { tagList } from '../tags';
import { SamResource, Unit } from '../unit';
import { Dict, clone, dict, getAtt, isIntrinsic, ref } from '../values';
import { functionCode } from './code';
import { addDeploymentGroup, gradualDeployment } from './deployment-preference';
import { addFunctionUrl } from './url';
import { addVersionAndAlias, aliasOf, codeSha256, describedWithSha } from './version';

/** Properties copied to AWS::Lambda::Function as written. */
const PASSED = [
  'Architectures',
  'CodeSigningConfigArn',
  'Description',
  'DurableConfig',
  'Environment',
  'EphemeralStorage',
  'FileSystemConfigs',
  'FunctionName',
  'Handler',
  'ImageConfig',
  'KmsKeyArn',
  'Layers',
  'LoggingConfig',
  'MemorySize',
  'PackageType',
  'RecursiveLoop',
  'ReservedConcurrentExecutions',
  'Runtime',
  'RuntimeManagementConfig',
  'SnapStart',
  'TenancyConfig',
  'Timeout',
  'VpcConfig',
];
const SUPPORTED = new Set([
  ...PASSED,
  'CodeUri',
  'InlineCode',
  'ImageUri',
  'SourceKMSKeyArn',
  'Tracing',
  'DeadLetterQueue',
  'Role',
  'RolePath',
  'Policies',
  'PermissionsBoundary',
  'AssumeRolePolicyDocument',
  'Tags',
  'PropagateTags',
  'AutoPublishAlias',
  'AutoPublishCodeSha256',
  'VersionDescription',
  'VersionDeletionPolicy',
  'ProvisionedConcurrencyConfig',
  'FunctionUrlConfig',
  'Events',
  'DeploymentPreference',
]);

const DEAD_LETTER_ACTIONS: Readonly<Record<string, string>> = { SQS: 'sqs:SendMessage', SNS: 'sns:Publish' };

/**
 * AWS::Serverless::Function: the function, its execution role (unless Role is given), version and alias,
 * function URL, and what each event generates. The function and its own properties form one unit (any
 * problem makes everything it generates unchecked); the role and each event are units of their own.
 */
export function translateFunction(ctx: Context, r: SamResource): Unit[] {
  const core = new Unit(r, r.sourcePath, generatedTypes(r.type), r.logicalId);
  const attributes = generatedAttributes(r);
  let target: EventTarget | undefined;
  let roleId: string | undefined;
  core.run(() => {
    checkProperties(r, SUPPORTED);
    if (prop(r, 'PropagateTags') === true) throw new NotExpanded(propertyPath(r, 'PropagateTags'), 'PropagateTags is not expanded by Tarmac');
    checkEvents(r, propertyPath(r, 'Events'));
    const preference = gradualDeployment(r);
    const alias = aliasOf(ctx, r);
    if (preference && !alias) throw new NotExpanded(propertyPath(r, 'DeploymentPreference'), 'DeploymentPreference without AutoPublishAlias');
    roleId = prop(r, 'Role') === undefined ? `${r.logicalId}Role` : undefined;
    const fn = functionProperties(ctx, r, roleId);
    core.add(r.logicalId, 'AWS::Lambda::Function', fn, mainAttributes(r));
    if (alias) addVersionAndAlias(ctx, r, core, fn, alias, attributes, preference && addDeploymentGroup(r, core, preference, attributes));
    else if (prop(r, 'ProvisionedConcurrencyConfig') !== undefined) {
      throw new NotExpanded(propertyPath(r, 'ProvisionedConcurrencyConfig'), 'ProvisionedConcurrencyConfig without AutoPublishAlias');
    }
    const self = alias ? ref(alias.logicalId) : ref(r.logicalId);
    if (prop(r, 'FunctionUrlConfig') !== undefined)
      addFunctionUrl(core, r.logicalId, prop(r, 'FunctionUrlConfig'), propertyPath(r, 'FunctionUrlConfig'), self, attributes);
    target = {
      owner: r,
      kind: 'function',
      ref: self,
      arn: alias ? ref(alias.logicalId) : getAtt(r.logicalId, 'Arn'),
      arnVariable: alias ? alias.logicalId : `${r.logicalId}.Arn`,
      attributes,
    };
  });
  if (!target) return [core];
  return [
    core,
    ...roleAndEvents(ctx, r, target, roleId, (grants) => ({
      assumeRolePolicy: prop(r, 'AssumeRolePolicyDocument'),
      managed: [...baseManagedPolicies(ctx, r), ...grants.managed],
      inline: [...deadLetterPolicy(r), ...grants.inline],
    })),
  ];
}

function functionProperties(ctx: Context, r: SamResource, roleId: string | undefined): Dict {
  const p = r.properties;
  const fn = dict(PASSED.map((k) => [k, clone(p[k])]));
  fn.Code = functionCode(p, propertyPath(r));
  const sha = codeSha256(ctx, r);
  if (sha !== undefined && prop(r, 'AutoPublishAlias') !== undefined) fn.Description = describedWithSha(fn.Description, sha);
  fn.Role = roleId ? getAtt(roleId, 'Arn') : executionRoleArn(r);
  fn.Tags = tagList(p.Tags, propertyPath(r, 'Tags'), 'lambda:createdBy');
  if (tracing(ctx, r)) fn.TracingConfig = { Mode: clone(p.Tracing) };
  if (p.DeadLetterQueue !== undefined) fn.DeadLetterConfig = { TargetArn: deadLetterQueue(r).targetArn };
  return fn;
}

/** Role given as an ARN or intrinsic; an Fn::If that may yield no value would make SAM add a conditional role. */
function executionRoleArn(r: SamResource): unknown {
  const role = prop(r, 'Role');
  if (JSON.stringify(role).includes('"AWS::NoValue"'))
    throw new NotExpanded(propertyPath(r, 'Role'), 'a Role that may be AWS::NoValue (SAM then adds a conditional role) is not expanded by Tarmac');
  return clone(role);
}

/** Tracing, unless absent, empty or Disabled (SAM resolves a Ref to a parameter to decide). */
function tracing(ctx: Context, r: SamResource): boolean {
  const mode = ctx.resolveParameter(prop(r, 'Tracing'));
  return mode !== undefined && mode !== null && mode !== '' && mode !== 'Disabled';
}

/** What SAM attaches to every execution role, and for tracing and VPC access. */
function baseManagedPolicies(ctx: Context, r: SamResource): unknown[] {
  const managed = [managedPolicyArn(prop(r, 'DurableConfig') !== undefined ? 'AWSLambdaBasicDurableExecutionRolePolicy' : 'AWSLambdaBasicExecutionRole')];
  if (tracing(ctx, r)) managed.push(managedPolicyArn('AWSXrayWriteOnlyAccess'));
  if (prop(r, 'VpcConfig') !== undefined) managed.push(managedPolicyArn('AWSLambdaVPCAccessExecutionRole'));
  return managed;
}

function deadLetterQueue(r: SamResource): { type: string; targetArn: unknown } {
  const path = propertyPath(r, 'DeadLetterQueue');
  const dlq = literalMap(prop(r, 'DeadLetterQueue'), path, 'DeadLetterQueue');
  checkKeys(dlq, ['Type', 'TargetArn'], path, 'DeadLetterQueue');
  if (typeof dlq.Type !== 'string' || !Object.hasOwn(DEAD_LETTER_ACTIONS, dlq.Type) || dlq.TargetArn === undefined || isIntrinsic(dlq.Type)) {
    throw new NotExpanded(path, 'DeadLetterQueue is not {Type: SQS or SNS, TargetArn}');
  }
  return { type: dlq.Type, targetArn: clone(dlq.TargetArn) };
}

/** SAM lets the role send to the dead-letter queue or topic. */
function deadLetterPolicy(r: SamResource): Dict[] {
  if (prop(r, 'DeadLetterQueue') === undefined) return [];
  const dlq = deadLetterQueue(r);
  return [
    {
      PolicyName: 'DeadLetterQueuePolicy',
      PolicyDocument: { Version: '2012-10-17', Statement: [{ Action: DEAD_LETTER_ACTIONS[dlq.type], Effect: 'Allow', Resource: dlq.targetArn }] },
    },
  ];
}
