#!/usr/bin/env node
// node scripts/bench/self-check-bench.js [--accounts N] (after npm run build): the deployment self-check of
// `tarmac build` (issue 20), side by side with the plain way of doing it, one simulation per request:
// - the example organization: the self-check, and the same requests simulated one by one (the baseline);
// - the example grown to N more member accounts (default 500) in the Security and Infrastructure OUs: the
//   self-check alone (the baseline would take hours), with how many sites, requests and simulations it needed.
// A report: exits 0, or 2 if the bench itself fails.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { parseDocument } = require('yaml');

const ROOT = path.resolve(__dirname, '..', '..');
const at = process.argv.indexOf('--accounts');
const EXTRA = at > 0 ? Number(process.argv[at + 1]) : 500;
const TODAY = new Date('2027-01-10T00:00:00Z');

const { buildOutput } = require(path.join(ROOT, 'packages/cli/dist/build-output'));
const { deploymentSelfCheck } = require(path.join(ROOT, 'packages/cli/dist/deployment-self-check'));
const { loadSimulator, simulate } = require(path.join(ROOT, 'packages/cli/dist/org-policy-tests'));
const { deploymentSites, deploymentRequests } = require(path.join(ROOT, 'packages/core/dist/org'));

const simulator = loadSimulator();
const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function timeSelfCheck(output, rounds) {
  const times = [];
  let result;
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    result = await deploymentSelfCheck(output, simulator);
    times.push(performance.now() - t);
  }
  if (result.denials.length || result.unchecked.length)
    throw new Error(`the self-check refused the bench organization:\n${[...result.denials, ...result.unchecked].map((e) => e.message).join('\n')}`);
  return { ms: median(times), result };
}

/** Every request simulated on its own: what the self-check would cost without its classes. */
async function timeOneByOne(output) {
  const sites = deploymentSites(output.org, output.deployment, output.stackSets, output.files);
  const { requests } = deploymentRequests(output.org, sites, output.set.organization.deployment.tags);
  const t = performance.now();
  for (const r of requests) await simulate(simulator, r.request);
  return { ms: performance.now() - t, requests: requests.length };
}

/** A copy of the example sources with `extra` more accounts, alternately in the Security and Infrastructure OUs. */
function grownSources(extra) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-self-check-bench-'));
  for (const d of ['policies', 'hooks', 'stacksets']) fs.cpSync(path.join(ROOT, d), path.join(root, d), { recursive: true });
  const file = path.join(root, 'policies', 'org.yaml');
  const doc = parseDocument(fs.readFileSync(file, 'utf8'));
  const ous = doc.get('ous');
  for (let i = 0; i < extra; i++) {
    const ou = ous.items[i % 2];
    ou.get('accounts').add(doc.createNode({ id: String(100_000_000_000 + i), name: `bench-${i}`, type: 'prod' }));
  }
  fs.writeFileSync(file, doc.toString());
  return root;
}

(async () => {
  const example = await buildOutput(path.join(ROOT, 'policies'), undefined, TODAY);
  const fast = await timeSelfCheck(example, 3);
  const plain = await timeOneByOne(example);
  const root = grownSources(EXTRA);
  let grown;
  try {
    const output = await buildOutput(path.join(root, 'policies'), undefined, TODAY);
    grown = await timeSelfCheck(output, 1);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
  const row = (label, r, ms) =>
    `${label.padEnd(44)} ${String(r.sites).padStart(6)} sites ${String(r.requests).padStart(7)} requests ${String(r.simulations).padStart(5)} simulations  ${seconds(ms)}`;
  console.log('deployment self-check (tarmac build, issue 20)');
  console.log(row('example, self-check (median of 3)', fast.result, fast.ms));
  console.log(
    `${'example, every request simulated (baseline)'.padEnd(44)} ${String(fast.result.sites).padStart(6)} sites ${String(plain.requests).padStart(7)} requests ${String(plain.requests).padStart(5)} simulations  ${seconds(plain.ms)}`,
  );
  console.log(`  self-check ${(plain.ms / fast.ms).toFixed(1)}x faster than the baseline`);
  console.log(row(`example + ${EXTRA} accounts, self-check`, grown.result, grown.ms));
})().catch((err) => {
  console.error(`self-check-bench: ${err && err.stack ? err.stack : err}`);
  process.exit(2);
});
