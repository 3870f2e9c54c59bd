import { MandatoryTag } from '../catalog/model';
import { CarveOuts, withCarveOut } from '../exemptions/org-policy-carve-outs';
import { IamStatement, OrgControl, OrgPolicySet, OrgPolicyType, StatementSource } from './model';
import { PlaceholderValues, expandPlaceholders, placeholdersIn } from './placeholders';
import { roleArnPattern, tagValues, valuesForTarget } from './target-values';
import { resolveTarget, targetRank } from './targets';

/** A statement resolved for one attachment target, in the exact form it is sent. */
export interface ComposedStatement {
  readonly controlId: string;
  readonly statement: Record<string, unknown>;
  /** Minified JSON of the statement: what it adds to a policy's size. */
  readonly json: string;
  /** Position in the target's composition order: root, then OU, then account type, then account. */
  readonly rank: readonly number[];
  readonly file: string;
  readonly line?: number;
  /** The allowed regions this statement was resolved with, when it uses {{regions.allowed}}. */
  readonly regions?: readonly string[];
}

/** IAM's own key order, so output reads like AWS's examples and diffs stay stable. */
const KEY_ORDER = ['Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition'];

/**
 * The statements of one policy type attached at each target ID: every control's statements resolved with
 * the target's placeholder values, exempt roles and exempted accounts (carve-outs) added, repeated per mandatory
 * tag where asked, minified.
 */
export function composeStatements(
  set: OrgPolicySet,
  tags: readonly MandatoryTag[],
  type: OrgPolicyType,
  carveOuts: CarveOuts = new Map(),
): Map<string, ComposedStatement[]> {
  const { organization: org } = set;
  const byTarget = new Map<string, ComposedStatement[]>();
  set.controls
    .filter((c) => c.type === type)
    .forEach((control, controlIndex) => {
      const exemptArns = control.exemptions.map((key) => roleArnPattern(org.roles[key]));
      const carveOut = carveOuts.get(control.id);
      for (const ref of control.targets) {
        for (const targetId of resolveTarget(org, ref)) {
          const values = valuesForTarget(org, targetId);
          const list = byTarget.get(targetId) ?? [];
          for (const source of control.statements) {
            const variants = source.forEach === 'mandatoryTag' ? tags.map((t) => ({ ...values, ...tagValues(t) })) : [values];
            const usesRegions = placeholdersIn(source.statement).some((p) => p.name === 'regions.allowed');
            variants.forEach((v, variant) => {
              const expanded = expandPlaceholders(source.statement, v);
              const carved = withCarveOut(withExemptions(expanded, exemptArns), type, carveOut?.accountIds ?? []);
              const statement = normalize(carved, expanded.Sid ?? derivedSid(control, source, v));
              list.push({
                controlId: control.id,
                statement,
                json: JSON.stringify(statement),
                rank: [targetRank(ref), controlIndex, source.index, variant],
                file: control.file,
                line: source.line,
                regions: usesRegions ? (v['regions.allowed'] as readonly string[]) : undefined,
              });
            });
          }
          byTarget.set(targetId, list);
        }
      }
    });
  for (const [id, list] of byTarget) byTarget.set(id, dedupe(list.sort((a, b) => compareRank(a.rank, b.rank))));
  return byTarget;
}

export function compareRank(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? -1) - (b[i] ?? -1);
    if (d) return d;
  }
  return 0;
}

/** A control that targets both an OU and a type can land twice on one account; once is enough. */
function dedupe(list: ComposedStatement[]): ComposedStatement[] {
  const seen = new Set<string>();
  return list.filter((s) => !seen.has(s.json) && seen.add(s.json));
}

/**
 * The Sids a source statement is built with: its own, or the derived one when it has none; one per mandatory
 * tag (expanded) for a `forEach: mandatoryTag` statement. A Sid with any other placeholder (refused at load) is
 * returned as written.
 */
export function builtSids(controlId: string, source: StatementSource, tags: readonly MandatoryTag[]): string[] {
  const variants: PlaceholderValues[] = source.forEach === 'mandatoryTag' ? tags.map(tagValues) : [{}];
  const sid = source.statement.Sid;
  return variants.map((v) => {
    if (sid === undefined) return derivedSid({ id: controlId } as OrgControl, source, v);
    try {
      return String(expandPlaceholders(sid, v));
    } catch {
      return sid;
    }
  });
}

/** A statement without a Sid gets a stable one from the control ID, statement index and tag. */
function derivedSid(control: OrgControl, source: StatementSource, values: PlaceholderValues): string {
  const tag = source.forEach ? values['tag.Name'] : '';
  return `${control.id.replace(/[^A-Za-z0-9]/g, '')}S${source.index + 1}${tag}`;
}

/** Exempt principals are written into every Deny as ArnNotLike aws:PrincipalArn, merged with any already there. */
function withExemptions(statement: IamStatement, arns: readonly string[]): IamStatement {
  if (!arns.length || statement.Effect !== 'Deny') return statement;
  const condition = { ...(statement.Condition ?? {}) };
  const arnNotLike = { ...(condition.ArnNotLike ?? {}) };
  const existing = arnNotLike['aws:PrincipalArn'];
  const merged = [...(existing === undefined ? [] : Array.isArray(existing) ? existing : [existing]), ...arns].map(String);
  arnNotLike['aws:PrincipalArn'] = [...new Set(merged)];
  condition.ArnNotLike = arnNotLike;
  return { ...statement, Condition: condition };
}

/** Key order fixed, one-element lists written as scalars: the smallest form AWS accepts. */
function normalize(statement: IamStatement, sid: string): Record<string, unknown> {
  const src: Record<string, unknown> = { ...statement, Sid: sid };
  const out: Record<string, unknown> = {};
  for (const key of KEY_ORDER) {
    const v = src[key];
    if (v === undefined) continue;
    out[key] = key === 'Condition' ? mapValues(v as Record<string, Record<string, unknown>>, (block) => mapValues(block, scalarIfSingle)) : scalarIfSingle(v);
  }
  return out;
}

function scalarIfSingle(v: unknown): unknown {
  return Array.isArray(v) && v.length === 1 ? v[0] : v;
}

function mapValues<T, U>(o: Record<string, T>, f: (v: T) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v)]));
}
