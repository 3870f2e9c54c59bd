import type { ReportAccount } from '../report-model';
import type { LiveAccount, LiveBlocked, LiveFinding, LiveNonCompliantResource } from './model';

/** The standards EnableSecurityHub (and AWS::SecurityHub::Hub) turns on unless EnableDefaultStandards is false. */
export const DEFAULT_STANDARDS = [
  { name: 'AWS Foundational Security Best Practices', arnPart: '/aws-foundational-security-best-practices/' },
  { name: 'CIS AWS Foundations Benchmark', arnPart: '/cis-aws-foundations-benchmark/' },
] as const;

export interface AccountDifferences {
  readonly findings: LiveFinding[];
  readonly blocked: LiveBlocked[];
  /** Non-compliant resources an exemption in force covers for the whole account: expected, not a difference. */
  readonly exempted: number;
}

/**
 * What one account's reader role saw against what the build deploys there: hooks activated, the conformance
 * pack present and what it finds non-compliant (unless an exemption in force covers the whole account for
 * that control), Guard Hook invocations that let a failing resource through (FailureMode WARN), Security Hub's
 * default standards. A FAIL-mode hook failure blocked the deployment: the control worked, it is listed, not
 * a difference. `ruleControls` names the controls of a Guard rule as the hook reports it.
 */
export function accountDifferences(account: ReportAccount, live: LiveAccount, ruleControls: (ruleName: string) => readonly string[]): AccountDifferences {
  const findings: LiveFinding[] = [];
  const blocked: LiveBlocked[] = [];
  let exempted = 0;
  const who = `${account.name} (${account.id})`;
  if (live.error) {
    findings.push({
      kind: 'not-read',
      account: account.id,
      subject: account.name,
      message: `nothing could be read in ${who}: ${live.error}`,
      fix: account.management
        ? 'run `tarmac deploy --management` (its guardrails stack creates the reader role there), and let the delegated administrator assume it'
        : 'deploy the account baseline there (it creates the reader role), and let the delegated administrator assume it',
    });
    return { findings, blocked, exempted };
  }
  const configControls = configRuleControls(account);
  for (const region of live.regions) {
    const at = { account: account.id, region: region.region };
    for (const error of region.errors)
      findings.push({
        ...at,
        kind: 'not-read',
        subject: account.name,
        message: `${who} ${region.region}: ${error}`,
        fix: 'run the report again; if it persists, check the reader role',
      });
    for (const hook of region.hooks.filter((h) => !h.present))
      findings.push({
        ...at,
        kind: 'hook-missing',
        subject: hook.typeName,
        controls: account.controls.filter((c) => c.points.some((p) => p.point === 'hook' && p.hook === hook.typeName)).map((c) => c.id),
        message: `Guard Hook ${hook.typeName} is not activated in ${who} ${region.region}: deployments there are not checked`,
        fix: account.management
          ? 'run `tarmac deploy --management` with management-account credentials'
          : 'run `tarmac deploy`, then `tarmac status` for the instance',
      });
    const pack = region.conformancePack;
    if (pack && !pack.found)
      findings.push({
        ...at,
        kind: 'conformance-pack-missing',
        subject: pack.name,
        message: `conformance pack ${pack.name} is not in ${who} ${region.region}: its Config rules do not run there`,
        fix: 'run `tarmac deploy`, then `tarmac status` for the guardrails instance',
      });
    for (const resource of pack?.nonCompliant ?? []) {
      const controls = configControls(resource.rule);
      const covering = coveringExemptions(account, controls);
      if (covering.length) {
        exempted++;
        continue;
      }
      findings.push({
        ...at,
        kind: 'noncompliant-resource',
        subject: `${resource.resourceType} ${resource.resourceId}`,
        ...(controls.length ? { controls } : {}),
        message: `${resource.resourceType} ${resource.resourceId} in ${who} ${region.region} is NON_COMPLIANT with Config rule ${resource.rule}${partlyExempt(account, controls, resource)}`,
        fix: controls.length ? `fix it as ${controls.join(', ')} says (tarmac explain ${controls[0]}), or add an exemption` : 'fix it, or add an exemption',
      });
    }
    for (const failure of region.hookFailures) {
      const controls = [...new Set(failure.failedRules.flatMap((r) => ruleControls(r.name)))].sort();
      const target = failure.targetId ? `${failure.targetType ?? 'target'} ${failure.targetId}` : (failure.targetType ?? 'a deployment');
      if (failure.failureMode === 'FAIL') {
        blocked.push({ ...at, typeName: failure.typeName, ...(failure.invokedAt ? { invokedAt: failure.invokedAt } : {}), target, controls });
        continue;
      }
      if (controls.length && coveringExemptions(account, controls).length) {
        exempted++;
        continue;
      }
      const rules = failure.failedRules.map((r) => r.name).join(', ') || 'no rule named';
      findings.push({
        ...at,
        kind: 'noncompliant-resource',
        subject: target,
        ...(controls.length ? { controls } : {}),
        message: `Guard Hook ${failure.typeName} let ${target} through in ${who} ${region.region}${failure.invokedAt ? ` on ${failure.invokedAt}` : ''} (FailureMode ${failure.failureMode ?? 'WARN'}) failing ${rules}${failure.reason ? `: ${failure.reason}` : ''}`,
        fix: controls.length
          ? `fix the template as ${controls.join(', ')} says (tarmac check shows it), or add an exemption`
          : 'run tarmac check on the template',
      });
    }
    if (region.securityHubStandards !== undefined) {
      const enabled = region.securityHubStandards;
      const missing = enabled === null ? [] : DEFAULT_STANDARDS.filter((s) => !enabled.some((arn) => arn.includes(s.arnPart)));
      if (enabled === null || missing.length)
        findings.push({
          ...at,
          kind: 'security-hub-standards',
          subject: 'Security Hub',
          message:
            enabled === null
              ? `Security Hub is not enabled in ${who} ${region.region}, although its profile (${account.profile}) turns it on`
              : `Security Hub in ${who} ${region.region} lacks ${missing.map((s) => s.name).join(' and ')}, which the account baseline enables`,
          fix: 'run `tarmac deploy` (the account baseline enables Security Hub with its default standards); if someone disabled a standard, enable it again',
        });
    }
  }
  return { findings, blocked, exempted };
}

