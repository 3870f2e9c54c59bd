import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Control, loadCatalog, normalizeSpace, readSourceFile, ruleMessageText, taggableResourceTypes } from '@tarmac/core';
import { buildRuleBundle, bundleControls, readZipEntries } from '@tarmac/core/org';
import { HookInputSpelling, guardHookInput, nativeGuardBinary, shapeOf } from '@tarmac/guard';

/**
 * The deployed Guard Hook really blocks (issue 5, requirement 2). For every profile and mode, the rule
 * bundle is built from the catalog, its entries are read back from the zip bytes that `tarmac deploy`
 * uploads, and cfn-guard evaluates them, as the hook does, on the hook's input for real resources: the
 * controls' own template fixtures, one resource each, in both documented spellings. Expected:
 * - the fixture's control gives the fixture's verdict (a FAIL fixture fails the bundle, so a FAIL-mode hook
 *   with that bundle blocks the resource; a PASS fixture passes);
 * - every control in the bundle that covers the resource type gives the same verdict on the hook input as
 *   on the same resource in a template, so none SKIPs where the template check judges;
 * - the bundle's overall status is FAIL exactly when one of its rules fails, as on the template;
 * - the failing control's custom message on the hook input is its YAML message and fix, word for word (issue 17:
 *   one text), which is also what `tarmac check` prints.
 */

const ROOT = path.resolve(__dirname, '..', '..');
const catalog = loadCatalog(path.join(ROOT, 'policies'));
const HOOK = 'guardrails';
const SPELLINGS: readonly HookInputSpelling[] = ['ResourceType/ResourceProperties', 'Type/Properties'];
const MODES = ['enforce', 'warn'] as const;
type Verdict = 'PASS' | 'FAIL' | 'SKIP';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isIntrinsic = (v: unknown): boolean => isObject(v) && Object.keys(v).length === 1 && /^(Ref|Condition|Fn::.+)$/.test(Object.keys(v)[0]);
const hasIntrinsic = (v: unknown): boolean => isIntrinsic(v) || (typeof v === 'object' && v !== null && Object.values(v).some(hasIntrinsic));
const NO_VALUE = (v: unknown) => isObject(v) && Object.keys(v).length === 1 && v.Ref === 'AWS::NoValue';

/** CloudFormation removes a property (or list item) whose value is Ref AWS::NoValue: the one intrinsic known before deploy. */
function dropNoValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.filter((x) => !NO_VALUE(x)).map(dropNoValue);
  if (isObject(v))
    return Object.fromEntries(
      Object.entries(v)
        .filter(([, x]) => !NO_VALUE(x))
        .map(([k, x]) => [k, dropNoValue(x)]),
    );
  return v;
}

let taggable: ReadonlySet<string> | undefined;
/** The resource types a control covers: its resourceTypes, every taggable type for '*'. */
function coveredTypes(control: Control): ReadonlySet<string> {
  if (control.resourceTypes.includes('*')) return (taggable ??= new Set(taggableResourceTypes()));
  return new Set(control.resourceTypes);
}

/** One resource of a control's template fixture, as the hook would see it. */
interface Fixture {
  readonly index: number;
  readonly control: Control;
  readonly name: string;
  readonly where: string;
  readonly expected: 'PASS' | 'FAIL';
  readonly logicalId: string;
  readonly type: string;
  /** Undefined when the template resource has no Properties. */
  readonly properties: unknown;
}

interface Skipped {
  readonly notOneResource: number;
  readonly unresolvedIntrinsic: number;
}

function collectFixtures(): { fixtures: Fixture[]; skipped: Skipped } {
  const fixtures: Fixture[] = [];
  let notOneResource = 0;
  let unresolvedIntrinsic = 0;
  for (const control of catalog.controls) {
    const doc = readSourceFile(control.testFile);
    if (!Array.isArray(doc.value)) throw new Error(`${control.testFile}: not a list of test cases`);
    const types = coveredTypes(control);
    doc.value.forEach((c: unknown, i: number) => {
      if (!isObject(c) || typeof c.name !== 'string' || shapeOf(c.input) !== 'template') return;
      const expected = isObject(c.expectations) && isObject(c.expectations.rules) ? c.expectations.rules[control.rule] : undefined;
      if (expected !== 'PASS' && expected !== 'FAIL') return;
      const resources = Object.entries((c.input as Json).Resources as Json).filter(([, r]) => isObject(r) && typeof r.Type === 'string' && types.has(r.Type));
      if (resources.length !== 1) {
        notOneResource++;
        return;
      }
      const [logicalId, resource] = resources[0] as [string, Json];
      // The hook sees resolved values: a verdict reached on an unresolved intrinsic says nothing about it.
      const properties = resource.Properties === undefined ? undefined : dropNoValue(resource.Properties);
      if (hasIntrinsic(properties)) {
        unresolvedIntrinsic++;
        return;
      }
      const line = doc.locate([i]).line;
      const where = `${path.relative(ROOT, control.testFile)}${line ? `:${line}` : ''}`;
      fixtures.push({ index: fixtures.length, control, name: c.name, where, expected, logicalId, type: resource.Type as string, properties });
    });
  }
  return { fixtures, skipped: { notOneResource, unresolvedIntrinsic } };
}

