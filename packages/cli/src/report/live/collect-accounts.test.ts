import { REPORT_READER_ACTIONS } from '@tarmac/core/org';
import { createAccountClientFactory } from './account-clients';
import {
  ADVISORY,
  CIS,
  DEV,
  EU,
  FSBP,
  FakeAccounts,
  HOOK,
  OPERATIONS,
  PACK,
  PROD,
  SHARED,
  US,
  ZERO_RETRY,
  at,
  collect,
  expectation,
  failedInvocation,
  healthy,
  resultId,
} from './__tests__/fake-accounts';
import type { LiveRegion } from './model';

/**
 * The collector against a fake AWS: what each account's reader role sees, read once per account and region; a
 * refused role is the account's error, a refused or throttled read the region's, and nothing the fake holds is lost.
 */

let fake: FakeAccounts;
beforeEach(() => {
  fake = new FakeAccounts();
});
afterEach(() => fake.restore());

const healthyRegion = (account: string, region: string): LiveRegion => ({
  region,
  hooks: [
    { typeName: HOOK, present: true },
    { typeName: ADVISORY, present: true },
  ],
  conformancePack: {
    name: PACK,
    found: true,
    nonCompliant: [
      { rule: 's3-bucket-ssl-requests-only-conformance-pack-abc', resourceType: 'AWS::S3::Bucket', resourceId: `logs-${account}` },
      { rule: 'iam-root-access-key-check-conformance-pack-abc', resourceType: 'AWS::::Account', resourceId: account },
    ],
  },
  hookFailures: [1, 2].map((n) => ({
    hookResultId: resultId(account, region, n),
    typeName: HOOK,
    invokedAt: (n === 1 ? at(5) : at(1, 0)).toISOString(),
    targetType: 'STACK',
    targetId: `arn:aws:cloudformation:${region}:${account}:stack/app-${n}/00000000-0000-0000-0000-00000000000${n}`,
    failureMode: 'FAIL',
    reason: 'Hook failed with message: Template failed validation',
    failedRules: [{ name: `S3_BUCKET_ENCRYPTION_${n}`, message: `Bucket ${n} is not encrypted` }],
  })),
  securityHubStandards: [FSBP, CIS],
  errors: [],
});

describe('a healthy account', () => {
  test('both regions read in full: hooks, failures since `since` with their failed rules, the pack, the standards', async () => {
    healthy(fake, DEV, EU);
    healthy(fake, DEV, US);
    const [account] = await collect([expectation(DEV)]);
    expect(account).toEqual({ id: DEV, regions: [healthyRegion(DEV, EU), healthyRegion(DEV, US)] });
  });

  test('the role is assumed once per account, by its ARN in the partition, and its credentials serve every region', async () => {
    healthy(fake, DEV, EU);
    healthy(fake, DEV, US);
    const built: string[] = [];
    const factory = createAccountClientFactory();
    await collect([expectation(DEV)], {
      partition: 'aws-us-gov',
      clientsFor: (credentials, region) => {
        built.push(`${credentials.accessKeyId} ${region}`);
        return factory(credentials, region);
      },
    });
    expect(fake.stubs.sts.calls().map((c) => c.args[0].input)).toEqual([
      { RoleArn: `arn:aws-us-gov:iam::${DEV}:role/tarmac/TarmacReportReader`, RoleSessionName: 'tarmac-report' },
    ]);
    expect(built).toEqual([`ASIA${DEV} ${EU}`, `ASIA${DEV} ${US}`]);
  });

  test('only what is expected is read: no pack, no Security Hub, no hooks', async () => {
    healthy(fake, DEV, EU);
    const [account] = await collect([expectation(DEV, [EU], { hookTypeNames: [], conformancePack: undefined, securityHub: false })]);
    expect(account).toEqual({ id: DEV, regions: [{ region: EU, hooks: [], hookFailures: [], errors: [] }] });
    expect(fake.calls.map((c) => c.op)).toEqual(['AssumeRole']);
  });
});