/** A conformance pack rule, as Config names it (RuleName-conformance-pack-<suffix>), to the controls of the account's config points. */
function configRuleControls(account: ReportAccount): (rule: string) => string[] {
  const byRule = new Map<string, Set<string>>();
  for (const c of account.controls)
    for (const p of c.points)
      if (p.point === 'config' && p.configRule) {
        if (!byRule.has(p.configRule)) byRule.set(p.configRule, new Set());
        byRule.get(p.configRule)!.add(c.id);
      }
  return (rule) => {
    for (const [name, controls] of byRule) if (rule === name || rule.startsWith(`${name}-conformance-pack-`)) return [...controls].sort();
    return [];
  };
}

/** Exemptions in force that cover the whole account for one of the controls. */
function coveringExemptions(account: ReportAccount, controls: readonly string[]): string[] {
  return account.controls.filter((c) => controls.includes(c.id)).flatMap((c) => c.exemptions.filter((e) => e.wholeAccount).map((e) => e.id));
}

/** An exemption naming only some stacks or resources cannot be matched to a physical resource ID: said, not assumed. */
function partlyExempt(account: ReportAccount, controls: readonly string[], resource: LiveNonCompliantResource): string {
  const partial = account.controls.filter((c) => controls.includes(c.id)).flatMap((c) => c.exemptions.filter((e) => !e.wholeAccount));
  return partial.length ? ` (${partial.map((e) => `${e.id} exempts ${e.scope}`).join('; ')}: if that covers ${resource.resourceId}, this is expected)` : '';
}
