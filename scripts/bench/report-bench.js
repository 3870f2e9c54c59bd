#!/usr/bin/env node
// tarmac report at scale: a synthetic organization of 1,000 accounts (50 OUs under 5 top-level OUs) and 300
// catalog controls, with 30 organization policy controls (aliases and related ones among them), guardrails
// and baseline stack sets per profile and 60 exemptions, built in memory as the loaders would return them. Prints
// the time to build the report model and to render each format, and the size of each output; then the same for
// the example organization in policies/, loaded from disk. Needs dist/ (npm run build).
// Usage: node scripts/bench/report-bench.js [accounts] [controls]
'use strict';
const path = require('path');

const ROOT = path.resolve(__dirname, '..', '..');
const { buildReportModel, loadReportSources } = require(path.join(ROOT, 'packages/cli/dist/report/report-model'));
const { RENDERERS } = require(path.join(ROOT, 'packages/cli/dist/commands/report'));
const { resolveCatalog } = require('@tarmac/core');

const ACCOUNTS = Number(process.argv[2] ?? 1000);
const CONTROLS = Number(process.argv[3] ?? 300);
const TODAY = new Date('2026-12-01T00:00:00Z');
const PROFILES = ['prod', 'dev', 'sandbox'];
const REGIONS = ['eu-west-1', 'eu-central-1'];

