#!/usr/bin/env node
/**
 * End to end, as a workload team meets Tarmac: from packed tarballs, in a scratch git repository outside
 * this checkout (under the OS temporary directory), with the real pre-commit framework, husky and
 * lint-staged. `npm run test:e2e` (needs: git, pre-commit, the npm registry or a warm npm cache).
 *
 *   1. pack        every package (scripts/pack-packages.js) and the example catalog (tarmac catalog pack)
 *   2. source      this working tree as a git repository tagged v0.1.0: what pre-commit's `repo:` clones
 *   3. pre-commit  `git commit` through the tarmac-check hook (language: node, the catalog tarball as
 *                  additional_dependencies, found beside the CLI): blocked with bad.yaml's findings,
 *                  through without it; package.json, workflows, compose, Kubernetes, cdk.json and
 *                  serverless.yml are passed to the hook and never errors
 *   4. install     npm i -D the CLI, core, guard, the platform's cfn-guard and the catalog, from tarballs
 *   5. check       npx tarmac check on the repository's files, in text, SARIF and JUnit
 *   6. cdk         a CDK app with TarmacChecks, MandatoryTags and PermissionsBoundary and no catalog
 *                  configuration, synthesized with app.synth(); then the tarmac-check-cdk hook on cdk.out
 *   7. husky       husky + lint-staged as the README says: blocked, then through
 *
 * Every step checks what it must; a step that does not do it fails with the command and its output.
 * TARMAC_E2E_KEEP=1 keeps the scratch directory (its path is printed).
 */
'use strict';

const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const REPO = path.resolve(__dirname, '..', '..');
const FIXTURE = path.join(__dirname, 'workload');
const KEEP = process.env.TARMAC_E2E_KEEP === '1';
const CATALOG = '@tarmac/example-catalog';
const TAG = 'v0.1.0';
const PLATFORM_GUARD = `@tarmac/cfn-guard-${process.platform}-${process.arch}`;

/** The workload repository's files a commit stages besides bad.yaml: every kind a hook passes to tarmac. */
const WORKLOAD_FILES = [
  'package.json',
  'tsconfig.json',
  '.github/workflows/ci.yml',
  'docker-compose.yml',
  'k8s/app.yaml',
  'cdk.json',
  'serverless.yml',
  'infra/good.yaml',
];

class StepFailed extends Error {}

// ---------------------------------------------------------------------------------------------- helpers

/**
 * The environment of every command run in the scratch repositories: none of npm's run-script variables
 * (npm run test:e2e sets npm_config_*, which would steer the nested npm), no catalog override, a git
 * configuration of our own (a global core.hooksPath or signing setup must not change what is tested).
 */
function scratchEnv(tmp) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^npm_/i.test(k) || k === 'INIT_CWD' || k === 'TARMAC_POLICIES' || k === 'TARMAC_CATALOG' || k.startsWith('GIT_')) continue;
    env[k] = v;
  }
  const gitconfig = path.join(tmp, 'gitconfig');
  fs.writeFileSync(
    gitconfig,
    '[user]\n\tname = Workload Engineer\n\temail = engineer@example.com\n[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n[advice]\n\tdetachedHead = false\n',
  );
  return {
    ...env,
    GIT_CONFIG_GLOBAL: gitconfig,
    GIT_CONFIG_NOSYSTEM: '1',
    PRE_COMMIT_HOME: path.join(tmp, 'pre-commit-home'),
    HUSKY: undefined,
    CI: 'true',
    NO_COLOR: '1',
    FORCE_COLOR: '0',
  };
}

let ENV = { ...process.env };

