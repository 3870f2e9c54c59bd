import { OrgBuild } from '../org/build-org';
import { OrgTestRequest, policyLevels } from '../org/policy-tests';
import { HandlerPermissions, handlerPermissions } from './handler-permissions';
import { StackSetsBuild, StackSetsManifest } from './model';
import { ArnContext, resourceArns } from './resource-arns';
import { targetAccounts } from './load-stacksets';
import { DEPLOY_API_ACTIONS } from './deploy-api-actions';
import { hookRuntimeCalls } from './hook-runtime-calls';
import { createsReportReader, reportReaderAssumption, reportReaderSites } from './report-reader-calls';

/**
 * Where the platform's own deployment acts in a member account: one stack set instance (account × region), the
 * Guard Hooks it installs, or a stack (or the API calls) `tarmac deploy` makes in the delegated administrator account. SCPs and RCPs apply to
 * both; the management account's stacks are left out, as SCPs and RCPs do not apply there.
 */
export interface DeploymentSite {
  /** How messages name it: `stack set tarmac-guardrails-prod`, `stack tarmac-rule-bundles`, `the API calls of tarmac deploy`. */
  readonly name: string;
  /** The source that decides it: the stack set target's line, or org.yaml's deployment section. */
  readonly file: string;
  readonly line?: number;
  readonly account: { readonly id: string; readonly name: string };
  readonly region: string;
  /** The principal that performs it, and how messages name it. */
  readonly principalArn: string;
  readonly principal: string;
  /** Resource types the template deploys, with their logical IDs and, where it can be known, their ARNs. */
  readonly resources: ReadonlyMap<string, readonly DeployedResource[]>;
  /** Actions the principal calls itself, not through a template: tarmac deploy's API calls, the hooks' reads. */
  readonly calls?: SiteCalls;
  /** CloudFormation acts with the caller's own credentials (a stack without a service role), not a role of its own. */
  readonly viaCloudFormation: boolean;
}

export interface SiteCalls {
  readonly actions: readonly string[];
  /** What makes them, for messages. */
  readonly by: string;
  /** The account that owns what they act on, when not the site's own (its RCPs apply, and its resource policy). */
  readonly resourceAccountId?: string;
  /** The Region they are sent to, when not the site's. */
  readonly endpointRegion?: string;
  /** The ARNs they act on, by IAM resource type, where known. */
  readonly arns?: Readonly<Record<string, readonly string[]>>;
}

export interface DeployedResource {
  readonly logicalId: string;
  /** Its ARNs and those of the resources its handlers act on, by IAM resource type, where known (see resourceArns). */
  readonly arns: Readonly<Record<string, readonly string[]>>;
}

/** new: the resource does not exist yet (create); existing: it carries the platform's tags (update, delete, API calls). */
export type RequestPhase = 'new' | 'existing';

/** One action a site needs, as a request to evaluate against the account's SCP and RCP chains. */
export interface DeploymentRequest {
  readonly site: DeploymentSite;
  readonly action: string;
  readonly phase: RequestPhase;
  /** What needs the action: resource types (for handlers) or `tarmac deploy`. */
  readonly neededBy: readonly string[];
  /**
   * The ARNs it acts on, by IAM resource type, for the types where they are known for every resource that needs it
   * (none for deploy's own calls).
   */
  readonly resources: Readonly<Record<string, readonly string[]>>;
  readonly request: OrgTestRequest;
}

/**
 * The name the self-check gives the StackSets execution role: AWS names it `stacksets-exec-<hash>` in each target
 * account ("Configure a custom execution role template for StackSets"), so any pattern written for the family
 * must match it.
 */
export const STACKSETS_EXEC_ROLE = 'stacksets-exec-1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d';

/** A made-up stack ID part: no policy should name it. */
const SAMPLE_UUID = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';

/** The role `tarmac deploy` is assumed to run as when org.yaml names no `roles.platform`. */
export const UNNAMED_PIPELINE_ROLE = 'TarmacDeploy';

/**
 * Services whose API has one endpoint, so every request to it carries that Region as aws:RequestedRegion
 * whatever Region the stack runs in ("AWS: Denies access to AWS based on the requested Region", IAM User Guide:
 * CloudFront, IAM, Route 53 and Support in us-east-1; Budgets and Organizations among the other global
 * services; Cost Explorer, the CUR and Data Exports APIs are served from us-east-1 only).
 */
const GLOBAL_ENDPOINT_REGION: Readonly<Record<string, string>> = {
  'aws-portal': 'us-east-1',
  'bcm-data-exports': 'us-east-1',
  budgets: 'us-east-1',
  ce: 'us-east-1',
  cloudfront: 'us-east-1',
  cur: 'us-east-1',
  iam: 'us-east-1',
  organizations: 'us-east-1',
  route53: 'us-east-1',
  support: 'us-east-1',
};

