import { InputError } from '../errors';
import { OrgBuild, targetName } from '../org/build-org';
import { Organization } from '../org/model';
import { Budget, FinOpsBuild } from './model';

/** An SCP attached to targets: Tarmac's own, from a build of policies/scp. */
export interface AttachedScp {
  readonly name: string;
  readonly targetIds: readonly string[];
}

/** A budget SCP over the size quota cannot be created, so its action could never run. */
export function budgetSizeProblems(org: Organization, budgets: readonly Budget[], file: string): InputError[] {
  const max = org.quotas.SERVICE_CONTROL_POLICY.maxSize;
  return budgets
    .filter((b) => b.hard)
    .flatMap((budget) => {
      const g = budget.hard!;
      const size = g.content?.length ?? JSON.stringify(g.policy).length;
      return size <= max
        ? []
        : [
            new InputError(
              { file, line: budget.line },
              `the deny SCP ${g.policyName} of budget ${budget.name} is ${size} characters`,
              `at most ${max} (quotas.SERVICE_CONTROL_POLICY.maxSize in org.yaml): shorten denyActions, for example with wildcards`,
            ),
          ];
    });
}

/**
 * Budget actions that would deploy but fail when they run, which is when they matter: attaching the SCP to
 * a target that already holds maxAttached SCPs. Counts, per target, the policies attached outside Tarmac
 * (org.yaml alreadyAttached, FullAWSAccess included), Tarmac's own SCPs when given, and every budget SCP
 * aimed at the target (their actions may all run in the same month).
 */
export function budgetAttachmentProblems(org: Organization, budgets: readonly Budget[], file: string, tarmacScps: readonly AttachedScp[] = []): InputError[] {
  const max = org.quotas.SERVICE_CONTROL_POLICY.maxAttached;
  const hard = budgets.filter((b) => b.hard);
  const errors: InputError[] = [];
  for (const budget of hard) {
    const g = budget.hard!;
    g.targetIds.forEach((targetId, i) => {
      const names = [
        ...org.alreadyAttached.filter((p) => p.type === 'SERVICE_CONTROL_POLICY' && p.targetIds.includes(targetId)).map((p) => p.name),
        ...tarmacScps.filter((p) => p.targetIds.includes(targetId)).map((p) => p.name),
        ...hard.filter((b) => b.hard!.targetIds.includes(targetId)).map((b) => b.hard!.policyName),
      ];
      if (names.length <= max) return;
      errors.push(
        new InputError(
          { file, line: g.targetLines?.[i] ?? budget.line },
          `budget ${budget.name}: when its action runs, ${targetName(org, targetId)} would have ${names.length} SCPs attached (${names.join(', ')}), so attaching ${g.policyName} would fail`,
          `at most ${max} per target (quotas.SERVICE_CONTROL_POLICY.maxAttached in org.yaml): target the accounts below it instead, or attach fewer SCPs there`,
        ),
      );
    });
  }
  return errors;
}

/**
 * The attachment check with Tarmac's own SCPs counted, once policies/scp is built: loadFinOps cannot
 * (buildOrgPolicies is async and loadFinOps is not), so `tarmac build` and `tarmac plan` call this after both.
 */
export function checkBudgetAttachments(finops: FinOpsBuild, build: OrgBuild): InputError[] {
  if (!finops.files.budgets) return [];
  const scps = build.policies.filter((p) => p.type === 'SERVICE_CONTROL_POLICY');
  return budgetAttachmentProblems(build.organization, finops.budgets, finops.files.budgets, scps);
}
