import {
  CloudFormationClient,
  CloudFormationServiceException,
  DescribeTypeCommand,
  GetHookResultCommand,
  HookResultNotFoundException,
  HookStatus,
  ListHookResultsCommand,
  TypeNotFoundException,
} from '@aws-sdk/client-cloudformation';
import {
  ConfigServiceClient,
  ConfigServiceServiceException,
  DescribeConformancePackComplianceCommand,
  GetConformancePackComplianceDetailsCommand,
  InvalidLimitException,
  NoSuchConformancePackException,
} from '@aws-sdk/client-config-service';
import {
  AccessDeniedException,
  GetEnabledStandardsCommand,
  InvalidAccessException,
  LimitExceededException,
  SecurityHubClient,
  StandardsStatus,
} from '@aws-sdk/client-securityhub';
import { AssumeRoleCommand, STSClient, STSServiceException } from '@aws-sdk/client-sts';
import { AwsStub, mockClient } from 'aws-sdk-client-mock';
import type { RetryPolicy } from '../../../deploy/retry';
import { createAccountClientFactory } from '../account-clients';
import { AccountCollectorDeps, collectAccounts } from '../collect-accounts';
import type { AccountExpectation, LiveAccount } from '../model';

/**
 * AWS as the reader role sees it, for the collector's tests: accounts, their regions' hooks, hook results,
 * conformance packs and Security Hub standards, answered page by page as the SDK's outputs are shaped. Each call
 * is told apart by account through the assumed credentials (AssumeRole hands out an AccessKeyId naming the account).
 */

export const ZERO_RETRY: RetryPolicy = { attempts: 4, baseMs: 0, maxMs: 0, pollMs: 0, sleep: async () => {} };

const $metadata = (httpStatusCode: number) => ({ httpStatusCode, requestId: 'req-0' });

export interface FakeInvocation {
  readonly id: string;
  readonly status: HookStatus;
  readonly invokedAt: Date;
  readonly targetId: string;
  /** Annotations: FAILED ones are the rules that failed, PASSED ones are there to be left out. */
  readonly failed: readonly { name: string; message: string }[];
  readonly passed?: readonly string[];
  /** The hook's FailureMode when it ran (default FAIL). */
  readonly failureMode?: 'FAIL' | 'WARN';
}

export interface FakeEvaluation {
  readonly rule: string;
  readonly resourceType: string;
  readonly resourceId: string;
  readonly compliance: 'COMPLIANT' | 'NON_COMPLIANT';
}

export interface FakeRegion {
  /** Hooks activated here by type name; a name missing is TypeNotFoundException. */
  hooks: Record<string, { arn: string; invocations: FakeInvocation[] }>;
  /** Conformance packs by name; a name missing is NoSuchConformancePackException. */
  packs: Record<string, FakeEvaluation[]>;
  /** null: not subscribed (InvalidAccessException). */
  standards: { arn: string; status: StandardsStatus }[] | null;
}

export type Operation =
  | 'AssumeRole'
  | 'DescribeType'
  | 'ListHookResults'
  | 'GetHookResult'
  | 'DescribeConformancePackCompliance'
  | 'GetConformancePackComplianceDetails'
  | 'GetEnabledStandards';

const SERVICE: Record<Operation, 'sts' | 'cloudformation' | 'config' | 'securityhub'> = {
  AssumeRole: 'sts',
  DescribeType: 'cloudformation',
  ListHookResults: 'cloudformation',
  GetHookResult: 'cloudformation',
  DescribeConformancePackCompliance: 'config',
  GetConformancePackComplianceDetails: 'config',
  GetEnabledStandards: 'securityhub',
};

/** Every operation the fake answers: AssumeRole, then the reader role's reads. */
export const OPERATIONS = Object.keys(SERVICE) as Operation[];
/** The reads made as the reader role (REPORT_READER_ACTIONS). */
export const READS = OPERATIONS.filter((op) => op !== 'AssumeRole');

export type FailureKind = 'throttle' | 'denied';