/** Runs a command; `expect` is the exit code it must end with (or 'nonzero'). Returns its output. */
function run(cmd, args, { cwd, expect = 0, env = ENV, input } = {}) {
  const started = Date.now();
  const r = spawnSync(cmd, args, { cwd, env: clean(env), input, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const out = `${r.stdout ?? ''}${r.stderr ? `${r.stdout ? '\n' : ''}${r.stderr}` : ''}`;
  const result = { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', out, ms: Date.now() - started };
  const ok = r.error === undefined && (expect === 'nonzero' ? r.status !== 0 && r.status !== null : r.status === expect);
  if (!ok) {
    fail(
      `${cmd} ${args.join(' ')}\n  in ${cwd}\n  expected exit ${expect === 'nonzero' ? 'not 0' : expect}, got ${r.error ? r.error.message : r.signal ? `signal ${r.signal}` : r.status}`,
      result,
    );
  }
  return result;
}

function clean(env) {
  return Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined));
}

function fail(message, result) {
  const output = result ? `\n----- output (exit ${result.status}) -----\n${tail(result.out)}\n----- end of output -----` : '';
  throw new StepFailed(`${message}${output}`);
}

function tail(text, max = 60000) {
  return text.length > max ? `[... ${text.length - max} characters cut ...]\n${text.slice(-max)}` : text;
}

/** Fails unless the command's output has every string or pattern. */
function expectOutput(result, what, ...needles) {
  const missing = needles.filter((n) => (n instanceof RegExp ? !n.test(result.out) : !result.out.includes(n)));
  if (missing.length) fail(`${what}: the output lacks ${missing.map(String).join(', ')}`, result);
}

/** Fails if the command's output has any of these strings or patterns. */
function expectNoOutput(result, what, ...needles) {
  const found = needles.filter((n) => (n instanceof RegExp ? n.test(result.out) : result.out.includes(n)));
  if (found.length) fail(`${what}: the output has ${found.map(String).join(', ')}`, result);
}

function check(condition, message, result) {
  if (!condition) fail(message, result);
}

const timings = [];
function phase(name, fn) {
  const started = Date.now();
  process.stdout.write(`e2e: ${name}...\n`);
  try {
    return fn();
  } finally {
    timings.push([name, Date.now() - started]);
  }
}

function copyTree(from, to) {
  fs.cpSync(from, to, { recursive: true });
}

function writeJson(file, value) {
  fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** The package.json inside a tarball. */
function tarballManifest(tgz) {
  return JSON.parse(run('tar', ['-xzOf', tgz, 'package/package.json'], { cwd: path.dirname(tgz) }).stdout);
}

// ------------------------------------------------------------------------------------------------ steps

/** 1. Every package and the example catalog, packed as a release would pack them. */
function pack(out) {
  const tarballs = new Map();
  // Prints the tarballs' paths, one a line, and nothing else on stdout.
  const packed = run(process.execPath, [path.join(REPO, 'scripts', 'pack-packages.js'), out], { cwd: REPO });
  for (const line of packed.stdout.split('\n').filter(Boolean)) {
    check(line.endsWith('.tgz') && fs.existsSync(line), `scripts/pack-packages.js printed ${JSON.stringify(line)}, not the path of a tarball`, packed);
    tarballs.set(tarballManifest(line).name, line);
  }
  for (const name of ['@tarmac/core', '@tarmac/guard', '@tarmac/cdk', '@tarmac/cli', PLATFORM_GUARD]) {
    check(tarballs.has(name), `scripts/pack-packages.js packed no ${name} (it packed ${[...tarballs.keys()].join(', ')})`, packed);
  }

  const catalog = run(process.execPath, [path.join(REPO, 'packages', 'cli', 'bin', 'tarmac.js'), 'catalog', 'pack', '--out', out], { cwd: REPO });
  const last = catalog.stdout.trim().split('\n').pop();
  check(last.endsWith('tarmac-example-catalog-0.1.0.tgz') && fs.existsSync(last), `tarmac catalog pack: the last line is not the tarball's path`, catalog);
  check(tarballManifest(last).name === CATALOG, `the catalog tarball is not ${CATALOG}`, catalog);
  tarballs.set(CATALOG, last);
  return tarballs;
}

/**
 * 2. This working tree (committed or not: what is tested is what is here) as a git repository of its own,
 * tagged like a release. pre-commit clones `repo:` at `rev:`; /work/main's own tags are never touched.
 */
function sourceRepo(dir) {
  const files = run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: REPO }).stdout.split('\0').filter(Boolean);
  for (const file of files) {
    const from = path.join(REPO, file);
    let stat;
    try {
      stat = fs.lstatSync(from);
    } catch {
      continue; // deleted in the working tree
    }
    const to = path.join(dir, file);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    if (stat.isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(from), to);
    else if (stat.isFile()) fs.copyFileSync(from, to);
  }
  run('git', ['init', '-q'], { cwd: dir });
  run('git', ['add', '-A'], { cwd: dir });
  run('git', ['commit', '-q', '-m', 'tarmac as in the working tree'], { cwd: dir });
  run('git', ['tag', TAG], { cwd: dir });
}

