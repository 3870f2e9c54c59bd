import type { AccountClients } from './account-clients';
import { RegionScope, orRecord } from './collect-accounts-call';
import { readConformancePack } from './collect-accounts-config';
import { HookReadOptions, readHooks } from './collect-accounts-hooks';
import { readSecurityHubStandards } from './collect-accounts-security-hub';
import type { AccountExpectation, LiveRegion } from './model';

/** One region of one account: each part is read on its own, so one refused call leaves the others' answers standing. */
export async function collectRegion(
  scope: RegionScope,
  clients: AccountClients,
  expectation: AccountExpectation,
  hookOptions: HookReadOptions,
): Promise<LiveRegion> {
  const { hooks, hookFailures } = await readHooks(scope, clients.cloudFormation, expectation.hookTypeNames, hookOptions);
  const pack = expectation.conformancePack;
  const conformancePack = pack ? await orRecord(scope, `Conformance pack ${pack}`, () => readConformancePack(scope, clients.config, pack)) : undefined;
  const securityHubStandards = expectation.securityHub
    ? await orRecord(scope, 'GetEnabledStandards', () => readSecurityHubStandards(scope, clients.securityHub))
    : undefined;
  return {
    region: scope.region,
    hooks,
    ...(conformancePack ? { conformancePack } : {}),
    hookFailures,
    ...(securityHubStandards !== undefined ? { securityHubStandards } : {}),
    errors: scope.errors,
  };
}
