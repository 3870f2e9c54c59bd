#!/usr/bin/env node
// node scripts/bench/cdk-bench.js [--rounds N] [--cfn-guard-rounds N] (after npm run build): app.synth() of
// a synthetic CDK app of about 2,000 resources in 5 stacks, without checks and with each validation plugin,
// side by side in one run: TarmacChecks (catalog), TarmacChecks + Control Tower, cdk-nag AwsSolutionsChecks,
// and CfnGuardValidator on the same Control Tower rules. Prints medians, the time each plugin adds, and the
// targets: the catalog adds <= 20% of the baseline, Tarmac + Control Tower <= 50%, and >= 10x less than
// CfnGuardValidator.
// A report: exits 0 whether or not the targets are met, 2 if the bench itself fails.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const v8 = require('v8');
const vm = require('vm');

const ROOT = path.resolve(__dirname, '..', '..');

function fail(message) {
  console.error(`cdk-bench: ${message}`);
  process.exit(2);
}
process.on('uncaughtException', (err) => fail(err && err.stack ? err.stack : String(err)));

function intFlag(name, fallback) {
  const args = process.argv.slice(2);
  const at = args.indexOf(name);
  if (at < 0) return fallback;
  const n = Number(args[at + 1]);
  if (!Number.isInteger(n) || n < 1) fail(`${name} takes a positive integer`);
  return n;
}
const ROUNDS = intFlag('--rounds', 3);
const CFN_GUARD_ROUNDS = intFlag('--cfn-guard-rounds', undefined); // default: as many as fit the time budget

let cdk;
let TarmacChecks;
let AwsSolutionsChecks;
let CfnGuardValidator;
try {
  cdk = require('aws-cdk-lib');
  ({ TarmacChecks } = require('@tarmac/cdk'));
  ({ AwsSolutionsChecks } = require('cdk-nag'));
  ({ CfnGuardValidator } = require('@cdklabs/cdk-validator-cfnguard'));
} catch (err) {
  fail(`${err.message}\n(build first: npm run build)`);
}
const { App, Stack, Validations } = cdk;
const s3 = require('aws-cdk-lib/aws-s3');
const sqs = require('aws-cdk-lib/aws-sqs');
const iam = require('aws-cdk-lib/aws-iam');
const kms = require('aws-cdk-lib/aws-kms');
const lambda = require('aws-cdk-lib/aws-lambda');

// A full GC before each timed synth, so one measurement does not pay for collecting the previous app.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');

const POLICIES = path.join(ROOT, 'policies'); // explicit, so the working directory does not matter
const STACKS = 5;
const GROUPS_PER_STACK = 62; // a bucket, queue, role and function each, plus their policies: ~2,000 resources
// NODEJS_20_X would be the obvious choice, but it is deprecated since 2026-04-30: the CDK's built-in
// CloudFormation validation then warns once per function and formats that report at every synth, which
// inflates the baseline. 22.x is current and warns nothing.
const RUNTIME = lambda.Runtime.NODEJS_22_X;

// A fresh app in its own temporary outdir (removed by measure(), or here if construction fails), unless
// the configuration keeps one outdir across its runs (config.outdir).
function buildApp(register, config) {
  const outdir = config.outdir || fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-cdk-bench-'));
  try {
    return { ...constructApp(new App({ outdir, ...config.appProps }), register, config.edits ? ++config.edits.count : 0), outdir };
  } catch (err) {
    if (!config.outdir) fs.rmSync(outdir, { recursive: true, force: true });
    throw err;
  }
}