/** 3. The workload repository: the team's files, nothing of Tarmac's yet. */
function workloadRepo(dir, badYaml) {
  copyTree(FIXTURE, dir);
  // bad.yaml is kept beside the repository and brought in when a step needs it.
  fs.renameSync(path.join(dir, 'infra', 'bad.yaml'), badYaml);
  run('git', ['init', '-q'], { cwd: dir });
}

/** The paths in the last commit. */
function committedFiles(dir) {
  return run('git', ['ls-tree', '-r', '--name-only', 'HEAD'], { cwd: dir }).stdout.split('\n').filter(Boolean);
}

function commitCount(dir) {
  const r = spawnSync('git', ['rev-list', '--count', 'HEAD'], { cwd: dir, env: clean(ENV), encoding: 'utf8' });
  return r.status === 0 ? Number(r.stdout.trim()) : 0;
}

/** The findings bad.yaml has, in the hook's output: the file and the S3 controls. */
const BAD_FINDINGS = ['infra/bad.yaml', '[LZ.S3.1]', '[LZ.S3.2]'];
/** What a non-template reported as a problem would look like in the output. */
const NON_TEMPLATE_ERRORS = [
  /^error .*(package\.json|tsconfig\.json|ci\.yml|docker-compose\.yml|k8s\/app\.yaml|cdk\.json|serverless\.yml)/m,
  /not checkable|bad input/i,
];

