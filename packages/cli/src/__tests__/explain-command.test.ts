import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const BIN = path.join(ROOT, 'packages', 'cli', 'bin', 'tarmac.js');
const POLICIES = path.join(ROOT, 'policies');

function tarmac(args: string[], policies = POLICIES) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', TARMAC_POLICIES: policies } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const readYaml = (file: string) => parse(fs.readFileSync(file, 'utf8'));
const yamlFiles = (dir: string) =>
  fs
    .readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => path.join(dir, f));

/** The repository's sources, read here as the YAML says, not as the code under test reads them. */
function controlSource(id: string): { file: string; doc: Record<string, unknown> } {
  const walk = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
  const files = [...walk(path.join(POLICIES, 'controls')), ...['scp', 'rcp', 'declarative'].flatMap((d) => walk(path.join(POLICIES, d)))];
  for (const file of files.filter((f) => /\.ya?ml$/.test(f) && !f.includes(`${path.sep}tests${path.sep}`))) {
    const doc = readYaml(file);
    if (doc?.id === id) return { file, doc };
  }
  throw new Error(`no source for ${id}`);
}

function expectedModes(id: string): Record<string, string> {
  const modes: Record<string, string> = {};
  for (const file of yamlFiles(path.join(POLICIES, 'profiles'))) {
    const p = readYaml(file);
    modes[p.name] = p.controls?.[id] ?? p.default;
  }
  return modes;
}

interface ExpectedStackSet {
  name: string;
  profile: string;
  ous: string[];
  regions: string[];
  failureMode: string;
  config: boolean;
}