/** Throttling and access denied as each service says them (CloudFormation's and STS's query protocol, Config's and Security Hub's JSON). */
export function awsError(op: Operation, kind: FailureKind, account = '111111111111'): Error {
  const service = SERVICE[op];
  const denied = `User: arn:aws:sts::${account}:assumed-role/TarmacReportReader/tarmac-report is not authorized to perform: ${service}:${op}`;
  switch (service) {
    case 'sts':
    case 'cloudformation': {
      const Exception = service === 'sts' ? STSServiceException : CloudFormationServiceException;
      return kind === 'throttle'
        ? new Exception({ name: 'Throttling', $fault: 'client', message: 'Rate exceeded', $metadata: $metadata(400) })
        : new Exception({ name: 'AccessDenied', $fault: 'client', message: denied, $metadata: $metadata(403) });
    }
    case 'config':
      return kind === 'throttle'
        ? new ConfigServiceServiceException({ name: 'ThrottlingException', $fault: 'client', message: 'Rate exceeded', $metadata: $metadata(400) })
        : new ConfigServiceServiceException({ name: 'AccessDeniedException', $fault: 'client', message: denied, $metadata: $metadata(400) });
    case 'securityhub':
      return kind === 'throttle'
        ? new LimitExceededException({ message: 'Rate exceeded', Code: 'LimitExceededException', $metadata: $metadata(429) })
        : new AccessDeniedException({ message: denied, Code: 'AccessDeniedException', $metadata: $metadata(403) });
  }
}

interface Failure {
  readonly op: Operation;
  readonly account?: string;
  readonly region?: string;
  readonly kind: FailureKind;
  remaining: number;
}

export interface Call {
  readonly op: Operation;
  readonly account: string;
  readonly region: string;
}

const ACCOUNT_OF_KEY = /^ASIA(\d{12})$/;
const ROLE = /^arn:aws[-a-z]*:iam::(\d{12}):role\/tarmac\/TarmacReportReader$/;

export class FakeAccounts {
  readonly accounts = new Map<string, Map<string, FakeRegion>>();
  /** Accounts where AssumeRole is refused (the role is missing, or its trust policy does not allow the caller). */
  readonly denied = new Set<string>();
  readonly calls: Call[] = [];
  /** Page size per call; the default 2 makes every list of three or more span pages. */
  pageSize: (op: Operation, account: string, region: string) => number = () => 2;
  /** The most accounts with a call in flight at once. */
  maxAccountsInFlight = 0;
  private readonly inFlight = new Map<string, number>();
  private readonly failures: Failure[] = [];
  readonly stubs: {
    readonly sts: AwsStub<any, any, any>;
    readonly cloudformation: AwsStub<any, any, any>;
    readonly config: AwsStub<any, any, any>;
    readonly securityhub: AwsStub<any, any, any>;
  };

  /**
   * @param shared stubs of STS and CloudFormation another fake already holds (the deploy fake, for a live report of a
   * deployed organization): this one answers its own commands on them, and leaves restoring them to their owner.
   */
  constructor(private readonly shared: { sts?: AwsStub<any, any, any>; cloudformation?: AwsStub<any, any, any> } = {}) {
    this.stubs = {
      sts: shared.sts ?? mockClient(STSClient),
      cloudformation: shared.cloudformation ?? mockClient(CloudFormationClient),
      config: mockClient(ConfigServiceClient),
      securityhub: mockClient(SecurityHubClient),
    };
    this.install();
  }

  restore(): void {
    for (const [name, stub] of Object.entries(this.stubs)) if (!(this.shared as Record<string, unknown>)[name]) stub.restore();
  }

  region(account: string, region: string): FakeRegion {
    if (!this.accounts.has(account)) this.accounts.set(account, new Map());
    const regions = this.accounts.get(account)!;
    if (!regions.has(region)) regions.set(region, { hooks: {}, packs: {}, standards: null });
    return regions.get(region)!;
  }

  /** The next `times` calls of `op` (in `account`/`region` when given) fail with `kind`; 'always': every one. */
  fail(op: Operation, kind: FailureKind, where: { account?: string; region?: string; times?: number | 'always' } = {}): this {
    const times = where.times ?? 1;
    this.failures.push({ op, kind, account: where.account, region: where.region, remaining: times === 'always' ? Infinity : times });
    return this;
  }

  count(op: Operation, account?: string, region?: string): number {
    return this.calls.filter((c) => c.op === op && (!account || c.account === account) && (!region || c.region === region)).length;
  }

  private async identity(getClient: () => any): Promise<{ account: string; region: string }> {
    const config = getClient().config;
    const credentials = await config.credentials();
    const account = ACCOUNT_OF_KEY.exec(credentials.accessKeyId)?.[1];
    if (!account) throw new Error(`a call signed with ${credentials.accessKeyId}, not the reader role's credentials`);
    return { account, region: await config.region() };
  }

