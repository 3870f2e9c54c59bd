import * as fs from 'fs';
import * as path from 'path';
import { closestMatch } from '../closest-match';
import { InputError, InputErrors } from '../errors';
import { Catalog } from '../catalog/model';
import { OrgPolicyType, Organization } from '../org/model';
import { loadSchema } from '../schemas';
import { validateAgainstSchema } from '../schema-validation';
import { readSourceFile } from '../yaml-source';
import { Exemption, dayOf, daysBetween } from './model';

/** An organization policy control an exemption may name: its ID and policy type (SCP, RCP, declarative, tag, ...). */
export interface OrgControlRef {
  readonly id: string;
  readonly type: OrgPolicyType;
}

interface ExemptionSource {
  id: string;
  controls: string[];
  scope: { accounts?: string[]; ous?: string[]; stacks?: string[]; resources?: string[] };
  reason: string;
  owner: string;
  ticket?: string;
  expires: string;
}

/**
 * Loads and checks policies/exemptions.yaml against the catalog and org.yaml: unique IDs, known controls that may
 * be exempted (`exemptible: false` may not), accounts and OUs that exist, a real date no further out than
 * org.yaml's `exemptionPolicy.maxDays` from `today`. An expired exemption is kept (its status says so) and
 * suppresses nothing. No file: no exemptions. `orgControls` are the organization policy controls with their type:
 * an SCP or RCP control is honoured by a carve-out on whole accounts, so a stack or resource scope is refused; a
 * declarative, tag or AI opt-out policy has no account-level exception in AWS, so naming one is refused.
 */
export function loadExemptions(catalog: Catalog, org: Organization, orgControls: readonly OrgControlRef[], today: Date): Exemption[] {
  const file = path.join(catalog.root, 'exemptions.yaml');
  if (!fs.existsSync(file)) return [];
  const doc = readSourceFile(file);
  const problems = validateAgainstSchema(doc, loadSchema('exemptions'));
  if (problems.length) throw new InputErrors(problems);
  const sources = (doc.value as { exemptions: ExemptionSource[] }).exemptions;
  // A control answers to its aliases too (a retired ID, or the organization policy that enforces its intent, which
  // then cannot be exempted where the control cannot).
  const controls = new Map<string, { exemptible: boolean; type?: OrgPolicyType }>(
    catalog.controls.flatMap((c) => [c.id, ...c.aliases].map((id) => [id, { exemptible: c.exemptible }] as const)),
  );
  for (const c of orgControls) controls.set(c.id, { exemptible: controls.get(c.id)?.exemptible ?? true, type: c.type });
  const accounts = new Map(org.accounts.flatMap((a) => [[a.name, a.id] as const, [a.id, a.id] as const]));
  const ous = new Map(org.ous.flatMap((o) => [[o.path, o.id] as const, [o.id, o.id] as const]));
  const errors: InputError[] = [];
  const seen = new Map<string, number>();
  const out: Exemption[] = [];
  sources.forEach((src, i) => {
    const at = (...keys: (string | number)[]) => doc.locate(['exemptions', i, ...keys]);
    const before = errors.length;
    const first = seen.get(src.id);
    if (first !== undefined) errors.push(new InputError(at('id'), `exemption ID ${src.id} is already used at line ${first}`, 'a unique, never reused ID'));
    seen.set(src.id, at('id').line ?? 0);
    src.controls.forEach((id, j) => {
      const control = controls.get(id);
      if (!control) {
        const guess = closestMatch(id, controls.keys());
        errors.push(
          new InputError(
            at('controls', j),
            `unknown control ${id}${guess ? `; did you mean ${guess}?` : ''}`,
            'the ID of a control in policies/controls, scp/, rcp/ or declarative/',
          ),
        );
      } else if (!control.exemptible) {
        errors.push(new InputError(at('controls', j), `control ${id} cannot be exempted (exemptible: false in its metadata)`, 'a fix, not an exemption'));
      } else if (control.type) {
        errors.push(...orgControlProblems(id, control.type, src, j, at));
      }
    });
    const accountIds = resolveNames(src.scope.accounts, accounts, 'account', (j) => at('scope', 'accounts', j), errors);
    const ouIds = resolveNames(src.scope.ous, ous, 'OU', (j) => at('scope', 'ous', j), errors);
    const expires = dayOf(src.expires);
    const max = org.exemptionPolicy.maxDays;
    if (!expires) errors.push(new InputError(at('expires'), `${src.expires} is not a date`, 'YYYY-MM-DD, a day that exists'));
    else if (daysBetween(today, expires) > max) {
      errors.push(
        new InputError(
          at('expires'),
          `expires ${src.expires}, ${daysBetween(today, expires)} days from today`,
          `at most ${max} days out (exemptionPolicy.maxDays in org.yaml): renew it when it nears expiry`,
        ),
      );
    }
    if (errors.length > before || !expires) return;
    out.push({
      id: src.id,
      controls: src.controls,
      accountIds: [...new Set(accountIds)].sort(),
      ouIds: [...new Set(ouIds)].sort(),
      stacks: src.scope.stacks ?? [],
      resources: src.scope.resources ?? [],
      reason: src.reason,
      owner: src.owner,
      ticket: src.ticket,
      expires,
      file,
      line: at('id').line,
    });
  });
  if (errors.length) throw new InputErrors(errors);
  return out;
}

/**
 * What AWS cannot honour for an organization policy control. An SCP or RCP statement can only tell accounts apart
 * (its carve-out is a condition on the account), not stacks or logical IDs. A declarative, tag or AI opt-out
 * policy has no condition element at all: it applies to every account under the targets it is attached to.
 */
function orgControlProblems(
  id: string,
  type: OrgPolicyType,
  src: ExemptionSource,
  j: number,
  at: (...keys: (string | number)[]) => { file: string; line?: number; column?: number },
): InputError[] {
  if (type === 'SERVICE_CONTROL_POLICY' || type === 'RESOURCE_CONTROL_POLICY') {
    const kind = type === 'SERVICE_CONTROL_POLICY' ? 'an SCP' : 'an RCP';
    return (['stacks', 'resources'] as const)
      .filter((key) => src.scope[key]?.length)
      .map(
        (key) =>
          new InputError(
            at('scope', key),
            `${id} is ${kind}, which cannot tell stacks or logical IDs apart: its exemption carves out whole accounts`,
            `a separate exemption of ${id} scoped to accounts or OUs only (keep ${key} for the Guard controls)`,
          ),
      );
  }
  return [
    new InputError(
      at('controls', j),
      `declarative policies have no account-level exceptions in AWS: ${id} is a ${type}, which applies to every account under the targets it is attached to`,
      `no exemption of ${id}: move the account to an OU where the policy is not attached (or narrow the targets of ${id})`,
    ),
  ];
}

function resolveNames(
  names: readonly string[] | undefined,
  known: ReadonlyMap<string, string>,
  kind: string,
  at: (j: number) => { file: string; line?: number; column?: number },
  errors: InputError[],
): string[] {
  return (names ?? []).flatMap((name, j) => {
    const id = known.get(name);
    if (id) return [id];
    const guess = closestMatch(name, known.keys());
    errors.push(new InputError(at(j), `unknown ${kind} ${name}${guess ? `; did you mean ${guess}?` : ''}`, `an ${kind} name or ID from org.yaml`));
    return [];
  });
}
