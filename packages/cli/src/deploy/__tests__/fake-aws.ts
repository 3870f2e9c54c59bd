import {
  CloudFormationClient,
  CloudFormationServiceException,
  CreateStackCommand,
  CreateStackInstancesCommand,
  CreateStackSetCommand,
  DeleteStackInstancesCommand,
  DeleteStackSetCommand,
  DescribeStackEventsCommand,
  DescribeStackSetCommand,
  DescribeStackSetOperationCommand,
  DescribeStacksCommand,
  DetectStackSetDriftCommand,
  GetTemplateCommand,
  ListStackInstancesCommand,
  ListStackSetOperationResultsCommand,
  ListStackSetOperationsCommand,
  ListStackSetsCommand,
  NameAlreadyExistsException,
  Parameter,
  StackEvent,
  StackInstanceSummary,
  StackSet,
  StackSetNotFoundException,
  StackSetOperationResultSummary,
  UpdateStackCommand,
  UpdateStackSetCommand,
} from '@aws-sdk/client-cloudformation';
import {
  AccessDeniedException,
  AttachPolicyCommand,
  CreatePolicyCommand,
  DeletePolicyCommand,
  DescribePolicyCommand,
  DetachPolicyCommand,
  DuplicatePolicyAttachmentException,
  InvalidInputException,
  ParentNotFoundException,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListPoliciesCommand,
  ListRootsCommand,
  ListTargetsForPolicyCommand,
  OrganizationsClient,
  PolicyNotFoundException,
  TooManyRequestsException,
  UpdatePolicyCommand,
} from '@aws-sdk/client-organizations';
import {
  AnomalyMonitor,
  CostExplorerClient,
  CostExplorerServiceException,
  GetAnomalyMonitorsCommand,
  InvalidNextTokenException,
  LimitExceededException,
  ListCostAllocationTagsCommand,
} from '@aws-sdk/client-cost-explorer';
import { GetObjectCommand, HeadObjectCommand, NoSuchKey, NotFound, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient, STSServiceException } from '@aws-sdk/client-sts';
import { AwsStub, mockClient } from 'aws-sdk-client-mock';
import { sameDocument } from '../canonical-json';
import type { AwsClients } from '../clients';
import type { EngineContext } from '../context';
import { Progress, silentProgress } from '../progress';
import { DEFAULT_RETRY } from '../retry';
import { ACCOUNTS, MANAGEMENT_ACCOUNT } from './fixture';

/** The region the fake's default clients (and a stack set without one) live in. */
const HOME = 'eu-west-1';

/** An error as the CloudFormation query protocol delivers one the SDK does not model (ValidationError, Throttling). */
export const cfnError = (name: string, message: string, httpStatusCode = 400) =>
  new CloudFormationServiceException({ name, $fault: 'client', message, $metadata: { httpStatusCode } });

/** Every operation the fake answers, and the service that answers it. */
const SERVICE_OF = {
  DescribeStacks: 'cloudformation',
  GetTemplate: 'cloudformation',
  CreateStack: 'cloudformation',
  UpdateStack: 'cloudformation',
  DescribeStackEvents: 'cloudformation',
  DescribeStackSet: 'cloudformation',
  ListStackSets: 'cloudformation',
  ListStackInstances: 'cloudformation',
  CreateStackSet: 'cloudformation',
  UpdateStackSet: 'cloudformation',
  CreateStackInstances: 'cloudformation',
  DeleteStackInstances: 'cloudformation',
  DeleteStackSet: 'cloudformation',
  DetectStackSetDrift: 'cloudformation',
  DescribeStackSetOperation: 'cloudformation',
  ListStackSetOperationResults: 'cloudformation',
  ListStackSetOperations: 'cloudformation',
  HeadObject: 's3',
  PutObject: 's3',
  GetObject: 's3',
  ListPolicies: 'organizations',
  DescribePolicy: 'organizations',
  ListTargetsForPolicy: 'organizations',
  CreatePolicy: 'organizations',
  UpdatePolicy: 'organizations',
  AttachPolicy: 'organizations',
  DetachPolicy: 'organizations',
  DeletePolicy: 'organizations',
  ListRoots: 'organizations',
  ListOrganizationalUnitsForParent: 'organizations',
  ListAccountsForParent: 'organizations',
  ListCostAllocationTags: 'ce',
  GetAnomalyMonitors: 'ce',
  GetCallerIdentity: 'sts',
} as const;
export type AwsOperation = keyof typeof SERVICE_OF;
export const AWS_OPERATIONS = Object.keys(SERVICE_OF) as AwsOperation[];
export const serviceOf = (operation: AwsOperation) => SERVICE_OF[operation];

/**
 * The operations AWS paginates, with the field of the response that holds the items, and the token field
 * (the same name in request and response), as the SDK's paginators (dist-es/pagination/*Paginator.js) and
 * output shapes (dist-types/models/models_0.d.ts) of @aws-sdk/client-cloudformation, -organizations and
 * -cost-explorer name them. `max`: the request field that caps a page, where the API has one.
 */
export const PAGED = {
  DescribeStacks: { items: 'Stacks', token: 'NextToken' },
  DescribeStackEvents: { items: 'StackEvents', token: 'NextToken' },
  ListStackSets: { items: 'Summaries', token: 'NextToken', max: 'MaxResults' },
  ListStackInstances: { items: 'Summaries', token: 'NextToken', max: 'MaxResults' },
  ListStackSetOperationResults: { items: 'Summaries', token: 'NextToken', max: 'MaxResults' },
  ListStackSetOperations: { items: 'Summaries', token: 'NextToken', max: 'MaxResults' },
  ListPolicies: { items: 'Policies', token: 'NextToken', max: 'MaxResults' },
  ListTargetsForPolicy: { items: 'Targets', token: 'NextToken', max: 'MaxResults' },
  ListRoots: { items: 'Roots', token: 'NextToken', max: 'MaxResults' },
  ListOrganizationalUnitsForParent: { items: 'OrganizationalUnits', token: 'NextToken', max: 'MaxResults' },
  ListAccountsForParent: { items: 'Accounts', token: 'NextToken', max: 'MaxResults' },
  ListCostAllocationTags: { items: 'CostAllocationTags', token: 'NextToken', max: 'MaxResults' },
  GetAnomalyMonitors: { items: 'AnomalyMonitors', token: 'NextPageToken', max: 'MaxResults' },
} as const satisfies Partial<Record<AwsOperation, { items: string; token: string; max?: string }>>;
export type PagedOperation = keyof typeof PAGED;
export const PAGED_OPERATIONS = Object.keys(PAGED) as PagedOperation[];

