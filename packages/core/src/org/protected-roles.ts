import { InputError } from '../errors';
import { ComposedStatement } from './compose';
import { Organization } from './model';
import { chainTo } from './targets';

/**
 * What a role exempt from the guardrails must be protected against: anything that would let someone else
 * change what it can do or who can assume it, and creating a role of that name in an account where it
 * does not exist yet (which would hand out the exemption).
 */
export const ROLE_PROTECTION_ACTIONS = [
  'iam:AttachRolePolicy',
  'iam:CreateRole',
  'iam:DeleteRole',
  'iam:DeleteRolePermissionsBoundary',
  'iam:DeleteRolePolicy',
  'iam:DetachRolePolicy',
  'iam:PutRolePermissionsBoundary',
  'iam:PutRolePolicy',
  'iam:UpdateAssumeRolePolicy',
  'iam:UpdateRole',
];

/** Condition operators that exempt principals by ARN. */
const EXEMPTING = ['ArnNotLike', 'ArnNotEquals', 'StringNotLike', 'StringNotEquals'];
const SAMPLE_ACCOUNT = '123456789012';

/**
 * Every role that an SCP exempts by aws:PrincipalArn must itself be protected: some unconditional Deny
 * (exemptions aside) on the path from the root to where the exemption is attached must cover every
 * ROLE_PROTECTION_ACTIONS action on that role's ARN. Otherwise anyone who can create or edit the role
 * inherits the exemption.
 */
export function unprotectedExemptions(org: Organization, composed: ReadonlyMap<string, readonly ComposedStatement[]>): InputError[] {
  const errors: InputError[] = [];
  const reported = new Set<string>();
  for (const [targetId, statements] of composed) {
    const inChain = chainTo(org, targetId).flatMap((id) => composed.get(id) ?? []);
    for (const s of statements) {
      for (const arn of exemptedArns(s.statement)) {
        const sample = arn.replace(/\*/g, SAMPLE_ACCOUNT);
        const missing = ROLE_PROTECTION_ACTIONS.filter((action) => !inChain.some((p) => protects(p.statement, action, sample)));
        const key = `${s.file}|${arn}`;
        if (missing.length && !reported.has(key)) {
          reported.add(key);
          errors.push(
            new InputError(
              { file: s.file, line: s.line },
              `${arn} is exempted here but not protected where the exemption applies (nothing denies ${missing.join(', ')} on it)`,
              `an SCP attached at the root or above this target that denies those actions on ${arn}`,
            ),
          );
        }
      }
    }
  }
  return errors;
}

function exemptedArns(statement: Record<string, unknown>): string[] {
  const condition = (statement.Condition ?? {}) as Record<string, Record<string, unknown>>;
  return EXEMPTING.flatMap((op) => toList(condition[op]?.['aws:PrincipalArn'])).filter((a) => a.startsWith('arn:aws:iam::') && a.includes(':role/'));
}

/** An unconditional (but for principal exemptions) Deny whose actions and resources cover action on arn. */
function protects(statement: Record<string, unknown>, action: string, arn: string): boolean {
  if (statement.Effect !== 'Deny' || statement.NotResource !== undefined) return false;
  const condition = (statement.Condition ?? {}) as Record<string, Record<string, unknown>>;
  const onlyExemptions = Object.entries(condition).every(([op, block]) => EXEMPTING.includes(op) && Object.keys(block).every((k) => k === 'aws:PrincipalArn'));
  if (!onlyExemptions) return false;
  const actionCovered =
    statement.NotAction !== undefined
      ? !toList(statement.NotAction).some((p) => globMatch(p, action, true))
      : toList(statement.Action).some((p) => globMatch(p, action, true));
  return actionCovered && toList(statement.Resource).some((p) => globMatch(p, arn, false));
}

const compiled = new Map<string, RegExp>();
/** IAM wildcard matching: * any run, ? one character; actions case-insensitively, ARNs as written. */
export function globMatch(pattern: string, value: string, ignoreCase: boolean): boolean {
  const key = `${ignoreCase ? 'i' : ''}|${pattern}`;
  let re = compiled.get(key);
  if (!re) {
    re = new RegExp(
      '^' +
        pattern
          .split('')
          .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
          .join('') +
        '$',
      ignoreCase ? 'i' : '',
    );
    compiled.set(key, re);
  }
  return re.test(value);
}

function toList(v: unknown): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)];
}
