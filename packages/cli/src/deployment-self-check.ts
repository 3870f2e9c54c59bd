import { Catalog, InputError, formatLocation } from '@tarmac/core';
import { DeploymentRequest, DeploymentSite, OrgPolicySet, builtSids, deploymentRequests, deploymentSites, requestClass, siteClassKey } from '@tarmac/core/org';
import type { BuildOutput } from './build-output';
import { SIMULATOR_PACKAGE, Simulator, simulate } from './org-policy-tests';

export interface SelfCheckResult {
  /** Stack set instances and delegated-administrator stacks checked. */
  readonly sites: number;
  /** Requests (site × action) of the sites that differ in more than their account, and the distinct simulations they needed. */
  readonly requests: number;
  readonly simulations: number;
  /** One error per site, account, Region and denying statement; empty when the deployment may do what it deploys. */
  readonly denials: InputError[];
  /** Resource types whose handler permissions Tarmac does not know, so nothing about them was checked. */
  readonly unchecked: InputError[];
  /** Stacks in the management account, where SCPs and RCPs do not apply. */
  readonly managementStacks: readonly string[];
}

/**
 * Proves, before anything reaches AWS, that every stack set instance and every stack and API call of `tarmac
 * deploy` in a member account may do what it deploys under the SCP and RCP chain its account gets from this build:
 * each resource's create, update and delete handler permissions and deploy's own calls, simulated as the principal
 * that performs them, with the platform's tags. Undefined when the build deploys nothing org-wide.
 */
export async function deploymentSelfCheck(output: BuildOutput, simulator: Simulator | undefined): Promise<SelfCheckResult | undefined> {
  const { deployment, stackSets: manifest, org, set } = output;
  if (!deployment || !manifest) return undefined;
  if (!simulator) {
    throw new InputError(
      { file: set.organization.file },
      `the deployment self-check needs the optional package ${SIMULATOR_PACKAGE} (AGPL-3.0-or-later), which is not installed`,
      `npm i -D ${SIMULATOR_PACKAGE}, or --skip-self-check to build without proving the stack sets may deploy under the SCPs`,
    );
  }
  const sites = deploymentSites(org, deployment, manifest, output.files);
  // Sites that differ only in their account's ID are checked once, and share the outcome.
  const members = new Map<string, DeploymentSite[]>();
  for (const site of sites) {
    const key = siteClassKey(org, site);
    members.set(key, [...(members.get(key) ?? []), site]);
  }
  const classOf = new Map([...members.values()].map((m) => [m[0], m] as const));
  const { requests, unchecked } = deploymentRequests(org, [...classOf.keys()], set.organization.deployment?.tags ?? {});
  // Accounts share chains, and actions share the statements that match them: simulate each class once.
  const outcomes = new Map<string, Promise<Outcome>>();
  const denied: { request: DeploymentRequest; outcome: Outcome }[] = [];
  for (const request of requests) {
    const { key, representative, assumed } = await requestClass(request.request, request.resources);
    if (!outcomes.has(key))
      outcomes.set(
        key,
        simulate(simulator, representative).then((o) => ({ ...o, assumed })),
      );
    const outcome = await outcomes.get(key)!;
    if (outcome.decision === 'Denied') denied.push(...classOf.get(request.site)!.map((site) => ({ request: { ...request, site }, outcome })));
  }
  return {
    sites: sites.length,
    requests: requests.length,
    simulations: outcomes.size,
    denials: denialErrors(denied, output),
    // Once per stack set and type, not per instance.
    unchecked: [...new Map(unchecked.map((u) => [`${u.site.name}\n${u.type}`, u])).values()].map(
      ({ site, type, logicalIds }) =>
        new InputError(
          { file: site.file, line: site.line },
          `${site.name} deploys ${type} (${logicalIds.join(', ')}), whose CloudFormation handler permissions Tarmac does not know, so the self-check cannot prove it may be deployed`,
          'a type listed in @tarmac/core data/handler-permissions.json (regenerate it with scripts/generate-handler-permissions.js)',
        ),
    ),
    managementStacks: manifest.managementStacks.map((s) => s.name),
  };
}