/** Page sizes a new fake starts with: Cost Explorer's small, so its paging is always exercised. */
const DEFAULT_PAGE_SIZES: Partial<Record<PagedOperation, number>> = { ListCostAllocationTags: 2 };

/** The principal the fake's credentials are (in AccessDenied messages). */
const PRINCIPAL = 'arn:aws:sts::111111111111:assumed-role/TarmacPlatformPipeline/session';

/** A failure every service has, shaped as that service's protocol delivers it. */
export type FailureKind = 'throttling' | 'access-denied';

/**
 * The error `operation` fails with when AWS throttles it or refuses it, as the SDK hands it over:
 * CloudFormation and STS (query protocol) `Throttling: Rate exceeded` and `AccessDenied` (403);
 * Organizations TooManyRequestsException and AccessDeniedException (400, modeled); Cost Explorer
 * LimitExceededException (modeled) and AccessDeniedException (400); S3 SlowDown (503) and AccessDenied (403),
 * except HEAD, whose error has no body: the SDK (rest-XML protocol, @aws-sdk/core) names it `Unknown`, with the
 * message `UnknownError` and only the status code to tell it by.
 */
export function awsError(operation: AwsOperation, kind: FailureKind): Error {
  // The service names are IAM's action prefixes.
  const action = `${SERVICE_OF[operation]}:${operation}`;
  const denied = `User: ${PRINCIPAL} is not authorized to perform: ${action} because no identity-based policy allows the ${action} action`;
  const $metadata = (httpStatusCode: number) => ({ httpStatusCode, requestId: 'req-fake' });
  switch (SERVICE_OF[operation]) {
    case 'cloudformation':
      return kind === 'throttling' ? cfnError('Throttling', 'Rate exceeded') : cfnError('AccessDenied', denied, 403);
    case 'sts':
      return new STSServiceException({
        name: kind === 'throttling' ? 'Throttling' : 'AccessDenied',
        $fault: 'client',
        message: kind === 'throttling' ? 'Rate exceeded' : denied,
        $metadata: $metadata(kind === 'throttling' ? 400 : 403),
      });
    case 'organizations':
      return kind === 'throttling'
        ? new TooManyRequestsException({
            message:
              'You have sent too many requests in too short a period of time. The quota helps protect against denial-of-service attacks. Try again later.',
            $metadata: $metadata(400),
          })
        : new AccessDeniedException({ message: 'You don’t have permissions to access this resource.', $metadata: $metadata(400) });
    case 'ce':
      return kind === 'throttling'
        ? new LimitExceededException({ message: 'You made too many calls in a short period of time. Try again later.', $metadata: $metadata(400) })
        : new CostExplorerServiceException({ name: 'AccessDeniedException', $fault: 'client', message: denied, $metadata: $metadata(400) });
    case 's3': {
      const status = kind === 'throttling' ? 503 : 403;
      if (operation === 'HeadObject')
        return new S3ServiceException({
          name: 'Unknown',
          $fault: kind === 'throttling' ? 'server' : 'client',
          message: 'UnknownError',
          $metadata: $metadata(status),
        });
      return kind === 'throttling'
        ? new S3ServiceException({ name: 'SlowDown', $fault: 'server', message: 'Please reduce your request rate.', $metadata: $metadata(503) })
        : new S3ServiceException({ name: 'AccessDenied', $fault: 'client', message: 'Access Denied', $metadata: $metadata(403) });
    }
  }
}

/** The answer to a NextToken the fake did not hand out for this very request, as each service gives it. */
function invalidToken(operation: PagedOperation): Error {
  switch (SERVICE_OF[operation]) {
    case 'organizations':
      return new InvalidInputException({
        message: 'You provided a value that does not match the required pattern.',
        Reason: 'INVALID_NEXT_TOKEN',
        $metadata: { httpStatusCode: 400 },
      });
    case 'ce':
      return new InvalidNextTokenException({ message: 'The pagination token is invalid.', $metadata: { httpStatusCode: 400 } });
    default:
      return cfnError('ValidationError', 'Invalid NextToken');
  }
}

/** How often an injected failure happens: the next call only, the next N calls, or every call from now on. */
export type Times = number | 'always';

interface FailureRule {
  readonly error: FailureKind | unknown;
  left: number;
  readonly when?: (input: any) => boolean;
}

interface FakeStack {
  status: string;
  template: string;
  outputs: Record<string, string>;
  pendingFinal?: string;
  /** Where the stack lives (default: the fake's home region); CloudFormation in another region does not see it. */
  region?: string;
  tags?: { Key?: string; Value?: string }[];
}

/** An account filter as DeploymentTargets carries it. */
interface AccountFilter {
  type?: string;
  accounts?: string[];
}

interface FakeStackSet {
  set: StackSet;
  instances: StackInstanceSummary[];
}

interface FakeOperation {
  stackSet: string;
  action: string;
  status: string;
  polls: number;
  results: StackSetOperationResultSummary[];
}

/** What a test decides about one stack set operation: its end status and each instance's outcome. */
export type OperationScript = (op: { action: string; stackSet: string; operationId: string }) => {
  status?: 'SUCCEEDED' | 'FAILED' | 'STOPPED';
  statusReason?: string;
  instance?: (
    account: string,
    region: string,
  ) => { Status?: 'CURRENT' | 'OUTDATED' | 'INOPERABLE'; DetailedStatus?: string; StatusReason?: string } | undefined;
};

/**
 * AWS at the SDK client boundary: every command the engine sends is answered by aws-sdk-client-mock with a
 * response or an error shaped like AWS's, from a small in-memory state. Tests shape stack set operations
 * with `operations`, and:
 * - make any operation fail with `fail(operation, error | 'throttling' | 'access-denied', { times, when })`
 *   (once, N times or always, only for inputs `when` accepts) or `failNext(operation, ...errors)`; failures are
 *   taken in the order injected, before the state is touched; `unusedFailures()` says which never happened;
 * - make every operation AWS paginates (PAGED) answer in pages of `pageSize` items (per operation:
 *   `pageSizes`), with the API's own token field; a token it did not hand out for the same request is refused.
 */
