import {
  AttachPolicyCommand,
  CreatePolicyCommand,
  DeletePolicyCommand,
  DescribePolicyCommand,
  DetachPolicyCommand,
  ListPoliciesCommand,
  ListTargetsForPolicyCommand,
  PolicyType,
  UpdatePolicyCommand,
} from '@aws-sdk/client-organizations';
import { describeError, errorName } from './aws-errors';
import { sameDocument } from './canonical-json';
import { EngineContext, call } from './context';
import { DesiredPolicy, TARMAC_POLICY_TYPES } from './desired';
import type { PolicyPlan, StepOutcome } from './model';
import { paginate } from './paginate';
import { withRetry } from './retry';

/** Organization policies Tarmac owns are named tarmac-*; one of that name the build lacks is a removal. */
const PREFIX = 'tarmac-';

export interface ActualPolicy {
  readonly id: string;
  readonly type: string;
  readonly name: string;
  readonly content: string;
  readonly targets: readonly string[];
}

/** Organizations answers a busy or rate-limited call with these; all are worth waiting for. */
const BUSY = ['ConcurrentModificationException', 'TooManyRequestsException', 'PolicyChangesInProgressException'];
const busy = (err: unknown) => BUSY.includes(errorName(err));

export function orgCall<T>(ctx: EngineContext, operation: string, fn: () => Promise<T>): Promise<T> {
  return withRetry(operation, ctx.retry, busy, () => call(ctx, operation, fn));
}

/** Every tarmac-* policy of every type Tarmac builds, with its content and targets. */
export async function readPolicies(ctx: EngineContext): Promise<ActualPolicy[]> {
  const org = ctx.clients.organizations;
  const policies: ActualPolicy[] = [];
  for (const type of TARMAC_POLICY_TYPES) {
    const summaries = await paginate(async (NextToken) => {
      const out = await orgCall(ctx, `organizations:ListPolicies ${type}`, () => org.send(new ListPoliciesCommand({ Filter: type as PolicyType, NextToken })));
      return { items: out.Policies, nextToken: out.NextToken };
    });
    for (const s of summaries.filter((p) => p.Name?.startsWith(PREFIX) && !p.AwsManaged && p.Id)) {
      const id = s.Id!;
      const described = await orgCall(ctx, `organizations:DescribePolicy ${s.Name}`, () => org.send(new DescribePolicyCommand({ PolicyId: id })));
      const targets = await paginate(async (NextToken) => {
        const out = await orgCall(ctx, `organizations:ListTargetsForPolicy ${s.Name}`, () =>
          org.send(new ListTargetsForPolicyCommand({ PolicyId: id, NextToken })),
        );
        return { items: out.Targets, nextToken: out.NextToken };
      });
      policies.push({
        id,
        type,
        name: s.Name!,
        content: described.Policy?.Content ?? '',
        targets: targets
          .map((t) => t.TargetId ?? '')
          .filter(Boolean)
          .sort(),
      });
    }
  }
  return policies;
}

/** Create, change content, attach, detach, delete: what makes AWS match the build. */
export function planPolicies(desired: readonly DesiredPolicy[], actual: readonly ActualPolicy[]): PolicyPlan[] {
  const key = (type: string, name: string) => `${type}/${name}`;
  const byKey = new Map(actual.map((p) => [key(p.type, p.name), p]));
  const plans: PolicyPlan[] = desired.map((d) => {
    const a = byKey.get(key(d.type, d.name));
    if (!a) return { type: d.type, name: d.name, action: 'create', contentChanged: true, attach: [...d.targets].sort(), detach: [], needsAllowDelete: false };
    const contentChanged = !sameDocument(d.content, a.content);
    const attach = d.targets.filter((t) => !a.targets.includes(t)).sort();
    const detach = a.targets.filter((t) => !d.targets.includes(t)).sort();
    const action = contentChanged || attach.length || detach.length ? 'update' : 'unchanged';
    return { type: d.type, name: d.name, id: a.id, action, contentChanged, attach, detach, needsAllowDelete: detach.length > 0 };
  });
  const built = new Set(desired.map((d) => key(d.type, d.name)));
  for (const a of actual.filter((p) => !built.has(key(p.type, p.name)))) {
    plans.push({ type: a.type, name: a.name, id: a.id, action: 'delete', contentChanged: false, attach: [], detach: [...a.targets], needsAllowDelete: true });
  }
  return plans.sort((x, y) => x.type.localeCompare(y.type) || x.name.localeCompare(y.name));
}

