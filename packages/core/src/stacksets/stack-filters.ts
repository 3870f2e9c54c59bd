import { HookDefinition, HookStackFilters } from './model';

/** One operation a hook may see: a stack operation (with the stack's name and service role) or a Cloud Control call. */
export type HookOperation =
  { readonly target: 'RESOURCE' | 'STACK'; readonly stackName: string; readonly stackRole?: string } | { readonly target: 'CLOUD_CONTROL' };

/**
 * Whether the hook is invoked for an operation, as "AWS CloudFormation Hooks stack level filters" describes:
 * - stack level filters are ignored for Cloud Control API operations ("If you create a Hook that targets Cloud
 *   Control API operations, all stack level filters will be ignored");
 * - StackRoles match the stack's service role (the role passed with --role-arn, kept by later updates), never
 *   the caller: a stack without one matches no Include and no Exclude;
 * - a filter matches when the stack is in its Include (if given) and not in its Exclude (if given); ALL
 *   invokes the hook when every filter given matches, ANY when one does.
 * Role names stand for the role in the stack's own account (as the hook baseline writes them).
 */
export function hookInvoked(hook: Pick<HookDefinition, 'targetOperations' | 'stackFilters'>, op: HookOperation): boolean {
  if (!(hook.targetOperations as readonly string[]).includes(op.target)) return false;
  if (op.target === 'CLOUD_CONTROL' || !hook.stackFilters) return true;
  const f = hook.stackFilters;
  const role = op.stackRole && roleName(op.stackRole);
  const matches = [
    ...(f.stackNames ? [listMatches(f.stackNames, op.stackName)] : []),
    ...(f.stackRoles ? [listMatches({ include: f.stackRoles.include?.map(roleName), exclude: f.stackRoles.exclude?.map(roleName) }, role)] : []),
  ];
  return f.filteringCriteria === 'ALL' ? matches.every(Boolean) : matches.some(Boolean);
}

function listMatches(list: { include?: readonly string[]; exclude?: readonly string[] }, value: string | undefined): boolean {
  if (list.include && (value === undefined || !list.include.includes(value))) return false;
  return !(list.exclude && value !== undefined && list.exclude.includes(value));
}

/** `arn:aws:iam::111111111111:role/path/Name` and `Name` alike: the role's name. */
function roleName(role: string): string {
  return role.startsWith('arn:') ? role.slice(role.lastIndexOf('/') + 1) : role;
}

/** What the hook's stack filters leave out, for people (`tarmac explain`); [] without filters. */
export function stackFilterSummary(hook: Pick<HookDefinition, 'targetOperations' | 'stackFilters'>): string[] {
  const f: HookStackFilters | undefined = hook.stackFilters;
  if (!f) return [];
  const parts = [
    f.stackNames?.include && `stacks named ${f.stackNames.include.join(', ')} only`,
    f.stackNames?.exclude && `not stacks named ${f.stackNames.exclude.join(', ')}`,
    f.stackRoles?.include && `stacks whose service role is ${f.stackRoles.include.join(', ')} only`,
    f.stackRoles?.exclude && `not stacks whose service role is ${f.stackRoles.exclude.join(', ')}`,
  ].filter((p): p is string => Boolean(p));
  const lines = [
    `stack filters (${f.filteringCriteria === 'ALL' ? 'all must match' : 'one must match'}): ${parts.join('; ')}; a service role is the stack's role (--role-arn), not the caller's`,
  ];
  if (hook.targetOperations.includes('CLOUD_CONTROL'))
    lines.push('Cloud Control API calls are evaluated whatever the filters say (AWS ignores stack level filters for them; see docs/aws-assumptions.md)');
  return lines;
}