export class FakeAws {
  readonly cfn: AwsStub<any, any, any> = mockClient(CloudFormationClient);
  readonly s3: AwsStub<any, any, any> = mockClient(S3Client);
  readonly org: AwsStub<any, any, any> = mockClient(OrganizationsClient);
  readonly ce: AwsStub<any, any, any> = mockClient(CostExplorerClient);
  readonly sts: AwsStub<any, any, any> = mockClient(STSClient);
  /** The account the credentials belong to (GetCallerIdentity). */
  callerAccount = MANAGEMENT_ACCOUNT;
  /** User-defined cost allocation tags as Cost Explorer lists them; a key not here has never been applied. */
  readonly costAllocationTags = new Map<string, 'Active' | 'Inactive'>();
  /** Cost Anomaly Detection's monitors in the account (GetAnomalyMonitors), none by default. */
  readonly anomalyMonitors: AnomalyMonitor[] = [];
  /** Items per page of every paginated operation (default: each as `DEFAULT_PAGE_SIZES` says, else all on one page). */
  pageSize?: number;
  /** Items per page of one operation; wins over `pageSize`. */
  readonly pageSizes: Partial<Record<PagedOperation, number>> = {};
  readonly stacks = new Map<string, FakeStack>();
  readonly objects = new Map<string, { versionId: string; sha256?: string; body?: Uint8Array; kmsKeyId?: string }>();
  /** The key S3 encrypts uploaded objects with (the bundle bucket's default key), as HeadObject reports it (SSEKMSKeyId). */
  kmsKeyArn: string | undefined = 'arn:aws:kms:eu-west-1:333333333333:key/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
  readonly policies = new Map<string, { id: string; name: string; type: string; content: string; targets: Set<string>; awsManaged?: boolean }>();
  /**
   * The organization's tree, as ListRoots, ListOrganizationalUnitsForParent and ListAccountsForParent walk it
   * (`tarmac report --live`); empty but for the root unless a test describes it.
   */
  readonly tree: {
    rootId: string;
    ous: { id: string; name: string; parentId: string }[];
    accounts: { id: string; name: string; parentId: string; state?: string }[];
  } = { rootId: 'r-a1b2', ous: [], accounts: [] };
  readonly stackSets = new Map<string, FakeStackSet>();
  readonly ops = new Map<string, FakeOperation>();
  stackOutputs: Record<string, string> = { BucketUri: 's3://bucket/hooks' };
  /** Final status of the next create or update of a stack (default *_COMPLETE). */
  stackFinal?: string;
  stackEvents: StackEvent[] = [];
  operations: OperationScript = () => ({});
  private readonly injected = new Map<AwsOperation, FailureRule[]>();
  private readonly hooks = new Map<AwsOperation, ((input: any) => void)[]>();
  /** Tokens handed out, as operation, request (without its token and page cap) and token. */
  private readonly tokens = new Map<string, number>();
  /** The operations wired to an answer, with their command: the fake's own check that none is left out. */
  readonly answered = new Map<AwsOperation, new (input: any) => any>();
  /** How many answers of each paginated operation were a page with more to come (carried a token). */
  readonly cutPages = new Map<PagedOperation, number>();
  private counter = 0;

  /** @param accounts the accounts AWS Organizations holds in each OU, by OU ID */
  constructor(private readonly accounts: Record<string, string[]> = ACCOUNTS) {
    this.wireCloudFormation();
    this.wireS3();
    this.wireOrganizations();
    this.wireCostExplorer();
    this.wireAnomalyMonitors();
    this.answer(this.sts, GetCallerIdentityCommand, 'GetCallerIdentity', () => ({
      Account: this.callerAccount,
      Arn: `arn:aws:sts::${this.callerAccount}:assumed-role/TarmacPlatformPipeline/session`,
      UserId: 'AROAEXAMPLE:session',
    }));
  }

  /** The next calls of `operation` (e.g. 'UpdateStackSet') fail with these errors, in order. */
  failNext(operation: AwsOperation, ...errors: unknown[]): this {
    for (const error of errors) this.fail(operation, error);
    return this;
  }

  /**
   * Calls of `operation` fail with `error`: an error object (thrown as it is), or 'throttling' / 'access-denied'
   * (a fresh error each time, shaped as the operation's service sends it: `awsError`). `times`: how many calls
   * fail (default 1), or 'always'. `when`: only calls whose input it accepts fail (and count). Rules injected
   * earlier are taken first.
   */
  fail(operation: AwsOperation, error: FailureKind | unknown, opts: { times?: Times; when?: (input: any) => boolean } = {}): this {
    const times = opts.times ?? 1;
    const rule: FailureRule = { error, left: times === 'always' ? Infinity : times, ...(opts.when ? { when: opts.when } : {}) };
    this.injected.set(operation, [...(this.injected.get(operation) ?? []), rule]);
    return this;
  }

  /** The first `times` calls of each operation in `operations` are throttled (`awsError(operation, 'throttling')`). */
  throttle(operations: readonly AwsOperation[], times: Times = 1): this {
    for (const operation of operations) this.fail(operation, 'throttling', { times });
    return this;
  }

  /** Injected failures that have not happened (yet): operation and how many are left, 'always' ones left out. */
  unusedFailures(): Partial<Record<AwsOperation, number>> {
    const unused: Partial<Record<AwsOperation, number>> = {};
    for (const [operation, rules] of this.injected) {
      const left = rules.filter((r) => Number.isFinite(r.left)).reduce((n, r) => n + r.left, 0);
      if (left) unused[operation] = left;
    }
    return unused;
  }

  /** No more injected failures (for `operation`, or for all). */
  clearFailures(operation?: AwsOperation): this {
    if (operation) this.injected.delete(operation);
    else this.injected.clear();
    return this;
  }

  /** Items per page of `operation` now. */
  pageSizeOf(operation: PagedOperation): number {
    return this.pageSizes[operation] ?? this.pageSize ?? DEFAULT_PAGE_SIZES[operation] ?? Infinity;
  }

