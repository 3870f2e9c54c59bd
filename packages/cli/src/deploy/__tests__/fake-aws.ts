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
  AttachPolicyCommand,
  CreatePolicyCommand,
  DeletePolicyCommand,
  DescribePolicyCommand,
  DetachPolicyCommand,
  DuplicatePolicyAttachmentException,
  ListPoliciesCommand,
  ListTargetsForPolicyCommand,
  OrganizationsClient,
  PolicyNotFoundException,
  UpdatePolicyCommand,
} from '@aws-sdk/client-organizations';
import { HeadObjectCommand, NotFound, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { AwsStub, mockClient } from 'aws-sdk-client-mock';
import { sameDocument } from '../canonical-json';
import type { AwsClients } from '../clients';
import type { EngineContext } from '../context';
import { Progress, silentProgress } from '../progress';
import { DEFAULT_RETRY } from '../retry';
import { ACCOUNTS } from './fixture';

/** An error as the CloudFormation query protocol delivers one the SDK does not model (ValidationError, Throttling). */
export const cfnError = (name: string, message: string) => new CloudFormationServiceException({ name, $fault: 'client', message, $metadata: { httpStatusCode: 400 } });

interface FakeStack {
  status: string;
  template: string;
  outputs: Record<string, string>;
  pendingFinal?: string;
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
  instance?: (account: string, region: string) => { Status?: 'CURRENT' | 'OUTDATED' | 'INOPERABLE'; DetailedStatus?: string; StatusReason?: string } | undefined;
};

/**
 * AWS at the SDK client boundary: every command the engine sends is answered by aws-sdk-client-mock with a
 * response or an error shaped like AWS's, from a small in-memory state. Tests inject failures with `failNext`
 * (consumed in order, before the state is touched) and shape stack set operations with `operations`.
 */
export class FakeAws {
  readonly cfn: AwsStub<any, any, any> = mockClient(CloudFormationClient);
  readonly s3: AwsStub<any, any, any> = mockClient(S3Client);
  readonly org: AwsStub<any, any, any> = mockClient(OrganizationsClient);
  readonly stacks = new Map<string, FakeStack>();
  readonly objects = new Map<string, { versionId: string; sha256?: string }>();
  readonly policies = new Map<string, { id: string; name: string; type: string; content: string; targets: Set<string> }>();
  readonly stackSets = new Map<string, FakeStackSet>();
  readonly ops = new Map<string, FakeOperation>();
  stackOutputs: Record<string, string> = { BucketUri: 's3://bucket/hooks' };
  /** Final status of the next create or update of a stack (default *_COMPLETE). */
  stackFinal?: string;
  stackEvents: StackEvent[] = [];
  operations: OperationScript = () => ({});
  private readonly injected = new Map<string, unknown[]>();
  private readonly hooks = new Map<string, ((input: any) => void)[]>();
  private counter = 0;

  /** @param accounts the accounts AWS Organizations holds in each OU, by OU ID */
  constructor(private readonly accounts: Record<string, string[]> = ACCOUNTS) {
    this.wireCloudFormation();
    this.wireS3();
    this.wireOrganizations();
  }

  /** The next calls of `operation` (e.g. 'UpdateStackSet') fail with these errors, in order. */
  failNext(operation: string, ...errors: unknown[]): this {
    this.injected.set(operation, [...(this.injected.get(operation) ?? []), ...errors]);
    return this;
  }

  /** Runs once, on the next call of `operation`, before it is answered: what another deployer did meanwhile. */
  before(operation: string, fn: (input: any) => void): this {
    this.hooks.set(operation, [...(this.hooks.get(operation) ?? []), fn]);
    return this;
  }

  restore(): void {
    this.cfn.restore();
    this.s3.restore();
    this.org.restore();
  }

  clients(): AwsClients {
    const cloudFormation = new CloudFormationClient({ region: 'eu-west-1' });
    return { cloudFormation, s3: new S3Client({ region: 'eu-west-1' }), organizations: new OrganizationsClient({ region: 'eu-west-1' }), cloudFormationIn: () => cloudFormation };
  }

  /** An engine context on this fake that never waits. */
  context(progress: Progress = silentProgress): EngineContext {
    return { clients: this.clients(), callAs: 'DELEGATED_ADMIN', retry: { ...DEFAULT_RETRY, sleep: async () => {} }, progress };
  }

  // --- state helpers for tests -------------------------------------------------------------------

  /** A stack set as a previous deploy left it, with CURRENT instances for every account in its OUs. */
  addStackSet(name: string, props: Partial<StackSet> & { ous: string[]; regions: string[] }): void {
    const { ous, regions, ...rest } = props;
    const set: StackSet = { StackSetName: name, StackSetId: `${name}:1`, Status: 'ACTIVE', PermissionModel: 'SERVICE_MANAGED', OrganizationalUnitIds: ous, Regions: regions, ...rest };
    const instances = ous.flatMap((ou) => (this.accounts[ou] ?? []).flatMap((account) => regions.map((region) => this.instance(name, ou, account, region))));
    this.stackSets.set(name, { set, instances });
  }

  addPolicy(type: string, name: string, content: string, targets: string[]): string {
    const id = `p-${++this.counter}`;
    this.policies.set(id, { id, name, type, content, targets: new Set(targets) });
    return id;
  }

  private instance(stackSet: string, ou: string, account: string, region: string): StackInstanceSummary {
    return { StackSetId: `${stackSet}:1`, Account: account, Region: region, OrganizationalUnitId: ou, Status: 'CURRENT', StackInstanceStatus: { DetailedStatus: 'SUCCEEDED' }, DriftStatus: 'NOT_CHECKED' };
  }

  private take(operation: string, input?: unknown): void {
    this.hooks.get(operation)?.shift()?.(input);
    const queue = this.injected.get(operation);
    if (queue?.length) throw queue.shift();
  }

  private stackSetOrThrow(name: string): FakeStackSet {
    const s = this.stackSets.get(name);
    if (!s) throw new StackSetNotFoundException({ message: `StackSet ${name} not found`, $metadata: { httpStatusCode: 404 } });
    return s;
  }

  /** Runs an operation on the instances of these OU × region targets (all instances when none are given). */
  private startOperation(stackSet: string, action: string, operationId: string, targets: { ous?: string[]; regions?: string[] }, apply: (s: FakeStackSet, ou: string, account: string, region: string) => StackInstanceSummary | undefined): void {
    const s = this.stackSetOrThrow(stackSet);
    const script = this.operations({ action, stackSet, operationId });
    const ous = targets.ous ?? s.set.OrganizationalUnitIds ?? [];
    const regions = targets.regions ?? s.set.Regions ?? [];
    const results: StackSetOperationResultSummary[] = [];
    for (const ou of ous) {
      for (const account of this.accounts[ou] ?? []) {
        for (const region of regions) {
          const instance = apply(s, ou, account, region);
          const outcome = script.instance?.(account, region);
          if (instance && outcome) {
            if (outcome.Status) instance.Status = outcome.Status;
            if (outcome.DetailedStatus) instance.StackInstanceStatus = { DetailedStatus: outcome.DetailedStatus as never };
            if (outcome.StatusReason) instance.StatusReason = outcome.StatusReason;
          }
          const detailed = outcome?.DetailedStatus ?? 'SUCCEEDED';
          results.push({ Account: account, Region: region, OrganizationalUnitId: ou, Status: (detailed === 'SKIPPED_SUSPENDED_ACCOUNT' ? 'SUCCEEDED' : detailed === 'INOPERABLE' ? 'FAILED' : detailed) as never, ...(outcome?.StatusReason ? { StatusReason: outcome.StatusReason } : {}) });
        }
      }
    }
    this.ops.set(operationId, { stackSet, action, status: script.status ?? 'SUCCEEDED', polls: 0, results, ...(script.statusReason ? { statusReason: script.statusReason } : {}) });
  }

  private wireCloudFormation(): void {
    const cfn = this.cfn;
    const notExist = (name: string) => cfnError('ValidationError', `Stack with id ${name} does not exist`);
    cfn.on(DescribeStacksCommand).callsFake((input) => {
      this.take('DescribeStacks', input);
      const s = this.stacks.get(input.StackName);
      if (!s) throw notExist(input.StackName);
      const response = { Stacks: [{ StackName: input.StackName, StackStatus: s.status, CreationTime: new Date(0), Outputs: Object.entries(s.outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })) }] };
      // In progress once, then done: the engine has to poll.
      if (s.pendingFinal) {
        s.status = s.pendingFinal;
        delete s.pendingFinal;
      }
      return response;
    });
    cfn.on(GetTemplateCommand).callsFake((input) => {
      const s = this.stacks.get(input.StackName);
      if (!s) throw notExist(input.StackName);
      return { TemplateBody: s.template, StagesAvailable: ['Original', 'Processed'] };
    });
    cfn.on(CreateStackCommand).callsFake((input) => {
      this.take('CreateStack', input);
      this.stacks.set(input.StackName, { status: 'CREATE_IN_PROGRESS', template: input.TemplateBody, outputs: this.stackFinal ? {} : { ...this.stackOutputs }, pendingFinal: this.stackFinal ?? 'CREATE_COMPLETE' });
      return { StackId: `arn:aws:cloudformation:eu-west-1:111111111111:stack/${input.StackName}/1` };
    });
    cfn.on(UpdateStackCommand).callsFake((input) => {
      this.take('UpdateStack', input);
      const s = this.stacks.get(input.StackName);
      if (!s) throw notExist(input.StackName);
      if (sameDocument(s.template, input.TemplateBody)) throw cfnError('ValidationError', 'No updates are to be performed.');
      s.template = input.TemplateBody;
      s.status = 'UPDATE_IN_PROGRESS';
      s.pendingFinal = this.stackFinal ?? 'UPDATE_COMPLETE';
      return { StackId: `arn:aws:cloudformation:eu-west-1:111111111111:stack/${input.StackName}/1` };
    });
    cfn.on(DescribeStackEventsCommand).callsFake(() => ({ StackEvents: this.stackEvents }));

    cfn.on(DescribeStackSetCommand).callsFake((input) => {
      this.take('DescribeStackSet', input);
      return { StackSet: this.stackSetOrThrow(input.StackSetName).set };
    });
    cfn.on(ListStackSetsCommand).callsFake((input) => {
      this.take('ListStackSets', input);
      return { Summaries: [...this.stackSets.values()].filter((s) => !input.Status || s.set.Status === input.Status).map((s) => ({ StackSetName: s.set.StackSetName, StackSetId: s.set.StackSetId, Status: s.set.Status, PermissionModel: s.set.PermissionModel })) };
    });
    cfn.on(ListStackInstancesCommand).callsFake((input) => {
      this.take('ListStackInstances', input);
      return { Summaries: this.stackSetOrThrow(input.StackSetName).instances.map((i) => ({ ...i })) };
    });
    cfn.on(CreateStackSetCommand).callsFake((input) => {
      this.take('CreateStackSet', input);
      if (this.stackSets.has(input.StackSetName)) throw new NameAlreadyExistsException({ message: `StackSet ${input.StackSetName} already exists`, $metadata: { httpStatusCode: 409 } });
      const { StackSetName, TemplateBody, Parameters, Capabilities, AutoDeployment, PermissionModel, ManagedExecution } = input;
      this.stackSets.set(StackSetName, { set: { StackSetName, StackSetId: `${StackSetName}:1`, Status: 'ACTIVE', TemplateBody, Parameters, Capabilities, AutoDeployment, PermissionModel, ManagedExecution, OrganizationalUnitIds: [], Regions: [] }, instances: [] });
      return { StackSetId: `${StackSetName}:1` };
    });
    cfn.on(UpdateStackSetCommand).callsFake((input) => {
      this.take('UpdateStackSet', input);
      const s = this.stackSetOrThrow(input.StackSetName);
      for (const k of ['TemplateBody', 'Parameters', 'Capabilities', 'AutoDeployment', 'ManagedExecution'] as const) if (input[k] !== undefined) (s.set as Record<string, unknown>)[k] = input[k];
      for (const i of s.instances) i.Status = 'OUTDATED';
      this.startOperation(input.StackSetName, 'UPDATE', input.OperationId, { ous: input.DeploymentTargets?.OrganizationalUnitIds, regions: input.Regions }, (set, _ou, account, region) => {
        const i = set.instances.find((x) => x.Account === account && x.Region === region);
        if (i) Object.assign(i, { Status: 'CURRENT', StackInstanceStatus: { DetailedStatus: 'SUCCEEDED' } });
        return i;
      });
      return { OperationId: input.OperationId };
    });
    cfn.on(CreateStackInstancesCommand).callsFake((input) => {
      this.take('CreateStackInstances', input);
      const s = this.stackSetOrThrow(input.StackSetName);
      const ous: string[] = input.DeploymentTargets.OrganizationalUnitIds;
      s.set.OrganizationalUnitIds = [...new Set([...(s.set.OrganizationalUnitIds ?? []), ...ous])];
      s.set.Regions = [...new Set([...(s.set.Regions ?? []), ...input.Regions])] as string[];
      this.startOperation(input.StackSetName, 'CREATE', input.OperationId, { ous, regions: input.Regions }, (set, ou, account, region) => {
        const i = this.instance(input.StackSetName, ou, account, region);
        set.instances.push(i);
        return i;
      });
      return { OperationId: input.OperationId };
    });
    cfn.on(DeleteStackInstancesCommand).callsFake((input) => {
      this.take('DeleteStackInstances', input);
      const s = this.stackSetOrThrow(input.StackSetName);
      const ous: string[] = input.DeploymentTargets.OrganizationalUnitIds;
      this.startOperation(input.StackSetName, 'DELETE', input.OperationId, { ous, regions: input.Regions }, (set, ou, account, region) => {
        set.instances = set.instances.filter((x) => !(x.OrganizationalUnitId === ou && x.Account === account && x.Region === region));
        return undefined;
      });
      s.set.OrganizationalUnitIds = (s.set.OrganizationalUnitIds ?? []).filter((ou) => s.instances.some((i) => i.OrganizationalUnitId === ou));
      return { OperationId: input.OperationId };
    });
    cfn.on(DeleteStackSetCommand).callsFake((input) => {
      this.take('DeleteStackSet', input);
      const s = this.stackSetOrThrow(input.StackSetName);
      if (s.instances.length) throw cfnError('StackSetNotEmptyException', 'StackSet is not empty');
      this.stackSets.delete(input.StackSetName);
      return {};
    });
    cfn.on(DetectStackSetDriftCommand).callsFake((input) => {
      this.take('DetectStackSetDrift', input);
      this.startOperation(input.StackSetName, 'DETECT_DRIFT', input.OperationId, {}, (set, _ou, account, region) => {
        const i = set.instances.find((x) => x.Account === account && x.Region === region);
        if (i) i.DriftStatus = this.drift(account, region);
        return i;
      });
      return { OperationId: input.OperationId };
    });
    cfn.on(DescribeStackSetOperationCommand).callsFake((input) => {
      this.take('DescribeStackSetOperation', input);
      const op = this.ops.get(input.OperationId);
      if (!op) throw cfnError('OperationNotFoundException', `Operation ${input.OperationId} not found`);
      // Running on the first poll, finished on the next: the engine has to wait.
      const status = op.polls++ === 0 ? 'RUNNING' : op.status;
      return { StackSetOperation: { OperationId: input.OperationId, StackSetId: `${op.stackSet}:1`, Action: op.action, Status: status, ...((op as { statusReason?: string }).statusReason && status !== 'RUNNING' ? { StatusReason: (op as { statusReason?: string }).statusReason } : {}) } };
    });
    cfn.on(ListStackSetOperationResultsCommand).callsFake((input) => ({ Summaries: this.ops.get(input.OperationId)?.results ?? [] }));
    cfn.on(ListStackSetOperationsCommand).callsFake((input) => ({
      Summaries: [...this.ops.entries()].filter(([, o]) => o.stackSet === input.StackSetName).map(([id, o], n) => ({ OperationId: id, Action: o.action, Status: o.status, CreationTimestamp: new Date(1000 * (n + 1)), EndTimestamp: new Date(1000 * (n + 2)) })).reverse(),
    }));
  }

  /** Drift each instance reports after detection (default IN_SYNC). */
  drift: (account: string, region: string) => 'DRIFTED' | 'IN_SYNC' | 'UNKNOWN' | 'NOT_CHECKED' = () => 'IN_SYNC';

  private wireS3(): void {
    this.s3.on(HeadObjectCommand).callsFake((input) => {
      this.take('HeadObject', input);
      const o = this.objects.get(input.Key);
      if (!o) throw new NotFound({ message: 'NotFound', $metadata: { httpStatusCode: 404 } });
      return { VersionId: o.versionId, Metadata: o.sha256 ? { sha256: o.sha256 } : {}, ContentType: 'application/zip' };
    });
    this.s3.on(PutObjectCommand).callsFake((input) => {
      this.take('PutObject', input);
      if (input.IfNoneMatch === '*' && this.objects.has(input.Key)) {
        throw new S3ServiceException({ name: 'PreconditionFailed', $fault: 'client', message: 'At least one of the pre-conditions you specified did not hold', $metadata: { httpStatusCode: 412 } });
      }
      const versionId = `v${++this.counter}-${input.Key.slice(-8)}`;
      this.objects.set(input.Key, { versionId, sha256: input.Metadata?.sha256 });
      return { VersionId: versionId, ETag: '"etag"', ServerSideEncryption: 'aws:kms' };
    });
  }

  private wireOrganizations(): void {
    const org = this.org;
    const policy = (id: string) => {
      const p = this.policies.get(id);
      if (!p) throw new PolicyNotFoundException({ message: `policy ${id} not found`, $metadata: { httpStatusCode: 400 } });
      return p;
    };
    const summary = (p: { id: string; name: string; type: string }) => ({ Id: p.id, Arn: `arn:aws:organizations::000000000000:policy/o-abc123/${p.type.toLowerCase()}/${p.id}`, Name: p.name, Type: p.type, AwsManaged: false, Description: '' });
    org.on(ListPoliciesCommand).callsFake((input) => {
      this.take('ListPolicies', input);
      const mine = [...this.policies.values()].filter((p) => p.type === input.Filter).map(summary);
      return { Policies: input.Filter === 'SERVICE_CONTROL_POLICY' ? [{ Id: 'p-FullAWSAccess', Name: 'FullAWSAccess', Type: 'SERVICE_CONTROL_POLICY', AwsManaged: true }, ...mine] : mine };
    });
    org.on(DescribePolicyCommand).callsFake((input) => {
      const p = policy(input.PolicyId);
      return { Policy: { PolicySummary: summary(p), Content: p.content } };
    });
    org.on(ListTargetsForPolicyCommand).callsFake((input) => ({ Targets: [...policy(input.PolicyId).targets].map((t) => ({ TargetId: t, Name: t, Type: t.startsWith('r-') ? 'ROOT' : 'ORGANIZATIONAL_UNIT' })) }));
    org.on(CreatePolicyCommand).callsFake((input) => {
      this.take('CreatePolicy', input);
      const id = this.addPolicy(input.Type, input.Name, input.Content, []);
      return { Policy: { PolicySummary: summary(policy(id)), Content: input.Content } };
    });
    org.on(UpdatePolicyCommand).callsFake((input) => {
      this.take('UpdatePolicy', input);
      const p = policy(input.PolicyId);
      if (input.Content !== undefined) p.content = input.Content;
      return { Policy: { PolicySummary: summary(p), Content: p.content } };
    });
    org.on(AttachPolicyCommand).callsFake((input) => {
      this.take('AttachPolicy', input);
      const p = policy(input.PolicyId);
      if (p.targets.has(input.TargetId)) throw new DuplicatePolicyAttachmentException({ message: 'A policy with the same name is already attached to the target.', $metadata: { httpStatusCode: 400 } });
      p.targets.add(input.TargetId);
      return {};
    });
    org.on(DetachPolicyCommand).callsFake((input) => {
      this.take('DetachPolicy', input);
      policy(input.PolicyId).targets.delete(input.TargetId);
      return {};
    });
    org.on(DeletePolicyCommand).callsFake((input) => {
      this.take('DeletePolicy', input);
      policy(input.PolicyId);
      this.policies.delete(input.PolicyId);
      return {};
    });
  }
}

/** The parameters a stack set was given, as a map. */
export const paramMap = (params: Parameter[] | undefined) => Object.fromEntries((params ?? []).map((p) => [p.ParameterKey, p.ParameterValue]));