  /** Records the call, holds it in flight for a turn of the event loop, and fails it when a failure matches. */
  private async enter(op: Operation, account: string, region: string): Promise<void> {
    this.calls.push({ op, account, region });
    this.inFlight.set(account, (this.inFlight.get(account) ?? 0) + 1);
    this.maxAccountsInFlight = Math.max(this.maxAccountsInFlight, [...this.inFlight.values()].filter((n) => n > 0).length);
    try {
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      this.inFlight.set(account, this.inFlight.get(account)! - 1);
    }
    const failure = this.failures.find((f) => f.op === op && f.remaining > 0 && (!f.account || f.account === account) && (!f.region || f.region === region));
    if (failure) {
      failure.remaining--;
      throw awsError(op, failure.kind, account);
    }
  }

  private page<T>(op: Operation, account: string, region: string, all: readonly T[], token: string | undefined, limit?: number) {
    const start = token ? Number(token.replace(/^page-/, '')) : 0;
    const size = Math.min(limit ?? Infinity, Math.max(1, this.pageSize(op, account, region)));
    const end = start + size;
    return { items: all.slice(start, end), nextToken: end < all.length ? `page-${end}` : undefined };
  }

  private regionOf(account: string, region: string): FakeRegion {
    return this.accounts.get(account)?.get(region) ?? { hooks: {}, packs: {}, standards: null };
  }