function synthetic() {
  const root = '/synthetic/policies';
  const controls = Array.from({ length: CONTROLS }, (_, i) => ({
    id: `LZ.SYN.${i + 1}`,
    aliases: i < 10 ? [`LZ.SCP.${i + 1}`] : [],
    title: `Synthetic control ${i + 1}, with a comma and a "quote" | and a pipe`,
    severity: ['critical', 'high', 'medium', 'low'][i % 4],
    rationale: 'synthetic',
    resourceTypes: ['AWS::S3::Bucket'],
    rule: `lz_syn_${i + 1}`,
    message: 'm',
    fix: 'f',
    frameworks: {
      'nist-800-53-r5': [`AC-${(i % 25) + 1}`, `SC-${(i % 40) + 1}`],
      'pci-dss-4.0': [`${(i % 12) + 1}.${(i % 7) + 1}`],
      'cis-aws-3.0': [`${(i % 5) + 1}.${i % 9}`],
    },
    ...(i % 2 ? { configRule: `SYN_RULE_${i}` } : {}),
    ...(i % 3 === 0 ? { controlTower: [`CT.SYN.PR.${i}`] } : {}),
    unresolved: 'warn',
    exemptible: true,
    file: `${root}/controls/syn/c${i + 1}.yaml`,
    guardFile: `${root}/controls/syn/c${i + 1}.guard`,
    guard: '',
    testFile: '',
  }));
  const profile = (name, def, every) => ({
    name,
    description: name,
    default: def,
    controls: Object.fromEntries(controls.filter((_, i) => i % every === 0).map((c) => [c.id, def === 'enforce' ? 'warn' : 'off'])),
    controlTower: 'warn',
    uncheckable: 'enforce',
    file: `${root}/profiles/${name}.yaml`,
  });
  const catalog = {
    root,
    identity: { name: '@bench/catalog', version: '1.0.0', description: '', file: `${root}/catalog.yaml` },
    controls,
    profiles: new Map([
      ['prod', profile('prod', 'enforce', 10)],
      ['dev', profile('dev', 'enforce', 4)],
      ['sandbox', profile('sandbox', 'warn', 3)],
    ]),
    tags: [],
  };

  const regions = { home: 'eu-west-1', allowed: REGIONS };
  const rootId = 'r-root';
  const ous = [];
  for (let t = 0; t < 5; t++) {
    const top = { id: `ou-root-top${t}`, name: `Top${t}`, path: `Top${t}`, parentId: rootId, regions };
    ous.push(top);
    for (let c = 0; c < 9; c++) ous.push({ id: `ou-root-t${t}c${c}`, name: `Child${c}`, path: `Top${t}/Child${c}`, parentId: top.id, regions });
  }
  const leaves = ous.filter((o) => o.path.includes('/'));
  const accounts = Array.from({ length: ACCOUNTS }, (_, i) => ({
    id: String(100000000000 + i),
    name: `account-${i}`,
    type: PROFILES[i % 3],
    ouId: leaves[i % leaves.length].id,
    regions,
  }));
  const organization = {
    file: `${root}/org.yaml`,
    id: 'o-bench',
    rootId,
    managementAccountId: '999999999999',
    managementAccountName: 'management',
    regions,
    roles: {},
    ous,
    accounts,
    quotas: {},
    alreadyAttached: [],
    lineOf: new Map(),
    configQuotas: { rulesPerAccount: 1000, rulesPerConformancePack: 130, conformancePacksPerAccount: 50 },
    exemptionPolicy: { maxDays: 180, expiringWithinDays: 30 },
  };

  const types = ['SERVICE_CONTROL_POLICY', 'RESOURCE_CONTROL_POLICY', 'TAG_POLICY'];
  const orgControls = Array.from({ length: 30 }, (_, i) => ({
    id: i < 10 ? `LZ.SCP.${i + 1}` : `LZ.ORG.${i + 1}`,
    title: `Organization policy ${i + 1}`,
    severity: 'high',
    rationale: '',
    type: i < 20 ? types[0] : types[1 + (i % 2)],
    targets: [],
    frameworks: { 'nist-800-53-r5': [`CM-${(i % 10) + 1}`] },
    ...(i < 10 ? { control: controls[i].id } : {}),
    related: i >= 10 && i < 15 ? [controls[20 + i].id, controls[40 + i].id] : [],
    references: [],
    tests: [],
    file: `${root}/scp/p${i + 1}.yaml`,
    exemptions: [],
    statements: [],
  }));
  // Root policies carry most controls; each top-level OU and every 50th account get one of their own.
  const policies = [
    {
      type: types[0],
      name: 'tarmac-scp-root-1',
      targetIds: [rootId],
      controls: orgControls
        .filter((c) => c.type === types[0])
        .slice(0, 15)
        .map((c) => c.id),
    },
    { type: types[1], name: 'tarmac-rcp-root-1', targetIds: [rootId], controls: orgControls.filter((c) => c.type === types[1]).map((c) => c.id) },
    { type: types[2], name: 'tarmac-tag-root', targetIds: [rootId], controls: orgControls.filter((c) => c.type === types[2]).map((c) => c.id) },
    ...ous
      .filter((o) => !o.path.includes('/'))
      .map((o, t) => ({
        type: types[0],
        name: `tarmac-scp-top${t}-1`,
        targetIds: [o.id],
        controls: orgControls
          .filter((c) => c.type === types[0])
          .slice(15)
          .map((c) => c.id),
      })),
    ...accounts
      .filter((_, i) => i % 50 === 0)
      .map((a) => ({ type: types[0], name: `tarmac-scp-${a.name}-1`, targetIds: [a.id], controls: [orgControls[0].id] })),
  ].map((p) => ({ ...p, file: `org/${p.name}.json`, content: '{}', bytes: 2 }));
  const orgBuild = { organization, policies, usage: [], companions: new Map() };

  const hook = {
    name: 'guardrails',
    file: 'hooks/guardrails.yaml',
    alias: 'Bench::Guard::Guardrails',
    advisoryAlias: 'Bench::Guard::GuardrailsAdvisory',
    failureMode: 'FAIL',
  };
  const tops = ous.filter((o) => !o.path.includes('/'));
  const units = [];
  for (const [i, name] of PROFILES.entries()) {
    const p = catalog.profiles.get(name);
    const mode = (c) => (Object.hasOwn(p.controls, c.id) ? p.controls[c.id] : p.default);
    const target = {
      name,
      profile: name,
      ouIds: tops.map((o) => o.id),
      ouPaths: tops.map((o) => o.path),
      accountIds: [],
      accountNames: [],
      failureMode: i === 2 ? 'WARN' : 'FAIL',
    };
    const definition = { name: 'guardrails', file: 'stacksets/guardrails.yaml', hook: 'guardrails', config: true, targets: [target], regions: REGIONS };
    units.push({
      name: `tarmac-guardrails-${name}`,
      definition,
      target,
      hook,
      wave: 1,
      enforced: { profile: name, mode: 'enforce', controls: controls.filter((c) => mode(c) === 'enforce').map((c) => c.id) },
      advisory: { profile: name, mode: 'warn', controls: controls.filter((c) => mode(c) === 'warn').map((c) => c.id) },
      configRules: controls
        .filter((c) => c.configRule && mode(c) !== 'off')
        .map((c) => ({ name: `tarmac-${c.configRule.toLowerCase()}`, identifier: c.configRule, description: '', controls: [c.id] })),
      accountsByOu: {},
    });
    const baselineTarget = { ...target, failureMode: 'FAIL' };
    units.push({
      name: `tarmac-account-baseline-${name}`,
      definition: {
        name: 'account-baseline',
        file: 'stacksets/account-baseline.yaml',
        baseline: 'account',
        config: false,
        targets: [baselineTarget],
        regions: REGIONS,
      },
      target: baselineTarget,
      baseline: { kind: 'account', settings: {} },
      wave: 0,
      configRules: [],
      accountsByOu: {},
    });
  }
  // Service-managed stack sets deploy per target OU: one stack set per profile here, narrowed by account type below.
  for (const u of units) u.target = { ...u.target, accountIds: accounts.filter((a) => a.type === u.target.profile).map((a) => a.id) };
  const deployment = { units, bundles: [] };

  const exemptions = Array.from({ length: 60 }, (_, i) => ({
    id: `EX-${String(i + 1).padStart(4, '0')}`,
    controls: [controls[(i * 7) % CONTROLS].id, ...(i % 10 === 0 ? [orgControls[i % 20].id] : [])],
    accountIds: i % 15 === 0 ? [] : [accounts[(i * 13) % ACCOUNTS].id],
    ouIds: i % 15 === 0 ? [leaves[i % leaves.length].id] : [],
    stacks: i % 2 ? ['legacy-*'] : [],
    resources: [],
    reason: 'synthetic, with a comma, a "quote" and a | pipe',
    owner: 'owner@example.com',
    expires: new Date('2027-03-31T00:00:00Z'),
    file: `${root}/exemptions.yaml`,
  }));
  return { catalog, orgPolicies: { organization, controls: orgControls }, orgBuild, deployment, exemptions, today: TODAY };
}