  /** Runs once, on the next call of `operation`, before it is answered: what another deployer did meanwhile. */
  before(operation: AwsOperation, fn: (input: any) => void): this {
    this.hooks.set(operation, [...(this.hooks.get(operation) ?? []), fn]);
    return this;
  }

  /** Every command sent, service by service and each in the order sent, by operation name. */
  sent(): { op: AwsOperation; input: any }[] {
    return [this.cfn, this.s3, this.org, this.ce, this.sts].flatMap((stub) =>
      stub
        .calls()
        .map((c) => ({ op: (c.args[0] as object).constructor.name.replace(/Command$/, '') as AwsOperation, input: (c.args[0] as { input: any }).input })),
    );
  }

  restore(): void {
    this.cfn.restore();
    this.s3.restore();
    this.org.restore();
    this.ce.restore();
    this.sts.restore();
  }

  /** Clients as createClients makes them: CloudFormation in the home region, and per region on demand. */
  clients(): AwsClients {
    const cloudFormation = new CloudFormationClient({ region: HOME });
    const byRegion = new Map<string, CloudFormationClient>([[HOME, cloudFormation]]);
    return {
      cloudFormation,
      s3: new S3Client({ region: HOME }),
      organizations: new OrganizationsClient({ region: HOME }),
      costExplorer: new CostExplorerClient({ region: 'us-east-1' }),
      sts: new STSClient({ region: HOME }),
      cloudFormationIn: (region) => {
        if (!byRegion.has(region)) byRegion.set(region, new CloudFormationClient({ region }));
        return byRegion.get(region)!;
      },
    };
  }

  /** The region of the client a CloudFormation call was sent with. */
  static async regionOf(call: { thisValue: unknown }): Promise<string> {
    return (call.thisValue as CloudFormationClient).config.region();
  }

  /** An engine context on this fake that never waits. */
  context(progress: Progress = silentProgress): EngineContext {
    return { clients: this.clients(), callAs: 'DELEGATED_ADMIN', retry: { ...DEFAULT_RETRY, sleep: async () => {} }, progress };
  }

  // --- state helpers for tests -------------------------------------------------------------------

  /** A stack set as a previous deploy left it, with CURRENT instances for every account in its OUs (or only `accounts`). */
  addStackSet(name: string, props: Partial<StackSet> & { ous: string[]; regions: string[]; accounts?: string[] }): void {
    const { ous, regions, accounts, ...rest } = props;
    const set: StackSet = {
      StackSetName: name,
      StackSetId: `${name}:1`,
      Status: 'ACTIVE',
      PermissionModel: 'SERVICE_MANAGED',
      OrganizationalUnitIds: ous,
      Regions: regions,
      ...rest,
    };
    const filter = accounts ? { type: 'INTERSECTION', accounts } : {};
    const instances = ous.flatMap((ou) => this.accountsOf(ou, filter).flatMap((account) => regions.map((region) => this.instance(name, ou, account, region))));
    this.stackSets.set(name, { set, instances });
  }

  /** The accounts of an OU that an operation reaches, as AccountFilterType says (NONE or absent: all of them). */
  private accountsOf(ou: string, filter: AccountFilter): string[] {
    const all = this.accounts[ou] ?? [];
    if (filter.type === 'INTERSECTION') return all.filter((a) => filter.accounts?.includes(a));
    if (filter.type === 'DIFFERENCE') return all.filter((a) => !filter.accounts?.includes(a));
    return all;
  }

  /** What StackSets refuses in DeploymentTargets, per the API reference (DeploymentTargets). */
  private checkTargets(
    operation: string,
    targets: { OrganizationalUnitIds?: string[]; Accounts?: string[]; AccountFilterType?: string } | undefined,
  ): AccountFilter {
    if (!targets) return {};
    if (operation === 'CreateStackInstances' && targets.OrganizationalUnitIds?.length && targets.Accounts?.length && !targets.AccountFilterType) {
      throw cfnError('ValidationError', 'AccountFilterType is required when both OrganizationalUnitIds and Accounts are specified');
    }
    if (operation === 'CreateStackInstances' && targets.AccountFilterType === 'UNION')
      throw cfnError('ValidationError', 'UNION is not supported for CreateStackInstances');
    if (targets.AccountFilterType && targets.AccountFilterType !== 'NONE' && !targets.Accounts?.length)
      throw cfnError('ValidationError', `AccountFilterType ${targets.AccountFilterType} requires Accounts`);
    return { type: targets.AccountFilterType, accounts: targets.Accounts };
  }

  addPolicy(type: string, name: string, content: string, targets: string[]): string {
    const id = `p-${++this.counter}`;
    this.policies.set(id, { id, name, type, content, targets: new Set(targets) });
    return id;
  }