describe('what is missing is said, not read further', () => {
  test('a hook not activated in one region: present false there, and its results are not listed', async () => {
    healthy(fake, DEV, EU);
    delete healthy(fake, DEV, US).hooks[HOOK];
    const [account] = await collect([expectation(DEV)]);
    expect(account.regions[1].hooks).toEqual([
      { typeName: HOOK, present: false },
      { typeName: ADVISORY, present: true },
    ]);
    expect(account.regions[1].hookFailures).toEqual([]);
    expect(account.regions[0]).toEqual(healthyRegion(DEV, EU));
    // The advisory hook (no invocations: HookResultNotFoundException) in both regions; the hook (two pages) in EU only.
    expect(fake.count('ListHookResults', DEV, EU)).toBe(3);
    expect(fake.count('ListHookResults', DEV, US)).toBe(1);
  });

  test('a conformance pack that is not there: found false, its details not asked', async () => {
    delete healthy(fake, DEV, EU).packs[PACK];
    const [account] = await collect([expectation(DEV, [EU])]);
    expect(account.regions[0].conformancePack).toEqual({ name: PACK, found: false, nonCompliant: [] });
    expect(account.regions[0].errors).toEqual([]);
    expect(fake.count('GetConformancePackComplianceDetails')).toBe(0);
  });

  test('Security Hub not subscribed: null; a standard being disabled (DELETING) no longer counts', async () => {
    healthy(fake, DEV, EU).standards = null;
    healthy(fake, DEV, US).standards = [
      { arn: FSBP, status: 'PENDING' },
      { arn: CIS, status: 'DELETING' },
      { arn: 'arn:aws:securityhub:us-east-1::standards/nist-800-53/v/5.0.0', status: 'INCOMPLETE' },
    ];
    const [account] = await collect([expectation(DEV)]);
    expect(account.regions.map((r) => [r.securityHubStandards, r.errors])).toEqual([
      [null, []],
      [[FSBP, 'arn:aws:securityhub:us-east-1::standards/nist-800-53/v/5.0.0'], []],
    ]);
  });
});

