import { StandardsStatus } from '@aws-sdk/client-securityhub';
import {
  ADVISORY,
  EU,
  FakeAccounts,
  FakeRegion,
  HOOK,
  PACK,
  READS,
  SINCE,
  US,
  ZERO_RETRY,
  collect,
  expectation,
  hookArn,
  resultId,
} from './__tests__/fake-accounts';
import type { LiveAccount, LiveRegion } from './model';

/**
 * Random worlds (seeded, so a failure replays): random page sizes, hook results either side of `since`, packs and
 * standards present or not, throttles that pass and refusals that stay. Whatever the fake holds comes back, or an
 * error in its region (or account) names the read that failed: nothing is dropped without a word.
 */

/** Numerical Recipes' LCG: enough to vary the worlds, and the same worlds on every run. */
function lcg(seed: number) {
  let state = seed >>> 0;
  const next = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  return {
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    chance: (p: number) => next() < p,
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)],
  };
}

const REGIONS = [EU, US, 'ap-southeast-2'];
const STATUSES: StandardsStatus[] = ['READY', 'PENDING', 'INCOMPLETE', 'FAILED', 'DELETING'];

interface World {
  readonly ids: string[];
  readonly regionsOf: Map<string, string[]>;
  /** Account/region pairs where a refusal or endless throttle was injected: errors are allowed there only. */
  readonly troubled: Set<string>;
  readonly detailLimit: number;
}

function build(fake: FakeAccounts, seed: number): World {
  const rnd = lcg(seed);
  const ids = Array.from({ length: rnd.int(1, 5) }, (_, n) => String(400000000000 + seed * 10 + n));
  const regionsOf = new Map<string, string[]>();
  const troubled = new Set<string>();
  const pages = new Map<string, number>();
  let n = 0;
  for (const id of ids) {
    const regions = REGIONS.filter(() => rnd.chance(0.6));
    regionsOf.set(id, regions.length ? regions : [EU]);
    if (rnd.chance(0.15)) fake.denied.add(id);
    else if (rnd.chance(0.2)) fake.fail('AssumeRole', 'throttle', { account: id, times: rnd.int(1, ZERO_RETRY.attempts - 1) });
    for (const region of regionsOf.get(id)!) {
      const r: FakeRegion = fake.region(id, region);
      for (const typeName of [HOOK, ADVISORY]) {
        if (rnd.chance(0.2)) continue;
        r.hooks[typeName] = {
          arn: hookArn(id, region, typeName),
          invocations: Array.from({ length: rnd.int(0, 12) }, () => {
            const k = n++;
            return {
              id: resultId(id, region, k),
              status: rnd.pick(['HOOK_COMPLETE_FAILED', 'HOOK_COMPLETE_FAILED', 'HOOK_COMPLETE_SUCCEEDED', 'HOOK_FAILED'] as const),
              invokedAt: new Date(SINCE.getTime() + rnd.int(-5, 20) * 3_600_000 + rnd.int(0, 59) * 60_000),
              targetId: `arn:aws:cloudformation:${region}:${id}:stack/s${k}/x`,
              failed: Array.from({ length: rnd.int(1, 3) }, (_, j) => ({ name: `RULE_${k}_${j}`, message: `rule ${j} of ${k}` })),
              passed: rnd.chance(0.5) ? [`OK_${k}`] : [],
            };
          }),
        };
      }
      if (rnd.chance(0.8)) {
        r.packs[PACK] = Array.from({ length: rnd.int(0, 15) }, (_, k) => ({
          rule: `rule-${rnd.int(0, 4)}`,
          resourceType: rnd.pick(['AWS::S3::Bucket', 'AWS::IAM::Role', 'AWS::EC2::SecurityGroup']),
          resourceId: `res-${k}`,
          compliance: rnd.pick(['COMPLIANT', 'NON_COMPLIANT', 'NON_COMPLIANT'] as const),
        }));
      }
      r.standards = rnd.chance(0.25)
        ? null
        : Array.from({ length: rnd.int(0, 5) }, (_, k) => ({ arn: `arn:aws:securityhub:${region}::standards/s-${k}/v/1`, status: rnd.pick(STATUSES) }));
      for (const op of READS) {
        pages.set(`${op} ${id} ${region}`, rnd.int(1, 4));
        // A throttle that passes (20%), a failure that stays (6%), a single refusal (6%), or nothing.
        const roll = rnd.int(0, 99);
        if (roll < 20) fake.fail(op, 'throttle', { account: id, region, times: rnd.int(1, ZERO_RETRY.attempts - 1) });
        else if (roll < 32) {
          fake.fail(op, roll < 26 ? rnd.pick(['throttle', 'denied'] as const) : 'denied', { account: id, region, times: roll < 26 ? 'always' : 1 });
          troubled.add(`${id} ${region}`);
        }
      }
    }
  }
  fake.pageSize = (op, account, region) => pages.get(`${op} ${account} ${region}`) ?? 2;
  return { ids, regionsOf, troubled, detailLimit: rnd.int(1, 12) };
}

