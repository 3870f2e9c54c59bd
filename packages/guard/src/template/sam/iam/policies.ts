import { NotExpanded } from '../model';
import { Dict, Path, clone, deepEqual, get, isIntrinsic, isObject } from '../values';
import { managedPolicyArn } from './managed-policies';
import { policyTemplate } from './policy-templates';

/** What a `Policies` property (Function, StateMachine) adds to the role SAM generates. */
export interface RolePolicies {
  /** ManagedPolicyArns entries (strings, intrinsics, or Fn::If of them). */
  readonly managed: unknown[];
  /** Policies entries: {PolicyName, PolicyDocument}, or Fn::If of them. */
  readonly inline: unknown[];
}

const NO_VALUE = { Ref: 'AWS::NoValue' };

/**
 * Reads `Policies`: one item or a list of AWS managed policy names or ARNs, policy documents, SAM policy
 * templates, and Fn::If choosing between two of the same kind. Inline documents and templates become
 * `<role>Policy<index>` (the index in the list).
 */
export function readPolicies(value: unknown, path: Path, roleId: string): RolePolicies {
  const out: RolePolicies = { managed: [], inline: [] };
  if (value === undefined || value === null) return out;
  const items = Array.isArray(value) ? value : [value];
  items.forEach((item, i) => {
    const at = Array.isArray(value) ? [...path, i] : path;
    const policy = readPolicy(item, at, `${roleId}Policy${i}`);
    if (policy.kind === 'managed') out.managed.push(policy.value);
    else if (policy.kind === 'inline') out.inline.push(policy.value);
  });
  return out;
}

type Policy = { kind: 'managed' | 'inline'; value: unknown } | { kind: 'none' };

function readPolicy(item: unknown, path: Path, policyName: string): Policy {
  if (typeof item === 'string') return { kind: 'managed', value: managedArn(item, path) };
  if (isIntrinsic(item) && isObject(item) && Object.hasOwn(item, 'Fn::If')) return conditional(item['Fn::If'], [...path, 'Fn::If'], policyName);
  if (deepEqual(item, NO_VALUE)) return { kind: 'none' };
  if (isIntrinsic(item)) return { kind: 'managed', value: clone(item) };
  if (isObject(item) && Object.hasOwn(item, 'Statement')) {
    return { kind: 'inline', value: { PolicyName: policyName, PolicyDocument: clone(item) } };
  }
  if (isObject(item) && Object.keys(item).length === 1) {
    const [name] = Object.keys(item);
    return { kind: 'inline', value: { PolicyName: policyName, PolicyDocument: { Statement: template(name, item[name], [...path, name]) } } };
  }
  throw new NotExpanded(path, 'this Policies item is neither a managed policy, a policy document nor a policy template');
}

function conditional(args: unknown, path: Path, policyName: string): Policy {
  if (!Array.isArray(args) || args.length !== 3 || typeof args[0] !== 'string') {
    throw new NotExpanded(path, 'Fn::If in Policies is not [condition, policy, policy]');
  }
  const branches = [readPolicy(args[1], [...path, 1], policyName), readPolicy(args[2], [...path, 2], policyName)];
  const kinds = new Set(branches.filter((b) => b.kind !== 'none').map((b) => b.kind));
  if (kinds.size !== 1) throw new NotExpanded(path, 'Fn::If in Policies does not choose between two policies of the same kind');
  const [kind] = [...kinds] as ('managed' | 'inline')[];
  const values = branches.map((b) => (b.kind === 'none' ? NO_VALUE : b.value));
  return { kind, value: { 'Fn::If': [args[0], ...values] } };
}

function managedArn(name: string, path: Path): string {
  if (name.startsWith('arn:') || name.startsWith('{{resolve:')) return name;
  const arn = managedPolicyArn(name);
  if (!arn) throw new NotExpanded(path, `the managed policy name ${name} is not one Tarmac knows the ARN of (write the ARN instead)`);
  return arn;
}

function template(name: string, parameters: unknown, path: Path): Dict[] {
  const definition = policyTemplate(name);
  if (!definition) throw new NotExpanded(path, `the policy template ${name} is not expanded by Tarmac`);
  if (!isObject(parameters)) throw new NotExpanded(path, `the parameters of policy template ${name} are not a map`);
  for (const p of definition.parameters) {
    if (!Object.hasOwn(parameters, p)) throw new NotExpanded(path, `policy template ${name} lacks its parameter ${p}`);
  }
  return definition.statements((p) => clone(get(parameters, p)));
}

/** Appends ARNs that are not already listed (SAM lists each managed policy once). */
export function addManaged(list: unknown[], ...arns: unknown[]): void {
  for (const arn of arns) if (!list.some((x) => deepEqual(x, arn))) list.push(arn);
}