// The app. Settings vary with the group index so that every rule family sees compliant and non-compliant
// resources, and the plugins report real findings, as in a real app.
// `edit` changes one property of one queue in the first stack: the same app shape for every configuration,
// and a different first-stack template for each run of the edited configuration.
function constructApp(app, register, edit) {
  const plugins = register(app);
  if (plugins.length) Validations.of(app).addPlugins(...plugins);
  for (let s = 0; s < STACKS; s++) {
    const stack = new Stack(app, `Bench${s}`);
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    for (let i = 0; i < GROUPS_PER_STACK; i++) {
      const g = s * GROUPS_PER_STACK + i;
      const bucket = new s3.Bucket(
        stack,
        `Bucket${i}`,
        [
          { encryption: s3.BucketEncryption.KMS, encryptionKey: key, versioned: true, enforceSSL: true, blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL },
          { encryption: s3.BucketEncryption.S3_MANAGED, versioned: true, blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL },
          { encryption: s3.BucketEncryption.S3_MANAGED },
          {
            publicReadAccess: true,
            blockPublicAccess: new s3.BlockPublicAccess({
              blockPublicAcls: true,
              ignorePublicAcls: true,
              blockPublicPolicy: false,
              restrictPublicBuckets: false,
            }),
          },
        ][g % 4],
      );
      const queue = new sqs.Queue(stack, `Queue${i}`, {
        visibilityTimeout: cdk.Duration.seconds(s === 0 && i === 0 ? 30 + edit : 30),
        ...[
          { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: key, enforceSSL: true },
          { encryption: sqs.QueueEncryption.KMS_MANAGED },
          { encryption: sqs.QueueEncryption.UNENCRYPTED },
        ][g % 3],
      });
      const role = new iam.Role(stack, `Role${i}`, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      if (g % 3 === 0) role.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaBasicExecutionRole'));
      else if (g % 3 === 1) role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [bucket.arnForObjects('*')] }));
      else role.addToPolicy(new iam.PolicyStatement({ actions: ['*'], resources: ['*'] }));
      const code = lambda.Code.fromInline('exports.handler = async () => {}');
      if (g % 2 === 0) {
        // Runs as the role above (no role of its own); traced, capped, configured.
        new lambda.Function(stack, `Function${i}`, {
          runtime: RUNTIME,
          handler: 'index.handler',
          code,
          role,
          tracing: lambda.Tracing.ACTIVE,
          reservedConcurrentExecutions: 5,
          environment: { QUEUE_URL: queue.queueUrl },
        });
      } else {
        // Its own service role, plus a default policy from the grants.
        const fn = new lambda.Function(stack, `Function${i}`, { runtime: RUNTIME, handler: 'index.handler', code });
        bucket.grantRead(fn);
        queue.grantSendMessages(fn);
      }
    }
  }
  return { app, plugins };
}

// User + system CPU of the child processes this process has waited for (Linux /proc; undefined elsewhere).
function childCpuMs() {
  try {
    const fields = fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / 100; // cutime, cstime in clock ticks (USER_HZ = 100)
  } catch {
    return undefined;
  }
}

// Each plugin's validate() is wrapped to time it (plugin time vs the CDK's own report handling), count what
// it reports (proof it did real work), and catch a plugin that throws: the CDK would turn that into an
// ordinary "Validation failed", and the bench would time a crash.
function instrument(plugin) {
  const validate = plugin.validate.bind(plugin);
  plugin.validate = (context) => {
    const t = process.hrtime.bigint();
    try {
      plugin.benchReport = validate(context);
    } catch (err) {
      plugin.benchError = err;
      throw err;
    } finally {
      plugin.benchValidateMs = Number(process.hrtime.bigint() - t) / 1e6;
    }
    return plugin.benchReport;
  };
  return plugin;
}

const BASELINE = { name: 'baseline (no plugin)', register: () => [] };
// For reference only, not used by the targets: the CDK's built-in CloudFormation validation (on by
// default) is part of the baseline above; this shows how much of it that is.
const BARE = { name: '  ref: built-in CFN validation off', register: () => [], appProps: { builtinCloudFormationValidation: false }, reference: true };
const TARMAC = { name: 'TarmacChecks (catalog)', register: (app) => [new TarmacChecks(app, { profile: 'prod', policies: POLICIES })] };
const TARMAC_CT = {
  name: 'TarmacChecks + Control Tower',
  register: (app) => [new TarmacChecks(app, { profile: 'prod', policies: POLICIES, controlTower: true })],
};
// The edit loop: synthesized again into the same cdk.out after one queue of the first stack changed; only
// the rules that read queues in that stack run again, the other verdicts come from cdk.out/.tarmac-cache.
// Every other configuration starts cold.
const TARMAC_CT_EDIT = {
  ...TARMAC_CT,
  name: '  edit loop: 1 of 5 stacks changed',
  outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-cdk-bench-edit-')),
  edits: { count: 0 },
};
process.on('exit', () => fs.rmSync(TARMAC_CT_EDIT.outdir, { recursive: true, force: true }));
const NAG = { name: 'AwsSolutionsChecks (cdk-nag)', register: (app) => [new AwsSolutionsChecks(app)] };
// maxBuffer: cfn-guard's JSON report for ~2,000 resources is far over Node's 1 MB default (ENOBUFS).
const CFN_GUARD = { name: 'CfnGuardValidator (CT rules)', register: () => [new CfnGuardValidator({ controlTowerRulesEnabled: true, maxBuffer: 1 << 30 })] };
const CONFIGS = [BASELINE, BARE, TARMAC, TARMAC_CT, TARMAC_CT_EDIT, NAG, CFN_GUARD];