/**
 * Every place the build's deployment acts in a member account: each stack set instance (as the StackSets
 * execution role), and in the delegated administrator account the plain stacks and API calls of `tarmac deploy`
 * (as the pipeline role, `roles.platform`).
 */
export function deploymentSites(
  build: OrgBuild,
  deployment: StackSetsBuild,
  manifest: StackSetsManifest,
  files: ReadonlyMap<string, string | Uint8Array>,
): DeploymentSite[] {
  const org = build.organization;
  type Template = { Resources?: Record<string, { Type: string; Properties?: Record<string, unknown> }> };
  const templates = new Map<string, Template>();
  const templateOf = (file: string): Template => {
    let template = templates.get(file);
    if (!template) {
      const content = files.get(file);
      if (content === undefined) throw new Error(`the build has no ${file}`);
      templates.set(file, (template = JSON.parse(String(content)) as Template));
    }
    return template;
  };
  const resourcesOf = (file: string, at: ArnContext) => {
    const template = templateOf(file);
    const byType = new Map<string, DeployedResource[]>();
    for (const [logicalId, r] of Object.entries(template.Resources ?? {})) {
      byType.set(r.Type, [...(byType.get(r.Type) ?? []), { logicalId, arns: resourceArns(r.Type, logicalId, r.Properties, at) }]);
    }
    return byType;
  };
  const sites: DeploymentSite[] = [];
  // Accounts whose baseline creates the report's reader role, with every Region a stack set reaches there.
  const readers = new Map<string, { account: { id: string; name: string }; regions: Set<string>; source: { file: string; line?: number } }>();
  const reach = new Map<string, Set<string>>();
  for (const unit of deployment.units) {
    const built = manifest.stackSets.find((s) => s.name === unit.name);
    if (!built) throw new Error(`stack set ${unit.name} is not in the build's manifest`);
    for (const account of targetAccounts(org, unit.target)) {
      if (!reach.has(account.id)) reach.set(account.id, new Set());
      unit.definition.regions.forEach((r) => reach.get(account.id)!.add(r));
      if (!readers.has(account.id) && createsReportReader(templateOf(built.instanceTemplate)))
        readers.set(account.id, { account, regions: reach.get(account.id)!, source: { file: unit.definition.file, line: unit.target.line } });
      for (const region of unit.definition.regions) {
        // StackSets names each instance's stack StackSet-<stack set>-<uuid>.
        const resources = resourcesOf(built.instanceTemplate, { accountId: account.id, region, stackName: `StackSet-${unit.name}-${SAMPLE_UUID}` });
        sites.push({
          name: `stack set ${unit.name}`,
          file: unit.definition.file,
          line: unit.target.line,
          account,
          region,
          principalArn: `arn:aws:iam::${account.id}:role/${STACKSETS_EXEC_ROLE}`,
          principal: 'the StackSets execution role (stacksets-exec-*)',
          resources,
          viaCloudFormation: false,
        });
        const hooks = unit.hook ? hookRuntimeCalls(templates.get(built.instanceTemplate)!, resources, deployment, account.id) : undefined;
        if (hooks) sites.push({ ...sites[sites.length - 1], name: `the Guard Hooks of stack set ${unit.name}`, ...hooks, resources: new Map() });
      }
    }
  }
  const admin = deployment.delegatedAdmin;
  const pipelineRole = org.roles.platform ?? UNNAMED_PIPELINE_ROLE;
  const pipeline = {
    file: org.file,
    line: org.deployment?.lines.delegatedAdmin,
    account: { id: admin.accountId, name: admin.accountName },
    principalArn: `arn:aws:iam::${admin.accountId}:role/${pipelineRole}`,
    principal: org.roles.platform
      ? `the pipeline role (roles.platform: ${pipelineRole})`
      : `the role tarmac deploy runs as (org.yaml names no roles.platform; assumed ${pipelineRole})`,
  };
  for (const r of readers.values()) {
    sites.push(...reportReaderSites(r.account, [...r.regions], r.source));
    // Assuming it, from the delegated administrator: its SCPs for the caller, the member account's RCPs for the role.
    sites.push({
      ...pipeline,
      name: `tarmac report --live in ${r.account.name}`,
      region: admin.region,
      resources: new Map(),
      calls: reportReaderAssumption(r.account.id),
      viaCloudFormation: false,
    });
  }
  for (const stack of manifest.stacks) {
    sites.push({
      ...pipeline,
      name: `stack ${stack.name}`,
      region: stack.region,
      resources: resourcesOf(stack.template, { accountId: admin.accountId, region: stack.region, stackName: stack.name }),
      viaCloudFormation: true,
    });
  }
  sites.push({
    ...pipeline,
    name: 'the API calls of tarmac deploy',
    region: admin.region,
    resources: new Map(),
    calls: { actions: DEPLOY_API_ACTIONS, by: 'tarmac deploy' },
    viaCloudFormation: false,
  });
  return sites;
}