const mentions = (region: LiveRegion, what: string) => region.errors.some((e) => e.startsWith(what) || e.includes(` ${what}`));

/** What the region must say about each thing the fake holds: the thing itself, or an error naming its read. */
function check(fake: FakeAccounts, world: World, account: LiveAccount): void {
  if (fake.denied.has(account.id)) {
    expect(account.error).toContain(`arn:aws:iam::${account.id}:role/tarmac/TarmacReportReader`);
    expect(account.regions).toEqual([]);
    return;
  }
  expect(account.error).toBeUndefined();
  expect(account.regions.map((r) => r.region)).toEqual(world.regionsOf.get(account.id));
  for (const region of account.regions) {
    const held = fake.region(account.id, region.region);
    for (const typeName of [HOOK, ADVISORY]) {
      const hook = held.hooks[typeName];
      const seen = region.hooks.find((h) => h.typeName === typeName);
      if (!seen) {
        expect(mentions(region, `DescribeType ${typeName}`)).toBe(true);
        continue;
      }
      expect(seen.present).toBe(!!hook);
      const due = (hook?.invocations ?? []).filter((i) => i.status === 'HOOK_COMPLETE_FAILED' && i.invokedAt >= SINCE);
      const listed = region.hookFailures.filter((f) => f.typeName === typeName);
      if (mentions(region, `ListHookResults ${typeName}`)) expect(listed).toEqual([]);
      else expect(listed.map((f) => f.hookResultId).sort()).toEqual(due.map((i) => i.id).sort());
      for (const f of listed) {
        const rules = due.find((i) => i.id === f.hookResultId)!.failed;
        if (f.failedRules.length === 0) expect(region.errors.some((e) => e.includes('GetHookResult'))).toBe(true);
        else expect(f.failedRules).toEqual(rules);
      }
    }
    expect(region.hookFailures.filter((f) => f.failedRules.length > 0).length).toBeLessThanOrEqual(world.detailLimit);
    const pack = held.packs[PACK];
    if (!region.conformancePack) expect(mentions(region, `Conformance pack ${PACK}`)).toBe(true);
    else if (!pack) expect(region.conformancePack).toEqual({ name: PACK, found: false, nonCompliant: [] });
    else {
      const due = pack.filter((e) => e.compliance === 'NON_COMPLIANT').map(({ rule, resourceType, resourceId }) => ({ rule, resourceType, resourceId }));
      expect(region.conformancePack).toEqual({ name: PACK, found: true, nonCompliant: due });
    }
    if (region.securityHubStandards === undefined) expect(mentions(region, 'GetEnabledStandards')).toBe(true);
    else expect(region.securityHubStandards).toEqual(held.standards && held.standards.filter((s) => s.status !== 'DELETING').map((s) => s.arn));
    // Where nothing was refused for good, the only word allowed is that some failures' rules were not read.
    if (!world.troubled.has(`${account.id} ${region.region}`)) {
      expect(region.errors.filter((e) => !/are listed without them$/.test(e))).toEqual([]);
    }
  }
}

describe('random worlds: nothing the fake holds is dropped without an error naming it', () => {
  test.each(Array.from({ length: 40 }, (_, seed) => seed + 1))('seed %i', async (seed) => {
    const fake = new FakeAccounts();
    try {
      const world = build(fake, seed);
      const accounts = await collect(
        world.ids.map((id) => expectation(id, world.regionsOf.get(id)!)),
        { concurrency: 1 + (seed % 4), hookResultDetails: world.detailLimit },
      );
      expect(accounts.map((a) => a.id)).toEqual(world.ids);
      for (const account of accounts) check(fake, world, account);
    } finally {
      fake.restore();
    }
  });
});