// One measurement: a fresh app (constructs cannot be synthesized twice); only app.synth() is timed.
function measure(config) {
  const { app, outdir, plugins } = buildApp((a) => config.register(a).map(instrument), config);
  gc();
  // A failing report is printed to stderr and thrown: silence it while timing, restore after.
  const saved = { error: console.error, warn: console.warn, write: process.stderr.write, exitCode: process.exitCode };
  console.error = () => {};
  console.warn = () => {};
  process.stderr.write = () => true;
  let thrown;
  let assembly;
  const childCpu = childCpuMs();
  const t = process.hrtime.bigint();
  try {
    assembly = app.synth();
  } catch (err) {
    thrown = err;
  }
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  const childMs = childCpu === undefined ? undefined : childCpuMs() - childCpu;
  console.error = saved.error;
  console.warn = saved.warn;
  process.stderr.write = saved.write;
  process.exitCode = saved.exitCode;
  // Templates are read lazily from outdir: count them before it goes.
  const resources = assembly && assembly.stacks.reduce((n, st) => n + Object.keys(st.template.Resources || {}).length, 0);
  if (!config.outdir) fs.rmSync(outdir, { recursive: true, force: true });

  for (const p of plugins) {
    if (p.benchError) fail(`${config.name}: plugin '${p.name}' threw during validation:\n${p.benchError.stack || p.benchError}`);
    if (!p.benchReport) fail(`${config.name}: plugin '${p.name}' was never invoked`);
  }
  // The only acceptable throw: "Validation failed" because one of our plugins reported errors.
  if (thrown && !(/Validation failed/.test(thrown.message) && plugins.some((p) => p.benchReport.success === false))) {
    fail(`${config.name}: app.synth() threw:\n${thrown.stack || thrown}`);
  }
  return {
    ms,
    validateMs: plugins.reduce((n, p) => n + p.benchValidateMs, 0),
    childMs,
    findings: plugins.map((p) => ({
      violations: p.benchReport.violations.length,
      resources: p.benchReport.violations.reduce((n, v) => n + v.violatingResources.length, 0),
    })),
    resources,
  };
}

const started = process.hrtime.bigint();
const elapsedMs = () => Number(process.hrtime.bigint() - started) / 1e6;
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
const loadBefore = load();

// Warm-up: loads modules, the CDK's validation engine and each plugin's rules once, so cold-start costs
// land in no configuration's median. The baseline's warm-up also counts the resources synthesized.
const warm = new Map();
for (const config of CONFIGS) {
  warm.set(config, measure(config));
  console.log(`  warm-up ${config.name.trim().padEnd(36)} ${warm.get(config).ms.toFixed(0).padStart(7)} ms`);
}
const resourceCount = warm.get(BASELINE).resources;

// CfnGuardValidator is by far the slowest: unless --cfn-guard-rounds says otherwise, it gets as many
// rounds as fit in ~10 minutes per 3 rounds (estimated from the warm-ups), and at least one.
const BUDGET_MS = (10 * 60 * 1000 * ROUNDS) / 3;
const othersPerRound = CONFIGS.filter((c) => c !== CFN_GUARD).reduce((n, c) => n + warm.get(c).ms, 0);
const fitting = Math.floor((BUDGET_MS - elapsedMs() - ROUNDS * othersPerRound) / warm.get(CFN_GUARD).ms);
const cfnGuardRounds = CFN_GUARD_ROUNDS ?? Math.max(1, Math.min(ROUNDS, fitting));

// Round-robin, starting one configuration later each round, so drift and position hit all alike.
const runs = new Map(CONFIGS.map((c) => [c, []]));
for (let r = 0; r < Math.max(ROUNDS, cfnGuardRounds); r++) {
  for (let k = 0; k < CONFIGS.length; k++) {
    const config = CONFIGS[(r + k) % CONFIGS.length];
    if (runs.get(config).length >= (config === CFN_GUARD ? cfnGuardRounds : ROUNDS)) continue;
    runs.get(config).push(measure(config));
  }
}

