import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  GetTemplateCommand,
  Parameter,
  Stack,
  StackEvent,
  Tag,
  UpdateStackCommand,
} from '@aws-sdk/client-cloudformation';
import { errorMessage, errorName } from './aws-errors';
import { sameDocument } from './canonical-json';
import { EngineContext, call } from './context';
import type { DesiredStack } from './desired';
import type { StackPlan } from './model';

/** States a stack cannot be updated from: it has to be deleted (or the failed rollback continued) first. */
const BLOCKED = ['ROLLBACK_COMPLETE', 'ROLLBACK_FAILED', 'DELETE_FAILED', 'UPDATE_ROLLBACK_FAILED', 'IMPORT_ROLLBACK_FAILED'];
const SUCCESS = ['CREATE_COMPLETE', 'UPDATE_COMPLETE'];

export async function describeStack(ctx: EngineContext, client: CloudFormationClient, name: string): Promise<Stack | undefined> {
  try {
    const out = await call(ctx, `cloudformation:DescribeStacks ${name}`, () => client.send(new DescribeStacksCommand({ StackName: name })));
    return out.Stacks?.[0];
  } catch (err) {
    // CloudFormation answers a missing stack with ValidationError "Stack with id X does not exist".
    if (errorName(err) === 'ValidationError' && /does not exist/.test(errorMessage(err))) return undefined;
    throw err;
  }
}

export function outputsOf(stack: Stack | undefined): Map<string, string> {
  return new Map((stack?.Outputs ?? []).filter((o) => o.OutputKey).map((o) => [o.OutputKey!, o.OutputValue ?? '']));
}

const blockedNote = (status: string) =>
  `the stack is ${status} and cannot be updated: delete it (or continue its rollback) in the CloudFormation console, then deploy again`;

export async function planStack(ctx: EngineContext, stack: DesiredStack): Promise<{ plan: StackPlan; outputs?: Map<string, string> }> {
  const client = ctx.clients.cloudFormationIn(stack.region);
  const actual = await describeStack(ctx, client, stack.name);
  const base = { name: stack.name, region: stack.region };
  if (!actual) return { plan: { ...base, action: 'create' } };
  const status = actual.StackStatus ?? 'UNKNOWN';
  if (BLOCKED.includes(status)) return { plan: { ...base, action: 'blocked', status, note: blockedNote(status) } };
  const template = await call(ctx, `cloudformation:GetTemplate ${stack.name}`, () =>
    client.send(new GetTemplateCommand({ StackName: stack.name, TemplateStage: 'Original' })),
  );
  const action = sameDocument(stack.templateBody, template.TemplateBody) ? 'unchanged' : 'update';
  const note = status.endsWith('_IN_PROGRESS') ? 'an operation is in progress: deploy waits for it' : undefined;
  return { plan: { ...base, action, status, ...(note ? { note } : {}) }, outputs: outputsOf(actual) };
}

/**
 * Creates or updates a plain stack (in the delegated admin account, or with --management in the management
 * account) in its own region and waits for it; returns its outputs.
 * "No updates are to be performed" is success. A stack that ends in a failed or rolled-back state is an
 * error carrying the first failures from its events.
 */
export async function deployStack(
  ctx: EngineContext,
  stack: DesiredStack,
  tags: readonly Tag[],
  parameters?: readonly Parameter[],
): Promise<{ action: string; outputs: Map<string, string> }> {
  const client = ctx.clients.cloudFormationIn(stack.region);
  let actual = await describeStack(ctx, client, stack.name);
  if (actual?.StackStatus?.endsWith('_IN_PROGRESS')) actual = await waitForStack(ctx, client, stack.name);
  if (actual && BLOCKED.includes(actual.StackStatus ?? '')) throw new Error(`${stack.name}: ${blockedNote(actual.StackStatus!)}`);
  const input = {
    StackName: stack.name,
    TemplateBody: stack.templateBody,
    ...(parameters?.length ? { Parameters: [...parameters] } : {}),
    Tags: [...tags],
    Capabilities: capabilitiesFor(stack.templateBody),
  };
  let action: string;
  if (!actual) {
    ctx.progress.update(stack.name, 'creating');
    await call(ctx, `cloudformation:CreateStack ${stack.name}`, () => client.send(new CreateStackCommand(input)));
    action = 'created';
  } else {
    try {
      ctx.progress.update(stack.name, 'updating');
      await call(ctx, `cloudformation:UpdateStack ${stack.name}`, () => client.send(new UpdateStackCommand(input)));
      action = 'updated';
    } catch (err) {
      if (errorName(err) === 'ValidationError' && /No updates are to be performed/.test(errorMessage(err))) {
        ctx.progress.done(stack.name, 'unchanged');
        return { action: 'unchanged', outputs: outputsOf(actual) };
      }
      throw err;
    }
  }
  const final = await waitForStack(ctx, client, stack.name);
  const status = final?.StackStatus ?? 'DELETED';
  if (!SUCCESS.includes(status)) {
    const reasons = await failureReasons(ctx, client, stack.name);
    const reason = final?.StackStatusReason ? ` (${final.StackStatusReason})` : '';
    throw new Error(`stack ${stack.name} ended ${status}${reason}${reasons.length ? ':\n' + reasons.map((r) => `  ${r}`).join('\n') : ''}`);
  }
  ctx.progress.done(stack.name, action);
  return { action, outputs: outputsOf(final) };
}

