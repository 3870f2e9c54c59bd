import { generatedAttributes, mainAttributes } from '../attributes';
import { Context } from '../context';
import { checkEvents } from '../events';
import { EventTarget } from '../events/target';
import { s3Location } from '../function/code';
import { generatedTypes } from '../generated-types';
import { managedPolicyArn } from '../iam/managed-policies';
import { NotExpanded } from '../model';
import { checkProperties, literalString, prop, propertyPath } from '../properties';
import { roleAndEvents } from '../role-and-events';
import { tagList } from '../tags';
import { SamResource, Unit } from '../unit';
import { Dict, clone, dict, get, getAtt, isObject, ref } from '../values';
import { definitionString } from './definition';

const SUPPORTED = new Set([
  'Definition',
  'DefinitionUri',
  'DefinitionSubstitutions',
  'Events',
  'Logging',
  'Name',
  'PermissionsBoundary',
  'Policies',
  'Role',
  'RolePath',
  'Tags',
  'Tracing',
  'Type',
  'AutoPublishAlias',
  'PropagateTags',
]);

/**
 * AWS::Serverless::StateMachine: the state machine, its role (unless Role is given) with the Policies
 * like a function's, an optional published version and alias, and what each event generates.
 */
export function translateStateMachine(ctx: Context, r: SamResource): Unit[] {
  const core = new Unit(r, r.sourcePath, generatedTypes(r.type), r.logicalId);
  const attributes = generatedAttributes(r);
  const roleId = prop(r, 'Role') === undefined ? `${r.logicalId}Role` : undefined;
  let target: EventTarget | undefined;
  core.run(() => {
    checkProperties(r, SUPPORTED);
    if (prop(r, 'PropagateTags') === true) throw new NotExpanded(propertyPath(r, 'PropagateTags'), 'PropagateTags is not expanded by Tarmac');
    checkEvents(r, propertyPath(r, 'Events'));
    core.add(r.logicalId, 'AWS::StepFunctions::StateMachine', stateMachineProperties(r, roleId), mainAttributes(r));
    if (prop(r, 'AutoPublishAlias') !== undefined) addAlias(ctx, r, core, attributes);
    target = { owner: r, kind: 'stateMachine', ref: ref(r.logicalId), arn: ref(r.logicalId), arnVariable: r.logicalId, attributes };
  });
  if (!target) return [core];
  return [
    core,
    ...roleAndEvents(ctx, r, target, roleId, (grants) => ({
      managed: tracingEnabled(r) ? [managedPolicyArn('AWSXrayWriteOnlyAccess')] : [],
      inline: grants.inline,
    })),
  ];
}

function stateMachineProperties(r: SamResource, roleId: string | undefined): Dict {
  const definition = prop(r, 'Definition');
  const uri = prop(r, 'DefinitionUri');
  if ((definition === undefined) === (uri === undefined))
    throw new NotExpanded(propertyPath(r), 'a state machine needs exactly one of Definition and DefinitionUri');
  let substitutions = clone(prop(r, 'DefinitionSubstitutions'));
  let source: [string, unknown];
  if (definition !== undefined) {
    const d = definitionString(definition, propertyPath(r, 'Definition'));
    if (Object.keys(d.substitutions).length > 0) {
      if (substitutions !== undefined && !isObject(substitutions))
        throw new NotExpanded(propertyPath(r, 'DefinitionSubstitutions'), 'DefinitionSubstitutions is not a map');
      substitutions = { ...(substitutions as Dict | undefined), ...d.substitutions };
    }
    source = ['DefinitionString', d.text];
  } else {
    source = ['DefinitionS3Location', s3Location(uri, propertyPath(r, 'DefinitionUri'), { bucket: 'Bucket', key: 'Key', version: 'Version' }, 'DefinitionUri')];
  }
  return dict([
    source,
    ['DefinitionSubstitutions', substitutions],
    ['LoggingConfiguration', clone(prop(r, 'Logging'))],
    ['RoleArn', roleId ? getAtt(roleId, 'Arn') : clone(prop(r, 'Role'))],
    ['StateMachineName', clone(prop(r, 'Name'))],
    ['StateMachineType', clone(prop(r, 'Type'))],
    ['Tags', tagList(prop(r, 'Tags'), propertyPath(r, 'Tags'), 'stateMachine:createdBy')],
    ['TracingConfiguration', clone(prop(r, 'Tracing'))],
  ]);
}

function tracingEnabled(r: SamResource): boolean {
  return get(prop(r, 'Tracing'), 'Enabled') === true;
}

/** AutoPublishAlias: a version of each revision (kept on deletion) and an alias shifting all traffic to it. */
function addAlias(ctx: Context, r: SamResource, unit: Unit, attributes: Dict): void {
  const name = literalString(ctx.resolveParameter(prop(r, 'AutoPublishAlias')), propertyPath(r, 'AutoPublishAlias'), 'AutoPublishAlias');
  if (!/^[A-Za-z0-9]+$/.test(name)) throw new NotExpanded(propertyPath(r, 'AutoPublishAlias'), `the alias name ${name} is not expanded by Tarmac`);
  const versionId = `${r.logicalId}Version`;
  unit.add(
    versionId,
    'AWS::StepFunctions::StateMachineVersion',
    {
      StateMachineArn: ref(r.logicalId),
      StateMachineRevisionId: getAtt(r.logicalId, 'StateMachineRevisionId'),
    },
    { ...attributes, DeletionPolicy: r.resource.DeletionPolicy ?? 'Retain', UpdateReplacePolicy: r.resource.UpdateReplacePolicy ?? 'Retain' },
  );
  unit.add(
    `${r.logicalId}Alias${name}`,
    'AWS::StepFunctions::StateMachineAlias',
    {
      Name: name,
      DeploymentPreference: { StateMachineVersionArn: ref(versionId), Type: 'ALL_AT_ONCE' },
    },
    attributes,
  );
}