describe('pages', () => {
  test('non-compliant resources over several pages, asked with the NON_COMPLIANT filter and the largest Limit', async () => {
    const r = healthy(fake, DEV, EU);
    r.packs[PACK] = Array.from({ length: 11 }, (_, n) => ({
      rule: `rule-${n % 3}`,
      resourceType: 'AWS::S3::Bucket',
      resourceId: `bucket-${n}`,
      compliance: n % 4 === 0 ? 'COMPLIANT' : 'NON_COMPLIANT',
    }));
    fake.pageSize = () => 3;
    const [account] = await collect([expectation(DEV, [EU])]);
    const expected = r.packs[PACK].filter((e) => e.compliance === 'NON_COMPLIANT').map(({ rule, resourceType, resourceId }) => ({
      rule,
      resourceType,
      resourceId,
    }));
    expect(account.regions[0].conformancePack).toEqual({ name: PACK, found: true, nonCompliant: expected });
    expect(expected).toHaveLength(8);
    const details = fake.stubs.config.calls().filter((c) => c.args[0].constructor.name === 'GetConformancePackComplianceDetailsCommand');
    expect(details.map((c) => c.args[0].input)).toEqual([
      { ConformancePackName: PACK, Filters: { ComplianceType: 'NON_COMPLIANT' }, Limit: 100, NextToken: undefined },
      { ConformancePackName: PACK, Filters: { ComplianceType: 'NON_COMPLIANT' }, Limit: 100, NextToken: 'page-3' },
      { ConformancePackName: PACK, Filters: { ComplianceType: 'NON_COMPLIANT' }, Limit: 100, NextToken: 'page-6' },
    ]);
  });

  test('hook failures over pages, most recent first, each with only its FAILED annotations; older ones ignored', async () => {
    const r = healthy(fake, DEV, EU);
    r.hooks[HOOK].invocations = [3, 9, 1, 7, 5, 2].map((day, n) => ({
      ...failedInvocation(DEV, EU, n, at(day)),
      failed: [
        { name: `RULE_A_${n}`, message: `a ${n}` },
        { name: `RULE_B_${n}`, message: `b ${n}` },
      ],
    }));
    r.hooks[HOOK].invocations.push({ ...failedInvocation(DEV, EU, 6, new Date('2026-11-20T00:00:00Z')) });
    const [account] = await collect([expectation(DEV, [EU])]);
    const failures = account.regions[0].hookFailures;
    expect(failures.map((f) => f.invokedAt)).toEqual([9, 7, 5, 3, 2, 1].map((d) => at(d).toISOString()));
    expect(failures[0]).toMatchObject({
      hookResultId: resultId(DEV, EU, 1),
      typeName: HOOK,
      failedRules: [
        { name: 'RULE_A_1', message: 'a 1' },
        { name: 'RULE_B_1', message: 'b 1' },
      ],
    });
    expect(fake.count('ListHookResults', DEV, EU)).toBe(4 + 1);
    expect(fake.stubs.cloudformation.calls().find((c) => c.args[0].constructor.name === 'ListHookResultsCommand')!.args[0].input).toEqual({
      TypeArn: r.hooks[HOOK].arn,
      Status: 'HOOK_COMPLETE_FAILED',
      NextToken: undefined,
    });
    expect(fake.count('GetHookResult', DEV, EU)).toBe(6);
  });

  test('GetHookResult is bounded per region: the most recent have their rules, the rest are listed and the errors say so', async () => {
    const r = healthy(fake, DEV, EU);
    r.hooks[HOOK].invocations = [1, 2, 3, 4, 5].map((day) => failedInvocation(DEV, EU, day, at(day)));
    const [account] = await collect([expectation(DEV, [EU])], { hookResultDetails: 2 });
    const failures = account.regions[0].hookFailures;
    expect(failures.map((f) => [f.hookResultId, f.failedRules.length])).toEqual([
      [resultId(DEV, EU, 5), 1],
      [resultId(DEV, EU, 4), 1],
      [resultId(DEV, EU, 3), 0],
      [resultId(DEV, EU, 2), 0],
      [resultId(DEV, EU, 1), 0],
    ]);
    expect(fake.count('GetHookResult')).toBe(2);
    expect(account.regions[0].errors).toEqual([
      `5 hook failures in account ${DEV} (${EU}) since 2026-12-01T00:00:00.000Z: the rules of the 2 most recent were read (GetHookResult), the other 3 are listed without them`,
    ]);
  });
});

