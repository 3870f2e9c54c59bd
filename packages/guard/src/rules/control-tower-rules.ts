import * as fs from 'fs';
import * as path from 'path';
import { Mode, Severity, SEVERITIES } from '@tarmac/core';
import { GuardRule, deriveResourceTypes, reportedRuleNames } from './guard-rule';

/** The AWS Control Tower proactive rules shipped in @cdklabs/cdk-validator-cfnguard, with their metadata. */
export function controlTowerDir(): string {
  const pkg = path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json'));
  return path.join(pkg, 'rules', 'control-tower');
}

interface CtMetadata {
  Id: string;
  DisplayName: string;
  Severity?: string;
  RemediationMessage?: string;
  EvaluatedResourceTypes?: string[];
}

export function controlTowerRules(mode: Mode): GuardRule[] {
  if (mode === 'off') return [];
  const root = controlTowerDir();
  const rules: GuardRule[] = [];
  for (const service of fs.readdirSync(path.join(root, 'cfn-guard')).sort()) {
    const dir = path.join(root, 'cfn-guard', service);
    for (const name of fs.readdirSync(dir).filter((f) => f.endsWith('.guard')).sort()) {
      const file = path.join(dir, name);
      const text = fs.readFileSync(file, 'utf8');
      const metaFile = path.join(root, 'metadata', service, name.replace(/\.guard$/, '.metadata.json'));
      const meta = JSON.parse(fs.readFileSync(metaFile, 'utf8')) as CtMetadata;
      const severity = (meta.Severity ?? 'medium').toLowerCase() as Severity;
      // Trusted only as far as the rule text agrees: metadata plus every type the rule filters on, and every
      // template when the rule can fail on one without them (see deriveResourceTypes).
      const derived = deriveResourceTypes(text);
      const types = derived && meta.EvaluatedResourceTypes?.length ? new Set([...meta.EvaluatedResourceTypes, ...derived]) : derived;
      rules.push({
        id: meta.Id, origin: 'control-tower', file, text, names: reportedRuleNames(text), resourceTypes: types,
        title: meta.DisplayName, severity: SEVERITIES.includes(severity) ? severity : 'medium',
        message: meta.DisplayName, fix: meta.RemediationMessage, mode, unresolved: 'warn',
      });
    }
  }
  return rules;
}