async function waitForStack(ctx: EngineContext, client: CloudFormationClient, name: string): Promise<Stack | undefined> {
  for (;;) {
    const stack = await describeStack(ctx, client, name);
    const status = stack?.StackStatus;
    if (!status || !status.endsWith('_IN_PROGRESS')) return stack;
    ctx.progress.update(name, status);
    await ctx.retry.sleep(ctx.retry.pollMs);
  }
}

/**
 * The failed resources of the latest stack operation, the first failure first: events come newest first,
 * page after page, back to the stack's own "User Initiated" event that started the operation.
 */
async function failureReasons(ctx: EngineContext, client: CloudFormationClient, name: string): Promise<string[]> {
  const events: StackEvent[] = [];
  let started = false;
  let token: string | undefined;
  do {
    const out = await call(ctx, `cloudformation:DescribeStackEvents ${name}`, () =>
      client.send(new DescribeStackEventsCommand({ StackName: name, NextToken: token })),
    );
    for (const e of out.StackEvents ?? []) {
      events.push(e);
      started = e.ResourceType === 'AWS::CloudFormation::Stack' && e.ResourceStatusReason === 'User Initiated';
      if (started) break;
    }
    token = out.NextToken;
  } while (token && !started);
  return events
    .filter((e) => e.ResourceStatus?.endsWith('_FAILED') && e.ResourceStatusReason && !/cancelled/i.test(e.ResourceStatusReason))
    .reverse()
    .slice(0, 5)
    .map((e) => `${e.LogicalResourceId} (${e.ResourceType}) ${e.ResourceStatus}: ${e.ResourceStatusReason}`);
}

/** IAM resource types and the property that names them: a custom name needs CAPABILITY_NAMED_IAM. */
const IAM_NAME_PROPERTIES: Readonly<Record<string, string>> = {
  'AWS::IAM::Role': 'RoleName',
  'AWS::IAM::User': 'UserName',
  'AWS::IAM::Group': 'GroupName',
  'AWS::IAM::ManagedPolicy': 'ManagedPolicyName',
  'AWS::IAM::InstanceProfile': 'InstanceProfileName',
};

/**
 * The acknowledgement the template needs, derived from its resources (no transforms or macros in Tarmac's
 * stacks): CAPABILITY_NAMED_IAM when an IAM resource is given a name, CAPABILITY_IAM for any other IAM
 * resource, none otherwise. A template that is not JSON gets both when it mentions IAM at all.
 */
export function capabilitiesFor(templateBody: string): ('CAPABILITY_IAM' | 'CAPABILITY_NAMED_IAM')[] {
  let resources: { Type?: string; Properties?: Record<string, unknown> }[];
  try {
    resources = Object.values(
      (JSON.parse(templateBody) as { Resources?: Record<string, { Type?: string; Properties?: Record<string, unknown> }> }).Resources ?? {},
    );
  } catch {
    return /AWS::IAM::/.test(templateBody) ? ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'] : [];
  }
  const iam = resources.filter((r) => typeof r?.Type === 'string' && r.Type.startsWith('AWS::IAM::'));
  if (!iam.length) return [];
  const named = iam.some((r) => IAM_NAME_PROPERTIES[r.Type!] !== undefined && r.Properties?.[IAM_NAME_PROPERTIES[r.Type!]] !== undefined);
  return [named ? 'CAPABILITY_NAMED_IAM' : 'CAPABILITY_IAM'];
}
