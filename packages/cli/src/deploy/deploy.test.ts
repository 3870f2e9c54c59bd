import { createHash } from 'crypto';
import {
  CreateStackCommand,
  CreateStackInstancesCommand,
  CreateStackSetCommand,
  DeleteStackInstancesCommand,
  DeleteStackSetCommand,
  DescribeStackSetOperationCommand,
  OperationInProgressException,
  StaleRequestException,
  UpdateStackCommand,
  UpdateStackSetCommand,
} from '@aws-sdk/client-cloudformation';
import {
  AttachPolicyCommand,
  ConcurrentModificationException,
  ConstraintViolationException,
  CreatePolicyCommand,
  DeletePolicyCommand,
  DetachPolicyCommand,
  PolicyTypeNotEnabledException,
  TooManyRequestsException,
} from '@aws-sdk/client-organizations';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { UsageError } from '../usage-error';
import { FakeAws, cfnError, paramMap } from './__tests__/fake-aws';
import { ACCOUNTS, BUNDLE_STACK, DEV, Fixture, PROD, instanceTemplate, makeFixture } from './__tests__/fixture';
import { deployAll, deployExitCode } from './deploy';
import { readDesired } from './desired';
import { renderDeployReport } from './render-report';
import { selectionOf } from './selection';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const TAGS = [{ Key: 'CostCenter', Value: 'platform' }];

let fake: FakeAws;
let fixture: Fixture;
beforeEach(() => {
  fake = new FakeAws();
  fixture = makeFixture();
});
afterEach(() => {
  fake.restore();
  fixture.remove();
});

async function deploy(opts: { allowDelete?: boolean; only?: string[]; dir?: string } = {}) {
  const { plan, report } = await deployAll(fake.context(), readDesired(opts.dir ?? fixture.dir), {
    allowDelete: opts.allowDelete ?? false,
    selection: selectionOf(opts.only),
    stackTags: TAGS,
    region: 'eu-west-1',
  });
  return { plan, report, code: deployExitCode(report), text: renderDeployReport(report) };
}

/** A first deploy to a fresh organization, then a clean call history: the starting point of most tests. */
async function deployed(): Promise<void> {
  expect((await deploy()).code).toBe(0);
  fake.cfn.resetHistory();
  fake.s3.resetHistory();
  fake.org.resetHistory();
}

const inputs = <T>(stub: FakeAws['cfn'], command: new (input: T) => unknown) =>
  stub.commandCalls(command as never).map((c) => c.args[0].input as Record<string, any>);