describe('refusals', () => {
  test('AssumeRole refused in one account of three: that account has the error, nothing else is read there, the others complete', async () => {
    for (const id of [DEV, PROD, SHARED]) healthy(fake, id, EU);
    fake.denied.add(PROD);
    const accounts = await collect([DEV, PROD, SHARED].map((id) => expectation(id, [EU])));
    expect(accounts[1]).toEqual({
      id: PROD,
      error: `Cannot assume arn:aws:iam::${PROD}:role/tarmac/TarmacReportReader: AccessDenied: User: arn:aws:sts::999999999999:assumed-role/TarmacDelegatedAdmin/tarmac is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${PROD}:role/tarmac/TarmacReportReader`,
      regions: [],
    });
    expect(fake.calls.filter((c) => c.account === PROD).map((c) => c.op)).toEqual(['AssumeRole']);
    expect(accounts[0]).toEqual({ id: DEV, regions: [healthyRegion(DEV, EU)] });
    expect(accounts[2]).toEqual({ id: SHARED, regions: [healthyRegion(SHARED, EU)] });
  });

  test('one call refused: its error names the call, account, region and AWS answer; the rest of the region and account are read', async () => {
    healthy(fake, DEV, EU);
    healthy(fake, DEV, US);
    fake.fail('GetConformancePackComplianceDetails', 'denied', { region: EU });
    const [account] = await collect([expectation(DEV)]);
    const { conformancePack, errors, ...rest } = account.regions[0];
    const { conformancePack: _pack, errors: _errors, ...healthyRest } = healthyRegion(DEV, EU);
    expect(rest).toEqual(healthyRest);
    expect(conformancePack).toBeUndefined();
    expect(errors).toEqual([
      `Conformance pack ${PACK} in account ${DEV} (${EU}) failed: AccessDeniedException: User: arn:aws:sts::${DEV}:assumed-role/TarmacReportReader/tarmac-report is not authorized to perform: config:GetConformancePackComplianceDetails`,
    ]);
    expect(account.regions[1]).toEqual(healthyRegion(DEV, US));
  });

  test('DescribeType refused: the hook is left out of `hooks` (not called absent) and the error says why', async () => {
    healthy(fake, DEV, EU);
    fake.fail('DescribeType', 'denied');
    const [account] = await collect([expectation(DEV, [EU])]);
    expect(account.regions[0].hooks).toEqual([{ typeName: ADVISORY, present: true }]);
    expect(account.regions[0].hookFailures).toEqual([]);
    expect(account.regions[0].errors).toEqual([
      `DescribeType ${HOOK} in account ${DEV} (${EU}) failed: AccessDenied: User: arn:aws:sts::${DEV}:assumed-role/TarmacReportReader/tarmac-report is not authorized to perform: cloudformation:DescribeType`,
    ]);
  });

  test('GetHookResult refused: the failures stay listed without rules, one line sums the refusals up', async () => {
    healthy(fake, DEV, EU);
    fake.fail('GetHookResult', 'denied', { times: 'always' });
    const [account] = await collect([expectation(DEV, [EU])]);
    expect(account.regions[0].hookFailures.map((f) => [f.hookResultId, f.failedRules])).toEqual([
      [resultId(DEV, EU, 1), []],
      [resultId(DEV, EU, 2), []],
    ]);
    expect(account.regions[0].errors).toEqual([
      `GetHookResult in account ${DEV} (${EU}) failed for 2 of 2 hook failures; their rules are not shown (first: ${resultId(DEV, EU, 1)}: AccessDenied: User: arn:aws:sts::${DEV}:assumed-role/TarmacReportReader/tarmac-report is not authorized to perform: cloudformation:GetHookResult)`,
    ]);
  });

  test('GetEnabledStandards refused: the standards are absent and the error says so; the rest stands', async () => {
    healthy(fake, DEV, EU);
    fake.fail('GetEnabledStandards', 'denied');
    const [account] = await collect([expectation(DEV, [EU])]);
    expect(account.regions[0].securityHubStandards).toBeUndefined();
    expect(account.regions[0].errors).toEqual([
      `GetEnabledStandards in account ${DEV} (${EU}) failed: AccessDeniedException: User: arn:aws:sts::${DEV}:assumed-role/TarmacReportReader/tarmac-report is not authorized to perform: securityhub:GetEnabledStandards`,
    ]);
    expect(account.regions[0].conformancePack?.found).toBe(true);
  });
  test('clients that cannot be built for a region: that region says so, the next one is read', async () => {
    healthy(fake, DEV, EU);
    healthy(fake, DEV, US);
    const factory = createAccountClientFactory();
    const [account] = await collect([expectation(DEV)], {
      clientsFor: (credentials, region) => {
        if (region === EU) throw new Error('Region is missing');
        return factory(credentials, region);
      },
    });
    expect(account.regions).toEqual([
      { region: EU, hooks: [], hookFailures: [], errors: [`Reading account ${DEV} (${EU}) failed: Error: Region is missing`] },
      healthyRegion(DEV, US),
    ]);
  });
});

