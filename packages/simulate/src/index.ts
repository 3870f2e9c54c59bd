// Evaluates one test case against the effective SCP/RCP chain of an account with
// @cloud-copilot/iam-simulate. AGPL-3.0-or-later, like iam-simulate: the core packages must not import this.
import {
  runSimulation,
  typeForContextKey,
  isConditionKeyArray,
  type RequestAnalysis,
  type Simulation,
  type SimulationErrors,
  type SuccessfulRunSimulationResults,
} from '@cloud-copilot/iam-simulate';
import { withCachedCollators } from './collator-cache';
import { conditionErrors, denialReasons, denyingStatements } from './explain';
import { parsePrincipal, principalContext, type PrincipalInfo } from './principal';

export interface PolicyLevel {
  targetId: string;
  policies: { name: string; document: object }[];
}

export interface OrgSimulationRequest {
  organizationId: string; // o-...
  managementAccountId: string;
  /** Account the principal is in (ignored for AWS service principals). */
  accountId: string;
  /** IAM user/role/root or sts federated-user ARN, or an AWS service principal such as cloudtrail.amazonaws.com. */
  principalArn: string;
  action: string; // service:Action
  resource: string; // ARN or '*'
  resourceAccountId?: string; // defaults to accountId
  context: Record<string, string | string[]>;
  /**
   * Root first, account last, for the principal's account. Pass [] for a principal outside the
   * organization: SCPs don't apply to it and aws:PrincipalOrgID is then left out (set it in
   * context if the principal belongs to another organization).
   */
  scpLevels: PolicyLevel[];
  /**
   * Root first, account last, for the resource's account. RCPFullAWSAccess is added at every
   * level by iam-simulate: don't pass it (levels with no policies are fine). [] means the
   * resource is outside the organization unless it is in the principal's (member) account, which
   * decides whether aws:ResourceOrgID is set.
   */
  rcpLevels: PolicyLevel[];
  identityPolicies?: object[]; // defaults to one Allow */* policy (we test the guardrail layer)
  resourcePolicy?: object;
}

export type Decision = 'Allowed' | 'Denied';
export interface SimulationOutcome {
  decision: Decision;
  explanation: string;
}

/** An outcome with the statements behind a denial, for test cases that name the statement that must deny. */
export interface CaseOutcome extends SimulationOutcome {
  /**
   * When Denied: the Sids of the SCP and RCP statements that explicitly deny (each once, in chain order);
   * empty when the denial is implicit (a level allows nothing) or comes from elsewhere.
   */
  deniedBy?: string[];
}

/** The input can't be evaluated faithfully (bad policy, bad context value, inconsistent request...). */
export class SimulationInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SimulationInputError';
  }
}

const ALLOW_ALL = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

export async function simulateOrgRequest(req: OrgSimulationRequest): Promise<SimulationOutcome> {
  const { decision, explanation } = await simulateOrgCase(req);
  return { decision, explanation };
}

