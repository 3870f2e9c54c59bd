import { MandatoryTag } from '../catalog/model';
import { builtSids } from './compose';
import { IamStatement, OrgControl, Organization, PolicyTestCase, StatementSource } from './model';
import { expandPlaceholders } from './placeholders';
import { resolveTestParties } from './policy-tests';
import { globMatch } from './protected-roles';
import { roleArnPattern, valuesForTarget } from './target-values';

/** Something a control's cases leave uncovered, with the line it is about (a case, a statement) when there is one. */
export interface CoverageGap {
  readonly message: string;
  readonly line?: number;
}

/** What a Denied case of an allow-list file states when nothing may deny it explicitly (no Allow matched). */
export const IMPLICIT_DENIAL = 'implicit';

/** The Sids of a control's Deny statements as built (per mandatory tag where repeated), in file order. */
export function denySids(control: Pick<OrgControl, 'id' | 'statements'>, tags: readonly MandatoryTag[]): string[] {
  return control.statements.filter((s) => s.statement.Effect === 'Deny').flatMap((s) => builtSids(control.id, s, tags));
}

/** What a Denied case of this control may name in `deniedBy`: its Deny Sids, and `implicit` when it has Allow statements. */
export function deniedByChoices(control: Pick<OrgControl, 'id' | 'statements'>, tags: readonly MandatoryTag[]): string[] {
  const allowList = control.statements.some((s) => s.statement.Effect === 'Allow');
  return [...denySids(control, tags), ...(allowList ? [IMPLICIT_DENIAL] : [])];
}

/** Condition operators that exempt principals by ARN (as protected-roles reads them). */
const EXEMPTING = ['ArnNotLike', 'ArnNotEquals', 'StringNotLike', 'StringNotEquals'];

/**
 * One exemption of an SCP or RCP: a principal that its Deny statements let through. Identified as
 * - each org.yaml role key in the file's `exemptions:` list (written into every Deny as ArnNotLike
 *   aws:PrincipalArn on build), and
 * - each value written in a Deny statement's ArnNotLike, ArnNotEquals, StringNotLike or StringNotEquals
 *   condition on aws:PrincipalArn (e.g. `"{{roles.platform}}"` in one statement only).
 * `without` is the control with just this exemption taken out, to show that a case depends on it.
 */
export interface PolicyExemption {
  /** How the report names it: `exemptions: platform`, or `DenyImdsSettingChanges ArnNotLike {{roles.platform}}`. */
  readonly label: string;
  /** The principal ARN patterns it exempts (placeholders resolved). */
  readonly patterns: readonly string[];
  readonly line?: number;
  readonly without: OrgControl;
}

export function policyExemptions(control: OrgControl, org: Organization): PolicyExemption[] {
  const out: PolicyExemption[] = control.exemptions.map((key) => ({
    label: `exemptions: ${key}`,
    patterns: [roleArnPattern(org.roles[key])],
    without: { ...control, exemptions: control.exemptions.filter((k) => k !== key) },
  }));
  const values = valuesForTarget(org, org.rootId);
  for (const source of control.statements) {
    if (source.statement.Effect !== 'Deny') continue;
    for (const op of EXEMPTING) {
      const written = toList(source.statement.Condition?.[op]?.['aws:PrincipalArn']);
      for (const value of written) {
        let patterns: string[];
        try {
          patterns = toList(expandPlaceholders(value, values));
        } catch {
          continue; // a per-tag placeholder: not a principal exemption
        }
        out.push({
          label: `${source.statement.Sid ?? `statement ${source.index + 1}`} ${op} ${value}`,
          patterns,
          line: source.line,
          without: { ...control, statements: control.statements.map((s) => (s === source ? withoutValue(s, op, value) : s)) },
        });
      }
    }
  }
  return out;
}

function withoutValue(source: StatementSource, op: string, value: string): StatementSource {
  const condition = { ...(source.statement.Condition ?? {}) };
  const block = { ...condition[op] };
  const rest = toList(block['aws:PrincipalArn']).filter((v) => v !== value);
  if (rest.length) block['aws:PrincipalArn'] = rest;
  else delete block['aws:PrincipalArn'];
  if (Object.keys(block).length) condition[op] = block;
  else delete condition[op];
  const statement: IamStatement = { ...source.statement, Condition: condition };
  if (!Object.keys(condition).length) delete statement.Condition;
  return { ...source, statement };
}

/** The Allowed cases whose principal an exemption covers: the candidates for that exemption's own case. */
export function casesOfExemption(control: OrgControl, org: Organization, exemption: PolicyExemption): PolicyTestCase[] {
  return control.tests.filter((t) => {
    if (t.expect !== 'Allowed') return false;
    let arn: string;
    try {
      arn = resolveTestParties(org, t).principalArn;
    } catch {
      return false;
    }
    return exemption.patterns.some((p) => globMatch(p, arn, false));
  });
}

/**
 * What a control's cases leave uncovered, read from the file alone (the simulation adds the exemption check
 * that needs it). Like the Guard control rule (a PASS and a FAIL case per shape), every SCP and RCP needs:
 * - an Allowed case and a Denied case;
 * - `deniedBy` on every Denied case of a file with statements, even a single-statement file: without it, a
 *   case passes on some other policy's deny (region-restriction's us-east-1 case was denied by IMDSv2);
 * - an Allowed case from a principal of each exemption (see policyExemptions), which `tarmac test` then
 *   simulates without that exemption and requires this control to deny.
 * Returns one sentence per gap.
 */
export function staticCoverageGaps(control: OrgControl, org: Organization): CoverageGap[] {
  if (control.type !== 'SERVICE_CONTROL_POLICY' && control.type !== 'RESOURCE_CONTROL_POLICY') return [];
  const gaps: CoverageGap[] = [];
  if (!control.tests.some((t) => t.expect === 'Allowed')) gaps.push({ message: 'no Allowed case' });
  if (!control.tests.some((t) => t.expect === 'Denied')) gaps.push({ message: 'no Denied case' });
  for (const t of control.tests)
    if (t.expect === 'Denied' && t.deniedBy === undefined)
      gaps.push({ line: t.line, message: `'${t.name}' expects Denied without deniedBy: name the Sid of this file's statement that must deny it` });
  for (const e of policyExemptions(control, org))
    if (!casesOfExemption(control, org, e).length)
      gaps.push({ line: e.line, message: `no case for the exemption ${e.label}: an Allowed case from ${e.patterns.join(' or ')}` });
  return gaps;
}

function toList(v: unknown): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)];
}