function time(label, fn) {
  const t = process.hrtime.bigint();
  const value = fn();
  return [value, Number(process.hrtime.bigint() - t) / 1e6];
}

function renderAll(model) {
  const rows = [];
  for (const [format, render] of Object.entries(RENDERERS)) {
    const [bytes, ms] = time(format, () => {
      let n = 0;
      for (const chunk of render(model)) n += Buffer.byteLength(chunk);
      return n;
    });
    rows.push({ format, ms, mb: bytes / 1e6 });
  }
  return rows;
}

function print(title, buildMs, model, rows) {
  const cells = model.accounts.reduce((n, a) => n + a.controls.length, 0);
  const points = model.accounts.reduce((n, a) => n + a.controls.reduce((m, c) => m + c.points.length, 0), 0);
  console.log(
    `\n${title}: ${model.accounts.length} accounts x ${model.controls.length} controls (${cells.toLocaleString('en-US')} cells, ${points.toLocaleString('en-US')} points)`,
  );
  console.log(`  model   ${buildMs.toFixed(0).padStart(7)} ms`);
  for (const r of rows) console.log(`  ${r.format.padEnd(8)}${r.ms.toFixed(0).padStart(7)} ms  ${r.mb.toFixed(1).padStart(7)} MB`);
  console.log(`  total   ${(buildMs + rows.reduce((n, r) => n + r.ms, 0)).toFixed(0).padStart(7)} ms`);
}

module.exports = { synthetic, REGIONS };

async function main() {
  const sources = synthetic();
  const [model, buildMs] = time('model', () => buildReportModel(sources));
  print('synthetic organization', buildMs, model, renderAll(model));

  const t = process.hrtime.bigint();
  const example = await loadReportSources(resolveCatalog({ policies: path.join(ROOT, 'policies'), packages: false }), TODAY);
  const loadMs = Number(process.hrtime.bigint() - t) / 1e6;
  const [exampleModel, exampleMs] = time('model', () => buildReportModel(example));
  console.log(`\nexample organization (policies/): sources loaded and built in ${loadMs.toFixed(0)} ms`);
  print('example organization', exampleMs, exampleModel, renderAll(exampleModel));
}

if (require.main === module)
  main().catch((err) => {
    console.error(err);
    process.exit(2);
  });
