import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { InputError, Mode, Severity, SEVERITIES } from '@tarmac/core';
import { installSpec } from '../engines/native-binary';
import { controlTowerDocsUrl } from './control-tower-docs';
import { GuardRule, deriveResourceTypes, reportedRuleNames } from './guard-rule';

/**
 * The AWS Control Tower proactive rules shipped in @cdklabs/cdk-validator-cfnguard, with their metadata. That
 * package is an optional peer of @tarmac/guard: without it, an input error says how to install it.
 */
export function controlTowerDir(): string {
  let pkg: string;
  try {
    pkg = path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json'));
  } catch {
    throw new InputError(
      { file: '--control-tower' },
      'the AWS Control Tower rules come from @cdklabs/cdk-validator-cfnguard, which is not installed (an optional peer of @tarmac/guard; it brings aws-cdk-lib, its own peer)',
      `npm i -D ${installSpec('@cdklabs/cdk-validator-cfnguard')}`,
    );
  }
  return path.join(pkg, 'rules', 'control-tower');
}

interface CtMetadata {
  Id: string;
  DisplayName: string;
  Severity?: string;
  RemediationMessage?: string;
  EvaluatedResourceTypes?: string[];
  Description?: string;
}

interface ShippedRule {
  /** Path below rules/control-tower/cfn-guard, with / separators. */
  readonly rel: string;
  readonly file: string;
  readonly text: string;
  readonly meta: CtMetadata;
}

function shippedRules(): ShippedRule[] {
  const root = controlTowerDir();
  const rules: ShippedRule[] = [];
  for (const service of fs.readdirSync(path.join(root, 'cfn-guard')).sort()) {
    const dir = path.join(root, 'cfn-guard', service);
    for (const name of fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.guard'))
      .sort()) {
      const metaFile = path.join(root, 'metadata', service, name.replace(/\.guard$/, '.metadata.json'));
      const file = path.join(dir, name);
      rules.push({ rel: `${service}/${name}`, file, text: fs.readFileSync(file, 'utf8'), meta: JSON.parse(fs.readFileSync(metaFile, 'utf8')) as CtMetadata });
    }
  }
  return rules;
}

/**
 * Trusted only as far as the rule text agrees: metadata plus every type the rule filters on, and every
 * template (undefined) when the rule can fail on one without them (see deriveResourceTypes).
 */
function dispatchTypes(rule: ShippedRule): string[] | undefined {
  const derived = deriveResourceTypes(rule.text);
  return derived && [...new Set([...(rule.meta.EvaluatedResourceTypes ?? []), ...derived])].sort();
}

/** What scripts/generate-control-tower-dispatch.js writes: each rule's text digest and dispatch types. */
export function controlTowerDispatch(): { rules: Record<string, { sha256: string; types: string[] | null }> } {
  return { rules: Object.fromEntries(shippedRules().map((r) => [r.rel, { sha256: sha256(r.text), types: dispatchTypes(r) ?? null }])) };
}

let precomputed: ReturnType<typeof controlTowerDispatch>['rules'] | undefined;

/** The analysis of the shipped rules, read once (data/control-tower-dispatch.json); a rule whose text differs is analysed again. */
function precomputedTypes(rule: ShippedRule): string[] | undefined | 'unknown' {
  precomputed ??= (
    JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'data', 'control-tower-dispatch.json'), 'utf8')) as ReturnType<typeof controlTowerDispatch>
  ).rules;
  const entry = Object.hasOwn(precomputed, rule.rel) ? precomputed[rule.rel] : undefined;
  if (!entry || entry.sha256 !== sha256(rule.text)) return 'unknown';
  return entry.types ?? undefined;
}

export function controlTowerRules(mode: Mode): GuardRule[] {
  if (mode === 'off') return [];
  return shippedRules().map((r) => {
    const severity = (r.meta.Severity ?? 'medium').toLowerCase() as Severity;
    const known = precomputedTypes(r);
    const types = known === 'unknown' ? dispatchTypes(r) : known;
    return {
      id: r.meta.Id,
      origin: 'control-tower',
      file: r.file,
      text: r.text,
      names: reportedRuleNames(r.text),
      resourceTypes: types && new Set(types),
      title: r.meta.DisplayName,
      severity: SEVERITIES.includes(severity) ? severity : 'medium',
      message: r.meta.DisplayName,
      fix: r.meta.RemediationMessage,
      mode,
      unresolved: 'warn',
      rationale: r.meta.Description,
      helpUri: controlTowerDocsUrl(r.meta.Id),
    };
  });
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