const median = (xs) => {
  const s = xs.slice().sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const med = new Map(CONFIGS.map((c) => [c, median(runs.get(c).map((m) => m.ms))]));
const base = med.get(BASELINE);
const added = (c) => med.get(c) - base;

console.log('');
console.log(
  `app: ${STACKS} stacks, ${resourceCount} resources (S3 buckets, SQS queues, IAM roles and policies, Lambda functions on ${RUNTIME.name}, KMS keys)`,
);
console.log(
  `app.synth() median of ${ROUNDS} interleaved rounds after one warm-up each; construction not timed; load average ${loadBefore} before, ${load()} after (${os.cpus().length} CPUs)`,
);
console.log('');
const header = `  ${'configuration'.padEnd(36)} ${'median ms'.padStart(9)} ${'added ms'.padStart(9)} ${'x base'.padStart(7)} ${'in plugin'.padStart(9)} ${'child CPU'.padStart(9)}   ${'runs (ms)'.padEnd(22)} findings`;
console.log(header);
console.log(`  ${'-'.repeat(header.length + 20)}`);
for (const c of CONFIGS) {
  const rs = runs.get(c);
  const plugin = rs[0].findings.length ? median(rs.map((m) => m.validateMs)).toFixed(0) : '-';
  const child = rs[0].childMs ? median(rs.map((m) => m.childMs)).toFixed(0) : '-';
  const findings = rs[0].findings.map((f) => `${f.resources} resources in ${f.violations} violations`).join(' + ') || '-';
  const add = c === BASELINE ? '-' : added(c).toFixed(0);
  const list = rs.map((m) => m.ms.toFixed(0)).join(', ');
  console.log(
    `  ${c.name.padEnd(36)} ${med.get(c).toFixed(0).padStart(9)} ${add.padStart(9)} ${(med.get(c) / base).toFixed(2).padStart(7)} ${plugin.padStart(9)} ${child.padStart(9)}   ${list.padEnd(22)} ${findings}`,
  );
}
if (cfnGuardRounds !== ROUNDS) {
  const why = CFN_GUARD_ROUNDS ? '--cfn-guard-rounds' : `all ${ROUNDS} would not fit the ~${(BUDGET_MS / 60000).toFixed(0)} min budget`;
  console.log(`  note: CfnGuardValidator ran ${cfnGuardRounds} round(s), not ${ROUNDS} (${why}); its median is of those`);
}
console.log("  in plugin: median time inside the plugin's validate(), part of the synth time (the CDK formats the report after it)");
console.log(
  `  child CPU: CPU time of the plugin's processes (Tarmac's runner and cfn-guard, or CfnGuardValidator's cfn-guard): the added time cannot fall below it / ${os.cpus().length} CPUs`,
);
console.log('');

const catalogPct = (added(TARMAC) / base) * 100;
console.log(`TarmacChecks (catalog) adds ${catalogPct.toFixed(0)}% of baseline synth time (target <= 20%): ${catalogPct <= 20 ? 'MET' : 'NOT MET'}`);
const pct = (added(TARMAC_CT) / base) * 100;
console.log(`TarmacChecks + Control Tower adds ${pct.toFixed(0)}% of baseline synth time (target <= 50%): ${pct <= 50 ? 'MET' : 'NOT MET'}`);
console.log(
  `  for reference, the same added time over the baseline without built-in CFN validation: ${((added(TARMAC_CT) / med.get(BARE)) * 100).toFixed(0)}%`,
);
const editPct = (added(TARMAC_CT_EDIT) / base) * 100;
console.log(`  in the edit loop (same cdk.out, 1 of 5 stacks changed): adds ${editPct.toFixed(0)}% (target <= 50%): ${editPct <= 50 ? 'MET' : 'NOT MET'}`);
const tarmacAdded = added(TARMAC_CT);
const ratio = added(CFN_GUARD) / tarmacAdded;
const ratioText = tarmacAdded > 0 ? `${ratio.toFixed(1)}x` : 'n/a (TarmacChecks+CT added no measurable time)';
const met = tarmacAdded <= 0 ? added(CFN_GUARD) > 0 : ratio >= 10;
console.log(`CfnGuardValidator added time / TarmacChecks+CT added time = ${ratioText} (target >= 10x): ${met ? 'MET' : 'NOT MET'}`);
console.log(`  for reference, total synth time: CfnGuardValidator / TarmacChecks+CT = ${(med.get(CFN_GUARD) / med.get(TARMAC_CT)).toFixed(2)}x`);
console.log(`total bench time ${(elapsedMs() / 1000).toFixed(0)} s`);
process.exit(0);
