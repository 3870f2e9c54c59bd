import { Catalog } from '../catalog/model';
import { tagValueProblem } from '../catalog/tag-values';
import { closestMatch } from '../closest-match';
import { InputError, InputErrors } from '../errors';
import { Organization } from '../org/model';
import { targetName } from '../org/build-org';
import { resolveTarget } from '../org/targets';
import { validateAgainstSchema } from '../schema-validation';
import { loadSchema } from '../schemas';
import { SourceDocument, readSourceFile } from '../yaml-source';
import { BUDGET_POLICY_PREFIX, MAX_POLICY_NAME, budgetDenyPolicy } from './budget-deny-policy';
import { budgetAttachmentProblems, budgetSizeProblems } from './budget-quotas';
import { iamActionErrors } from './iam-actions';
import { ApprovalModel, Budget, HardGuardrail, NotificationTargets, SoftGuardrail } from './model';
import { NotificationsSource, checkNotify, notificationTargets } from './notify-targets';

/**
 * AWS Budgets: one notification goes to at most one SNS topic and ten e-mail subscribers (the limits of a
 * budget notification's Subscribers; CreateBudget refuses more).
 */
export const MAX_BUDGET_TOPICS = 1;
export const MAX_BUDGET_EMAILS = 10;

/** What budgets.yaml leaves out. The deny actions have no default: they are data, written in the file. */
const DEFAULT_SOFT: SoftGuardrail = { actualPercent: 80, forecastPercent: 100 };
const DEFAULT_THRESHOLD = 100;
const DEFAULT_APPROVAL: ApprovalModel = 'MANUAL';
const DEFAULT_EXEMPTIONS = ['platform', 'breakGlass'];
const DEFAULT_CURRENCY = 'USD';

interface HardSource {
  thresholdPercent?: number;
  approval?: ApprovalModel;
  targets: string[];
}
interface BudgetSource {
  name: string;
  description?: string;
  amount: number;
  currency?: string;
  scope: { tag: string; value: string };
  notify: string[];
  soft?: Partial<SoftGuardrail>;
  hard?: HardSource;
}
interface BudgetsSource {
  currency?: string;
  notifications: NotificationsSource;
  defaults?: { soft?: Partial<SoftGuardrail>; hard?: { thresholdPercent?: number; approval?: ApprovalModel; exemptions?: string[] }; denyActions?: string[] };
  budgets: BudgetSource[];
}

export interface LoadedBudgets {
  readonly notifications: NotificationTargets;
  readonly budgets: readonly Budget[];
}

/**
 * Loads policies/finops/budgets.yaml: schema, notification targets, each budget's scope against the
 * mandatory tags, its notify list against the targets and AWS's subscriber limits, its hard guardrail's
 * targets (accounts and OUs, never the root) and exemptions against org.yaml, the deny actions against the
 * IAM catalog, and the deny SCPs against the size and attachment quotas. Throws InputErrors naming every problem.
 */
export function loadBudgets(file: string, catalog: Catalog, org: Organization): LoadedBudgets {
  const doc = readSourceFile(file);
  const schemaErrors = validateAgainstSchema(doc, loadSchema('budgets'));
  if (schemaErrors.length) throw new InputErrors(schemaErrors);
  const src = doc.value as BudgetsSource;
  const errors: InputError[] = [];
  const notifications = notificationTargets(doc, src.notifications, errors);

  const denyActions = src.defaults?.denyActions ?? [];
  errors.push(...iamActionErrors(denyActions, (i) => doc.locate(['defaults', 'denyActions', i])));
  const exemptions = src.defaults?.hard?.exemptions ?? DEFAULT_EXEMPTIONS;
  const anyHard = src.budgets.some((b) => b.hard);
  const exemptionsOk = !anyHard || checkExemptions(doc, exemptions, src.defaults?.hard?.exemptions !== undefined, org, errors);

  const seen = new Map<string, number | undefined>();
  const budgets: Budget[] = [];
  src.budgets.forEach((b, i) => {
    const at = ['budgets', i];
    const line = doc.locate(at).line;
    if (seen.has(b.name))
      errors.push(new InputError(doc.locate([...at, 'name']), `budget ${b.name} is already defined at line ${seen.get(b.name)}`, 'unique budget names'));
    else seen.set(b.name, line);
    const before = errors.length;
    checkScope(doc, at, b, catalog, errors);
    const count = checkNotify(doc, [...at, 'notify'], b.notify, notifications, errors);
    if (count.topics > MAX_BUDGET_TOPICS || count.emails > MAX_BUDGET_EMAILS) {
      errors.push(
        new InputError(
          doc.locate([...at, 'notify']),
          `budget ${b.name} notifies ${count.topics} topics and ${count.emails} e-mails`,
          `at most ${MAX_BUDGET_TOPICS} SNS topic and ${MAX_BUDGET_EMAILS} e-mail addresses per budget notification (AWS Budgets)`,
        ),
      );
    }
    const soft: SoftGuardrail = { ...DEFAULT_SOFT, ...src.defaults?.soft, ...b.soft };
    let hard: HardGuardrail | undefined;
    if (b.hard) {
      const targets = hardTargets(doc, [...at, 'hard', 'targets'], b.hard.targets, org, errors);
      if (!denyActions.length)
        errors.push(
          new InputError(
            doc.locate([...at, 'hard']),
            `budget ${b.name} has a hard guardrail but budgets.yaml lists no new-spend actions to deny`,
            'defaults.denyActions: the IAM actions the deny SCP refuses',
          ),
        );
      const policyName = `${BUDGET_POLICY_PREFIX}${b.name}`;
      if (policyName.length > MAX_POLICY_NAME)
        errors.push(new InputError(doc.locate([...at, 'name']), `policy name ${policyName} is ${policyName.length} characters`, `at most ${MAX_POLICY_NAME}`));
      if (errors.length === before && exemptionsOk) {
        const deny = budgetDenyPolicy(org, catalog.tags, {
          budget: b.name,
          scope: b.scope,
          denyActions,
          exemptions,
          targetRefs: b.hard.targets,
          file,
          line: doc.locate([...at, 'hard']).line,
        });
        hard = {
          thresholdPercent: b.hard.thresholdPercent ?? src.defaults?.hard?.thresholdPercent ?? DEFAULT_THRESHOLD,
          approval: b.hard.approval ?? src.defaults?.hard?.approval ?? DEFAULT_APPROVAL,
          targetRefs: b.hard.targets,
          targetIds: targets.ids,
          targetLines: targets.lines,
          exemptions,
          policyName: deny.policyName,
          policy: deny.policy,
          content: deny.content,
        };
      }
    }
    budgets.push({
      name: b.name,
      description: b.description,
      amount: b.amount,
      currency: b.currency ?? src.currency ?? DEFAULT_CURRENCY,
      scope: b.scope,
      soft,
      hard,
      notify: b.notify,
      line,
    });
  });
  errors.push(...budgetSizeProblems(org, budgets, file), ...budgetAttachmentProblems(org, budgets, file));
  if (errors.length) throw new InputErrors(errors);
  return { notifications, budgets };
}