/** Every target of a stacksets/ file that deploys a hook, with its failure mode (the target's, else the hook's). */
function expectedHookStackSets(): ExpectedStackSet[] {
  const out: ExpectedStackSet[] = [];
  for (const file of yamlFiles(path.join(ROOT, 'stacksets'))) {
    const def = readYaml(file);
    if (!def.hook) continue;
    const hook = readYaml(path.join(ROOT, 'hooks', `${def.hook}.yaml`));
    for (const t of def.targets)
      out.push({
        name: `tarmac-${path.basename(file, '.yaml')}-${t.name ?? t.profile}`,
        profile: t.profile,
        ous: t.ous ?? [],
        regions: def.regions,
        failureMode: t.failureMode ?? hook.failureMode ?? 'FAIL',
        config: def.config === true,
      });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

describe('tarmac explain', () => {
  const stackSets = expectedHookStackSets();

  test('the repository deploys a hook (else these tests would prove little)', () => {
    expect(stackSets.length).toBeGreaterThan(0);
  });

  test('a Guard control: modes per profile, the stack sets with their failure mode, the Config rule and the Control Tower IDs', () => {
    const { file, doc } = controlSource('LZ.S3.2');
    const r = tarmac(['explain', 'LZ.S3.2']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`LZ.S3.2  ${doc.title}`);
    expect(r.stdout).toContain(`severity: ${doc.severity}`);
    expect(r.stdout).toContain(`source: ${path.relative(ROOT, file).split(path.sep).join('/')}`);
    for (const [framework, ids] of Object.entries(doc.frameworks as Record<string, string[]>)) expect(r.stdout).toContain(`  ${framework}: ${ids.join(', ')}`);
    const modes = expectedModes('LZ.S3.2');
    expect(r.stdout).toContain(
      `  modes: ${Object.entries(modes)
        .map(([p, m]) => `${p} ${m}`)
        .join(', ')}`,
    );
    expect(r.stdout).toContain(`policies/controls/s3/${path.basename(file, '.yaml')}.guard`);
    const out = r.stdout.split('\n');
    for (const s of stackSets) {
      const at = out.findIndex((l) => l.startsWith(`  ${s.name} `));
      expect(at).toBeGreaterThan(-1);
      const block = out.slice(at, at + 3).join('\n');
      expect(block).toContain(`profile ${s.profile}: `);
      expect(block).toContain(`OUs ${s.ous.join(', ')}; regions ${s.regions.join(', ')}`);
      const mode = modes[s.profile];
      if (mode === 'off') expect(block).toMatch(/: off\n {4}in no rule bundle/);
      else if (mode === 'enforce' && s.failureMode === 'FAIL') expect(block).toMatch(/: blocks\n {4}enforce bundle, hook \S+ \(failure mode FAIL\)/);
      else expect(block).toMatch(/: warns\n {4}(enforce|advisory) bundle, hook \S+ \(failure mode WARN\)/);
    }
    expect(r.stdout).toContain(`managed rule ${doc.configRule}: deployed by `);
    expect(r.stdout).toContain((doc.controlTower as string[]).join(', '));
  });

  test('json: the same picture, one stack set per hook target with its bundle and effect', () => {
    // LZ.S3.4 differs across profiles (enforced, warned, off), so every bundle is exercised.
    const r = tarmac(['explain', 'LZ.S3.4', '--format', 'json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    const { doc } = controlSource('LZ.S3.4');
    expect(j).toMatchObject({
      kind: 'guard',
      id: 'LZ.S3.4',
      title: doc.title,
      severity: doc.severity,
      frameworks: doc.frameworks,
      references: doc.references,
      rule: doc.rule,
      modes: expectedModes('LZ.S3.4'),
      controlTower: doc.controlTower,
      config: { rule: doc.configRule },
      deploy: { known: true },
    });
    const modes = expectedModes('LZ.S3.4');
    expect(j.deploy.stackSets.map((s: ExpectedStackSet) => s.name)).toEqual(stackSets.map((s) => s.name));
    for (const s of j.deploy.stackSets) {
      const want = stackSets.find((e) => e.name === s.name)!;
      expect(s).toMatchObject({ profile: want.profile, ous: want.ous, regions: want.regions, failureMode: want.failureMode });
      const mode = modes[s.profile];
      const bundle = mode === 'off' ? 'none' : mode === 'enforce' || want.failureMode === 'WARN' ? 'enforce' : 'advisory';
      expect([s.name, s.bundle, s.effect]).toEqual([
        s.name,
        bundle,
        mode === 'off' ? 'off' : bundle === 'enforce' && want.failureMode === 'FAIL' ? 'blocks' : 'warns',
      ]);
    }
    const configured = j.deploy.stackSets.filter(
      (s: { name: string; effect: string }) => s.effect !== 'off' && stackSets.find((e) => e.name === s.name)!.config,
    );
    expect(j.config.deployedBy).toEqual(configured.map((s: { name: string }) => s.name));
    // hooks/guardrails.yaml excludes the break-glass service role; a stack set that evaluates the control says so,
    // and that Cloud Control calls are evaluated anyway. One where it is off says nothing of filters.
    for (const s of j.deploy.stackSets)
      expect(s.stackFilters).toEqual(
        s.effect === 'off'
          ? []
          : [
              "stack filters (all must match): not stacks whose service role is TarmacBreakGlass; a service role is the stack's role (--role-arn), not the caller's",
              'Cloud Control API calls are evaluated whatever the filters say (AWS ignores stack level filters for them; see docs/aws-assumptions.md)',
            ],
      );
  });

  test('an SCP: its type, targets, and the Sids of each built policy with the targets it is attached to', () => {
    const { doc } = controlSource('LZ.SCP.6');
    const sids = (doc.statements as { Sid: string }[]).map((s) => s.Sid);
    const text = tarmac(['explain', 'LZ.SCP.6']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('organization policy (SERVICE_CONTROL_POLICY):');
    expect(text.stdout).toContain(`  targets: ${(doc.targets as string[]).join(', ')}`);
    expect(text.stdout).toContain(`  statements: ${sids.join(', ')}`);
    const j = JSON.parse(tarmac(['explain', 'lz.scp.6', '--format', 'json']).stdout);
    expect(j).toMatchObject({ kind: 'organization-policy', id: 'LZ.SCP.6', type: 'SERVICE_CONTROL_POLICY', targets: doc.targets, statements: sids });
    expect(j.policies.length).toBeGreaterThan(0);
    for (const p of j.policies) {
      expect(p.file).toMatch(/^org\/scp\/tarmac-scp-.*\.json$/);
      expect(p.sids).toEqual(sids);
    }
    expect([...new Set(j.policies.flatMap((p: { targets: string[] }) => p.targets))].sort()).toEqual([...(doc.targets as string[])].sort());
  });

  test('an alias explains its control, which lists every enforcement point of the intent', () => {
    const { doc: control } = controlSource('LZ.EC2.2');
    const { doc: scp } = controlSource('LZ.SCP.5');
    expect([control.aliases, scp.control]).toEqual([['LZ.SCP.5'], 'LZ.EC2.2']);
    const text = tarmac(['explain', 'LZ.SCP.5']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^LZ\.SCP\.5 is an alias of LZ\.EC2\.2\n\nLZ\.EC2\.2 {2}/);
    const direct = tarmac(['explain', 'LZ.EC2.2']).stdout;
    // The same explanation either way, bar the first line.
    expect(text.stdout.split('\n').slice(2).join('\n')).toBe(direct);
    expect(direct).toContain('aliases: LZ.SCP.5 ');
    expect(direct).toMatch(
      /^organization policies \(the same control at the API; their IDs are aliases\):\n {2}LZ\.SCP\.5 SERVICE_CONTROL_POLICY policies\/scp\/require-imdsv2\.yaml/m,
    );
    expect(direct).toMatch(
      /^related organization policies \(part of the intent, among others\):\n {2}LZ\.DEC\.1 DECLARATIVE_POLICY_EC2 policies\/declarative\/ec2-account-defaults\.yaml/m,
    );
    expect(direct).toContain(`managed rule ${control.configRule}`);
    expect(direct).toContain((control.controlTower as string[]).join(', '));
    const j = JSON.parse(tarmac(['explain', 'lz.scp.5', '--format', 'json']).stdout);
    expect(j).toMatchObject({ kind: 'guard', id: 'LZ.EC2.2', askedAs: 'LZ.SCP.5', aliases: ['LZ.SCP.5'] });
    expect(j.organizationPolicies.map((o: { id: string; relation: string }) => [o.id, o.relation])).toEqual([
      ['LZ.SCP.5', 'alias'],
      ['LZ.DEC.1', 'related'],
    ]);
    const sids = (scp.statements as { Sid: string }[]).map((s) => s.Sid);
    for (const p of j.organizationPolicies[0].policies) expect(p.sids).toEqual(sids);
  });

  test('an SCP repeated per mandatory tag, through its alias: one built Sid per key of tags.yaml', () => {
    const { doc } = controlSource('LZ.SCP.9');
    const tags = readYaml(path.join(POLICIES, 'tags.yaml')).tags as unknown[];
    const explained = JSON.parse(tarmac(['explain', 'LZ.SCP.9', '--format', 'json']).stdout);
    expect(explained).toMatchObject({ kind: 'guard', id: doc.control, askedAs: 'LZ.SCP.9' });
    const j = explained.organizationPolicies.find((o: { id: string }) => o.id === 'LZ.SCP.9');
    expect(j).toMatchObject({ relation: 'alias', targets: doc.targets });
    expect([...new Set(j.policies.flatMap((p: { targets: string[] }) => p.targets))].sort()).toEqual([...(doc.targets as string[])].sort());
    for (const p of j.policies) {
      expect(p.sids).toHaveLength(tags.length);
      for (const sid of p.sids) expect(sid).toMatch(/^DenyCreateWithoutTag\w+$/);
    }
  });

  test('the exemptions naming a control, with their status on the day asked about (never the real date)', () => {
    const guard = tarmac(['explain', 'LZ.S3.2', '--at', '2026-12-07']);
    expect(guard.stdout).toMatch(
      /^exemptions \(policies\/exemptions\.yaml; honoured by tarmac check, TarmacChecks at synth, the Guard Hook and SCP\/RCP carve-outs; recorded for AWS Config/m,
    );
    expect(guard.stdout).toMatch(/^ {2}EX-0001 active, until 2027-03-31: data-prod; stacks legacy-ingest-\*; resources RawBucket$/m);
    const scp = JSON.parse(tarmac(['explain', 'LZ.SCP.6', '--at', '2027-01-10', '--format', 'json']).stdout);
    expect(scp.exemptedBy).toEqual([
      expect.objectContaining({ id: 'EX-0002', status: 'expiring', expires: '2027-01-15', scope: 'data-dev', ticket: 'SEC-1301' }),
    ]);
    // Built as on that day: the carve-out while EX-0002 is in force, none after.
    expect(scp.policies.map((p: { carvedOut?: string[] }) => p.carvedOut)).toEqual([['data-dev']]);
    const after = JSON.parse(tarmac(['explain', 'LZ.SCP.6', '--at', '2027-01-16', '--format', 'json']).stdout);
    expect(after.exemptedBy[0].status).toBe('expired');
    expect(after.policies.map((p: { carvedOut?: string[] }) => p.carvedOut)).toEqual([undefined]);
    expect(tarmac(['explain', 'LZ.S3.1', '--at', '2026-12-07']).stdout).toMatch(/^exemptions: none$/m);
    expect(tarmac(['explain', 'LZ.S3.1', '--at', 'soon'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--at soon: expected a day as YYYY-MM-DD'),
    });
  });

  test('an unknown ID is a usage error naming the closest control', () => {
    const r = tarmac(['explain', 'LZ.S3.22']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain("unknown control 'LZ.S3.22'; did you mean 'LZ.S3.2'?");
    expect(tarmac(['explain', 'LZ.SCP.55']).stderr).toContain("did you mean 'LZ.SCP.5'?");
  });

  test('a catalog with only policies/ (an installed package): what is known, and the deploy-time part unknown', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-explain-'));
    fs.cpSync(POLICIES, path.join(dir, 'policies'), { recursive: true });
    const r = tarmac(['explain', 'LZ.S3.2'], path.join(dir, 'policies'));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('unknown without hooks/ and stacksets/ beside policies/');
    expect(r.stdout).toContain('whether stack sets deploy it is unknown');
    expect(JSON.parse(tarmac(['explain', 'LZ.S3.2', '--format', 'json'], path.join(dir, 'policies')).stdout).deploy.known).toBe(false);
  });

  test('--help names the exit codes', () => {
    const r = tarmac(['explain', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Exit codes: 0 shown, 2 unknown control or bad input.');
  });
});