describe('throttling', () => {
  test('throttled N times on every call, as each service says it, then answered: the same result, the calls retried', async () => {
    const ops = OPERATIONS;
    // The calls each operation takes unthrottled, then the same reads throttled three times per operation.
    healthy(fake, DEV, EU);
    await collect([expectation(DEV, [EU])]);
    const plain = ops.map((op) => [op, fake.count(op) + 3]);
    fake.restore();
    fake = new FakeAccounts();
    healthy(fake, DEV, EU);
    for (const op of ops) fake.fail(op, 'throttle', { times: 3 });
    const [account] = await collect([expectation(DEV, [EU])]);
    expect(account).toEqual({ id: DEV, regions: [healthyRegion(DEV, EU)] });
    expect(ops.map((op) => [op, fake.count(op)])).toEqual(plain);
  });

  test('throttled past the retries: recorded as the region’s error with the throttle’s own code, never thrown', async () => {
    healthy(fake, DEV, EU);
    fake.fail('GetEnabledStandards', 'throttle', { times: 'always' });
    fake.fail('ListHookResults', 'throttle', { times: 'always' });
    const [account] = await collect([expectation(DEV, [EU])]);
    expect(account.regions[0].errors).toEqual([
      `ListHookResults ${HOOK} in account ${DEV} (${EU}) failed: Throttling: Rate exceeded (still after 4 attempts)`,
      `ListHookResults ${ADVISORY} in account ${DEV} (${EU}) failed: Throttling: Rate exceeded (still after 4 attempts)`,
      `GetEnabledStandards in account ${DEV} (${EU}) failed: LimitExceededException: Rate exceeded (still after 4 attempts)`,
    ]);
    expect(fake.count('GetEnabledStandards')).toBe(ZERO_RETRY.attempts);
    expect(account.regions[0].conformancePack?.nonCompliant).toHaveLength(2);
  });

  test('AssumeRole throttled past the retries: the account’s error', async () => {
    healthy(fake, DEV, EU);
    fake.fail('AssumeRole', 'throttle', { times: 'always' });
    const [account] = await collect([expectation(DEV, [EU])]);
    expect(account.error).toBe(`Cannot assume arn:aws:iam::${DEV}:role/tarmac/TarmacReportReader: Throttling: Rate exceeded (still after 4 attempts)`);
  });
});

describe('many accounts', () => {
  const ids = Array.from({ length: 12 }, (_, n) => String(100000000000 + n));

  test.each([
    [3, 3],
    [undefined, 8],
  ])('at most `concurrency` accounts in flight (given %p: %p), and the result in the order given', async (concurrency, bound) => {
    ids.forEach((id, n) => {
      const r = healthy(fake, id, EU);
      // Uneven work, so accounts finish out of order.
      r.hooks[HOOK].invocations = Array.from({ length: (n * 7) % 5 }, (_, k) => failedInvocation(id, EU, k, at(2 + k)));
    });
    const accounts = await collect(
      ids.map((id) => expectation(id, [EU])),
      { concurrency },
    );
    expect(accounts.map((a) => a.id)).toEqual(ids);
    expect(fake.maxAccountsInFlight).toBeLessThanOrEqual(bound);
    expect(fake.maxAccountsInFlight).toBeGreaterThan(1);
    expect(accounts.every((a) => a.regions[0].errors.length === 0)).toBe(true);
  });
});

test('every operation the collector calls as the reader role is an action REPORT_READER_ACTIONS allows, and each action is used', async () => {
  healthy(fake, DEV, EU);
  await collect([expectation(DEV, [EU])]);
  const prefix = { cloudformation: 'cloudformation', config: 'config', securityhub: 'securityhub' } as const;
  const actions = new Set(
    Object.entries(prefix).flatMap(([stub, service]) =>
      fake.stubs[stub as keyof typeof prefix].calls().map((c) => `${service}:${(c.args[0] as object).constructor.name.replace(/Command$/, '')}`),
    ),
  );
  expect([...actions].sort()).toEqual([...REPORT_READER_ACTIONS].sort());
  // AssumeRole is the delegated admin's call, not the reader role's.
  expect(fake.stubs.sts.calls().map((c) => (c.args[0] as object).constructor.name)).toEqual(['AssumeRoleCommand']);
});

test('the default factory signs with the role credentials it is given, in the region it is given', async () => {
  const clients = createAccountClientFactory()({ accessKeyId: 'ASIA1', secretAccessKey: 's', sessionToken: 't' }, EU);
  for (const client of [clients.cloudFormation, clients.config, clients.securityHub]) {
    await expect(client.config.region()).resolves.toBe(EU);
    await expect(client.config.credentials()).resolves.toMatchObject({ accessKeyId: 'ASIA1', secretAccessKey: 's', sessionToken: 't' });
  }
});