/** simulateOrgRequest, also saying which statements explicitly deny (`tarmac test` checks a case's deniedBy against them). */
export async function simulateOrgCase(req: OrgSimulationRequest): Promise<CaseOutcome> {
  const parsed = parsePrincipal(req.principalArn);
  if ('unsupported' in parsed) throw new SimulationInputError(parsed.unsupported);
  const principal: PrincipalInfo = parsed;
  if (principal.accountId && principal.accountId !== req.accountId) {
    throw new SimulationInputError(`principalArn is in account ${principal.accountId} but accountId is ${req.accountId}`);
  }
  const resourceAccountId = req.resourceAccountId ?? req.accountId;

  const scpExemption = scpExemptionFor(req, principal);
  const rcpExemption = rcpExemptionFor(req, principal, resourceAccountId);
  const context = await buildContext(req, principal, resourceAccountId);

  const simulation: Simulation = {
    request: {
      principal: req.principalArn,
      action: req.action,
      resource: { resource: req.resource, accountId: resourceAccountId },
      contextVariables: context,
    },
    identityPolicies: (req.identityPolicies ?? [ALLOW_ALL]).map((policy, i) => ({ name: `identity-${i + 1}`, policy })),
    // An exempt chain is passed as no levels at all, which iam-simulate treats as "nothing to enforce".
    serviceControlPolicies: scpExemption ? [] : toOrgPolicies(req.scpLevels),
    resourceControlPolicies: rcpExemption ? [] : toOrgPolicies(req.rcpLevels),
    ...(req.resourcePolicy ? { resourcePolicy: req.resourcePolicy } : {}),
  };

  if (scpExemption || rcpExemption) {
    // Validate the skipped chain too: a broken policy must not hide behind an exemption.
    await run({ ...simulation, serviceControlPolicies: toOrgPolicies(req.scpLevels), resourceControlPolicies: toOrgPolicies(req.rcpLevels) });
  }
  const result = await run(simulation);
  // A wildcard resource runs one simulation per matching resource pattern; overallResult combines them.
  const analyses: { pattern?: string; analysis: RequestAnalysis; ignored?: string[] }[] =
    result.resultType === 'single'
      ? [{ analysis: result.result.analysis, ignored: result.result.ignoredContextKeys }]
      : result.results.map((r) => ({ pattern: r.resourcePattern, analysis: r.analysis, ignored: r.ignoredContextKeys }));

  const errors = [...new Set(analyses.flatMap((a) => conditionErrors(a.analysis)))];
  if (errors.length > 0) throw new SimulationInputError(`invalid condition input: ${errors.join('; ')}`);

  const notes = [scpExemption, rcpExemption].filter((n): n is string => !!n);
  // With a wildcard resource a key can apply to one resource type and not another: report only keys no simulation used.
  const ignored = analyses.length > 0 ? (analyses[0].ignored ?? []).filter((k) => analyses.every((a) => a.ignored?.includes(k))) : [];
  if (ignored.length > 0) notes.push(`context keys ignored as not applicable to ${req.action}: ${ignored.join(', ')}`);

  if (result.overallResult === 'Allowed') {
    const allowedPatterns = analyses.filter((a) => a.analysis.result === 'Allowed' && a.pattern).map((a) => a.pattern);
    const summary = [
      scpExemption
        ? undefined
        : req.scpLevels.length > 0
          ? `every SCP level allows (${levelIds(req.scpLevels)})`
          : 'no SCP levels (principal outside the organization)',
      rcpExemption ? undefined : req.rcpLevels.length > 0 ? `no RCP denies (${levelIds(req.rcpLevels)})` : 'no RCP levels',
      allowedPatterns.length > 0 ? `resource pattern ${[...new Set(allowedPatterns)].join(', ')}` : undefined,
    ].filter((s): s is string => !!s);
    return { decision: 'Allowed', explanation: ['allowed', ...summary, ...notes].join('; ') };
  }
  const reasons =
    analyses.length > 0
      ? [...new Set(analyses.filter((a) => a.analysis.result !== 'Allowed').flatMap((a) => denialReasons(a.analysis, req.action)))]
      : [
          `implicitly denied for every resource matching '${req.resource}' (iam-simulate keeps no per-resource analysis here; use a specific ARN to see which level denies)`,
        ];
  const deniedBy = [...new Set(analyses.filter((a) => a.analysis.result !== 'Allowed').flatMap((a) => denyingStatements(a.analysis)))];
  return { decision: 'Denied', explanation: [...reasons, ...notes].join('; '), deniedBy };
}

// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html
// "SCPs don't affect users or roles in the management account" and "SCPs do not affect any
// service-linked role" (see "Tasks and entities not restricted by SCPs"). SCPs "affect only
// principals that are managed by accounts that are part of the organization", so AWS service
// principals, which belong to no account, are outside them too.
function scpExemptionFor(req: OrgSimulationRequest, principal: PrincipalInfo): string | undefined {
  if (principal.kind === 'service') return 'AWS service principal: SCPs do not apply';
  if (req.accountId === req.managementAccountId) return 'management account: SCPs do not apply';
  if (principal.serviceLinked) return 'service-linked role: SCPs do not apply';
  return undefined;
}

// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html#actions-not-restricted-by-rcps
// "You can't use RCPs to restrict: any action on resources in the management account; ... the
// effective permissions of any service-linked role; ... kms:RetireGrant". (AWS managed KMS keys are
// exempt too, but their ARNs look like any other key's, so the caller must know.) RCPs do apply to
// AWS service principals: AWS's own examples exempt them with aws:PrincipalIsAWSService.
function rcpExemptionFor(req: OrgSimulationRequest, principal: PrincipalInfo, resourceAccountId: string): string | undefined {
  if (resourceAccountId === req.managementAccountId) return 'resource in the management account: RCPs do not apply';
  if (principal.serviceLinked) return 'service-linked role: RCPs do not apply';
  if (req.action.toLowerCase() === 'kms:retiregrant') return 'RCPs do not apply to kms:RetireGrant';
  return undefined;
}

