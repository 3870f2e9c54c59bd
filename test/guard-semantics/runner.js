// Shared by record.js and native-conformance.test.ts: loads the conformance cases and runs each one on the real
// cfn-guard binary (one process per case, fed by --payload, a small pool at a time), returning what it decided.
const { spawn } = require('child_process');
const fs = require('fs');
const path = require('path');
const YAML = require('yaml');

const CASES_DIR = path.join(__dirname, 'cases');
const REPO = path.join(__dirname, '..', '..');
const DEFAULT_BINARY = path.join(REPO, 'node_modules/@cdklabs/cdk-validator-cfnguard/bin/ubuntu/x86_64/cfn-guard');

/** Every case of every file in cases/, in file order: { file, index, case }. */
function loadCases(dir = CASES_DIR) {
  const out = [];
  for (const file of fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()) {
    const cases = YAML.parse(fs.readFileSync(path.join(dir, file), 'utf8')) ?? [];
    cases.forEach((c, index) => out.push({ file, index, case: c }));
  }
  return out;
}

/** The data as cfn-guard reads it: a string is passed verbatim (YAML or JSON: floats, tags), anything else as JSON. */
function dataText(data, toJson) {
  return typeof data === 'string' ? data : toJson(data ?? {});
}

/** One cfn-guard process on one case: { reports } or { error }. */
function runOne(binary, rules, data) {
  return new Promise((resolve) => {
    const child = spawn(binary, ['validate', '--payload', '--structured', '--show-summary', 'none', '--output-format', 'json']);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', (e) => resolve({ error: String(e) }));
    child.on('close', (code) => {
      // 0: all passed, 19: something failed. Anything else (5: a rule did not parse, 1/-1: an evaluation error) is an error.
      if (code !== 0 && code !== 19) return resolve({ error: `exit ${code}: ${stderr.trim().split('\n')[0]}` });
      try {
        resolve({ reports: JSON.parse(stdout) });
      } catch {
        resolve({ error: `exit ${code}: unreadable report` });
      }
    });
    child.stdin.end(JSON.stringify({ rules: [rules], data: [data] }));
  });
}

/**
 * What cfn-guard decided on one case: per rule name PASS/FAIL/SKIP, the failing JSON pointers per rule as Tarmac
 * attributes them (violationsFromReport), and custom messages; or 'ERROR' when cfn-guard evaluated nothing.
 */
function outcomeOf(result, violationsFromReport) {
  if (result.error) return { expect: 'ERROR', error: result.error };
  const report = result.reports[0];
  const expect = {};
  for (const name of report.compliant ?? []) expect[name] = 'PASS';
  for (const name of report.not_applicable ?? []) expect[name] = 'SKIP';
  for (const e of report.not_compliant ?? []) if (e.Rule) expect[e.Rule.name] = 'FAIL';
  const failingPaths = {};
  const messages = {};
  for (const v of violationsFromReport(report)) {
    for (const p of v.paths ?? []) (failingPaths[v.ruleName] ??= new Set()).add(p);
    if (v.message) (messages[v.ruleName] ??= new Set()).add(v.message);
  }
  const sorted = (m) => Object.fromEntries(Object.entries(m).map(([k, s]) => [k, [...s].sort()]));
  return { expect, failingPaths: sorted(failingPaths), messages: sorted(messages) };
}

/** Runs every case, `workers` processes at a time; outcomes in the order of `cases`. */
async function runCases(cases, { toJson, violationsFromReport, binary = process.env.TARMAC_CFN_GUARD || DEFAULT_BINARY, workers = 4 }) {
  const outcomes = new Array(cases.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < cases.length; i = next++) {
      const c = cases[i].case;
      outcomes[i] = outcomeOf(await runOne(binary, c.rules, dataText(c.data, toJson)), violationsFromReport);
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));
  return outcomes;
}

module.exports = { CASES_DIR, DEFAULT_BINARY, loadCases, runCases };