function preCommit(dir, sourceDir, tarballs, badYaml) {
  fs.writeFileSync(
    path.join(dir, '.pre-commit-config.yaml'),
    [
      'repos:',
      `  - repo: ${sourceDir}`,
      `    rev: ${TAG}`,
      '    hooks:',
      '      - id: tarmac-check',
      '        args: [--profile, prod]',
      `        additional_dependencies: [${JSON.stringify(tarballs.get(CATALOG))}]`,
      '      - id: tarmac-check-cdk',
      '        args: [--profile, prod]',
      '        stages: [manual]',
      `        additional_dependencies: [${JSON.stringify(tarballs.get(CATALOG))}]`,
      '',
    ].join('\n'),
  );
  run('pre-commit', ['install'], { cwd: dir });
  const setup = phase('pre-commit: hook environment (npm install, build and pack of the repo, npm install -g)', () =>
    run('pre-commit', ['install-hooks'], { cwd: dir }),
  );
  // The environment pre-commit built: the CLI installed globally from the repository's own tarball, the
  // catalog beside it, and no catalog anywhere in the workload repository.
  const envs = fs
    .readdirSync(ENV.PRE_COMMIT_HOME)
    .map((d) => path.join(ENV.PRE_COMMIT_HOME, d))
    .filter((d) => fs.existsSync(path.join(d, 'node_env-system')));
  check(envs.length === 1, `expected one pre-commit node environment, found ${envs.length}`, setup);
  const globalModules = path.join(envs[0], 'node_env-system', 'lib', 'node_modules');
  for (const name of ['tarmac', CATALOG])
    check(fs.existsSync(path.join(globalModules, name, 'package.json')), `pre-commit's environment lacks ${name} in ${globalModules}`, setup);
  const bundled = path.join(globalModules, 'tarmac', 'node_modules');
  check(
    fs.existsSync(path.join(bundled, PLATFORM_GUARD, 'bin', 'cfn-guard')),
    `the tarmac package does not bundle ${PLATFORM_GUARD} with its cfn-guard binary`,
    setup,
  );

  phase('pre-commit: commits', () => {
    fs.copyFileSync(badYaml, path.join(dir, 'infra', 'bad.yaml'));
    run('git', ['add', '-A'], { cwd: dir });
    const blocked = run('git', ['commit', '-m', 'orders service with uploads'], { cwd: dir, expect: 'nonzero' });
    expectOutput(blocked, 'the blocked commit', /tarmac check.*Failed/, ...BAD_FINDINGS, `catalog ${CATALOG}@0.1.0, compiled engine`);
    expectNoOutput(blocked, 'the blocked commit', ...NON_TEMPLATE_ERRORS);
    check(commitCount(dir) === 0, 'the commit with bad.yaml went through', blocked);

    // Unstaged (still in the working tree, untracked): the hook judges what is committed.
    run('git', ['rm', '-q', '--cached', 'infra/bad.yaml'], { cwd: dir });
    const passed = run('git', ['commit', '-m', 'orders service'], { cwd: dir });
    expectOutput(passed, 'the commit without bad.yaml', /tarmac check.*Passed/);
    const files = committedFiles(dir);
    for (const f of [...WORKLOAD_FILES, '.pre-commit-config.yaml']) {
      check(files.includes(f), `the commit lacks ${f}`, passed);
    }
    check(!files.includes('infra/bad.yaml'), 'bad.yaml was committed', passed);
    fs.rmSync(path.join(dir, 'infra', 'bad.yaml'));
  });
}

function install(dir, tarballs) {
  const names = ['@tarmac/cli', '@tarmac/core', '@tarmac/guard', PLATFORM_GUARD, CATALOG];
  run('npm', ['install', '--save-dev', '--prefer-offline', '--no-audit', '--no-fund', ...names.map((n) => tarballs.get(n))], { cwd: dir });
  const pkg = readJson(path.join(dir, 'package.json'));
  check(pkg.devDependencies?.[CATALOG], `package.json does not declare ${CATALOG}`);
}