  /** An AWS managed policy (FullAWSAccess, RCPFullAWSAccess) attached to `targets`; FullAWSAccess keeps its real ID. */
  addManagedPolicy(type: string, name: string, targets: string[]): string {
    const id = name === 'FullAWSAccess' ? 'p-FullAWSAccess' : `p-${name}`;
    this.policies.set(id, {
      id,
      name,
      type,
      content: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}',
      targets: new Set(targets),
      awsManaged: true,
    });
    return id;
  }

  private instance(stackSet: string, ou: string, account: string, region: string): StackInstanceSummary {
    return {
      StackSetId: `${stackSet}:1`,
      Account: account,
      Region: region,
      OrganizationalUnitId: ou,
      Status: 'CURRENT',
      StackInstanceStatus: { DetailedStatus: 'SUCCEEDED' },
      DriftStatus: 'NOT_CHECKED',
    };
  }

  private take(operation: AwsOperation, input: any): void {
    this.hooks.get(operation)?.shift()?.(input);
    const rule = this.injected.get(operation)?.find((r) => r.left > 0 && (!r.when || r.when(input)));
    if (!rule) return;
    rule.left--;
    throw rule.error === 'throttling' || rule.error === 'access-denied' ? awsError(operation, rule.error) : rule.error;
  }

  /**
   * Answers every call of `command` as `operation`: its injected failure first (before any state is read or
   * touched), then `fn`. A paginated operation answers one page of what `fn` returns in its items field.
   */
  private answer(
    stub: AwsStub<any, any, any>,
    command: new (input: any) => any,
    operation: AwsOperation,
    fn: (input: any, getClient: () => any) => object | Promise<object>,
  ): void {
    this.answered.set(operation, command);
    stub.on(command as never).callsFake(async (input: any, getClient: () => any) => {
      this.take(operation, input);
      const page = operation in PAGED ? this.pageStart(operation as PagedOperation, input) : 0;
      const out = (await fn(input, getClient)) as Record<string, unknown>;
      return operation in PAGED ? this.page(operation as PagedOperation, input, page, out) : out;
    });
  }

  /** The request a token belongs to: the input without the token and the page cap. */
  private tokenKey(operation: PagedOperation, input: Record<string, unknown>, token: string): string {
    const { token: tokenField, ...rest } = PAGED[operation] as { items: string; token: string; max?: string };
    const request = Object.fromEntries(
      Object.entries(input)
        .filter(([k, v]) => k !== tokenField && k !== rest.max && v !== undefined)
        .sort(([a], [b]) => a.localeCompare(b)),
    );
    return `${operation} ${JSON.stringify(request)} ${token}`;
  }

  /** Where the requested page starts: 0 without a token; a token not handed out for this request is refused, as AWS does. */
  private pageStart(operation: PagedOperation, input: Record<string, unknown>): number {
    const token = input[PAGED[operation].token];
    if (token === undefined) return 0;
    const start = this.tokens.get(this.tokenKey(operation, input, String(token)));
    if (start === undefined) throw invalidToken(operation);
    return start;
  }

  private page(operation: PagedOperation, input: Record<string, unknown>, start: number, out: Record<string, unknown>): Record<string, unknown> {
    const { items, token, max } = PAGED[operation] as { items: string; token: string; max?: string };
    const all = (out[items] as unknown[] | undefined) ?? [];
    const cap = max && typeof input[max] === 'number' ? (input[max] as number) : Infinity;
    const end = start + Math.max(1, Math.min(this.pageSizeOf(operation), cap));
    const rest = Object.fromEntries(Object.entries(out).filter(([k]) => k !== items && k !== token));
    if (end >= all.length) return { ...rest, [items]: all.slice(start) };
    const next = `page-${end}`;
    this.tokens.set(this.tokenKey(operation, input, next), end);
    this.cutPages.set(operation, (this.cutPages.get(operation) ?? 0) + 1);
    return { ...rest, [items]: all.slice(start, end), [token]: next };
  }

  private stackSetOrThrow(name: string): FakeStackSet {
    const s = this.stackSets.get(name);
    if (!s) throw new StackSetNotFoundException({ message: `StackSet ${name} not found`, $metadata: { httpStatusCode: 404 } });
    return s;
  }

  /** Runs an operation on the instances of these OU × region targets, narrowed by the account filter (all instances when none are given). */
  private startOperation(
    stackSet: string,
    action: string,
    operationId: string,
    targets: { ous?: string[]; regions?: string[]; filter?: AccountFilter },
    apply: (s: FakeStackSet, ou: string, account: string, region: string) => StackInstanceSummary | undefined,
  ): void {
    const s = this.stackSetOrThrow(stackSet);
    const script = this.operations({ action, stackSet, operationId });
    const results: StackSetOperationResultSummary[] = [];
    // Without targets, an operation reaches the instances there are (for an account target, its accounts only).
    const reach: [string, string, string][] = targets.ous
      ? targets.ous.flatMap((ou) =>
          this.accountsOf(ou, targets.filter ?? {}).flatMap((account) =>
            (targets.regions ?? s.set.Regions ?? []).map((region): [string, string, string] => [ou, account, region]),
          ),
        )
      : s.instances.map((i): [string, string, string] => [i.OrganizationalUnitId!, i.Account!, i.Region!]);
    for (const [ou, account, region] of reach) {
      const instance = apply(s, ou, account, region);
      const outcome = script.instance?.(account, region);
      if (instance && outcome) {
        if (outcome.Status) instance.Status = outcome.Status;
        if (outcome.DetailedStatus) instance.StackInstanceStatus = { DetailedStatus: outcome.DetailedStatus as never };
        if (outcome.StatusReason) instance.StatusReason = outcome.StatusReason;
      }
      const detailed = outcome?.DetailedStatus ?? 'SUCCEEDED';
      results.push({
        Account: account,
        Region: region,
        OrganizationalUnitId: ou,
        Status: (detailed === 'SKIPPED_SUSPENDED_ACCOUNT' ? 'SUCCEEDED' : detailed === 'INOPERABLE' ? 'FAILED' : detailed) as never,
        ...(outcome?.StatusReason ? { StatusReason: outcome.StatusReason } : {}),
      });
    }
    this.ops.set(operationId, {
      stackSet,
      action,
      status: script.status ?? 'SUCCEEDED',
      polls: 0,
      results,
      ...(script.statusReason ? { statusReason: script.statusReason } : {}),
    });
  }

  private wireCloudFormation(): void {
    const cfn = this.cfn;
    const notExist = (name: string) => cfnError('ValidationError', `Stack with id ${name} does not exist`);
    const regionOf = (getClient: () => { config: { region: () => Promise<string> } }) => getClient().config.region();
    // CloudFormation is regional: a stack is seen only by a client of its region.
    const stackIn = (name: string, region: string) => {
      const s = this.stacks.get(name);
      return s && (s.region ?? HOME) === region ? s : undefined;
    };
    const stackId = (name: string, region: string) => `arn:aws:cloudformation:${region}:${this.callerAccount}:stack/${name}/1`;
    this.answer(cfn, DescribeStacksCommand, 'DescribeStacks', async (input, getClient) => {
      const s = stackIn(input.StackName, await regionOf(getClient as never));
      if (!s) throw notExist(input.StackName);
      const response = {
        Stacks: [
          {
            StackName: input.StackName,
            StackStatus: s.status,
            CreationTime: new Date(0),
            Outputs: Object.entries(s.outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
          },
        ],
      };
      // In progress once, then done: the engine has to poll.
      if (s.pendingFinal) {
        s.status = s.pendingFinal;
        delete s.pendingFinal;
      }
      return response;
    });
    this.answer(cfn, GetTemplateCommand, 'GetTemplate', async (input, getClient) => {
      const s = stackIn(input.StackName, await regionOf(getClient as never));
      if (!s) throw notExist(input.StackName);
      return { TemplateBody: s.template, StagesAvailable: ['Original', 'Processed'] };
    });
    this.answer(cfn, CreateStackCommand, 'CreateStack', async (input, getClient) => {
      requireCapabilities(input.TemplateBody, input.Capabilities);
      const region = await regionOf(getClient as never);
      this.stacks.set(input.StackName, {
        status: 'CREATE_IN_PROGRESS',
        template: input.TemplateBody,
        outputs: this.stackFinal ? {} : { ...this.stackOutputs },
        pendingFinal: this.stackFinal ?? 'CREATE_COMPLETE',
        region,
        tags: input.Tags,
      });
      return { StackId: stackId(input.StackName, region) };
    });
    this.answer(cfn, UpdateStackCommand, 'UpdateStack', async (input, getClient) => {
      const region = await regionOf(getClient as never);
      const s = stackIn(input.StackName, region);
      if (!s) throw notExist(input.StackName);
      requireCapabilities(input.TemplateBody, input.Capabilities);
      if (sameDocument(s.template, input.TemplateBody)) throw cfnError('ValidationError', 'No updates are to be performed.');
      s.template = input.TemplateBody;
      s.status = 'UPDATE_IN_PROGRESS';
      s.pendingFinal = this.stackFinal ?? 'UPDATE_COMPLETE';
      return { StackId: stackId(input.StackName, region) };
    });
    this.answer(cfn, DescribeStackEventsCommand, 'DescribeStackEvents', () => ({ StackEvents: this.stackEvents }));

    this.answer(cfn, DescribeStackSetCommand, 'DescribeStackSet', (input) => {
      return { StackSet: this.stackSetOrThrow(input.StackSetName).set };
    });
    this.answer(cfn, ListStackSetsCommand, 'ListStackSets', (input) => {
      return {
        Summaries: [...this.stackSets.values()]
          .filter((s) => !input.Status || s.set.Status === input.Status)
          .map((s) => ({ StackSetName: s.set.StackSetName, StackSetId: s.set.StackSetId, Status: s.set.Status, PermissionModel: s.set.PermissionModel })),
      };
    });
    this.answer(cfn, ListStackInstancesCommand, 'ListStackInstances', (input) => {
      return { Summaries: this.stackSetOrThrow(input.StackSetName).instances.map((i) => ({ ...i })) };
    });
    this.answer(cfn, CreateStackSetCommand, 'CreateStackSet', (input) => {
      if (this.stackSets.has(input.StackSetName))
        throw new NameAlreadyExistsException({ message: `StackSet ${input.StackSetName} already exists`, $metadata: { httpStatusCode: 409 } });
      const { StackSetName, TemplateBody, Parameters, Capabilities, AutoDeployment, PermissionModel, ManagedExecution } = input;
      this.stackSets.set(StackSetName, {
        set: {
          StackSetName,
          StackSetId: `${StackSetName}:1`,
          Status: 'ACTIVE',
          TemplateBody,
          Parameters,
          Capabilities,
          AutoDeployment,
          PermissionModel,
          ManagedExecution,
          OrganizationalUnitIds: [],
          Regions: [],
        },
        instances: [],
      });
      return { StackSetId: `${StackSetName}:1` };
    });
    this.answer(cfn, UpdateStackSetCommand, 'UpdateStackSet', (input) => {
      const s = this.stackSetOrThrow(input.StackSetName);
      for (const k of ['TemplateBody', 'Parameters', 'Capabilities', 'AutoDeployment', 'ManagedExecution'] as const)
        if (input[k] !== undefined) (s.set as Record<string, unknown>)[k] = input[k];
      for (const i of s.instances) i.Status = 'OUTDATED';
      const filter = this.checkTargets('UpdateStackSet', input.DeploymentTargets);
      this.startOperation(
        input.StackSetName,
        'UPDATE',
        input.OperationId,
        { ous: input.DeploymentTargets?.OrganizationalUnitIds, regions: input.Regions, filter },
        (set, _ou, account, region) => {
          const i = set.instances.find((x) => x.Account === account && x.Region === region);
          if (i) Object.assign(i, { Status: 'CURRENT', StackInstanceStatus: { DetailedStatus: 'SUCCEEDED' } });
          return i;
        },
      );
      return { OperationId: input.OperationId };
    });
    this.answer(cfn, CreateStackInstancesCommand, 'CreateStackInstances', (input) => {
      const s = this.stackSetOrThrow(input.StackSetName);
      const filter = this.checkTargets('CreateStackInstances', input.DeploymentTargets);
      const ous: string[] = input.DeploymentTargets.OrganizationalUnitIds;
      s.set.OrganizationalUnitIds = [...new Set([...(s.set.OrganizationalUnitIds ?? []), ...ous])];
      s.set.Regions = [...new Set([...(s.set.Regions ?? []), ...input.Regions])] as string[];
      this.startOperation(input.StackSetName, 'CREATE', input.OperationId, { ous, regions: input.Regions, filter }, (set, ou, account, region) => {
        const i = this.instance(input.StackSetName, ou, account, region);
        set.instances.push(i);
        return i;
      });
      return { OperationId: input.OperationId };
    });
    this.answer(cfn, DeleteStackInstancesCommand, 'DeleteStackInstances', (input) => {
      const s = this.stackSetOrThrow(input.StackSetName);
      const filter = this.checkTargets('DeleteStackInstances', input.DeploymentTargets);
      const ous: string[] = input.DeploymentTargets.OrganizationalUnitIds;
      this.startOperation(input.StackSetName, 'DELETE', input.OperationId, { ous, regions: input.Regions, filter }, (set, ou, account, region) => {
        set.instances = set.instances.filter((x) => !(x.OrganizationalUnitId === ou && x.Account === account && x.Region === region));
        return undefined;
      });
      s.set.OrganizationalUnitIds = (s.set.OrganizationalUnitIds ?? []).filter((ou) => s.instances.some((i) => i.OrganizationalUnitId === ou));
      return { OperationId: input.OperationId };
    });
    this.answer(cfn, DeleteStackSetCommand, 'DeleteStackSet', (input) => {
      const s = this.stackSetOrThrow(input.StackSetName);
      if (s.instances.length) throw cfnError('StackSetNotEmptyException', 'StackSet is not empty');
      this.stackSets.delete(input.StackSetName);
      return {};
    });
    this.answer(cfn, DetectStackSetDriftCommand, 'DetectStackSetDrift', (input) => {
      this.startOperation(input.StackSetName, 'DETECT_DRIFT', input.OperationId, {}, (set, _ou, account, region) => {
        const i = set.instances.find((x) => x.Account === account && x.Region === region);
        if (i) i.DriftStatus = this.drift(account, region);
        return i;
      });
      return { OperationId: input.OperationId };
    });
    this.answer(cfn, DescribeStackSetOperationCommand, 'DescribeStackSetOperation', (input) => {
      const op = this.ops.get(input.OperationId);
      if (!op) throw cfnError('OperationNotFoundException', `Operation ${input.OperationId} not found`);
      // Running on the first poll, finished on the next: the engine has to wait.
      const status = op.polls++ === 0 ? 'RUNNING' : op.status;
      return {
        StackSetOperation: {
          OperationId: input.OperationId,
          StackSetId: `${op.stackSet}:1`,
          Action: op.action,
          Status: status,
          ...((op as { statusReason?: string }).statusReason && status !== 'RUNNING' ? { StatusReason: (op as { statusReason?: string }).statusReason } : {}),
        },
      };
    });
    this.answer(cfn, ListStackSetOperationResultsCommand, 'ListStackSetOperationResults', (input) => ({
      Summaries: this.ops.get(input.OperationId)?.results ?? [],
    }));
    this.answer(cfn, ListStackSetOperationsCommand, 'ListStackSetOperations', (input) => ({
      Summaries: [...this.ops.entries()]
        .filter(([, o]) => o.stackSet === input.StackSetName)
        .map(([id, o], n) => ({
          OperationId: id,
          Action: o.action,
          Status: o.status,
          CreationTimestamp: new Date(1000 * (n + 1)),
          EndTimestamp: new Date(1000 * (n + 2)),
        }))
        .reverse(),
    }));
  }

  /**
   * ListCostAllocationTags as the API reference describes it: TagKeys (at most 100) and Type filter, in pages
   * (of 2 unless `pageSizes` says otherwise) with a NextToken; a key never applied to a resource is simply not listed.
   */
  private wireCostExplorer(): void {
    this.answer(this.ce, ListCostAllocationTagsCommand, 'ListCostAllocationTags', (input) => {
      if (input.TagKeys && (input.TagKeys.length < 1 || input.TagKeys.length > 100))
        throw new CostExplorerServiceException({
          name: 'ValidationException',
          $fault: 'client',
          message: 'TagKeys must have between 1 and 100 members',
          $metadata: { httpStatusCode: 400 },
        });
      const all = [...this.costAllocationTags.entries()]
        .filter(([key]) => !input.TagKeys || input.TagKeys.includes(key))
        .filter(() => !input.Type || input.Type === 'UserDefined')
        .filter(([, status]) => !input.Status || input.Status === status)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([TagKey, Status]) => ({ TagKey, Type: 'UserDefined', Status, LastUpdatedDate: '2026-01-01T00:00:00Z' }));
      return { CostAllocationTags: all };
    });
  }

  /** GetAnomalyMonitors: every monitor of the account, or those of MonitorArnList, in pages with NextPageToken. */
  private wireAnomalyMonitors(): void {
    this.answer(this.ce, GetAnomalyMonitorsCommand, 'GetAnomalyMonitors', (input) => ({
      AnomalyMonitors: this.anomalyMonitors.filter((m) => !input.MonitorArnList?.length || input.MonitorArnList.includes(m.MonitorArn!)),
    }));
  }

  /** Drift each instance reports after detection (default IN_SYNC). */
  drift: (account: string, region: string) => 'DRIFTED' | 'IN_SYNC' | 'UNKNOWN' | 'NOT_CHECKED' = () => 'IN_SYNC';

  private wireS3(): void {
    this.answer(this.s3, HeadObjectCommand, 'HeadObject', (input) => {
      const o = this.objects.get(input.Key);
      if (!o) throw new NotFound({ message: 'NotFound', $metadata: { httpStatusCode: 404 } });
      const kmsKeyId = o.kmsKeyId ?? this.kmsKeyArn;
      return {
        VersionId: o.versionId,
        Metadata: o.sha256 ? { sha256: o.sha256 } : {},
        ContentType: 'application/zip',
        ...(kmsKeyId ? { ServerSideEncryption: 'aws:kms' as const, SSEKMSKeyId: kmsKeyId } : {}),
      };
    });
    this.answer(this.s3, PutObjectCommand, 'PutObject', (input) => {
      if (input.IfNoneMatch === '*' && this.objects.has(input.Key)) {
        throw new S3ServiceException({
          name: 'PreconditionFailed',
          $fault: 'client',
          message: 'At least one of the pre-conditions you specified did not hold',
          $metadata: { httpStatusCode: 412 },
        });
      }
      const versionId = `v${++this.counter}-${input.Key.slice(-8)}`;
      this.objects.set(input.Key, { versionId, sha256: input.Metadata?.sha256, ...(input.Body instanceof Uint8Array ? { body: input.Body } : {}) });
      return { VersionId: versionId, ETag: '"etag"', ServerSideEncryption: 'aws:kms' };
    });
    // As S3 answers: a missing key or version is NoSuchKey / NoSuchVersion (404); the body is an SDK stream.
    this.answer(this.s3, GetObjectCommand, 'GetObject', (input) => {
      const o = this.objects.get(input.Key);
      if (!o || !o.body) throw new NoSuchKey({ message: 'The specified key does not exist.', $metadata: { httpStatusCode: 404 } });
      if (input.VersionId !== undefined && input.VersionId !== o.versionId)
        throw new S3ServiceException({
          name: 'NoSuchVersion',
          $fault: 'client',
          message: 'The specified version does not exist.',
          $metadata: { httpStatusCode: 404 },
        });
      const body = o.body;
      return {
        Body: { transformToByteArray: async () => body, transformToString: async () => Buffer.from(body).toString() },
        VersionId: o.versionId,
        ContentType: 'application/zip',
        ContentLength: body.length,
        ...(o.sha256 ? { Metadata: { sha256: o.sha256 } } : {}),
      };
    });
  }

  private wireOrganizations(): void {
    const org = this.org;
    const policy = (id: string) => {
      const p = this.policies.get(id);
      if (!p) throw new PolicyNotFoundException({ message: `policy ${id} not found`, $metadata: { httpStatusCode: 400 } });
      return p;
    };
    const summary = (p: { id: string; name: string; type: string; awsManaged?: boolean }) => ({
      Id: p.id,
      Arn: `arn:aws:organizations::000000000000:policy/o-abc123/${p.type.toLowerCase()}/${p.id}`,
      Name: p.name,
      Type: p.type,
      AwsManaged: p.awsManaged === true,
      Description: '',
    });
    this.answer(org, ListPoliciesCommand, 'ListPolicies', (input) => {
      const mine = [...this.policies.values()].filter((p) => p.type === input.Filter).map(summary);
      // AWS's allow-all SCP is always listed; a test that needs its attachments adds it with addManagedPolicy.
      const fullAccess = !this.policies.has('p-FullAWSAccess') && input.Filter === 'SERVICE_CONTROL_POLICY';
      return { Policies: fullAccess ? [{ Id: 'p-FullAWSAccess', Name: 'FullAWSAccess', Type: 'SERVICE_CONTROL_POLICY', AwsManaged: true }, ...mine] : mine };
    });
    const children = <T extends { parentId: string }>(list: T[], parentId: string) => {
      if (parentId !== this.tree.rootId && !this.tree.ous.some((o) => o.id === parentId))
        throw new ParentNotFoundException({ message: "We can't find a root or OU with the ParentId that you specified.", $metadata: { httpStatusCode: 400 } });
      return list.filter((x) => x.parentId === parentId);
    };
    this.answer(org, ListRootsCommand, 'ListRoots', () => ({
      Roots: [{ Id: this.tree.rootId, Arn: `arn:aws:organizations::${MANAGEMENT_ACCOUNT}:root/o-abc123/${this.tree.rootId}`, Name: 'Root', PolicyTypes: [] }],
    }));
    this.answer(org, ListOrganizationalUnitsForParentCommand, 'ListOrganizationalUnitsForParent', (input) => ({
      OrganizationalUnits: children(this.tree.ous, input.ParentId).map((o) => ({
        Id: o.id,
        Name: o.name,
        Arn: `arn:aws:organizations::${MANAGEMENT_ACCOUNT}:ou/o-abc123/${o.id}`,
      })),
    }));
    this.answer(org, ListAccountsForParentCommand, 'ListAccountsForParent', (input) => ({
      Accounts: children(this.tree.accounts, input.ParentId).map((a) => ({
        Id: a.id,
        Name: a.name,
        Arn: `arn:aws:organizations::${MANAGEMENT_ACCOUNT}:account/o-abc123/${a.id}`,
        Email: `${a.name}@example.com`,
        State: a.state ?? 'ACTIVE',
        JoinedMethod: 'CREATED',
      })),
    }));
    this.answer(org, DescribePolicyCommand, 'DescribePolicy', (input) => {
      const p = policy(input.PolicyId);
      return { Policy: { PolicySummary: summary(p), Content: p.content } };
    });
    this.answer(org, ListTargetsForPolicyCommand, 'ListTargetsForPolicy', (input) => ({
      Targets: [...policy(input.PolicyId).targets].map((t) => ({
        TargetId: t,
        Name: t,
        Type: t.startsWith('r-') ? 'ROOT' : /^\d{12}$/.test(t) ? 'ACCOUNT' : 'ORGANIZATIONAL_UNIT',
      })),
    }));
    this.answer(org, CreatePolicyCommand, 'CreatePolicy', (input) => {
      const id = this.addPolicy(input.Type, input.Name, input.Content, []);
      return { Policy: { PolicySummary: summary(policy(id)), Content: input.Content } };
    });
    this.answer(org, UpdatePolicyCommand, 'UpdatePolicy', (input) => {
      const p = policy(input.PolicyId);
      if (input.Content !== undefined) p.content = input.Content;
      return { Policy: { PolicySummary: summary(p), Content: p.content } };
    });
    this.answer(org, AttachPolicyCommand, 'AttachPolicy', (input) => {
      const p = policy(input.PolicyId);
      if (p.targets.has(input.TargetId))
        throw new DuplicatePolicyAttachmentException({
          message: 'A policy with the same name is already attached to the target.',
          $metadata: { httpStatusCode: 400 },
        });
      p.targets.add(input.TargetId);
      return {};
    });
    this.answer(org, DetachPolicyCommand, 'DetachPolicy', (input) => {
      policy(input.PolicyId).targets.delete(input.TargetId);
      return {};
    });
    this.answer(org, DeletePolicyCommand, 'DeletePolicy', (input) => {
      policy(input.PolicyId);
      this.policies.delete(input.PolicyId);
      return {};
    });
  }
}