/** The scope must name a mandatory tag (so it is a cost-allocation tag) and a value that tag allows. */
function checkScope(doc: SourceDocument, at: (string | number)[], b: BudgetSource, catalog: Catalog, errors: InputError[]): void {
  const keys = catalog.tags.map((t) => t.key);
  const tag = catalog.tags.find((t) => t.key === b.scope.tag);
  if (!tag) {
    const guess = closestMatch(b.scope.tag, keys);
    errors.push(
      new InputError(
        doc.locate([...at, 'scope', 'tag']),
        `budget ${b.name} is scoped by tag ${b.scope.tag}, which is not a mandatory tag${guess ? `; did you mean ${guess}?` : ''}`,
        `a key of tags.yaml: ${keys.join(', ')} (only mandatory tags are sure to be on every resource and activated for cost allocation)`,
      ),
    );
    return;
  }
  const problem = tagValueProblem(tag, b.scope.value);
  if (problem)
    errors.push(
      new InputError(
        doc.locate([...at, 'scope', 'value']),
        `budget ${b.name}: ${JSON.stringify(b.scope.value)} is not a valid ${tag.key} value`,
        problem.replace(/^expected /, ''),
      ),
    );
}

/** Accounts and OUs only: a budget action must not attach a deny to the whole organization. */
function hardTargets(
  doc: SourceDocument,
  at: (string | number)[],
  refs: readonly string[],
  org: Organization,
  errors: InputError[],
): { ids: string[]; lines: (number | undefined)[] } {
  const ids: string[] = [];
  const lines: (number | undefined)[] = [];
  refs.forEach((ref, i) => {
    const where = doc.locate([...at, i]);
    if (ref === 'root' || ref === '*') {
      errors.push(
        new InputError(
          where,
          `a budget action must not attach a deny to the whole organization (${ref})`,
          'account:<name> or ou:<path>: the accounts or OUs whose spend the budget counts',
        ),
      );
      return;
    }
    if (!/^(account|ou):/.test(ref)) {
      errors.push(
        new InputError(
          where,
          `budget action target ${ref} is not understood`,
          'account:<name> or ou:<path> (an SCP attaches to accounts and OUs; list the accounts of a type by name)',
        ),
      );
      return;
    }
    try {
      for (const id of resolveTarget(org, ref)) {
        ids.push(id);
        lines.push(where.line);
      }
    } catch (err) {
      errors.push(new InputError(where, (err as Error).message, 'account:<name> or ou:<path> of org.yaml'));
    }
  });
  const duplicated = ids.findIndex((id, i) => ids.indexOf(id) !== i);
  if (duplicated >= 0)
    errors.push(
      new InputError(
        { file: doc.file, line: lines[duplicated] },
        `${targetName(org, ids[duplicated])} is listed twice (by name and by ID?)`,
        'each account or OU once',
      ),
    );
  return { ids, lines };
}

/** Exempt role keys must exist in org.yaml roles; errors point at defaults.hard.exemptions, or the defaults when not written. */
function checkExemptions(doc: SourceDocument, keys: readonly string[], written: boolean, org: Organization, errors: InputError[]): boolean {
  let ok = true;
  keys.forEach((key, i) => {
    if (key in org.roles) return;
    ok = false;
    const where = written ? doc.locate(['defaults', 'hard', 'exemptions', i]) : doc.locate(['defaults']);
    errors.push(
      new InputError(
        where,
        `no role ${key} in org.yaml roles${written ? '' : ' (hard guardrails exempt platform and breakGlass unless defaults.hard.exemptions says otherwise)'}`,
        `one of ${Object.keys(org.roles).join(', ')}`,
      ),
    );
  });
  return ok;
}