const { fixtures, skipped } = collectFixtures();

/** The documents evaluated per fixture: the resource in a template (the reference) and the hook input in each spelling. */
type DocumentKind = 'template' | (typeof SPELLINGS)[number];
const fileName = (f: Fixture, kind: DocumentKind) =>
  `${String(f.index).padStart(4, '0')}-${kind === 'template' ? 'template' : kind === 'Type/Properties' ? 'hook-typed' : 'hook'}.json`;

function documentFor(f: Fixture, kind: DocumentKind): unknown {
  if (kind === 'template') return { Resources: { [f.logicalId]: { Type: f.type, ...(f.properties === undefined ? {} : { Properties: f.properties }) } } };
  // A resource without Properties stays without: the fixture's verdict is about that input.
  return guardHookInput(f.logicalId, f.type, f.properties, kind);
}

/** Each profile and mode with its bundle (undefined when the profile has no control in that mode). */
const targets = [...catalog.profiles.values()].flatMap((profile) =>
  MODES.map((mode) => {
    const controls = bundleControls(catalog, profile, mode);
    return { profile: profile.name, mode, controls, bundle: controls.length ? buildRuleBundle(HOOK, controls, profile.name, mode) : undefined };
  }),
);

/** Primary cases: (control in the bundle, one of its fixtures, spelling). */
const primaryCases = (controls: readonly Control[]) => {
  const ids = new Set(controls.map((c) => c.id));
  return fixtures.filter((f) => ids.has(f.control.id)).length * SPELLINGS.length;
};

interface NativeRuleNode {
  name: string;
  messages?: { custom_message?: string | null };
  checks?: unknown[];
}

interface NativeReport {
  name: string;
  status: Verdict;
  not_compliant: { Rule?: NativeRuleNode }[];
  not_applicable: string[];
  compliant: string[];
}

/** Per bundle SHA-256 (and REFERENCE), per data file name: cfn-guard's report. */
const reports = new Map<string, Map<string, NativeReport>>();
/** The template documents, evaluated once by every rule file of every bundle: the reference verdicts. */
const REFERENCE = 'reference';
let tmp: string;

/** The fixtures a bundle can judge: their resource type is covered by one of its controls. */
const judgedBy = (controls: readonly Control[]) => fixtures.filter((f) => controls.some((c) => coveredTypes(c).has(f.type)));

beforeAll(async () => {
  const binary = nativeGuardBinary();
  if (!binary) throw new Error(`no cfn-guard binary for ${process.platform}/${process.arch}: this test needs it`);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-hook-blocks-'));
  const write = (dir: string, files: Iterable<[string, string | Buffer]>) => {
    fs.mkdirSync(dir);
    for (const [name, content] of files) fs.writeFileSync(path.join(dir, name), content);
    return dir;
  };
  const runs: { key: string; rules: string; data: string }[] = [];
  // Profiles share bundles (same rules, same bytes): evaluate each distinct one once.
  const distinct = new Map(targets.filter((t) => t.bundle).map((t) => [t.bundle!.sha256, t]));
  const everyEntry = new Map<string, Buffer>();
  for (const [sha256, { bundle, controls }] of distinct) {
    // The uploaded bytes, read back: what the hook downloads and unzips.
    const entries = readZipEntries(bundle!.bytes);
    for (const [name, content] of entries) {
      if (everyEntry.has(name) && !everyEntry.get(name)!.equals(content)) throw new Error(`${name} differs between bundles`);
      everyEntry.set(name, content);
    }
    const docs = judgedBy(controls).flatMap((f) => SPELLINGS.map((s): [string, string] => [fileName(f, s), JSON.stringify(documentFor(f, s))]));
    runs.push({ key: sha256, rules: write(path.join(tmp, `rules-${sha256}`), entries), data: write(path.join(tmp, `hook-${sha256}`), docs) });
  }
  // A rule file's verdicts do not depend on the other files beside it: cfn-guard evaluates each on its own.
  const templates = fixtures.map((f): [string, string] => [fileName(f, 'template'), JSON.stringify(documentFor(f, 'template'))]);
  runs.push({ key: REFERENCE, rules: write(path.join(tmp, 'rules-reference'), everyEntry), data: write(path.join(tmp, 'templates'), templates) });
  await Promise.all(
    runs.map(async ({ key, rules, data }) => {
      const out = path.join(tmp, `report-${key}.json`);
      await validate(binary, rules, data, out);
      const parsed = JSON.parse(fs.readFileSync(out, 'utf8')) as NativeReport[];
      reports.set(key, new Map(parsed.map((r) => [path.basename(r.name), r])));
    }),
  );
}, 300_000);

afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

/** cfn-guard validate over a rules directory and a data directory; the structured report goes to a file. */
function validate(binary: string, rules: string, data: string, outFile: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const out = fs.openSync(outFile, 'w');
    const child = spawn(binary, ['validate', '--rules', rules, '--data', data, '--structured', '--output-format', 'json', '--show-summary', 'none'], {
      stdio: ['ignore', out, 'pipe'],
    });
    fs.closeSync(out);
    const err: Buffer[] = [];
    child.stderr!.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    // 0: everything passed; 19: something failed. Anything else is a broken run.
    child.on('close', (code, signal) =>
      code === 0 || code === 19
        ? resolve()
        : reject(new Error(`cfn-guard exited with ${signal ?? code}: ${Buffer.concat(err).toString('utf8').slice(0, 2000)}`)),
    );
  });
}

/** A rule's verdict in one report: FAIL if any of its blocks failed, else PASS if one passed, else SKIP. */
function verdictOf(report: NativeReport, rule: string): Verdict | 'ABSENT' {
  if (report.not_compliant.some((e) => e.Rule?.name === rule)) return 'FAIL';
  if (report.compliant.includes(rule)) return 'PASS';
  if (report.not_applicable.includes(rule)) return 'SKIP';
  return 'ABSENT';
}

test('every control has a FAIL fixture the hook evaluates, and most fixtures are usable', () => {
  expect(catalog.controls.filter((c) => !fixtures.some((f) => f.control.id === c.id && f.expected === 'FAIL')).map((c) => c.id)).toEqual([]);
  // Left out: templates without exactly one resource of the control's types, and verdicts on unresolved intrinsics.
  expect(fixtures.length).toBeGreaterThan(skipped.notOneResource + skipped.unresolvedIntrinsic);
});

/** Every custom message cfn-guard reports for a failing rule, anywhere in its tree of checks, whitespace normalized. */
function customMessages(report: NativeReport, rule: string): string[] {
  const out = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const message = (node as { messages?: { custom_message?: unknown } }).messages?.custom_message;
    if (typeof message === 'string' && message.trim()) out.add(normalizeSpace(message));
    for (const [k, v] of Object.entries(node)) if (k !== 'value') walk(v);
  };
  walk(report.not_compliant.filter((e) => e.Rule?.name === rule));
  return [...out];
}

/** What a document's status is when these are its rules' verdicts: cfn-guard's own rule. */
function statusOf(verdicts: readonly (Verdict | 'ABSENT')[]): Verdict {
  return verdicts.includes('FAIL') ? 'FAIL' : verdicts.includes('PASS') ? 'PASS' : 'SKIP';
}