function checkCommand(dir, badYaml) {
  const tarmac = (args, expect) => run('npx', ['--no-install', 'tarmac', 'check', ...args], { cwd: dir, expect });

  const good = tarmac(['infra/good.yaml', '--profile', 'prod'], 0);
  check(good.out.trim() === '', 'tarmac check on a passing template is not quiet', good);

  fs.copyFileSync(badYaml, path.join(dir, 'infra', 'bad.yaml'));
  const bad = tarmac(['infra/bad.yaml', '--profile', 'prod'], 1);
  expectOutput(bad, 'tarmac check infra/bad.yaml', ...BAD_FINDINGS, '[LZ.TAG.1]', `catalog ${CATALOG}@0.1.0, compiled engine`);

  // Every file a hook may pass: non-templates are skipped, never errors.
  const named = [...WORKLOAD_FILES, 'package-lock.json'];
  const others = tarmac([...named, '--profile', 'prod'], 0);
  expectNoOutput(others, 'tarmac check on the repository files', ...NON_TEMPLATE_ERRORS);

  // The whole repository, as CI runs it: node_modules is not scanned, bad.yaml is the one failure.
  const all = tarmac(['.', '--profile', 'prod'], 1);
  expectOutput(all, 'tarmac check .', ...BAD_FINDINGS);
  expectNoOutput(all, 'tarmac check .', /^\S*(good\.yaml|node_modules)\S*:\d+ /m, ...NON_TEMPLATE_ERRORS);

  // The CI recipes of docs/ci: SARIF for code scanning, JUnit for the test report.
  tarmac(['infra', '--profile', 'prod', '--format', 'sarif', '--output', 'tarmac.sarif'], 1);
  const sarif = readJson(path.join(dir, 'tarmac.sarif'));
  const rules = new Set((sarif.runs?.[0]?.results ?? []).map((r) => r.ruleId));
  check(
    sarif.version === '2.1.0' && rules.has('LZ.S3.1') && rules.has('LZ.S3.2'),
    `tarmac.sarif: expected SARIF 2.1.0 with LZ.S3.1 and LZ.S3.2 results, got version ${sarif.version} and ${[...rules].join(', ')}`,
  );
  tarmac(['infra', '--profile', 'prod', '--format', 'junit', '--output', 'tarmac.junit.xml'], 1);
  const junit = fs.readFileSync(path.join(dir, 'tarmac.junit.xml'), 'utf8');
  check(
    /<testsuites?[\s>]/.test(junit) && /<failure/.test(junit) && junit.includes('LZ.S3.1'),
    `tarmac.junit.xml is not a JUnit report with the LZ.S3.1 failure:\n${junit.slice(0, 2000)}`,
  );

  // The catalog package carries its exemptions: EX-0001 exempts LZ.S3.2 on RawBucket in data-prod's legacy-ingest-* stacks.
  const raw = path.join(dir, 'infra', 'raw.yaml');
  fs.writeFileSync(raw, fs.readFileSync(badYaml, 'utf8').replace(/\bUploadsBucket\b/g, 'RawBucket'));
  const exempted = tarmac(['infra/raw.yaml', '--account', 'data-prod', '--stack-name', 'legacy-ingest-orders', '--at', '2027-01-10', '--format', 'json'], 1);
  const s3kms = JSON.parse(exempted.stdout).findings.find((f) => f.controlId === 'LZ.S3.2' && f.logicalId === 'RawBucket');
  check(
    s3kms?.exemption?.id === 'EX-0001' && s3kms.exemption.status === 'active',
    'tarmac check --account data-prod: LZ.S3.2 on RawBucket is not exempted by EX-0001',
    exempted,
  );
  for (const f of ['tarmac.sarif', 'tarmac.junit.xml', 'infra/bad.yaml', 'infra/raw.yaml']) fs.rmSync(path.join(dir, f));
}