/**
 * CloudFormation's InsufficientCapabilitiesException: an IAM resource needs CAPABILITY_IAM or
 * CAPABILITY_NAMED_IAM, one with a custom name needs CAPABILITY_NAMED_IAM. Written here from the CloudFormation
 * docs, not from the engine, so the engine's choice is checked by something else.
 */
function requireCapabilities(templateBody: string, capabilities: string[] | undefined): void {
  const resources = Object.values(
    (JSON.parse(templateBody) as { Resources?: Record<string, { Type: string; Properties?: Record<string, unknown> }> }).Resources ?? {},
  );
  const iam = resources.filter((r) => r.Type.startsWith('AWS::IAM::'));
  const named = iam.some((r) => ['RoleName', 'UserName', 'GroupName', 'ManagedPolicyName', 'InstanceProfileName'].some((k) => r.Properties?.[k] !== undefined));
  const has = (c: string) => capabilities?.includes(c) ?? false;
  if (named && !has('CAPABILITY_NAMED_IAM')) throw cfnError('InsufficientCapabilitiesException', 'Requires capabilities : [CAPABILITY_NAMED_IAM]');
  if (iam.length && !has('CAPABILITY_IAM') && !has('CAPABILITY_NAMED_IAM'))
    throw cfnError('InsufficientCapabilitiesException', 'Requires capabilities : [CAPABILITY_IAM]');
}

/** The parameters a stack set was given, as a map. */
export const paramMap = (params: Parameter[] | undefined) => Object.fromEntries((params ?? []).map((p) => [p.ParameterKey, p.ParameterValue]));