describe.each(targets.map((t) => [`${t.profile} ${t.mode}`, t] as const))('%s bundle', (_, target) => {
  const label = target.bundle
    ? `${target.controls.length} controls, ${primaryCases(target.controls)} (control, fixture, spelling) cases`
    : 'no controls in this mode';

  test(`the hook blocks every FAIL fixture and passes every PASS fixture (${label})`, () => {
    if (!target.bundle) {
      // Nothing in this mode: no bundle is built, and building one is refused.
      expect(target.controls).toEqual([]);
      expect(() => buildRuleBundle(HOOK, target.controls, target.profile, target.mode)).toThrow(/no controls/);
      return;
    }
    const hookReports = reports.get(target.bundle.sha256)!;
    const reference = reports.get(REFERENCE)!;
    const judged = judgedBy(target.controls);
    expect(hookReports.size).toBe(judged.length * SPELLINGS.length);
    expect(reference.size).toBe(fixtures.length);
    const inBundle = new Set(target.bundle.controls);
    const problems: string[] = [];
    let checked = 0;
    for (const f of judged) {
      const applicable = target.controls.filter((c) => coveredTypes(c).has(f.type));
      const template = reference.get(fileName(f, 'template'))!;
      const about = `${f.control.id} fixture '${f.name}' (${f.where})`;
      for (const spelling of SPELLINGS) {
        const hook = hookReports.get(fileName(f, spelling))!;
        if (inBundle.has(f.control.id)) {
          checked++;
          const actual = verdictOf(hook, f.control.rule);
          if (actual !== f.expected) problems.push(`${about}, ${spelling}: ${f.control.rule} is ${actual}, expected ${f.expected}`);
          if (f.expected === 'FAIL' && hook.status !== 'FAIL')
            problems.push(`${about}, ${spelling}: the bundle's status is ${hook.status}, so the hook would not block`);
          // The hook says what the control's YAML says: its message and fix, word for word.
          const said = customMessages(hook, f.control.rule);
          const expected = ruleMessageText(f.control.id, f.control.message, f.control.fix);
          if (f.expected === 'FAIL' && (said.length === 0 || said.some((m) => m !== expected)))
            problems.push(`${about}, ${spelling}: the hook says ${JSON.stringify(said)}, expected ${JSON.stringify(expected)}`);
        }
        for (const c of applicable) {
          const onHook = verdictOf(hook, c.rule);
          const onTemplate = verdictOf(template, c.rule);
          if (onHook === 'ABSENT') problems.push(`${c.id}: rule ${c.rule} is not in cfn-guard's report for ${about}, ${spelling}`);
          else if (onHook === 'SKIP' && onTemplate !== 'SKIP') problems.push(`${c.id} SKIPs on ${about}, ${spelling} (the template check gives ${onTemplate})`);
          else if (onHook !== onTemplate)
            problems.push(`${c.id} disagrees on ${about}, ${spelling}: ${onHook} on the hook input, ${onTemplate} on the template`);
        }
        // The bundle's verdict: FAIL when any of its rules fails (then a FAIL-mode hook blocks), as on the template.
        const onHook = statusOf(target.controls.map((c) => verdictOf(hook, c.rule)));
        const onTemplate = statusOf(target.controls.map((c) => verdictOf(template, c.rule)));
        if (hook.status !== onHook || onHook !== onTemplate) {
          problems.push(`${about}, ${spelling}: bundle status ${hook.status} (its rules say ${onHook}) on the hook input, ${onTemplate} on the template`);
        }
        for (const e of hook.not_compliant)
          if (!e.Rule) problems.push(`${about}, ${spelling}: a failure outside any named rule: ${JSON.stringify(e).slice(0, 200)}`);
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toBe(primaryCases(target.controls));
  });
});

test("the hook and `tarmac check` say the same words for a failing resource: the control's YAML message and fix", () => {
  const control = catalog.controls.find((c) => c.id === 'LZ.S3.2')!;
  const target = targets.find((t) => t.bundle?.controls.includes(control.id))!;
  const fixture = fixtures.find((f) => f.control === control && f.expected === 'FAIL' && f.properties !== undefined)!;
  expect(fixture).toBeDefined();
  // What the deployed hook reports: cfn-guard on the hook input, with the uploaded bundle.
  const hook = reports.get(target.bundle!.sha256)!.get(fileName(fixture, 'ResourceType/ResourceProperties'))!;
  const said = customMessages(hook, control.rule);
  expect(said).toHaveLength(1);
  // What `tarmac check` prints for the same resource in a template.
  const template = path.join(tmp, 'check-template.json');
  fs.writeFileSync(template, JSON.stringify(documentFor(fixture, 'template')));
  const r = spawnSync(process.execPath, [path.join(ROOT, 'packages', 'cli', 'bin', 'tarmac.js'), 'check', template, '--profile', target.profile], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', TARMAC_POLICIES: path.join(ROOT, 'policies') },
  });
  expect(r.status).toBe(1);
  const line = r.stdout.split('\n').find((l) => l.includes(`[${control.id}]`)) ?? '';
  const printed = /\] [a-z, ]+ {2}(.*?) Fix: (.*)$/.exec(line);
  expect(printed).not.toBeNull();
  const [, message, fix] = printed!;
  expect(normalizeSpace(fix)).toBe(normalizeSpace(control.fix));
  expect(said[0]).toContain(normalizeSpace(control.fix));
  expect(said[0]).toBe(`[${control.id}]: ${normalizeSpace(message)} [FIX]: ${normalizeSpace(fix)}`);
});
