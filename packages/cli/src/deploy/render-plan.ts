import type { TargetGroup } from './desired';
import type { Plan, StackSetPlan } from './model';
import { alignRows } from './table';

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
      (admin ? `: delegated administrator ${admin.accountName} (${admin.accountId}) in ${plan.region ?? admin.region}` : plan.region ? ` in ${plan.region}` : '') +
      `, calling StackSets as ${plan.callAs}`,
  );

  if (plan.bundles.length) {
    out.push('', `Rule bundles${plan.bundleBucket ? ` (s3://${plan.bundleBucket})` : ''}`);
    out.push(...alignRows(plan.bundles.map((b) => [`${MARK[b.action]} ${b.key}`, `${b.profile} ${b.mode}`, b.action === 'unchanged' ? `version ${b.versionId ?? '?'}` : b.note ?? b.action]), '  '));
  }
  if (plan.stacks.length) {
    out.push('', 'Stacks');
    out.push(...alignRows(plan.stacks.map((s) => [`${MARK[s.action]} ${s.name}`, s.region, s.action === 'update' ? 'template changed' : s.action, s.note ?? ''].filter((c, i) => i < 3 || c)), '  '));
  }
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
  if (plan.stackSets.length) {
    out.push('', 'Stack sets');
    for (const s of plan.stackSets) out.push(...stackSetLines(s));
  }
  out.push('', summaryLine(plan));
  return out.join('\n') + '\n';
}

function stackSetLines(s: StackSetPlan): string[] {
  const pathOf = new Map(s.ous.map((o) => [o.id, o.path === o.id ? o.id : `${o.path} (${o.id})`]));
  const targets = (g: TargetGroup) => `${g.ous.map((id) => pathOf.get(id) ?? id).join(', ')} in ${g.regions.join(', ')}`;
  if (s.action === 'delete') {
    return [`  - ${s.name}  delete the stack set and its ${plural(s.instances, 'instance')} ${NEEDS}`, ...s.removeTargets.map((g) => `      - instances: ${targets(g)}`)];
  }
  const size = `${plural(s.ous.length, 'OU')} × ${plural(s.regions.length, 'region')} = ${plural(s.instances, 'instance')}`;
  const lines = [`  ${MARK[s.action]} ${s.name}  ${s.action}  ${size}`];
  if (s.action === 'create') {
    lines.push(...alignRows([['OU', 'ACCOUNTS'], ...s.ous.map((o) => [pathOf.get(o.id) ?? o.id, String(o.accounts)])], '      '));
    lines.push(`      regions: ${s.regions.join(', ')}`);
    return lines;
  }
  for (const c of s.changes) lines.push(`      ${c.field}${c.from !== undefined || c.to !== undefined ? `: ${c.from ?? '(none)'} → ${c.to ?? '(none)'}` : ' changed'}`);
  for (const g of s.addTargets) lines.push(`      + instances: ${targets(g)}`);
  for (const g of s.removeTargets) lines.push(`      - instances: ${targets(g)} ${NEEDS}`);
  return lines;
}

function summaryLine(plan: Plan): string {
  const actions = [...plan.bundles.map((b) => (b.action === 'upload' ? 'create' : b.action)), ...plan.stacks.map((s) => s.action), ...plan.policies.map((p) => p.action), ...plan.stackSets.map((s) => s.action)];
  const count = (a: string) => actions.filter((x) => x === a).length;
  const parts = [`${count('create')} to create`, `${count('update')} to update`, `${count('delete')} to delete`, `${count('unchanged')} unchanged`];
  const problems = count('conflict') + count('blocked');
  if (problems) parts.push(`${problems} blocked (see !)`);
  const removals = plan.removals ? `; ${plural(plan.removals, 'removal')} ${plan.removals === 1 ? 'needs' : 'need'} --allow-delete` : '';
  return `${parts.join(', ')}${removals}`;
}
