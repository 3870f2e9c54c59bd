import { InputError, SourceLocation } from '../errors';
import { IamStatement } from './model';

/**
 * Keys in the request context of every request an SCP or RCP sees ("AWS global condition context keys":
 * "included in the request context for all signed requests", or for every principal of an organization).
 * A variable of any other key may have no value.
 */
const ALWAYS_PRESENT = new Set(
  [
    'aws:PrincipalAccount',
    'aws:PrincipalArn',
    'aws:PrincipalOrgID',
    'aws:PrincipalType',
    'aws:userid',
    'aws:CurrentTime',
    'aws:EpochTime',
    'aws:SecureTransport',
  ].map((k) => k.toLowerCase()),
);

/** `${key}` in a statement as written; `${*}`, `${?}` and `${$}` are escapes, not variables. */
const VARIABLE = /\$\{([^}*?$][^}]*)\}/g;

type Condition = NonNullable<IamStatement['Condition']>;

/**
 * A Deny statement that uses a policy variable denies only when the variable resolves: for a principal or
 * request without the key, IAM cannot resolve it and the condition (or resource) does not match, so the
 * statement stops denying (IAM User Guide, "IAM policy elements: Variables and tags": "If there is no value for
 * the condition key, the policy variable is not resolved"). LZ.SCP.12's `StringNotEquals aws:RequestTag/team:
 * ${aws:PrincipalTag/team}` let an untagged role create a role for any team. Each such statement needs, in the
 * same file, a Deny statement for the same actions (or all) on every resource whose condition is
 * `Null: {key: "true"}` plus nothing that the first statement does not require too, unless the first statement
 * itself requires the key (`Null: {key: "false"}`).
 */
export function unresolvedVariableProblems(
  statements: readonly IamStatement[],
  locate: (index: number, path: (string | number)[]) => SourceLocation,
): InputError[] {
  const errors: InputError[] = [];
  statements.forEach((s, i) => {
    if (s.Effect !== 'Deny') return;
    for (const key of variablesOf(s)) {
      if (ALWAYS_PRESENT.has(key.toLowerCase()) || requiresKey(s.Condition, key)) continue;
      if (statements.some((c) => c !== s && coversAbsence(c, s, key))) continue;
      errors.push(
        new InputError(
          locate(i, []),
          `statement ${s.Sid ?? i + 1} denies only when \${${key}} resolves: a principal or request without ${key} is not denied by it (IAM leaves the variable unresolved, and the statement does not match)`,
          `a Deny statement in this file for the same actions on every resource with Condition Null {"${key}": "true"} (or "Null": {"${key}": "false"} in this one, if requests without the key are meant to pass)`,
        ),
      );
    }
  });
  return errors;
}

function variablesOf(s: IamStatement): string[] {
  const text = JSON.stringify([s.Resource, s.NotResource, s.Condition]);
  return [...new Set([...text.matchAll(VARIABLE)].map((m) => m[1]))];
}

function requiresKey(condition: Condition | undefined, key: string): boolean {
  return toList(condition?.Null?.[key]).some((v) => String(v).toLowerCase() === 'false');
}

/** `c` denies what `s` would when `key` is absent: same actions or more, every resource, only Null key true beyond what `s` requires. */
function coversAbsence(c: IamStatement, s: IamStatement, key: string): boolean {
  if (c.Effect !== 'Deny' || !toList(c.Condition?.Null?.[key]).some((v) => String(v).toLowerCase() === 'true')) return false;
  if (!toList(c.Resource).includes('*')) return false;
  const actions = toList(c.Action).map((a) => a.toLowerCase());
  const covered = actions.includes('*') || (s.Action !== undefined && toList(s.Action).every((a) => actions.includes(a.toLowerCase())));
  if (!covered && !(s.NotAction !== undefined && sameList(c.NotAction, s.NotAction))) return false;
  // Every other condition of c must be one s has too (written the same), so c applies wherever s would.
  const own = entries(s.Condition);
  return entries(c.Condition).every((e) => (e.op === 'Null' && e.key === key) || own.some((o) => o.op === e.op && o.key === e.key && o.value === e.value));
}

function entries(condition: Condition | undefined): { op: string; key: string; value: string }[] {
  return Object.entries(condition ?? {}).flatMap(([op, keys]) =>
    Object.entries(keys).map(([key, value]) => ({ op, key, value: JSON.stringify(toList(value).map(String).sort()) })),
  );
}

function sameList(a: unknown, b: unknown): boolean {
  return JSON.stringify(toList(a).map(String).sort()) === JSON.stringify(toList(b).map(String).sort());
}

function toList(v: unknown): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)];
}
