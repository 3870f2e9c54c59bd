import { HookDefinition } from './model';
import { HookOperation, hookInvoked, stackFilterSummary } from './stack-filters';

type Hook = Pick<HookDefinition, 'targetOperations' | 'stackFilters'>;
const BREAK_GLASS: Hook = {
  targetOperations: ['RESOURCE', 'CLOUD_CONTROL'],
  stackFilters: { filteringCriteria: 'ALL', stackRoles: { exclude: ['TarmacBreakGlass'] } },
};
const stack = (stackName: string, stackRole?: string): HookOperation => ({ target: 'RESOURCE', stackName, stackRole });

describe('stack filters as AWS applies them', () => {
  test('a stack whose service role is the excluded role is skipped, by name or ARN; any other role, or none, is evaluated', () => {
    expect(hookInvoked(BREAK_GLASS, stack('app', 'arn:aws:iam::222222222222:role/TarmacBreakGlass'))).toBe(false);
    expect(hookInvoked(BREAK_GLASS, stack('app', 'TarmacBreakGlass'))).toBe(false);
    expect(hookInvoked(BREAK_GLASS, stack('app', 'arn:aws:iam::222222222222:role/Deployer'))).toBe(true);
    // The caller is not what the filter sees: a break-glass user deploying a stack without a service role is evaluated.
    expect(hookInvoked(BREAK_GLASS, stack('app'))).toBe(true);
  });

  test('Cloud Control API calls are evaluated whatever the filters say', () => {
    expect(hookInvoked(BREAK_GLASS, { target: 'CLOUD_CONTROL' })).toBe(true);
    expect(
      hookInvoked({ ...BREAK_GLASS, stackFilters: { filteringCriteria: 'ANY', stackNames: { include: ['only-this'] } } }, { target: 'CLOUD_CONTROL' }),
    ).toBe(true);
  });

  test('an operation the hook does not target is not evaluated', () => {
    expect(hookInvoked({ targetOperations: ['RESOURCE'] }, { target: 'CLOUD_CONTROL' })).toBe(false);
    expect(hookInvoked({ targetOperations: ['CLOUD_CONTROL'] }, stack('app'))).toBe(false);
  });

  test('ALL needs every filter to match, ANY one', () => {
    const filters = { stackNames: { include: ['app'] }, stackRoles: { include: ['Deployer'] } };
    const all: Hook = { targetOperations: ['RESOURCE'], stackFilters: { filteringCriteria: 'ALL', ...filters } };
    const any: Hook = { targetOperations: ['RESOURCE'], stackFilters: { filteringCriteria: 'ANY', ...filters } };
    expect([hookInvoked(all, stack('app', 'Deployer')), hookInvoked(all, stack('app', 'Other')), hookInvoked(all, stack('web', 'Deployer'))]).toEqual([
      true,
      false,
      false,
    ]);
    expect([hookInvoked(any, stack('app', 'Other')), hookInvoked(any, stack('web', 'Deployer')), hookInvoked(any, stack('web', 'Other'))]).toEqual([
      true,
      true,
      false,
    ]);
  });

  test('a stack without a service role matches no Include', () => {
    const include: Hook = { targetOperations: ['RESOURCE'], stackFilters: { filteringCriteria: 'ALL', stackRoles: { include: ['Deployer'] } } };
    expect(hookInvoked(include, stack('app'))).toBe(false);
  });

  test('explain says what the filters leave out, and that Cloud Control calls are evaluated anyway', () => {
    expect(stackFilterSummary(BREAK_GLASS)).toEqual([
      "stack filters (all must match): not stacks whose service role is TarmacBreakGlass; a service role is the stack's role (--role-arn), not the caller's",
      'Cloud Control API calls are evaluated whatever the filters say (AWS ignores stack level filters for them; see docs/aws-assumptions.md)',
    ]);
    expect(stackFilterSummary({ targetOperations: ['RESOURCE'] })).toEqual([]);
  });
});