describe('deploy to a fresh organization', () => {
  test('creates the stack, uploads the bundles, creates and attaches the policies, then creates each stack set and its instances', async () => {
    const { code, report, text } = await deploy();
    expect(code).toBe(0);

    const [stack] = inputs(fake.cfn, CreateStackCommand);
    expect(stack).toMatchObject({ StackName: BUNDLE_STACK, Tags: TAGS });
    expect(JSON.parse(stack.TemplateBody)).toHaveProperty('Resources.Bucket');

    const puts = inputs(fake.s3, PutObjectCommand);
    expect(puts).toHaveLength(2);
    // Encrypted with the bucket's default key: `aws:kms` without a key ID would mean the AWS managed key aws/s3.
    for (const put of puts) expect(put).not.toHaveProperty('ServerSideEncryption');
    for (const [i, b] of fixture.bundles.entries()) {
      expect(puts[i]).toMatchObject({
        Key: b.key,
        IfNoneMatch: '*',
        ChecksumSHA256: createHash('sha256').update(b.bytes).digest('base64'),
        Metadata: { sha256: b.sha256 },
      });
    }

    expect(inputs(fake.org, CreatePolicyCommand).map((p) => [p.Name, p.Type])).toEqual([
      ['tarmac-scp-root-1', 'SERVICE_CONTROL_POLICY'],
      ['tarmac-tag-lz-tag-1', 'TAG_POLICY'],
    ]);
    expect(inputs(fake.org, AttachPolicyCommand).map((a) => a.TargetId)).toEqual(['r-root', 'ou-dev-3333', 'ou-prod-1111']);

    const created = inputs(fake.cfn, CreateStackSetCommand);
    const prod = created.find((c) => c.StackSetName === PROD)!;
    const prodVersion = fake.objects.get(fixture.bundles[0].key)!.versionId;
    expect(prod).toMatchObject({
      CallAs: 'DELEGATED_ADMIN',
      PermissionModel: 'SERVICE_MANAGED',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
      Capabilities: ['CAPABILITY_NAMED_IAM'],
      ManagedExecution: { Active: true },
    });
    // The VersionId S3 returned for this very upload, and the bundle stack's output.
    expect(paramMap(prod.Parameters)).toEqual({ RulesVersion: prodVersion, RulesUri: 's3://bucket/hooks', Profile: 'prod' });
    expect(JSON.parse(prod.TemplateBody)).toEqual(JSON.parse(instanceTemplate('Tarmac::Guard::Guardrails')));

    const instances = inputs(fake.cfn, CreateStackInstancesCommand);
    expect(instances.find((c) => c.StackSetName === PROD)).toMatchObject({
      CallAs: 'DELEGATED_ADMIN',
      DeploymentTargets: { OrganizationalUnitIds: ['ou-prod-1111', 'ou-prod-2222'] },
      Regions: ['eu-central-1', 'eu-west-1'],
      OperationPreferences: {
        MaxConcurrentPercentage: 25,
        FailureTolerancePercentage: 10,
        RegionConcurrencyType: 'PARALLEL',
        ConcurrencyMode: 'SOFT_FAILURE_TOLERANCE',
      },
    });
    const ids = instances.map((c) => c.OperationId);
    expect(ids.every((id) => UUID.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    // Every StackSets call is made as the delegated administrator.
    for (const call of fake.cfn.calls()) {
      const input = call.args[0].input as { StackSetName?: string; CallAs?: string };
      if (input.StackSetName) expect(input.CallAs).toBe('DELEGATED_ADMIN');
    }

    expect(report.stackSets.find((s) => s.name === PROD)!.instances).toHaveLength(6);
    expect(text).toMatch(/^stack set +tarmac-guardrails-prod +create +ok +6\/6 current$/m);
    expect(text).not.toMatch(/Failures|not current|Skipped/);
  });

  test('waits for each operation until it ends', async () => {
    await deploy();
    // The fake answers RUNNING on the first poll of every operation.
    const polls = inputs(fake.cfn, DescribeStackSetOperationCommand);
    const opIds = new Set(polls.map((p) => p.OperationId));
    expect(polls.length).toBe(opIds.size * 2);
  });
});

describe('retries', () => {
  test('OperationInProgressException: waits and starts again under a new operation ID', async () => {
    await deployed();
    fixture.remove();
    fixture = makeFixture({ devTemplate: instanceTemplate('Tarmac::Guard::Changed') });
    fake.failNext(
      'UpdateStackSet',
      new OperationInProgressException({
        message: 'Another Operation on StackSet arn:aws:cloudformation:eu-west-1:111111111111:stackset/tarmac-guardrails-dev:1 is in progress',
        $metadata: { httpStatusCode: 409 },
      }),
    );
    const { code } = await deploy();
    expect(code).toBe(0);
    const updates = inputs(fake.cfn, UpdateStackSetCommand);
    expect(updates.map((u) => u.StackSetName)).toEqual([DEV, DEV]);
    expect(updates[0].OperationId).toMatch(UUID);
    expect(updates[1].OperationId).toMatch(UUID);
    expect(updates[1].OperationId).not.toBe(updates[0].OperationId);
    expect(updates[1]).toMatchObject({ CallAs: 'DELEGATED_ADMIN', DeploymentTargets: { OrganizationalUnitIds: ['ou-dev-3333'] }, Regions: ['eu-west-1'] });
    expect(updates[1]).not.toHaveProperty('AutoDeployment');
  });

  test('StaleRequestException: retried under a new operation ID', async () => {
    fake.failNext(
      'CreateStackInstances',
      new StaleRequestException({
        message: 'Another Operation has been performed on this StackSet since the specified operation was performed',
        $metadata: { httpStatusCode: 409 },
      }),
    );
    const { code } = await deploy({ only: [DEV] });
    expect(code).toBe(0);
    const calls = inputs(fake.cfn, CreateStackInstancesCommand);
    expect(calls).toHaveLength(2);
    expect(calls[1].OperationId).not.toBe(calls[0].OperationId);
  });

  test('throttling (Throttling: Rate exceeded, TooManyRequestsException, ConcurrentModificationException) is waited out', async () => {
    fake.failNext('CreateStackInstances', cfnError('Throttling', 'Rate exceeded'));
    fake.failNext('DescribeStackSet', cfnError('Throttling', 'Rate exceeded'), cfnError('Throttling', 'Rate exceeded'));
    fake.failNext(
      'AttachPolicy',
      new TooManyRequestsException({ message: 'You have sent too many requests in too short a period of time.', $metadata: { httpStatusCode: 400 } }),
    );
    fake.failNext(
      'CreatePolicy',
      new ConcurrentModificationException({
        message: 'The target of the operation is currently being modified by a different request.',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    const { code } = await deploy();
    expect(code).toBe(0);
    const creates = inputs(fake.cfn, CreateStackInstancesCommand);
    expect(creates).toHaveLength(3);
    expect(new Set(creates.map((c) => c.OperationId)).size).toBe(3);
    expect([...fake.policies.values()].map((p) => [p.name, [...p.targets].sort()])).toEqual([
      ['tarmac-scp-root-1', ['r-root']],
      ['tarmac-tag-lz-tag-1', ['ou-dev-3333', 'ou-prod-1111']],
    ]);
  });

  test('an operation that stays busy fails clearly after the retry limit', async () => {
    const busy = () => new OperationInProgressException({ message: 'Another Operation on StackSet is in progress', $metadata: { httpStatusCode: 409 } });
    fake.failNext('CreateStackInstances', ...Array.from({ length: 8 }, busy));
    const { code, text, report } = await deploy({ only: [DEV] });
    expect(code).toBe(1);
    expect(inputs(fake.cfn, CreateStackInstancesCommand)).toHaveLength(8);
    expect(report.stackSets[0].errors[0]).toMatch(/CreateStackInstances tarmac-guardrails-dev: still OperationInProgressException after 8 attempts/);
    expect(text).toMatch(/Failures:\n {2}tarmac-guardrails-dev: .*OperationInProgressException after 8 attempts/);
  });

  test('NameAlreadyExistsException on create (a concurrent create): goes on as an update', async () => {
    fake.before('CreateStackSet', (input) =>
      fake.addStackSet(input.StackSetName, {
        ous: [],
        regions: [],
        TemplateBody: input.TemplateBody,
        Parameters: input.Parameters,
        Capabilities: input.Capabilities,
        AutoDeployment: input.AutoDeployment,
        ManagedExecution: input.ManagedExecution,
      }),
    );
    const { code, report } = await deploy({ only: [DEV] });
    expect(code).toBe(0);
    expect(report.stackSets[0].action).toBe('update');
    expect(inputs(fake.cfn, CreateStackSetCommand)).toHaveLength(1);
    expect(inputs(fake.cfn, UpdateStackSetCommand)).toHaveLength(0);
    expect(inputs(fake.cfn, CreateStackInstancesCommand)[0]).toMatchObject({
      StackSetName: DEV,
      DeploymentTargets: { OrganizationalUnitIds: ['ou-dev-3333'] },
      Regions: ['eu-west-1'],
    });
  });
});

describe('updates', () => {
  test('a changed auto-deployment is sent without DeploymentTargets or Regions, which AWS refuses alongside it', async () => {
    await deployed();
    fake.stackSets.get(DEV)!.set.AutoDeployment = { Enabled: false };
    expect((await deploy()).code).toBe(0);
    const [update] = inputs(fake.cfn, UpdateStackSetCommand);
    expect(update).toMatchObject({ StackSetName: DEV, AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false } });
    expect(update).not.toHaveProperty('DeploymentTargets');
    expect(update).not.toHaveProperty('Regions');
  });

  test('staying instances that are not an OU × region product: every instance is updated, then the missing one is created', async () => {
    await deployed();
    const prod = fake.stackSets.get(PROD)!;
    prod.set.Parameters = prod.set.Parameters!.map((x) => (x.ParameterKey === 'Profile' ? { ...x, ParameterValue: 'old' } : x));
    prod.instances = prod.instances.filter((i) => !(i.OrganizationalUnitId === 'ou-prod-2222' && i.Region === 'eu-central-1'));
    expect((await deploy()).code).toBe(0);
    const [update] = inputs(fake.cfn, UpdateStackSetCommand);
    expect(paramMap(update.Parameters).Profile).toBe('prod');
    expect(update).not.toHaveProperty('DeploymentTargets');
    expect(inputs(fake.cfn, CreateStackInstancesCommand)).toEqual([
      expect.objectContaining({ StackSetName: PROD, DeploymentTargets: { OrganizationalUnitIds: ['ou-prod-2222'] }, Regions: ['eu-central-1'] }),
    ]);
  });
});

describe('operation and instance failures', () => {
  test('an operation FAILED (failure tolerance exceeded) is exit 1 with the failed accounts and reasons', async () => {
    fake.operations = ({ stackSet }) =>
      stackSet === PROD
        ? {
            status: 'FAILED',
            statusReason: 'The Operation failed because the failure tolerance was exceeded',
            instance: (account, region) =>
              region === 'eu-central-1'
                ? {
                    Status: 'OUTDATED',
                    DetailedStatus: 'FAILED',
                    StatusReason: `ResourceLogicalId:Hook, ResourceType:AWS::CloudFormation::GuardHook, ResourceStatusReason:Access Denied in ${account}`,
                  }
                : undefined,
          }
        : {};
    const { code, text, report } = await deploy();
    expect(code).toBe(1);
    const prod = report.stackSets.find((s) => s.name === PROD)!;
    expect(prod.errors[0]).toMatch(/^CreateStackInstances operation [0-9a-f-]{36} FAILED: The Operation failed because the failure tolerance was exceeded$/);
    expect(text).toMatch(
      /^ {2}tarmac-guardrails-prod +200000000003 +eu-central-1 +ou-prod-2222 +OUTDATED +FAILED +FAILED +ResourceLogicalId:Hook.*Access Denied in 200000000003$/m,
    );
    expect(report.stackSets.find((s) => s.name === DEV)!.errors).toEqual([]);
  });

  test('an operation that SUCCEEDED with one instance FAILED within the tolerance is exit 1, naming that account', async () => {
    fake.operations = ({ stackSet }) =>
      stackSet === PROD
        ? {
            instance: (account, region) =>
              account === '200000000002' && region === 'eu-west-1'
                ? { Status: 'OUTDATED', DetailedStatus: 'FAILED', StatusReason: 'Hook failed to create: quota exceeded' }
                : undefined,
          }
        : {};
    const { code, text, report } = await deploy();
    expect(code).toBe(1);
    const prod = report.stackSets.find((s) => s.name === PROD)!;
    expect(prod.operations.every((o) => o.status === 'SUCCEEDED')).toBe(true);
    expect(prod.errors).toEqual(['1 instance(s) not current although the operations succeeded (within the failure tolerance)']);
    // The stack set's own row says it failed, and why: an instance failed although every operation succeeded.
    expect(text).toMatch(/^stack set +tarmac-guardrails-prod +create +FAILED +5\/6 current, 1 FAILED$/m);
    expect(text).toMatch(
      /^ {2}tarmac-guardrails-prod +200000000002 +eu-west-1 +ou-prod-1111 +OUTDATED +FAILED +FAILED +Hook failed to create: quota exceeded$/m,
    );
    expect(text).not.toMatch(/200000000001/);
  });

  test('an INOPERABLE instance is exit 1 with what AWS advises: delete it retaining the stack, for that one account', async () => {
    fake.operations = ({ stackSet }) =>
      stackSet === DEV ? { instance: () => ({ Status: 'INOPERABLE', DetailedStatus: 'INOPERABLE', StatusReason: 'Stack deletion failed' }) } : {};
    const { code, text } = await deploy();
    expect(code).toBe(1);
    expect(text).toContain('tarmac-guardrails-dev 300000000001 eu-west-1 is INOPERABLE');
    expect(text).toContain(
      'aws cloudformation delete-stack-instances --stack-set-name tarmac-guardrails-dev --deployment-targets OrganizationalUnitIds=ou-dev-3333,Accounts=300000000001,AccountFilterType=INTERSECTION --regions eu-west-1 --retain-stacks --call-as DELEGATED_ADMIN',
    );
    expect(text).toMatch(/^ {2}tarmac-guardrails-dev +300000000001 +eu-west-1 +ou-dev-3333 +INOPERABLE +INOPERABLE +INOPERABLE +Stack deletion failed$/m);
  });

  test('SKIPPED_SUSPENDED_ACCOUNT is reported as skipped, not as a failure', async () => {
    fake.operations = ({ stackSet }) =>
      stackSet === PROD
        ? { instance: (account) => (account === '200000000003' ? { Status: 'OUTDATED', DetailedStatus: 'SKIPPED_SUSPENDED_ACCOUNT' } : undefined) }
        : {};
    const { code, text } = await deploy();
    expect(code).toBe(0);
    expect(text).toMatch(/^stack set +tarmac-guardrails-prod +create +ok +4\/6 current, 2 skipped \(suspended account\)$/m);
    expect(text).toMatch(
      /^ {2}tarmac-guardrails-prod +200000000003 +eu-central-1 +ou-prod-2222 +OUTDATED +SKIPPED_SUSPENDED_ACCOUNT +skipped \(suspended account\)$/m,
    );
  });
});

describe('bundles', () => {
  test('412 PreconditionFailed: the object written meanwhile is used when its sha256 matches', async () => {
    const [prod] = fixture.bundles;
    fake.before('PutObject', (input) => fake.objects.set(input.Key, { versionId: 'v-concurrent', sha256: prod.sha256 }));
    const { code, report } = await deploy({ only: [PROD] });
    expect(code).toBe(0);
    expect(report.bundles[0]).toMatchObject({ name: prod.key, action: 'uploaded', ok: true, detail: 'version v-concurrent' });
    expect(paramMap(inputs(fake.cfn, CreateStackSetCommand)[0].Parameters).RulesVersion).toBe('v-concurrent');
  });

  test('412 PreconditionFailed with other bytes under the key: never overwritten, the stack set is not deployed', async () => {
    const [prod] = fixture.bundles;
    fake.before('PutObject', (input) => fake.objects.set(input.Key, { versionId: 'v-other', sha256: 'f'.repeat(64) }));
    const { code, report, text } = await deploy({ only: [PROD] });
    expect(code).toBe(1);
    expect(inputs(fake.s3, PutObjectCommand)).toHaveLength(1);
    expect(report.bundles[0].detail).toContain(`already exists with sha256 ${'f'.repeat(64)}, not ${prod.sha256}: a bundle key is never overwritten`);
    expect(inputs(fake.cfn, CreateStackSetCommand)).toHaveLength(0);
    expect(text).toMatch(/tarmac-guardrails-prod: not attempted: RulesVersion: new version of hooks\/guardrails\//);
  });

  test('a bundle already uploaded is not uploaded again and its version is pinned', async () => {
    const [prod] = fixture.bundles;
    fake.objects.set(prod.key, { versionId: 'v-earlier', sha256: prod.sha256 });
    await deploy({ only: [PROD] });
    expect(inputs(fake.s3, PutObjectCommand)).toHaveLength(0);
    expect(paramMap(inputs(fake.cfn, CreateStackSetCommand)[0].Parameters).RulesVersion).toBe('v-earlier');
  });
});

describe('plain stacks', () => {
  test('an update that rolls back is an error with the failed resource, and nothing that needs the stack is attempted', async () => {
    fake.stacks.set(BUNDLE_STACK, { status: 'CREATE_COMPLETE', template: '{"Resources":{}}', outputs: { BucketUri: 's3://bucket/hooks' } });
    fake.stackFinal = 'UPDATE_ROLLBACK_COMPLETE';
    fake.stackEvents = [
      {
        StackId: 's',
        EventId: '4',
        StackName: BUNDLE_STACK,
        LogicalResourceId: BUNDLE_STACK,
        ResourceType: 'AWS::CloudFormation::Stack',
        ResourceStatus: 'UPDATE_ROLLBACK_COMPLETE',
        Timestamp: new Date(4),
      },
      {
        StackId: 's',
        EventId: '3',
        StackName: BUNDLE_STACK,
        LogicalResourceId: 'Bucket',
        ResourceType: 'AWS::S3::Bucket',
        ResourceStatus: 'UPDATE_FAILED',
        ResourceStatusReason: 'Resource handler returned message: "Access Denied (Service: S3, Status Code: 403)"',
        Timestamp: new Date(3),
      },
      {
        StackId: 's',
        EventId: '2',
        StackName: BUNDLE_STACK,
        LogicalResourceId: BUNDLE_STACK,
        ResourceType: 'AWS::CloudFormation::Stack',
        ResourceStatus: 'UPDATE_IN_PROGRESS',
        ResourceStatusReason: 'User Initiated',
        Timestamp: new Date(2),
      },
      {
        StackId: 's',
        EventId: '1',
        StackName: BUNDLE_STACK,
        LogicalResourceId: 'Old',
        ResourceType: 'AWS::S3::Bucket',
        ResourceStatus: 'CREATE_FAILED',
        ResourceStatusReason: 'an older failure',
        Timestamp: new Date(1),
      },
    ];
    const { code, report, text } = await deploy();
    expect(code).toBe(1);
    expect(inputs(fake.cfn, UpdateStackCommand)).toHaveLength(1);
    expect(report.stacks[0].detail).toBe(
      `stack ${BUNDLE_STACK} ended UPDATE_ROLLBACK_COMPLETE:\n  Bucket (AWS::S3::Bucket) UPDATE_FAILED: Resource handler returned message: "Access Denied (Service: S3, Status Code: 403)"`,
    );
    expect(inputs(fake.s3, PutObjectCommand)).toHaveLength(0);
    expect(inputs(fake.cfn, CreateStackSetCommand)).toHaveLength(0);
    expect(report.bundles.every((b) => b.action === 'not attempted')).toBe(true);
    // Organization policies do not depend on the stack.
    expect(inputs(fake.org, CreatePolicyCommand)).toHaveLength(2);
    expect(text).not.toContain('an older failure');
  });

  test('"No updates are to be performed" is unchanged', async () => {
    await deployed();
    const { code, report } = await deploy();
    expect(code).toBe(0);
    expect(inputs(fake.cfn, UpdateStackCommand)).toHaveLength(1);
    expect(report.stacks[0]).toEqual({ name: BUNDLE_STACK, action: 'unchanged', ok: true });
  });

  test('a stack in ROLLBACK_COMPLETE is refused with what to do', async () => {
    fake.stacks.set(BUNDLE_STACK, { status: 'ROLLBACK_COMPLETE', template: '{}', outputs: {} });
    const { code, report } = await deploy();
    expect(code).toBe(1);
    expect(report.stacks[0].detail).toMatch(/is ROLLBACK_COMPLETE and cannot be updated: delete it/);
    expect(inputs(fake.cfn, UpdateStackCommand)).toHaveLength(0);
  });
});

describe('organization policies', () => {
  test('PolicyTypeNotEnabledException and ConstraintViolationException are failures naming the policy and the target', async () => {
    fake.failNext(
      'CreatePolicy',
      new PolicyTypeNotEnabledException({ message: 'This operation can be performed only for enabled policy types.', $metadata: { httpStatusCode: 400 } }),
    );
    fake.failNext(
      'AttachPolicy',
      new ConstraintViolationException({
        message: 'You have attached the maximum number of policies to the target.',
        Reason: 'MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    const { code, report, text } = await deploy({ only: ['organization-policies'] });
    expect(code).toBe(1);
    // The SCP comes first: its type is not enabled. The tag policy is created, and one attachment hits the limit.
    expect(report.policies.map((p) => [p.name, p.ok])).toEqual([
      ['tarmac-scp-root-1', false],
      ['tarmac-tag-lz-tag-1', false],
    ]);
    expect(text).toContain(
      'tarmac-scp-root-1: create tarmac-scp-root-1: the policy type is not enabled in the organization root (enable it in AWS Organizations first)',
    );
    expect(text).toContain(
      'tarmac-tag-lz-tag-1: created; attached to ou-prod-1111; attach tarmac-tag-lz-tag-1 to ou-dev-3333: an AWS Organizations limit refuses it (MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED)',
    );
  });

  test('an attachment that exists already counts as done', async () => {
    await deployed();
    const tag = [...fake.policies.values()].find((p) => p.name === 'tarmac-tag-lz-tag-1')!;
    tag.targets.delete('ou-dev-3333');
    fake.before('AttachPolicy', () => tag.targets.add('ou-dev-3333'));
    const { code } = await deploy({ only: ['organization-policies'] });
    expect(code).toBe(0);
    expect(inputs(fake.org, AttachPolicyCommand)).toHaveLength(1);
  });
});

describe('removals', () => {
  async function withRemovals() {
    await deployed();
    fake.addStackSet('tarmac-guardrails-old', { ous: ['ou-old-9999'], regions: ['eu-west-1'] });
    const dev = fake.stackSets.get(DEV)!;
    dev.set.OrganizationalUnitIds = [...dev.set.OrganizationalUnitIds!, 'ou-old-9999'];
    dev.instances.push({ ...dev.instances[0], Account: ACCOUNTS['ou-old-9999'][0], OrganizationalUnitId: 'ou-old-9999' });
    fake.addPolicy('SERVICE_CONTROL_POLICY', 'tarmac-scp-removed-1', '{}', ['ou-old-9999']);
    [...fake.policies.values()].find((p) => p.name === 'tarmac-tag-lz-tag-1')!.targets.add('ou-old-9999');
  }

  test('without --allow-delete nothing is deleted or detached, each skip is said, and the exit code is 1', async () => {
    await withRemovals();
    const { code, plan, text } = await deploy();
    expect(plan.removals).toBe(4);
    expect(code).toBe(1);
    expect(inputs(fake.cfn, DeleteStackInstancesCommand)).toHaveLength(0);
    expect(inputs(fake.cfn, DeleteStackSetCommand)).toHaveLength(0);
    expect(inputs(fake.org, DetachPolicyCommand)).toHaveLength(0);
    expect(inputs(fake.org, DeletePolicyCommand)).toHaveLength(0);
    expect(text).toContain(
      [
        'Skipped without --allow-delete (5):',
        '  - detach organization policy tarmac-scp-removed-1 from ou-old-9999',
        '  - delete organization policy tarmac-scp-removed-1',
        '  - detach organization policy tarmac-tag-lz-tag-1 from ou-old-9999',
        '  - tarmac-guardrails-dev: delete instances of ou-old-9999 in eu-west-1',
        '  - tarmac-guardrails-old: delete the stack set and its instances',
      ].join('\n'),
    );
  });

  test('with --allow-delete: instances deleted (stacks not retained), the stack set deleted, policies detached and deleted', async () => {
    await withRemovals();
    const { code, text } = await deploy({ allowDelete: true });
    expect(text).not.toContain('Skipped');
    expect(code).toBe(0);
    const deletes = inputs(fake.cfn, DeleteStackInstancesCommand);
    expect(deletes.map((d) => [d.StackSetName, d.DeploymentTargets.OrganizationalUnitIds, d.Regions, d.RetainStacks, d.CallAs])).toEqual(
      expect.arrayContaining([
        [DEV, ['ou-old-9999'], ['eu-west-1'], false, 'DELEGATED_ADMIN'],
        ['tarmac-guardrails-old', ['ou-old-9999'], ['eu-west-1'], false, 'DELEGATED_ADMIN'],
      ]),
    );
    expect(deletes.every((d) => UUID.test(d.OperationId))).toBe(true);
    expect(inputs(fake.cfn, DeleteStackSetCommand)).toEqual([{ StackSetName: 'tarmac-guardrails-old', CallAs: 'DELEGATED_ADMIN' }]);
    expect(inputs(fake.org, DetachPolicyCommand).map((d) => d.TargetId)).toEqual(['ou-old-9999', 'ou-old-9999']);
    expect(inputs(fake.org, DeletePolicyCommand)).toHaveLength(1);
    expect([...fake.policies.values()].map((p) => p.name).sort()).toEqual(['tarmac-scp-root-1', 'tarmac-tag-lz-tag-1']);
    expect(fake.stackSets.has('tarmac-guardrails-old')).toBe(false);
  });
});

describe('--only', () => {
  test('a stack set: with the stack and the bundle it needs, nothing else', async () => {
    const { code, report } = await deploy({ only: [DEV] });
    expect(code).toBe(0);
    expect(inputs(fake.cfn, CreateStackCommand)).toHaveLength(1);
    expect(inputs(fake.s3, PutObjectCommand).map((p) => p.Key)).toEqual([fixture.bundles[1].key]);
    expect(inputs(fake.cfn, CreateStackSetCommand).map((c) => c.StackSetName)).toEqual([DEV]);
    expect(fake.org.calls()).toHaveLength(0);
    expect(report.stackSets.map((s) => s.name)).toEqual([DEV]);
  });

  test('organization-policies: only Organizations is called', async () => {
    const { code } = await deploy({ only: ['organization-policies'] });
    expect(code).toBe(0);
    expect(fake.cfn.calls()).toHaveLength(0);
    expect(fake.s3.calls()).toHaveLength(0);
    expect(inputs(fake.org, CreatePolicyCommand)).toHaveLength(2);
  });

  test('a name that is not part of the build is a usage error before anything is changed', async () => {
    await expect(deploy({ only: ['tarmac-guardrails-typo'] })).rejects.toThrow(UsageError);
    await expect(deploy({ only: ['tarmac-guardrails-typo'] })).rejects.toThrow(
      /--only tarmac-guardrails-typo: not a part of this build \(expected bundles, organization-policies, tarmac-guardrails-prod, tarmac-guardrails-dev\)/,
    );
    expect(inputs(fake.cfn, CreateStackCommand)).toHaveLength(0);
  });
});