  private install(): void {
    const { sts, cloudformation, config, securityhub } = this.stubs;

    sts.on(AssumeRoleCommand).callsFake(async (input) => {
      const account = ROLE.exec(input.RoleArn)?.[1] ?? '';
      await this.enter('AssumeRole', account, 'global');
      if (!this.accounts.has(account) || this.denied.has(account)) {
        throw new STSServiceException({
          name: 'AccessDenied',
          $fault: 'client',
          message: `User: arn:aws:sts::999999999999:assumed-role/TarmacDelegatedAdmin/tarmac is not authorized to perform: sts:AssumeRole on resource: ${input.RoleArn}`,
          $metadata: $metadata(403),
        });
      }
      return {
        Credentials: {
          AccessKeyId: `ASIA${account}`,
          SecretAccessKey: `secret-${account}`,
          SessionToken: `token-${account}`,
          Expiration: new Date('2030-01-01T00:00:00Z'),
        },
        AssumedRoleUser: {
          AssumedRoleId: `AROA:${input.RoleSessionName}`,
          Arn: `arn:aws:sts::${account}:assumed-role/TarmacReportReader/${input.RoleSessionName}`,
        },
      };
    });

    cloudformation.on(DescribeTypeCommand).callsFake(async (input, getClient) => {
      const { account, region } = await this.identity(getClient);
      await this.enter('DescribeType', account, region);
      const hook = input.Type === 'HOOK' ? this.regionOf(account, region).hooks[input.TypeName] : undefined;
      if (!hook) throw new TypeNotFoundException({ message: `The type '${input.TypeName}' cannot be found.`, $metadata: $metadata(404) });
      return { Arn: hook.arn, Type: 'HOOK', TypeName: input.TypeName, Visibility: 'PRIVATE', IsActivated: true };
    });

    cloudformation.on(ListHookResultsCommand).callsFake(async (input, getClient) => {
      const { account, region } = await this.identity(getClient);
      await this.enter('ListHookResults', account, region);
      const hook = Object.values(this.regionOf(account, region).hooks).find((h) => h.arn === input.TypeArn);
      const matching = (hook?.invocations ?? []).filter((i) => !input.Status || i.status === input.Status);
      if (matching.length === 0) throw new HookResultNotFoundException({ message: 'Hook result not found.', $metadata: $metadata(404) });
      const { items, nextToken } = this.page('ListHookResults', account, region, matching, input.NextToken);
      return {
        HookResults: items.map((i) => ({
          HookResultId: i.id,
          InvocationPoint: 'PRE_PROVISION',
          FailureMode: i.failureMode ?? 'FAIL',
          TypeName: Object.keys(this.regionOf(account, region).hooks).find((k) => this.regionOf(account, region).hooks[k] === hook),
          TypeVersionId: '00000001',
          Status: i.status,
          HookStatusReason: i.status === 'HOOK_COMPLETE_FAILED' ? 'Hook failed with message: Template failed validation' : 'Hook succeeded',
          InvokedAt: i.invokedAt,
          TargetType: 'STACK',
          TargetId: i.targetId,
          TypeArn: input.TypeArn,
          HookExecutionTarget: i.targetId,
        })),
        NextToken: nextToken,
      };
    });

    cloudformation.on(GetHookResultCommand).callsFake(async (input, getClient) => {
      const { account, region } = await this.identity(getClient);
      await this.enter('GetHookResult', account, region);
      const hooks = Object.entries(this.regionOf(account, region).hooks);
      for (const [typeName, hook] of hooks) {
        const i = hook.invocations.find((x) => x.id === input.HookResultId);
        if (!i) continue;
        return {
          HookResultId: i.id,
          InvocationPoint: 'PRE_PROVISION',
          FailureMode: i.failureMode ?? 'FAIL',
          TypeName: typeName,
          TypeArn: hook.arn,
          Status: i.status,
          InvokedAt: i.invokedAt,
          Target: { TargetType: 'RESOURCE', TargetTypeName: 'AWS::S3::Bucket', TargetId: 'Bucket', Action: 'CREATE' },
          Annotations: [
            ...(i.passed ?? []).map((name) => ({ AnnotationName: name, Status: 'PASSED' })),
            ...i.failed.map((r) => ({ AnnotationName: r.name, Status: 'FAILED', StatusMessage: r.message, SeverityLevel: 'HIGH' })),
          ],
        };
      }
      throw new HookResultNotFoundException({ message: 'Hook result not found.', $metadata: $metadata(404) });
    });

    const pack = (name: string, account: string, region: string) => {
      const evaluations = this.regionOf(account, region).packs[name];
      if (!evaluations) throw new NoSuchConformancePackException({ message: `Conformance pack ${name} does not exist.`, $metadata: $metadata(400) });
      return evaluations;
    };

    config.on(DescribeConformancePackComplianceCommand).callsFake(async (input, getClient) => {
      const { account, region } = await this.identity(getClient);
      await this.enter('DescribeConformancePackCompliance', account, region);
      const rules = [...new Set(pack(input.ConformancePackName, account, region).map((e) => e.rule))];
      const { items, nextToken } = this.page('DescribeConformancePackCompliance', account, region, rules, input.NextToken);
      return {
        ConformancePackName: input.ConformancePackName,
        ConformancePackRuleComplianceList: items.map((r) => ({ ConfigRuleName: r })),
        NextToken: nextToken,
      };
    });

    config.on(GetConformancePackComplianceDetailsCommand).callsFake(async (input, getClient) => {
      const { account, region } = await this.identity(getClient);
      await this.enter('GetConformancePackComplianceDetails', account, region);
      if (input.Limit !== undefined && (input.Limit < 0 || input.Limit > 100)) {
        throw new InvalidLimitException({ message: 'Limit must be between 0 and 100', $metadata: $metadata(400) });
      }
      const evaluations = pack(input.ConformancePackName, account, region).filter(
        (e) => !input.Filters?.ComplianceType || e.compliance === input.Filters.ComplianceType,
      );
      const { items, nextToken } = this.page('GetConformancePackComplianceDetails', account, region, evaluations, input.NextToken, input.Limit || undefined);
      return {
        ConformancePackName: input.ConformancePackName,
        ConformancePackRuleEvaluationResults: items.map((e) => ({
          ComplianceType: e.compliance,
          EvaluationResultIdentifier: {
            EvaluationResultQualifier: { ConfigRuleName: e.rule, ResourceType: e.resourceType, ResourceId: e.resourceId, EvaluationMode: 'DETECTIVE' },
            OrderingTimestamp: new Date('2026-12-01T00:00:00Z'),
          },
          ConfigRuleInvokedTime: new Date('2026-12-01T00:00:00Z'),
          ResultRecordedTime: new Date('2026-12-01T00:00:01Z'),
        })),
        NextToken: nextToken,
      };
    });

    securityhub.on(GetEnabledStandardsCommand).callsFake(async (input, getClient) => {
      const { account, region } = await this.identity(getClient);
      await this.enter('GetEnabledStandards', account, region);
      const standards = this.regionOf(account, region).standards;
      if (!standards) {
        throw new InvalidAccessException({
          message: `Account ${account} is not subscribed to AWS Security Hub`,
          Code: 'InvalidAccessException',
          $metadata: $metadata(401),
        });
      }
      const { items, nextToken } = this.page('GetEnabledStandards', account, region, standards, input.NextToken);
      return {
        StandardsSubscriptions: items.map((s, n) => ({
          StandardsSubscriptionArn: `arn:aws:securityhub:${region}:${account}:subscription/standard-${n}/v/1.0.0`,
          StandardsArn: s.arn,
          StandardsInput: {},
          StandardsStatus: s.status,
        })),
        NextToken: nextToken,
      };
    });
  }
}

