import { NotExpanded } from '../model';
import { checkKeys, literalMap, prop, propertyPath } from '../properties';
import { SamResource, Unit } from '../unit';
import { Dict, clone, dict, get, getAtt, ref } from '../values';

const PREFERENCE = ['Type', 'Enabled', 'Hooks', 'Alarms', 'TriggerConfigurations', 'Role'];
const APPLICATION = 'ServerlessDeploymentApplication';
const SERVICE_ROLE = 'CodeDeployServiceRole';
/** CodeDeploy's predefined Lambda deployment configurations (CodeDeployDefault.Lambda<Type>); any other Type names the author's own. */
const PREDEFINED = [
  'AllAtOnce',
  'Canary10Percent5Minutes',
  'Canary10Percent10Minutes',
  'Canary10Percent15Minutes',
  'Canary10Percent30Minutes',
  'Linear10PercentEvery1Minute',
  'Linear10PercentEvery2Minutes',
  'Linear10PercentEvery3Minutes',
  'Linear10PercentEvery10Minutes',
];

/** Whether SAM deploys the function gradually with CodeDeploy (DeploymentPreference, not disabled). */
export function gradualDeployment(r: SamResource): Dict | undefined {
  const value = prop(r, 'DeploymentPreference');
  if (value === undefined || get(value, 'Enabled') === false) return undefined;
  const path = propertyPath(r, 'DeploymentPreference');
  const preference = literalMap(value, path, 'DeploymentPreference');
  checkKeys(preference, PREFERENCE, path, 'DeploymentPreference');
  if (preference.Enabled !== undefined && preference.Enabled !== true)
    throw new NotExpanded([...path, 'Enabled'], 'DeploymentPreference.Enabled is not a literal boolean');
  if (typeof preference.Type !== 'string') throw new NotExpanded([...path, 'Type'], 'DeploymentPreference.Type is not a literal string');
  // SAM makes the deployment group conditional on new conditions of its own for conditional functions.
  if (r.resource.Condition !== undefined) throw new NotExpanded(path, 'DeploymentPreference on a function with a Condition is not expanded by Tarmac');
  return preference;
}

/**
 * DeploymentPreference: the alias shifts traffic through CodeDeploy: a deployment group per function in
 * an application SAM shares across the stack (`ServerlessDeploymentApplication`), run by a service role
 * SAM also shares (`CodeDeployServiceRole`) unless Role is given, with the hooks and alarms given.
 * Returns the alias's UpdatePolicy.
 */
export function addDeploymentGroup(r: SamResource, unit: Unit, preference: Dict, attributes: Dict): Dict {
  const path = propertyPath(r, 'DeploymentPreference');
  const groupId = `${r.logicalId}DeploymentGroup`;
  unit.add(APPLICATION, 'AWS::CodeDeploy::Application', { ComputePlatform: 'Lambda' }, attributes, path);
  if (preference.Role === undefined) {
    unit.add(
      SERVICE_ROLE,
      'AWS::IAM::Role',
      {
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [{ Action: ['sts:AssumeRole'], Effect: 'Allow', Principal: { Service: ['codedeploy.amazonaws.com'] } }],
        },
        ManagedPolicyArns: ['arn:aws:iam::aws:policy/service-role/AWSCodeDeployRoleForLambda'],
      },
      attributes,
      path,
    );
  }
  const alarms = preference.Alarms;
  if (alarms !== undefined && !Array.isArray(alarms)) throw new NotExpanded([...path, 'Alarms'], 'DeploymentPreference.Alarms is not a list');
  unit.add(
    groupId,
    'AWS::CodeDeploy::DeploymentGroup',
    dict([
      ['ApplicationName', ref(APPLICATION)],
      ['AutoRollbackConfiguration', { Enabled: true, Events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM', 'DEPLOYMENT_STOP_ON_REQUEST'] }],
      [
        'DeploymentConfigName',
        PREDEFINED.includes(preference.Type as string)
          ? { 'Fn::Sub': ['CodeDeployDefault.Lambda${ConfigName}', { ConfigName: preference.Type }] }
          : preference.Type,
      ],
      ['DeploymentStyle', { DeploymentOption: 'WITH_TRAFFIC_CONTROL', DeploymentType: 'BLUE_GREEN' }],
      ['ServiceRoleArn', preference.Role === undefined ? getAtt(SERVICE_ROLE, 'Arn') : clone(preference.Role)],
      ['AlarmConfiguration', alarms && alarms.length > 0 ? { Alarms: alarms.map((a) => ({ Name: clone(a) })), Enabled: true } : undefined],
      ['TriggerConfigurations', clone(preference.TriggerConfigurations)],
    ]),
    attributes,
    path,
  );
  const hooks = preference.Hooks === undefined ? {} : literalMap(preference.Hooks, [...path, 'Hooks'], 'DeploymentPreference.Hooks');
  checkKeys(hooks, ['PreTraffic', 'PostTraffic'], [...path, 'Hooks'], 'DeploymentPreference.Hooks');
  return {
    CodeDeployLambdaAliasUpdate: dict([
      ['ApplicationName', ref(APPLICATION)],
      ['DeploymentGroupName', ref(groupId)],
      ['BeforeAllowTrafficHook', clone(hooks.PreTraffic)],
      ['AfterAllowTrafficHook', clone(hooks.PostTraffic)],
    ]),
  };
}
