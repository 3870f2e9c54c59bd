import { monitorCheckLines } from './anomaly-monitors';
import { tagCheckLines, tagsReady } from './cost-allocation-tags';
import type { ManagementPlan, Plan, StackPlan, StackSetPlan } from './model';
import { alignRows } from './table';
import type { TargetGroup } from './targets';

const MARK: Record<string, string> = { create: '+', upload: '+', update: '~', conflict: '!', blocked: '!', delete: '-', unchanged: '=' };
const SHORT_TYPE: Record<string, string> = {
  SERVICE_CONTROL_POLICY: 'SCP',
  RESOURCE_CONTROL_POLICY: 'RCP',
  TAG_POLICY: 'TAG',
  DECLARATIVE_POLICY_EC2: 'DECLARATIVE-EC2',
  AISERVICES_OPT_OUT_POLICY: 'AI-OPT-OUT',
  BACKUP_POLICY: 'BACKUP',
};
const NEEDS = '(needs --allow-delete)';
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The plan for people: grouped by kind, one aligned line per item, what changes indented below it. */
export function renderPlan(plan: Plan): string {
  const out: string[] = [];
  const admin = plan.delegatedAdmin;
  out.push(
    `Plan${plan.organizationId ? ` for organization ${plan.organizationId}` : ''}` +
      (admin
        ? `: delegated administrator ${admin.accountName} (${admin.accountId}) in ${plan.region ?? admin.region}`
        : plan.region
          ? ` in ${plan.region}`
          : '') +
      `, calling StackSets as ${plan.callAs}`,
  );

  if (plan.bundles.length) {
    out.push('', `Rule bundles${plan.bundleBucket ? ` (s3://${plan.bundleBucket})` : ''}`);
    out.push(
      ...alignRows(
        plan.bundles.map((b) => [
          `${MARK[b.action]} ${b.key}`,
          `${b.profile} ${b.mode}`,
          b.action === 'unchanged' ? `version ${b.versionId ?? '?'}` : (b.note ?? b.action),
        ]),
        '  ',
      ),
    );
  }
  if (plan.stacks.length) out.push('', 'Stacks', ...stackRows(plan.stacks));
  if (plan.policies.length) {
    out.push('', 'Organization policies');
    out.push(
      ...alignRows(
        plan.policies.map((p) => {
          const what: string[] = [];
          if (p.action === 'create') what.push('create');
          else if (p.action === 'delete') what.push('delete');
          else if (p.contentChanged) what.push('content changed');
          if (p.attach.length) what.push(`attach ${p.attach.join(', ')}`);
          if (p.detach.length) what.push(`detach ${p.detach.join(', ')}`);
          if (p.action === 'unchanged') what.push('unchanged');
          return [`${MARK[p.action]} ${SHORT_TYPE[p.type] ?? p.type}`, p.name, what.join('; ') + (p.needsAllowDelete ? ` ${NEEDS}` : '')];
        }),
        '  ',
      ),
    );
  }
  // In deploy order: each wave completes before the next starts; removals last.
  for (const wave of [...new Set(plan.stackSets.flatMap((s) => (s.wave === undefined ? [] : [s.wave])))].sort()) {
    out.push('', `Stack sets, wave ${wave}: ${wave === 0 ? 'baselines, deployed and completed before wave 1 starts' : 'guardrails'}`);
    for (const s of plan.stackSets.filter((x) => x.wave === wave)) out.push(...stackSetLines(s));
  }
  const removed = plan.stackSets.filter((s) => s.wave === undefined);
  if (removed.length) {
    out.push('', 'Stack sets the build no longer has');
    for (const s of removed) out.push(...stackSetLines(s));
  }
  if (plan.managementStacks.length || plan.costAllocationTags.keys.length) {
    out.push('', 'Management account (left alone by this plan)');
    for (const s of plan.managementStacks) out.push(`  ${s.name}: ${s.note}`);
    if (plan.costAllocationTags.keys.length) out.push(`  cost allocation tags ${plan.costAllocationTags.keys.join(', ')}: ${plan.costAllocationTags.note}`);
  }
  out.push('', summaryLine(plan));
  return out.join('\n') + '\n';
}

/** `tarmac plan --management`: the cost allocation tags first (they decide whether deploy goes ahead), then the stacks. */
export function renderManagementPlan(plan: ManagementPlan): string {
  const out = [`Plan for the management account ${plan.managementAccountId}: stacks StackSets cannot reach, deployed by \`tarmac deploy --management\``, ''];
  out.push(...tagCheckLines(plan.costAllocationTags), ...principalTagLines(plan.principalCostAllocationTags));
  const monitors = monitorCheckLines(plan.anomalyMonitors);
  if (monitors.length) out.push('', ...monitors);
  if (plan.stacks.length) out.push('', 'Management stacks', ...stackRows(plan.stacks));
  const count = (a: string) => plan.stacks.filter((s) => s.action === a).length;
  const parts = [`${count('create')} to create`, `${count('update')} to update`, `${count('unchanged')} unchanged`];
  if (count('blocked')) parts.push(`${count('blocked')} blocked (see !)`);
  const tags = plan.costAllocationTags;
  const verdict = tagsReady(tags)
    ? ''
    : tags.error
      ? '; cost allocation tags not checked: deploy --management refuses'
      : `; ${plural(tags.inactive.length, 'cost allocation tag')} not active: deploy --management refuses without --allow-inactive-tags`;
  const m = plan.anomalyMonitors;
  const monitorVerdict = m.error
    ? '; anomaly monitors not checked: deploy --management refuses'
    : m.collisions.length
      ? `; ${plural(m.collisions.length, 'anomaly monitor collision')}: deploy --management refuses`
      : '';
  out.push('', parts.join(', ') + verdict + monitorVerdict);
  return out.join('\n') + '\n';
}

/** IAM principal tags cannot be checked (no API says whether they are active for cost allocation): named, with where to look. */
function principalTagLines(keys: readonly string[]): string[] {
  if (!keys.length) return [];
  return [
    `IAM principal tags the Bedrock cost queries group by: ${keys.join(', ')} (not checked)`,
    '  AWS activates tags of IAM users and roles for cost allocation apart from resource tags, and ListCostAllocationTags does not',
    '  say whether they are: confirm them in the Billing and Cost Management console, Cost allocation tags, or the queries return nothing.',
  ];
}

function stackRows(stacks: readonly StackPlan[]): string[] {
  return alignRows(
    stacks.map((s) =>
      [`${MARK[s.action]} ${s.name}`, s.region, s.action === 'update' ? 'template changed' : s.action, s.note ?? ''].filter((c, i) => i < 3 || c),
    ),
    '  ',
  );
}

const KIND_LABEL: Record<string, string> = { guardrails: 'guardrails', account: 'account baseline', network: 'network baseline', finops: 'finops baseline' };

function stackSetLines(s: StackSetPlan): string[] {
  const pathOf = new Map(s.ous.map((o) => [o.id, o.path === o.id ? o.id : `${o.path} (${o.id})`]));
  const nameOf = new Map((s.accounts ?? []).map((a) => [a.id, a.name === a.id ? a.id : `${a.name} (${a.id})`]));
  const targets = (g: TargetGroup) =>
    `${(g.accounts ? g.accounts.map((id) => nameOf.get(id) ?? id) : g.ous.map((id) => pathOf.get(id) ?? id)).join(', ')} in ${g.regions.join(', ')}`;
  if (s.action === 'delete') {
    return [
      `  - ${s.name}  delete the stack set and its ${plural(s.instances, 'instance')} ${NEEDS}`,
      ...s.removeTargets.map((g) => `      - instances: ${targets(g)}`),
    ];
  }
  const what = `${KIND_LABEL[s.kind ?? ''] ?? s.kind}${s.profile ? ` (${s.profile})` : ''}`;
  const size = `${s.accounts ? plural(s.accounts.length, 'account') : plural(s.ous.length, 'OU')} × ${plural(s.regions.length, 'region')} = ${plural(s.instances, 'instance')}`;
  const lines = [`  ${MARK[s.action]} ${s.name}  ${what}  ${s.action}  ${size}`];
  if (s.action === 'create') {
    if (s.accounts)
      lines.push(
        `      accounts: ${s.accounts.map((a) => nameOf.get(a.id)).join(', ')}, narrowed from ${s.ous.map((o) => pathOf.get(o.id) ?? o.id).join(', ')}`,
      );
    else lines.push(...alignRows([['OU', 'ACCOUNTS'], ...s.ous.map((o) => [pathOf.get(o.id) ?? o.id, String(o.accounts)])], '      '));
    lines.push(`      regions: ${s.regions.join(', ')}`);
    return lines;
  }
  if (s.accounts) lines.push(`      accounts: ${s.accounts.map((a) => nameOf.get(a.id)).join(', ')}`);
  for (const c of s.changes)
    lines.push(`      ${c.field}${c.from !== undefined || c.to !== undefined ? `: ${c.from ?? '(none)'} → ${c.to ?? '(none)'}` : ' changed'}`);
  for (const g of s.addTargets) lines.push(`      + instances: ${targets(g)}`);
  for (const g of s.removeTargets) lines.push(`      - instances: ${targets(g)} ${NEEDS}`);
  return lines;
}

function summaryLine(plan: Plan): string {
  const actions = [
    ...plan.bundles.map((b) => (b.action === 'upload' ? 'create' : b.action)),
    ...plan.stacks.map((s) => s.action),
    ...plan.policies.map((p) => p.action),
    ...plan.stackSets.map((s) => s.action),
  ];
  const count = (a: string) => actions.filter((x) => x === a).length;
  const parts = [`${count('create')} to create`, `${count('update')} to update`, `${count('delete')} to delete`, `${count('unchanged')} unchanged`];
  const problems = count('conflict') + count('blocked');
  if (problems) parts.push(`${problems} blocked (see !)`);
  const removals = plan.removals ? `; ${plural(plan.removals, 'removal')} ${plan.removals === 1 ? 'needs' : 'need'} --allow-delete` : '';
  return `${parts.join(', ')}${removals}`;
}