/** The accounts, hooks, pack and standards the collector's tests read, and a healthy region to start from. */

export const DEV = '111111111111';
export const PROD = '222222222222';
export const SHARED = '333333333333';
export const EU = 'eu-west-1';
export const US = 'us-east-1';

export const HOOK = 'Tarmac::Guardrails::Hook';
export const ADVISORY = 'Tarmac::Guardrails::HookAdvisory';
export const PACK = 'tarmac-baseline-pack';
export const SINCE = new Date('2026-12-01T00:00:00.000Z');

export const FSBP = 'arn:aws:securityhub:eu-west-1::standards/aws-foundational-security-best-practices/v/1.0.0';
export const CIS = 'arn:aws:securityhub:eu-west-1::standards/cis-aws-foundations-benchmark/v/3.0.0';

export const hookArn = (account: string, region: string, typeName: string) =>
  `arn:aws:cloudformation:${region}:${account}:type/hook/${typeName.replace(/::/g, '-')}`;

/** A hook result ID as CloudFormation makes them (36 characters), unique per account, region and number. */
export const resultId = (account: string, region: string, n: number) =>
  `${account.slice(0, 8)}-${region === EU ? '0e00' : '0a00'}-4000-8000-${String(n).padStart(12, '0')}`;

export const at = (day: number, hour = 12) => new Date(Date.UTC(2026, 11, day, hour));

export function failedInvocation(account: string, region: string, n: number, invokedAt: Date): FakeInvocation {
  return {
    id: resultId(account, region, n),
    status: 'HOOK_COMPLETE_FAILED',
    invokedAt,
    targetId: `arn:aws:cloudformation:${region}:${account}:stack/app-${n}/00000000-0000-0000-0000-00000000000${n % 10}`,
    failed: [{ name: `S3_BUCKET_ENCRYPTION_${n}`, message: `Bucket ${n} is not encrypted` }],
    passed: ['S3_BUCKET_VERSIONING'],
  };
}

/** Both hooks active; one failure since SINCE (and one before it, one success); two resources non-compliant; two standards. */
export function healthy(fake: FakeAccounts, account: string, region: string): FakeRegion {
  const r = fake.region(account, region);
  r.hooks[HOOK] = {
    arn: hookArn(account, region, HOOK),
    invocations: [
      failedInvocation(account, region, 1, at(5)),
      failedInvocation(account, region, 2, at(1, 0)),
      { ...failedInvocation(account, region, 3, at(6)), status: 'HOOK_COMPLETE_SUCCEEDED', failed: [] },
      failedInvocation(account, region, 4, new Date('2026-11-30T23:59:59.999Z')),
    ],
  };
  r.hooks[ADVISORY] = { arn: hookArn(account, region, ADVISORY), invocations: [] };
  r.packs[PACK] = [
    { rule: 's3-bucket-ssl-requests-only-conformance-pack-abc', resourceType: 'AWS::S3::Bucket', resourceId: `logs-${account}`, compliance: 'NON_COMPLIANT' },
    { rule: 's3-bucket-ssl-requests-only-conformance-pack-abc', resourceType: 'AWS::S3::Bucket', resourceId: `assets-${account}`, compliance: 'COMPLIANT' },
    { rule: 'iam-root-access-key-check-conformance-pack-abc', resourceType: 'AWS::::Account', resourceId: account, compliance: 'NON_COMPLIANT' },
  ];
  r.standards = [
    { arn: FSBP, status: 'READY' },
    { arn: CIS, status: 'READY' },
  ];
  return r;
}

export const expectation = (id: string, regions: string[] = [EU, US], extra: Partial<AccountExpectation> = {}): AccountExpectation => ({
  id,
  name: `account-${id}`,
  regions,
  hookTypeNames: [HOOK, ADVISORY],
  conformancePack: PACK,
  securityHub: true,
  ...extra,
});

export const collect = (expectations: readonly AccountExpectation[], deps: Partial<AccountCollectorDeps> = {}): Promise<LiveAccount[]> =>
  collectAccounts(expectations, {
    sts: new STSClient({ region: US }),
    clientsFor: createAccountClientFactory(),
    retry: ZERO_RETRY,
    since: SINCE,
    ...deps,
  });
