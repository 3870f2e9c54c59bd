import * as cloudformation from 'aws-cdk-lib/aws-cloudformation';
import type { OperationPreferences } from '@tarmac/core/org';
import { Construct } from 'constructs';
import { checkTemplateBodySize } from './template-body';
import { compareNames } from './names';

export interface OrgStackSetProps {
  readonly stackSetName: string;
  readonly description?: string;
  /** The stack instance template, as synthesized (an object); sent minified as TemplateBody. */
  readonly template: object;
  /** OUs whose accounts, and the accounts of every OU below them, get a stack instance. */
  readonly organizationalUnitIds: readonly string[];
  /**
   * Narrow the OUs to these accounts (AccountFilterType INTERSECTION): a stack set for one account, such as the
   * FinOps account. Such a stack set is not auto-deployed: AWS does not document whether auto-deployment keeps
   * the account filter, and a new account of the OU must not get the FinOps stack (its bucket names are fixed,
   * so a second instance fails). Its instances stay when the account leaves the OU. @default every account of the OUs
   */
  readonly accounts?: readonly string[];
  readonly regions: readonly string[];
  readonly operationPreferences: OperationPreferences;
  /** Keep the stack (and its hooks) in an account that leaves the target OUs. @default false */
  readonly retainStacksOnAccountRemoval?: boolean;
  /** Values of the instance template's parameters, usually Refs of this stack's own parameters. */
  readonly parameters?: Readonly<Record<string, string>>;
}

/** IAM resource types and the property that names them: a custom name needs CAPABILITY_NAMED_IAM. */
const IAM_NAME_PROPERTIES: Readonly<Record<string, string>> = {
  'AWS::IAM::Role': 'RoleName',
  'AWS::IAM::User': 'UserName',
  'AWS::IAM::Group': 'GroupName',
  'AWS::IAM::ManagedPolicy': 'ManagedPolicyName',
  'AWS::IAM::InstanceProfile': 'InstanceProfileName',
};

/**
 * A service-managed stack set run by the StackSets delegated administrator: auto-deployed to every account
 * of the target OUs (and an account moved in later; not so when narrowed to accounts), in every region
 * listed, with managed execution so operations queue instead of failing on each other.
 */
export class OrgStackSet extends Construct {
  readonly stackSet: cloudformation.CfnStackSet;
  /** The TemplateBody sent, minified. */
  readonly templateBody: string;

  constructor(scope: Construct, id: string, props: OrgStackSetProps) {
    super(scope, id);
    if (!props.organizationalUnitIds.length) throw new Error(`stack set ${props.stackSetName}: no OU to deploy to`);
    if (!props.regions.length) throw new Error(`stack set ${props.stackSetName}: no region to deploy to`);
    this.templateBody = checkTemplateBodySize(JSON.stringify(props.template), `stack set ${props.stackSetName}`);
    const prefs = props.operationPreferences;
    const parameters = Object.entries(props.parameters ?? {}).sort(([a], [b]) => compareNames(a, b));
    const capabilities = capabilitiesOf(props.template);
    // 'Default' rather than 'Resource': the logical ID is then this construct's ID, readable in plans.
    this.stackSet = new cloudformation.CfnStackSet(this, 'Default', {
      stackSetName: props.stackSetName,
      description: props.description,
      permissionModel: 'SERVICE_MANAGED',
      callAs: 'DELEGATED_ADMIN',
      autoDeployment: props.accounts?.length
        ? { enabled: false }
        : { enabled: true, retainStacksOnAccountRemoval: props.retainStacksOnAccountRemoval ?? false },
      managedExecution: { Active: true },
      capabilities: capabilities.length ? capabilities : undefined,
      operationPreferences: {
        maxConcurrentPercentage: prefs.maxConcurrentPercentage,
        failureTolerancePercentage: prefs.failureTolerancePercentage,
        regionConcurrencyType: prefs.regionConcurrencyType,
        concurrencyMode: prefs.concurrencyMode,
      },
      stackInstancesGroup: [{ deploymentTargets: deploymentTargets(props), regions: [...props.regions] }],
      parameters: parameters.length ? parameters.map(([parameterKey, parameterValue]) => ({ parameterKey, parameterValue })) : undefined,
      templateBody: this.templateBody,
    });
  }
}

function deploymentTargets(props: OrgStackSetProps): cloudformation.CfnStackSet.DeploymentTargetsProperty {
  const organizationalUnitIds = [...props.organizationalUnitIds];
  if (!props.accounts?.length) return { organizationalUnitIds };
  return { organizationalUnitIds, accountFilterType: 'INTERSECTION', accounts: [...props.accounts] };
}

/** CAPABILITY_NAMED_IAM only when an IAM resource is given a name; CAPABILITY_IAM for any other IAM resource. */
export function capabilitiesOf(template: object): string[] {
  const resources = Object.values((template as { Resources?: Record<string, { Type?: string; Properties?: Record<string, unknown> }> }).Resources ?? {});
  const iamResources = resources.filter((r) => r.Type?.startsWith('AWS::IAM::'));
  if (!iamResources.length) return [];
  const named = iamResources.some((r) => r.Type && IAM_NAME_PROPERTIES[r.Type] && r.Properties?.[IAM_NAME_PROPERTIES[r.Type]] !== undefined);
  return [named ? 'CAPABILITY_NAMED_IAM' : 'CAPABILITY_IAM'];
}