/** A simulation's outcome, with the statements that name resources and were taken to name the request's. */
type Outcome = Awaited<ReturnType<typeof simulate>> & { assumed: readonly string[] };

/**
 * Denials grouped by what is denied, to whom, by which statements: one cause is one error, naming every account
 * and Region it hits.
 */
function denialErrors(denied: readonly { request: DeploymentRequest; outcome: Outcome }[], output: BuildOutput): InputError[] {
  const statementAt = statementLocations(output.set, output.catalog.tags);
  const bySite = new Map<DeploymentSite, { by: string; requests: DeploymentRequest[] }[]>();
  for (const { request, outcome } of denied) {
    const sids = outcome.deniedBy ?? [];
    const by = sids.length
      ? sids
          .map((sid) => {
            const at = statementAt.has(sid) ? `${sid} (${statementAt.get(sid)})` : sid;
            return outcome.assumed.includes(sid)
              ? `${at}, which names resources: which ones this action acts on here cannot be known before deploy, so they are taken to be named`
              : at;
          })
          .join(', ')
      : `no SCP or RCP allowing it (${outcome.explanation})`;
    const causes = bySite.get(request.site) ?? [];
    const cause = causes.find((c) => c.by === by) ?? { by, requests: [] };
    if (!causes.includes(cause)) causes.push(cause);
    cause.requests.push(request);
    bySite.set(request.site, causes);
  }
  const groups = new Map<string, { site: DeploymentSite; by: string; actions: string[]; neededBy: string[]; places: DeploymentSite[] }>();
  for (const [site, causes] of bySite) {
    for (const { by, requests } of causes) {
      const actions = [...new Set(requests.map((r) => r.action))].sort();
      const key = [site.name, site.principal, by, actions.join(' ')].join('\n');
      const group = groups.get(key) ?? { site, by, actions, neededBy: [...new Set(requests.flatMap((r) => r.neededBy))].sort(), places: [] };
      group.places.push(site);
      groups.set(key, group);
    }
  }
  return [...groups.values()].map(
    ({ site, by, actions, neededBy, places }) =>
      new InputError(
        { file: site.file, line: site.line },
        `${site.name} would fail: ${site.principal} is denied ${listed(actions)} (for ${neededBy.join(', ')}) in ${placesOf(places)} by ${by}`,
        `SCPs and RCPs that let it deploy where it deploys: exempt ${site.principal.replace(/ \(.*$/, '')} in that statement, or deploy elsewhere`,
      ),
  );
}

/** `log-archive (222222222222), audit (333333333333) in eu-west-1, eu-central-1`, or per account when their Regions differ. */
function placesOf(sites: readonly DeploymentSite[]): string {
  const regions = new Map<string, { label: string; regions: string[] }>();
  for (const s of sites) {
    const entry = regions.get(s.account.id) ?? { label: `${s.account.name} (${s.account.id})`, regions: [] };
    entry.regions.push(s.region);
    regions.set(s.account.id, entry);
  }
  const entries = [...regions.values()];
  const same = entries.every((e) => e.regions.join() === entries[0].regions.join());
  return same
    ? `${entries.map((e) => e.label).join(', ')} in ${entries[0].regions.join(', ')}`
    : entries.map((e) => `${e.label} in ${e.regions.join(', ')}`).join('; ');
}

/** Where each built Sid is written: its control file and statement line. */
function statementLocations(set: OrgPolicySet, tags: Catalog['tags']): Map<string, string> {
  const at = new Map<string, string>();
  for (const control of set.controls) {
    for (const source of control.statements) {
      for (const sid of builtSids(control.id, source, tags)) at.set(sid, formatLocation({ file: control.file, line: source.line }));
    }
  }
  return at;
}

function listed(actions: readonly string[]): string {
  const shown = actions.slice(0, 4).join(', ');
  return actions.length > 4 ? `${shown} and ${actions.length - 4} more` : shown;
}