function cdk(dir, tarballs) {
  const devDeps = readJson(path.join(REPO, 'packages', 'cdk', 'package.json')).devDependencies;
  const registry = ['aws-cdk-lib', 'constructs', 'cdk-nag'].map((n) => `${n}@${devDeps[n]}`);
  phase('cdk: npm install @tarmac/cdk, aws-cdk-lib, constructs, cdk-nag', () =>
    run('npm', ['install', '--save-dev', '--prefer-offline', '--no-audit', '--no-fund', tarballs.get('@tarmac/cdk'), ...registry], { cwd: dir }),
  );
  const boundary = /^name:\s*(\S+)/m.exec(fs.readFileSync(path.join(dir, 'node_modules', CATALOG, 'policies', 'permissions-boundary.yaml'), 'utf8'))[1];

  phase('cdk: synth', () => {
    const out = path.join(dir, 'cdk.out');
    const report = () => readJson(path.join(out, 'validation-report.json')).pluginReports.find((r) => r.pluginName === 'Tarmac');
    const template = () => readJson(path.join(out, 'Orders.template.json')).Resources;

    // Before any synth the tarmac-check-cdk hook has nothing to check: an error, never a pass.
    const missing = run('pre-commit', ['run', 'tarmac-check-cdk', '--hook-stage', 'manual'], { cwd: dir, expect: 1 });
    expectOutput(missing, 'the tarmac-check-cdk hook without cdk.out', 'cdk.out');

    const failed = run(process.execPath, ['app.js'], { cwd: dir, expect: 1 });
    expectOutput(failed, 'node app.js', 'LZ.S3.1', 'LZ.S3.2');
    const tarmac = report();
    check(tarmac?.conclusion === 'failure', `validation-report.json: the Tarmac report is not a failure: ${JSON.stringify(tarmac)?.slice(0, 2000)}`, failed);
    const errors = tarmac.violations.filter((v) => v.severity === 'error').flatMap((v) => v.violatingConstructs.map((c) => `${v.ruleName} ${c.constructPath}`));
    for (const id of ['LZ.S3.1', 'LZ.S3.2', 'LZ.S3.5'])
      check(
        errors.includes(`${id} Orders/Uploads/Resource`),
        `validation-report.json: no ${id} error on Orders/Uploads/Resource; errors: ${errors.join('; ')}`,
        failed,
      );
    const others = errors.filter((e) => !e.endsWith(' Orders/Uploads/Resource'));
    check(others.length === 0, `validation-report.json: errors on compliant constructs: ${others.join('; ')}`, failed);

    // The tarmac-check-cdk hook on that assembly blocks with the same controls.
    const hookFailed = run('pre-commit', ['run', 'tarmac-check-cdk', '--hook-stage', 'manual'], { cwd: dir, expect: 1 });
    expectOutput(hookFailed, 'the tarmac-check-cdk hook on the failing assembly', '[LZ.S3.1]', '[LZ.S3.2]', 'Orders');

    fs.rmSync(out, { recursive: true });
    const passed = run(process.execPath, ['app.js', '--compliant'], { cwd: dir });
    const clean = report();
    check(
      !clean || (clean.conclusion === 'success' && clean.violations.length === 0),
      `validation-report.json: the compliant app has Tarmac violations: ${JSON.stringify(clean)?.slice(0, 2000)}`,
      passed,
    );
    const resources = template();
    const role = Object.values(resources).find((r) => r.Type === 'AWS::IAM::Role');
    check(
      JSON.stringify(role?.Properties?.PermissionsBoundary ?? '').includes(boundary),
      `the role does not carry the catalog's boundary ${boundary}: ${JSON.stringify(role)}`,
    );
    const queue = Object.values(resources).find((r) => r.Type === 'AWS::SQS::Queue');
    const tags = Object.fromEntries((queue?.Properties?.Tags ?? []).map((t) => [t.Key, t.Value]));
    check(tags['cost-center'] === 'cc-4711' && tags.team === 'orders', `MandatoryTags did not tag the queue: ${JSON.stringify(queue)}`);

    run('pre-commit', ['run', 'tarmac-check-cdk', '--hook-stage', 'manual'], { cwd: dir });
  });
}