/**
 * Applies the policy plans: create or update content, attach, then (with --allow-delete) detach and delete.
 * Attaching comes before detaching so a target is never left without a policy it needs in between.
 * Each failure names the policy and the target and does not stop the other policies.
 */
export async function deployPolicies(
  ctx: EngineContext,
  desired: readonly DesiredPolicy[],
  plans: readonly PolicyPlan[],
  allowDelete: boolean,
): Promise<{ outcomes: StepOutcome[]; skipped: string[] }> {
  const org = ctx.clients.organizations;
  const outcomes: StepOutcome[] = [];
  const skipped: string[] = [];
  for (const plan of plans.filter((p) => p.action !== 'unchanged')) {
    const d = desired.find((x) => x.type === plan.type && x.name === plan.name);
    const problems: string[] = [];
    const done: string[] = [];
    const attempt = async (what: string, fn: () => Promise<unknown>, tolerated: string[] = []) => {
      try {
        await fn();
        return true;
      } catch (err) {
        if (tolerated.includes(errorName(err))) return true;
        problems.push(`${what}: ${explain(err)}`);
        return false;
      }
    };
    let id = plan.id;
    if (plan.action === 'create' && d) {
      await attempt(`create ${plan.name}`, async () => {
        const out = await orgCall(ctx, `organizations:CreatePolicy ${plan.name}`, () =>
          org.send(new CreatePolicyCommand({ Name: d.name, Type: d.type as PolicyType, Content: d.content, Description: descriptionOf(d) })),
        );
        id = out.Policy?.PolicySummary?.Id;
        done.push('created');
      });
    } else if (plan.contentChanged && d && id) {
      const policyId = id;
      await attempt(`update ${plan.name}`, async () => {
        await orgCall(ctx, `organizations:UpdatePolicy ${plan.name}`, () =>
          org.send(new UpdatePolicyCommand({ PolicyId: policyId, Content: d.content, Description: descriptionOf(d) })),
        );
        done.push('content updated');
      });
    }
    if (id) {
      const policyId = id;
      for (const target of plan.attach) {
        // Already attached (a concurrent deploy, a retried call) is what we wanted.
        if (
          await attempt(
            `attach ${plan.name} to ${target}`,
            () =>
              orgCall(ctx, `organizations:AttachPolicy ${plan.name} ${target}`, () =>
                org.send(new AttachPolicyCommand({ PolicyId: policyId, TargetId: target })),
              ),
            ['DuplicatePolicyAttachmentException'],
          )
        )
          done.push(`attached to ${target}`);
      }
      for (const target of plan.detach) {
        if (!allowDelete) {
          skipped.push(`detach organization policy ${plan.name} from ${target}`);
          continue;
        }
        if (
          await attempt(
            `detach ${plan.name} from ${target}`,
            () =>
              orgCall(ctx, `organizations:DetachPolicy ${plan.name} ${target}`, () =>
                org.send(new DetachPolicyCommand({ PolicyId: policyId, TargetId: target })),
              ),
            ['PolicyNotAttachedException'],
          )
        )
          done.push(`detached from ${target}`);
      }
      if (plan.action === 'delete') {
        if (!allowDelete) skipped.push(`delete organization policy ${plan.name}`);
        else if (
          !problems.length &&
          (await attempt(
            `delete ${plan.name}`,
            () => orgCall(ctx, `organizations:DeletePolicy ${plan.name}`, () => org.send(new DeletePolicyCommand({ PolicyId: policyId }))),
            ['PolicyNotFoundException'],
          ))
        )
          done.push('deleted');
      }
    }
    outcomes.push({ name: plan.name, action: plan.action, ok: problems.length === 0, detail: [...done, ...problems].join('; ') || undefined });
  }
  return { outcomes, skipped };
}

/** The errors a person can act on, said plainly; ConstraintViolationException carries AWS's reason code. */
function explain(err: unknown): string {
  const name = errorName(err);
  const cause = (err as { cause?: { Reason?: string } }).cause;
  if (name === 'PolicyTypeNotEnabledException')
    return `the policy type is not enabled in the organization root (enable it in AWS Organizations first): ${describeError(err)}`;
  if (name === 'ConstraintViolationException')
    return `an AWS Organizations limit refuses it${cause?.Reason ? ` (${cause.Reason})` : ''}: ${describeError(err)}`;
  return describeError(err);
}

function descriptionOf(p: DesiredPolicy): string {
  const text = `Built by Tarmac from ${p.controls.join(', ') || p.file}`;
  return text.length > 512 ? text.slice(0, 509) + '...' : text;
}
