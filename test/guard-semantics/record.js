#!/usr/bin/env node
// Records the conformance expectations BY RUNNING the real cfn-guard: for every case in cases/*.yaml, writes
// `expect` (status per rule, or ERROR), `failingPaths` (JSON pointers per failing rule, as Tarmac attributes them)
// and `messages` (custom messages). Never edit those fields by hand. Run `npm run build` first (it reads the
// attribution from packages/guard/dist), then: node test/guard-semantics/record.js [file-substring]
const fs = require('fs');
const path = require('path');
const YAML = require('yaml');
const { CASES_DIR, loadCases, runCases } = require('./runner');
const { violationsFromReport } = require('../../packages/guard/dist/engines/native-report');
const { engineJson } = require('../../packages/guard/dist/engines/engine');

async function main() {
  const only = process.argv[2];
  const cases = loadCases().filter((c) => !only || c.file.includes(only));
  const names = new Set();
  for (const c of cases) {
    if (names.has(c.case.name)) throw new Error(`duplicate case name: ${c.case.name} (${c.file})`);
    names.add(c.case.name);
  }
  const outcomes = await runCases(cases, { toJson: engineJson, violationsFromReport });
  const byFile = new Map();
  cases.forEach((c, i) => (byFile.get(c.file) ?? byFile.set(c.file, []).get(c.file)).push({ ...c, outcome: outcomes[i] }));
  for (const [file, entries] of byFile) {
    const full = path.join(CASES_DIR, file);
    const doc = YAML.parseDocument(fs.readFileSync(full, 'utf8'));
    for (const { index, outcome } of entries) {
      const node = doc.contents.items[index];
      const set = (key, value, flow) => {
        if (value === undefined || (typeof value === 'object' && !Object.keys(value).length)) return node.delete(key);
        const n = doc.createNode(value);
        if (flow && typeof value === 'object') n.flow = true;
        node.set(key, n);
      };
      set('expect', outcome.expect, true);
      set('error', outcome.error);
      set('failingPaths', outcome.failingPaths);
      set('messages', outcome.messages);
    }
    fs.writeFileSync(full, doc.toString({ lineWidth: 0 }));
  }
  const counts = {};
  for (const o of outcomes) for (const s of o.expect === 'ERROR' ? ['ERROR'] : Object.values(o.expect)) counts[s] = (counts[s] ?? 0) + 1;
  console.log(`recorded ${cases.length} cases in ${byFile.size} files: ${JSON.stringify(counts)}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
