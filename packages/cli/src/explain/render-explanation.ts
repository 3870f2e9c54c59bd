import { BuiltPolicyUse, ControlExplanation, GuardControlExplanation, OrgPolicyExplanation, OrgPolicyRef, isUnknown } from './control-explanation';

/** `tarmac explain` as text: what the control is, then every place it is enforced. */
export function renderExplanation(e: ControlExplanation): string {
  const [asked, aliases] = aliasLines(e);
  const lines = [...asked, `${e.id}  ${e.title}`, `severity: ${e.severity}`, `source: ${e.file} (${e.catalog})`, ...aliases, '', wrap(e.rationale, '  '), ''];
  const frameworks = Object.entries(e.frameworks);
  if (frameworks.length) lines.push('frameworks:', ...frameworks.map(([f, ids]) => `  ${f}: ${ids.join(', ')}`));
  if (e.references.length) lines.push('references:', ...e.references.map((r) => `  ${r}`));
  lines.push('');
  lines.push(...(e.kind === 'guard' ? guardLines(e) : orgLines(e)));
  lines.push('', ...exemptionLines(e));
  return lines.join('\n') + '\n';
}

function guardLines(e: GuardControlExplanation): string[] {
  const lines = [
    'pre-commit and synth (tarmac check, the CDK aspect):',
    `  rule ${e.rule} in ${e.guardFile}, on ${e.resourceTypes.join(', ')}`,
    `  modes: ${Object.entries(e.modes)
      .map(([p, m]) => `${p} ${m}`)
      .join(', ')}`,
    `  fix: ${e.fix}`,
    '',
    'deploy time (CloudFormation Guard Hooks):',
  ];
  if (isUnknown(e.deploy)) lines.push(`  ${e.deploy.reason}`);
  else if (!e.deploy.stackSets.length) lines.push('  no stack set in stacksets/ deploys a hook');
  else {
    for (const s of e.deploy.stackSets) {
      const where = [s.ous.length ? `OUs ${s.ous.join(', ')}` : '', s.accounts.length ? `accounts ${s.accounts.join(', ')}` : ''].filter(Boolean).join('; ');
      lines.push(`  ${s.name} (${s.file}), profile ${s.profile}: ${s.effect}`);
      if (s.bundle === 'none') lines.push('    in no rule bundle (off in the profile)');
      else lines.push(`    ${s.bundle} bundle, hook ${s.hook} (failure mode ${s.bundle === 'enforce' ? s.failureMode : 'WARN'})`);
      lines.push(`    ${where}; regions ${s.regions.join(', ')}`);
      for (const f of s.stackFilters) lines.push(`    ${f}`);
    }
  }
  lines.push('', 'AWS Config:');
  if (!e.config.rule) lines.push('  no managed rule');
  else {
    const by = e.config.deployedBy;
    lines.push(
      `  managed rule ${e.config.rule}: ${
        isUnknown(by)
          ? 'whether stack sets deploy it is unknown'
          : by.length
            ? `deployed by ${by.join(', ')}`
            : 'deployed by no stack set (config: false or off)'
      }`,
    );
  }
  lines.push('', 'AWS Control Tower:', `  ${e.controlTower.length ? e.controlTower.join(', ') : 'no proactive control'}`);
  if (isUnknown(e.organizationPolicies)) lines.push('', 'organization policies:', `  ${e.organizationPolicies.reason}`);
  else {
    const [same, related] = [e.organizationPolicies.filter((o) => o.relation === 'alias'), e.organizationPolicies.filter((o) => o.relation === 'related')];
    if (same.length) lines.push('', 'organization policies (the same control at the API; their IDs are aliases):', ...same.flatMap(orgPolicyRefLines));
    if (related.length) lines.push('', 'related organization policies (part of the intent, among others):', ...related.flatMap(orgPolicyRefLines));
  }
  return lines;
}

/** Asked by an alias: said first. Then, under the source, the other IDs the control answers to. */
function aliasLines(e: ControlExplanation): [string[], string[]] {
  if (e.kind !== 'guard') return [[], []];
  const asked = e.askedAs ? [`${e.askedAs} is an alias of ${e.id}`, ''] : [];
  return [asked, e.aliases.length ? [`aliases: ${e.aliases.join(', ')} (acknowledgements and exemptions may name any of them)`] : []];
}

function orgPolicyRefLines(o: OrgPolicyRef): string[] {
  const built = isUnknown(o.policies) ? [`    built: ${o.policies.reason}`] : o.policies.map((p) => `    ${builtLine(p)}`);
  return [`  ${o.id} ${o.type} ${o.file}: ${o.title}`, `    targets: ${o.targets.join(', ')}`, ...built];
}

function builtLine(p: BuiltPolicyUse): string {
  const carved = p.carvedOut?.length ? `; carved out for ${p.carvedOut.join(', ')} (exemptions)` : '';
  return `${p.name} (${p.file}) attached to ${p.targets.join(', ')}${p.sids.length ? `: Sids ${p.sids.join(', ')}` : ''}${carved}`;
}

function orgLines(e: OrgPolicyExplanation): string[] {
  const lines = [`organization policy (${e.type}):`, `  targets: ${e.targets.join(', ')}`];
  if (e.exemptions.length) lines.push(`  exempt roles: ${e.exemptions.join(', ')}`);
  if (e.statements.length) lines.push(`  statements: ${e.statements.join(', ')}`);
  if (e.control) lines.push(`  control: ${e.control} (${e.id} is an alias of it)`);
  if (e.related.length) lines.push(`  related controls: ${e.related.join(', ')}`);
  lines.push('', 'built (tarmac build):');
  if (isUnknown(e.policies)) lines.push(`  ${e.policies.reason}`);
  else for (const p of e.policies) lines.push(`  ${builtLine(p)}`);
  return lines;
}

function exemptionLines(e: ControlExplanation): string[] {
  // Where they are honoured, and where only recorded (ADR 0012), so nobody relies on more than that.
  const title =
    'exemptions (policies/exemptions.yaml; honoured by tarmac check, TarmacChecks at synth, the Guard Hook and SCP/RCP carve-outs; recorded for AWS Config reports in org/exemptions.json, see docs/adr/0012-exemptions.md):';
  if (isUnknown(e.exemptedBy)) return [title, `  ${e.exemptedBy.reason}`];
  if (!e.exemptedBy.length) return ['exemptions: none'];
  return [
    title,
    ...e.exemptedBy.flatMap((x) => [
      `  ${x.id} ${x.status}, until ${x.expires}: ${x.scope}`,
      `    ${x.reason} (${[x.owner, x.ticket].filter(Boolean).join(', ')})`,
    ]),
  ];
}

function wrap(text: string, indent: string, width = 100): string {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && indent.length + line.length + 1 + word.length > width) {
      out.push(indent + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(indent + line);
  return out.join('\n');
}