function husky(dir, badYaml) {
  phase('husky: npm install husky, lint-staged', () => {
    run('pre-commit', ['uninstall'], { cwd: dir });
    // lint-staged 17 needs Node 22; 16 runs on Node 20.17 and later, as Tarmac does.
    const lintStaged = Number(process.versions.node.split('.')[0]) >= 22 ? 'lint-staged' : 'lint-staged@^16';
    run('npm', ['install', '--save-dev', '--prefer-offline', '--no-audit', '--no-fund', 'husky', lintStaged], { cwd: dir });
    // The README's recipe.
    run('npx', ['--no-install', 'husky', 'init'], { cwd: dir });
    fs.writeFileSync(path.join(dir, '.husky', 'pre-commit'), 'npx lint-staged\n');
    const pkg = readJson(path.join(dir, 'package.json'));
    pkg['lint-staged'] = { '*.{json,yaml,yml,template}': 'tarmac check --profile dev' };
    writeJson(path.join(dir, 'package.json'), pkg);
  });

  phase('husky: commits', () => {
    fs.copyFileSync(badYaml, path.join(dir, 'infra', 'bad.yaml'));
    run('git', ['add', '-A'], { cwd: dir });
    const before = commitCount(dir);
    const blocked = run('git', ['commit', '-m', 'husky and lint-staged, and uploads'], { cwd: dir, expect: 'nonzero' });
    expectOutput(blocked, 'the blocked commit (lint-staged)', ...BAD_FINDINGS, 'tarmac check --profile dev');
    expectNoOutput(blocked, 'the blocked commit (lint-staged)', ...NON_TEMPLATE_ERRORS);
    check(commitCount(dir) === before, 'the commit with bad.yaml went through lint-staged', blocked);
    // The README's hook without lint-staged: the staged content of every template.
    const staged = run('npx', ['--no-install', 'tarmac', 'check', '--staged', '--profile', 'dev'], { cwd: dir, expect: 1 });
    expectOutput(staged, 'tarmac check --staged', ...BAD_FINDINGS);

    run('git', ['rm', '-q', '--cached', 'infra/bad.yaml'], { cwd: dir });
    run('npx', ['--no-install', 'tarmac', 'check', '--staged', '--profile', 'dev'], { cwd: dir });
    const passed = run('git', ['commit', '-m', 'husky and lint-staged'], { cwd: dir });
    check(commitCount(dir) === before + 1, 'the commit without bad.yaml did not go through', passed);
    const files = committedFiles(dir);
    check(
      files.includes('.husky/pre-commit') && files.includes('package-lock.json') && !files.includes('infra/bad.yaml'),
      `unexpected commit: ${files.join(', ')}`,
      passed,
    );
  });
}

// ------------------------------------------------------------------------------------------------- main

function main() {
  const started = Date.now();
  const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-e2e-')));
  ENV = scratchEnv(tmp);
  const dirs = { packs: path.join(tmp, 'packs'), source: path.join(tmp, 'tarmac'), work: path.join(tmp, 'orders-service') };
  const badYaml = path.join(tmp, 'bad.yaml');
  for (const d of Object.values(dirs)) fs.mkdirSync(d, { recursive: true });
  let ok = false;
  try {
    for (const [tool, hint] of [
      ['git', ''],
      ['pre-commit', ' (apt-get install -y pre-commit; .ci/run does it)'],
    ]) {
      const r = spawnSync(tool, ['--version'], { env: clean(ENV), encoding: 'utf8' });
      check(r.status === 0, `${tool} is not installed${hint}`);
    }
    const tarballs = phase('pack: packages and the example catalog', () => pack(dirs.packs));
    phase(`source: the working tree as a repository tagged ${TAG}`, () => sourceRepo(dirs.source));
    phase('workload: a scratch repository', () => workloadRepo(dirs.work, badYaml));
    preCommit(dirs.work, dirs.source, tarballs, badYaml);
    phase('install: npm i -D the CLI and the catalog from tarballs', () => install(dirs.work, tarballs));
    phase('check: npx tarmac check', () => checkCommand(dirs.work, badYaml));
    cdk(dirs.work, tarballs);
    husky(dirs.work, badYaml);
    ok = true;
  } finally {
    const width = Math.max(...timings.map(([n]) => n.length));
    process.stdout.write(
      `\ne2e timings:\n${timings.map(([n, ms]) => `  ${n.padEnd(width)}  ${(ms / 1000).toFixed(1).padStart(6)}s`).join('\n')}\n  ${'total'.padEnd(width)}  ${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s\n`,
    );
    if (KEEP) process.stdout.write(`e2e: kept ${tmp}\n`);
    else fs.rmSync(tmp, { recursive: true, force: true });
    process.stdout.write(ok ? 'e2e: PASS\n' : 'e2e: FAIL\n');
  }
}

try {
  main();
} catch (err) {
  process.stderr.write(`\ne2e: ${err instanceof StepFailed ? err.message : err.stack}\n`);
  process.exitCode = 1;
}
