import { Annotations, CfnResource, IAspect, Stack } from 'aws-cdk-lib';
import { CfnRole, CfnUser } from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { CatalogSelection, catalogFor } from './catalog-for';

/** The catalog (as TarmacChecks finds it) whose permissions-boundary.yaml names the policy, unless policyName is given. */
export interface PermissionsBoundaryOptions extends CatalogSelection {
  /** The boundary policy's name, instead of the catalog's. */
  readonly policyName?: string;
  /** Its IAM path. @default the catalog's, else / */
  readonly policyPath?: string;
}

const IAM_PRINCIPAL_TYPES = new Set(['AWS::IAM::Role', 'AWS::IAM::User']);

/**
 * A mutating aspect that attaches the organization's permissions boundary (policies/permissions-boundary.yaml)
 * to every IAM role and user, including the ones CDK creates for its own custom resources. A principal that
 * already carries a different boundary keeps it, with a warning: the organization's boundary policy may
 * refuse to create it.
 *
 * @example Aspects.of(app).add(new PermissionsBoundary());
 */
export class PermissionsBoundary implements IAspect {
  readonly policyName: string;
  readonly policyPath: string;

  constructor(options: PermissionsBoundaryOptions = {}) {
    const catalogBoundary = options.policyName === undefined ? catalogFor(options).permissionsBoundary : undefined;
    const name = options.policyName ?? catalogBoundary?.name;
    if (!name) {
      throw new Error(`PermissionsBoundary: the catalog in ${catalogFor(options).root} has no permissions-boundary.yaml; add one or pass policyName`);
    }
    this.policyName = name;
    this.policyPath = options.policyPath ?? catalogBoundary?.path ?? '/';
  }

  visit(node: IConstruct): void {
    if (!CfnResource.isCfnResource(node) || !IAM_PRINCIPAL_TYPES.has(node.cfnResourceType)) return;
    const stack = Stack.of(node);
    const arn = stack.formatArn({ service: 'iam', region: '', resource: 'policy', resourceName: `${this.policyPath.slice(1)}${this.policyName}` });
    const current = currentBoundary(node);
    if (current === undefined) {
      if (node instanceof CfnRole || node instanceof CfnUser) node.permissionsBoundary = arn;
      else node.addPropertyOverride('PermissionsBoundary', arn);
    } else if (JSON.stringify(stack.resolve(current)) !== JSON.stringify(stack.resolve(arn))) {
      Annotations.of(node).addWarningV2(
        '@tarmac/cdk:foreign-permissions-boundary',
        `keeps its own permissions boundary instead of the organization's ${this.policyPath}${this.policyName}, which may refuse to create it`,
      );
    }
  }
}

function currentBoundary(node: CfnResource): unknown {
  if (node instanceof CfnRole || node instanceof CfnUser) return node.permissionsBoundary;
  // A plain CfnResource (CDK's custom resource providers) keeps its properties in _cfnProperties.
  return (node as unknown as { _cfnProperties?: Record<string, unknown> })._cfnProperties?.PermissionsBoundary;
}
