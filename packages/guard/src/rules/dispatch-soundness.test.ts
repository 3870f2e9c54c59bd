import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { nativeGuardBinary } from '../engines/native-binary';
import { ParsedTemplate, parseTemplate } from '../template/parse-template';
import { controlTowerRules } from './control-tower-rules';
import { customRules } from './custom-rules';
import { GuardRule, ruleApplies } from './guard-rule';

/**
 * Dispatch must never route a rule away from a template it fails: for every Control Tower rule and every
 * custom-rule fixture, on the example templates and on every CloudFormation template among the control test
 * inputs, a rule that does not apply must not fail in raw cfn-guard. One cfn-guard process evaluates every
 * rule on every template; a rule file missing from a report (it did not parse) fails the test too.
 */

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const FIXTURES = path.join(__dirname, '__fixtures__', 'dispatch');

interface Report {
  name: string;
  compliant: string[];
  not_applicable: string[];
  not_compliant: { Rule?: { name: string } }[];
}

/** The example templates, and the control test inputs that are CloudFormation templates. */
function templates(): ParsedTemplate[] {
  const out = new Map<string, ParsedTemplate>();
  const add = (t: ParsedTemplate) => out.set(JSON.stringify(t.document), t);
  const examples = path.join(ROOT, 'examples', 'templates');
  for (const f of fs.readdirSync(examples).sort()) add(parseTemplate(fs.readFileSync(path.join(examples, f)), path.join(examples, f)));
  const controls = path.join(ROOT, 'policies', 'controls');
  for (const service of fs.readdirSync(controls).sort()) {
    const tests = path.join(controls, service, 'tests');
    if (!fs.existsSync(tests)) continue;
    for (const f of fs
      .readdirSync(tests)
      .filter((x) => x.endsWith('.yaml'))
      .sort()) {
      const cases = parse(fs.readFileSync(path.join(tests, f), 'utf8')) as { name?: string; input?: unknown }[];
      cases.forEach((c, i) => {
        const resources = (c.input as { Resources?: unknown } | undefined)?.Resources;
        if (!resources || typeof resources !== 'object' || Array.isArray(resources)) return;
        if (!Object.values(resources).every((r) => r && typeof (r as { Type?: unknown }).Type === 'string')) return;
        try {
          add(parseTemplate(Buffer.from(JSON.stringify(c.input)), `${path.join(tests, f)}#${i + 1}`));
        } catch {
          // Inputs that are deliberately not valid templates are not what tarmac dispatches.
        }
      });
    }
  }
  return [...out.values()];
}

/** One cfn-guard process: every rule on every document, its report written to a file (not a pipe). */
function guard(bin: string, rules: readonly GuardRule[], docs: readonly ParsedTemplate[]): Promise<Report[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-soundness-'));
  const outFile = path.join(dir, 'report.json');
  const out = fs.openSync(outFile, 'w');
  return new Promise<Report[]>((resolve, reject) => {
    const child = spawn(bin, ['validate', '--payload', '--structured', '--show-summary', 'none', '--output-format', 'json'], { stdio: ['pipe', out, 'pipe'] });
    fs.closeSync(out);
    const stderr: Buffer[] = [];
    child.stderr!.on('data', (b: Buffer) => stderr.push(b));
    child.on('error', reject);
    child.on('close', (code) => {
      try {
        if (code !== 0 && code !== 19) throw new Error(`cfn-guard exited with ${code}: ${Buffer.concat(stderr).toString('utf8').slice(0, 500)}`);
        resolve(JSON.parse(fs.readFileSync(outFile, 'utf8')) as Report[]);
      } catch (e) {
        reject(e);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
    child.stdin!.end(JSON.stringify({ rules: rules.map((r) => r.text), data: docs.map((d) => JSON.stringify(d.document)) }));
  });
}

/** The documents in `parts` pieces, one cfn-guard process each, run side by side. */
async function guardInParts(bin: string, rules: readonly GuardRule[], docs: readonly ParsedTemplate[], parts: number): Promise<Report[]> {
  const size = Math.ceil(docs.length / parts);
  const pieces = Array.from({ length: parts }, (_, i) => docs.slice(i * size, (i + 1) * size)).filter((p) => p.length);
  return (await Promise.all(pieces.map((p) => guard(bin, rules, p)))).flat();
}

const bin = nativeGuardBinary();

(bin ? test : test.skip)('a rule that does not apply to a template never fails it in cfn-guard', async () => {
  const rules = [...controlTowerRules('enforce'), ...customRules(FIXTURES, 'enforce')].filter((r) => r.resourceTypes);
  const owner = new Map<string, GuardRule>();
  for (const r of rules)
    for (const n of r.names) {
      expect([n, owner.get(n)?.file]).toEqual([n, undefined]);
      owner.set(n, r);
    }
  const docs = templates();
  expect(docs.length).toBeGreaterThan(100);
  // The fixtures typed on a type must meet templates of that type, and ones without it.
  const fixtures = rules.filter((r) => r.origin === 'custom');
  expect(fixtures.length).toBeGreaterThanOrEqual(7);
  for (const r of fixtures) expect([r.id, docs.some((d) => ruleApplies(r, d.types))]).toEqual([r.id, true]);

  // cfn-guard 3.1.1 cannot evaluate a type block (AWS::IAM::Role { ... }) on `Resources: {}`: an engine error,
  // never a pass, so those rules go without the templates that have no resources.
  const typeBlock = (r: GuardRule) => /^\s*[A-Za-z0-9]+::[A-Za-z0-9]+::[A-Za-z0-9]+\s*(\{|when\b)/m.test(r.text);
  const empty = docs.filter((d) => d.types.size === 0);
  const batches: [GuardRule[], ParsedTemplate[]][] = [
    [rules, docs.filter((d) => d.types.size > 0)],
    [rules.filter((r) => !typeBlock(r)), empty],
  ];
  expect(empty.length).toBeLessThan(docs.length / 10);
  const unsound: string[] = [];
  const missing = new Set<string>();
  let skipped = 0;
  for (const [batchRules, batchDocs] of batches) checkBatch(batchRules, batchDocs, await guardInParts(bin!, batchRules, batchDocs, 2));
  function checkBatch(rules: GuardRule[], docs: ParsedTemplate[], reports: Report[]): void {
    expect(reports).toHaveLength(docs.length);
    reports.forEach((report, i) => {
      const doc = docs[i];
      const seen = new Set([...report.compliant, ...report.not_applicable, ...report.not_compliant.map((e) => e.Rule?.name ?? '')]);
      for (const r of rules) for (const n of r.names) if (!seen.has(n)) missing.add(`${r.id}: ${n}`);
      for (const e of report.not_compliant) {
        const rule = owner.get(e.Rule?.name ?? '');
        if (!rule) continue;
        if (!ruleApplies(rule, doc.types))
          unsound.push(`${rule.id} (${[...rule.resourceTypes!].join(', ')}) fails ${doc.file} (${[...doc.types].join(', ')}) but is not dispatched to it`);
      }
      skipped += rules.filter((r) => !ruleApplies(r, doc.types)).length;
    });
  }
  expect([...missing]).toEqual([]);
  expect(unsound).toEqual([]);
  // Dispatch does skip most pairs: the test is about them.
  expect(skipped).toBeGreaterThan(rules.length * docs.length * 0.8);
});