/**
 * The requests each site makes: for every resource type its handlers' permissions (create as a new resource;
 * update and delete on one that carries the platform's tags), and its own API calls. Each carries the platform's
 * tags as request tags, and the Region the action's endpoint is in. Types with no known handler permissions are
 * returned as unchecked, never dropped.
 */
export function deploymentRequests(
  build: OrgBuild,
  sites: readonly DeploymentSite[],
  platformTags: Readonly<Record<string, string>>,
): { requests: DeploymentRequest[]; unchecked: { site: DeploymentSite; type: string; logicalIds: readonly string[] }[] } {
  const org = build.organization;
  const requests: DeploymentRequest[] = [];
  const unchecked: { site: DeploymentSite; type: string; logicalIds: readonly string[] }[] = [];
  const requestTags = {
    ...Object.fromEntries(Object.entries(platformTags).map(([k, v]) => [`aws:RequestTag/${k}`, v])),
    'aws:TagKeys': Object.keys(platformTags),
  };
  const resourceTags = Object.fromEntries(Object.entries(platformTags).map(([k, v]) => [`aws:ResourceTag/${k}`, v]));
  for (const site of sites) {
    const needs = new Map<string, { action: string; phase: RequestPhase; neededBy: Set<string>; from: Readonly<Record<string, readonly string[]>>[] }>();
    const need = (action: string, phase: RequestPhase, by: string, from: Readonly<Record<string, readonly string[]>>[]) => {
      const key = `${phase} ${action}`;
      const entry = needs.get(key) ?? { action, phase, neededBy: new Set<string>(), from: [] };
      entry.neededBy.add(by);
      entry.from.push(...from);
      needs.set(key, entry);
    };
    for (const [type, resources] of site.resources) {
      const permissions: HandlerPermissions | undefined = handlerPermissions(type);
      if (!permissions) {
        unchecked.push({ site, type, logicalIds: resources.map((r) => r.logicalId) });
        continue;
      }
      const arns = resources.map((r) => r.arns);
      for (const action of permissions.create) need(action, 'new', type, arns);
      for (const action of [...(permissions.update ?? []), ...permissions.delete]) need(action, 'existing', type, arns);
    }
    for (const action of site.calls?.actions ?? []) need(action, 'existing', site.calls!.by, [site.calls!.arns ?? {}]);
    const scpLevels = policyLevels(build, site.account.id, 'SERVICE_CONTROL_POLICY');
    // A call on another account's resource (a hook reading the bundle bucket) meets that account's RCPs.
    const resourceAccountId = site.calls?.resourceAccountId ?? site.account.id;
    const rcpLevels = policyLevels(build, resourceAccountId, 'RESOURCE_CONTROL_POLICY');
    for (const { action, phase, neededBy, from } of needs.values()) {
      const service = action.split(':')[0];
      const call = site.calls?.actions.includes(action) ? site.calls : undefined;
      const crossAccount = resourceAccountId !== site.account.id;
      requests.push({
        site,
        action,
        phase,
        neededBy: [...neededBy].sort(),
        resources: knownForAll(from),
        request: {
          organizationId: org.id,
          managementAccountId: org.managementAccountId,
          accountId: site.account.id,
          principalArn: site.principalArn,
          action,
          resource: '*',
          resourceAccountId,
          context: {
            'aws:RequestedRegion': GLOBAL_ENDPOINT_REGION[service] ?? call?.endpointRegion ?? site.region,
            ...requestTags,
            ...(phase === 'existing' ? resourceTags : {}),
            ...(site.viaCloudFormation ? { 'aws:CalledVia': ['cloudformation.amazonaws.com'], 'aws:ViaAWSService': 'true' } : {}),
          },
          scpLevels,
          rcpLevels,
          // The bucket and key policies are the platform's own (tested with their constructs): assumed to grant it.
          ...(crossAccount
            ? {
                resourcePolicy: {
                  Version: '2012-10-17',
                  Statement: [{ Effect: 'Allow', Principal: { AWS: site.principalArn }, Action: action, Resource: '*' }],
                },
              }
            : {}),
        },
      });
    }
  }
  return { requests, unchecked };
}

/** The IAM resource types whose ARNs every resource gave, with all their ARNs. */
function knownForAll(from: readonly Readonly<Record<string, readonly string[]>>[]): Record<string, string[]> {
  const types = Object.keys(from[0] ?? {}).filter((t) => from.every((f) => t in f));
  return Object.fromEntries(types.map((t) => [t, [...new Set(from.flatMap((f) => f[t]))].sort()]));
}