/** Caller context plus the keys AWS would set that the caller left out. */
async function buildContext(req: OrgSimulationRequest, principal: PrincipalInfo, resourceAccountId: string) {
  const callerKeys = new Map(Object.keys(req.context).map((k) => [k.toLowerCase(), k]));
  const callerArnKey = callerKeys.get('aws:principalarn');
  if (callerArnKey !== undefined && req.context[callerArnKey] !== req.principalArn) {
    throw new SimulationInputError(`context ${callerArnKey}=${JSON.stringify(req.context[callerArnKey])} contradicts principalArn ${req.principalArn}`);
  }
  // Membership is implied by the chains: an account in the organization always has SCP levels
  // above it, and the management account is in it by definition.
  const principalInOrg = req.accountId === req.managementAccountId || req.scpLevels.length > 0;
  // RCPs may not be enabled, so a same-account resource also follows the principal.
  const resourceInOrg = resourceAccountId === req.managementAccountId || req.rcpLevels.length > 0 || (resourceAccountId === req.accountId && principalInOrg);
  const derived: Record<string, string> = {
    ...principalContext(req.principalArn, principal, principalInOrg ? req.organizationId : undefined),
    // Data-perimeter policies test these; without them a StringNotEquals on aws:ResourceOrgID always denies.
    'aws:ResourceAccount': resourceAccountId,
    ...(resourceInOrg ? { 'aws:ResourceOrgID': req.organizationId } : {}),
  };
  const context: Record<string, string | string[]> = { ...req.context };
  for (const [key, value] of Object.entries(derived)) {
    if (!callerKeys.has(key.toLowerCase())) context[key] = value;
  }
  await rejectTruncatedArrays(req.context);
  return context;
}

/** iam-simulate silently keeps only the first element of an array given for a single-valued key. */
async function rejectTruncatedArrays(context: Record<string, string | string[]>) {
  for (const [key, value] of Object.entries(context)) {
    if (!Array.isArray(value) || value.length === 1) continue;
    let type;
    try {
      type = await typeForContextKey(key);
    } catch {
      continue; // unknown key: iam-simulate ignores it and we report it as ignored
    }
    if (!isConditionKeyArray(type)) {
      throw new SimulationInputError(`context key ${key} is single-valued (${type}) but got ${JSON.stringify(value)}`);
    }
  }
}

async function run(simulation: Simulation): Promise<SuccessfulRunSimulationResults> {
  const result = await withCachedCollators(() => runSimulation(simulation, { simulationMode: 'Strict' }));
  if (result.resultType === 'error') {
    throw new SimulationInputError(`iam-simulate rejected the input: ${formatErrors(result.errors)}`);
  }
  return result;
}

const levelIds = (levels: PolicyLevel[]) => levels.map((l) => l.targetId).join(' > ');

function toOrgPolicies(levels: PolicyLevel[]): Simulation['serviceControlPolicies'] {
  return levels.map((level) => ({
    orgIdentifier: level.targetId,
    policies: level.policies.map((p) => ({ name: p.name, policy: p.document })),
  }));
}

function formatErrors(errors: SimulationErrors): string {
  const details: string[] = [];
  const perPolicy: [string, Record<string, { path: string; message: string }[]> | undefined][] = [
    ['SCP', errors.serviceControlPolicyErrors],
    ['RCP', errors.resourceControlPolicyErrors],
    ['identity policy', errors.identityPolicyErrors],
  ];
  for (const [label, byName] of perPolicy) {
    for (const [name, list] of Object.entries(byName ?? {})) {
      for (const e of list) details.push(`${label} "${name}" ${e.path}: ${e.message}`);
    }
  }
  for (const e of errors.resourcePolicyErrors ?? []) details.push(`resource policy ${e.path}: ${e.message}`);
  return details.length > 0 ? `${errors.message} (${details.join('; ')})` : errors.message;
}
