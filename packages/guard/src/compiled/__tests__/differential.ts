// Shared by the differential tests: the compiled evaluator and native cfn-guard on the same rule files and the
// same document bytes (engineJson), compared per rule name (PASS/FAIL/SKIP) and per failing (rule, resource,
// paths, message). Native runs one process per rule file over many documents, a few processes at a time.
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadCatalog } from '@tarmac/core';
import { engineJson } from '../../engines/engine';
import { nativeGuardBinary } from '../../engines/native-binary';
import { NativeReport, violationsFromReport } from '../../engines/native-report';
import { deriveResourceTypes } from '../../rules/guard-rule';
import { guardHookInput } from '../../hook-input';
import type { GuardFile } from '../ast';
import { evaluateGuard, GuardEvaluation, GuardEvaluationError, UnsupportedGuard } from '../evaluate';
import { parseGuard } from '../parse';

export const REPO = path.join(__dirname, '../../../../..');
export const CT_RULES = path.join(REPO, 'node_modules/@cdklabs/cdk-validator-cfnguard/rules/control-tower/cfn-guard');

export interface RuleFile {
  /** Control ID or the CT rule's path under CT_RULES. */
  readonly id: string;
  readonly file: string;
  readonly text: string;
  /** Resource types the rule can act on (deriveResourceTypes), undefined when any. */
  readonly types?: ReadonlySet<string>;
  /** The control's own test cases (catalog controls). */
  readonly testFile?: string;
}

export interface Doc {
  /** Where it comes from, and for a mutant every mutation applied. */
  readonly label: string;
  readonly document: unknown;
}

/** A rule's outcome on one document: statuses per rule name and the failing attributions, or ERROR. */
export type Outcome = { statuses: Record<string, string>; failures: string[] } | 'ERROR';

export interface PairResult {
  readonly rule: RuleFile;
  readonly doc: Doc;
  readonly native: Outcome;
  /** Ours, or REFUSED (UnsupportedGuard). */
  readonly compiled: Outcome | 'REFUSED';
  /** UnsupportedGuard's message, when refused. */
  readonly refusal?: string;
}

/** Every catalog control's rule file and the 237 Control Tower rules. */
export function loadRuleFiles(): RuleFile[] {
  const out: RuleFile[] = [];
  for (const c of loadCatalog(path.join(REPO, 'policies')).controls) out.push({ ...ruleFile(c.id, c.guardFile, c.guard), testFile: c.testFile });
  for (const file of walk(CT_RULES).filter((f) => f.endsWith('.guard'))) out.push(ruleFile(path.relative(CT_RULES, file), file, fs.readFileSync(file, 'utf8')));
  return out;
}

function ruleFile(id: string, file: string, text: string): RuleFile {
  return { id, file, text, types: deriveResourceTypes(text) };
}

export function walk(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]))
    .sort();
}

/** Native's outcome from its report, as test/guard-semantics/runner.js derives it. */
function nativeOutcome(report: NativeReport): Outcome {
  const statuses: Record<string, string> = {};
  for (const name of report.compliant ?? []) statuses[name] = 'PASS';
  for (const name of report.not_applicable ?? []) statuses[name] = 'SKIP';
  for (const e of report.not_compliant ?? []) if (e.Rule) statuses[e.Rule.name] = 'FAIL';
  const failures = violationsFromReport(report).map((v) => attribution(v.ruleName, v.logicalId, v.paths ?? [], v.message));
  return { statuses, failures: [...new Set(failures)].sort() };
}

function compiledOutcome(evaluation: GuardEvaluation): Outcome {
  const statuses: Record<string, string> = {};
  for (const s of ['PASS', 'SKIP', 'FAIL']) for (const r of evaluation.rules) if (r.status === s) statuses[r.name] = s;
  const failures = evaluation.rules.flatMap((r) => r.violations.map((v) => attribution(r.name, v.logicalId, v.paths, v.message)));
  return { statuses, failures: [...new Set(failures)].sort() };
}

function attribution(rule: string, logicalId: string | undefined, paths: readonly string[], message: string | undefined): string {
  return `${rule} ${logicalId ?? '(no resource)'} [${[...paths].sort().join(' ')}] ${JSON.stringify(message ?? null)}`;
}

export function sameOutcome(a: Outcome | 'REFUSED', b: Outcome | 'REFUSED'): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function sortKeys(o: Outcome | 'REFUSED'): unknown {
  return typeof o === 'string'
    ? o
    : { statuses: Object.fromEntries(Object.entries(o.statuses).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))), failures: o.failures };
}

/** True when the outcome evaluated something: at least one rule PASSed or FAILed. */
export function evaluates(o: Outcome | 'REFUSED'): boolean {
  return typeof o !== 'string' && Object.values(o.statuses).some((s) => s !== 'SKIP');
}

/** One cfn-guard process: one rule file, many documents; the reports, or undefined when it did not report. */
function runNative(binary: string, rules: string, data: string[]): Promise<NativeReport[] | undefined> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-diff-'));
  const outFile = path.join(dir, 'report.json');
  const out = fs.openSync(outFile, 'w');
  return new Promise<NativeReport[] | undefined>((resolve) => {
    const child = spawn(binary, ['validate', '--payload', '--structured', '--show-summary', 'none', '--output-format', 'json'], {
      stdio: ['pipe', out, 'ignore'],
    });
    fs.closeSync(out);
    child.on('error', () => resolve(undefined));
    child.on('close', (code) => {
      if (code !== 0 && code !== 19) return resolve(undefined);
      try {
        const reports = JSON.parse(fs.readFileSync(outFile, 'utf8')) as NativeReport[];
        resolve(Array.isArray(reports) && reports.length === data.length ? reports : undefined);
      } catch {
        resolve(undefined);
      }
    });
    child.stdin!.on('error', () => undefined);
    child.stdin!.end(JSON.stringify({ rules: [rules], data }));
  }).finally(() => fs.rmSync(dir, { recursive: true, force: true }));
}

/** Native outcomes of one rule file on many documents: one process, bisected only when it fails. */
async function nativeOutcomes(binary: string, rule: RuleFile, data: string[]): Promise<Outcome[]> {
  const reports = await runNative(binary, rule.text, data);
  if (reports) return reports.map(nativeOutcome);
  if (data.length === 1) return ['ERROR'];
  // Bisect: a document cfn-guard fails on costs a few processes, not one per document.
  const half = Math.ceil(data.length / 2);
  return [...(await nativeOutcomes(binary, rule, data.slice(0, half))), ...(await nativeOutcomes(binary, rule, data.slice(half)))];
}

function compiledOutcomeOf(file: GuardFile | Error, document: unknown): { compiled: Outcome | 'REFUSED'; refusal?: string } {
  if (file instanceof UnsupportedGuard) return { compiled: 'REFUSED', refusal: file.message };
  if (file instanceof Error) return { compiled: 'ERROR' };
  try {
    return { compiled: compiledOutcome(evaluateGuard(file, document)) };
  } catch (e) {
    if (e instanceof UnsupportedGuard) return { compiled: 'REFUSED', refusal: e.message };
    if (e instanceof GuardEvaluationError) return { compiled: 'ERROR' };
    throw e;
  }
}

/** Wall time spent in native processes and in the compiled evaluator (summed over workers), for the summary line. */
export const timing = { nativeMs: 0, compiledMs: 0, perRule: [] as { id: string; docs: number; ms: number }[] };

/**
 * Every rule file on its documents, on both engines. Each document is sent as engineJson's bytes and the
 * compiled evaluator reads those same bytes parsed back.
 */
export async function runDifferential(
  work: readonly { rule: RuleFile; docs: readonly Doc[] }[],
  workers = Math.max(2, os.cpus().length),
): Promise<PairResult[]> {
  const binary = nativeGuardBinary();
  if (!binary) throw new Error('no native cfn-guard binary');
  const results: PairResult[][] = new Array(work.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < work.length; i = next++) {
      const { rule, docs } = work[i];
      const data = docs.map((d) => engineJson(d.document));
      let t = Date.now();
      const native = await nativeOutcomes(binary, rule, data);
      timing.nativeMs += Date.now() - t;
      timing.perRule.push({ id: rule.id, docs: docs.length, ms: Date.now() - t });
      t = Date.now();
      let file: GuardFile | Error;
      try {
        file = parseGuard(rule.text, rule.file);
      } catch (e) {
        file = e as Error;
      }
      results[i] = docs.map((doc, j) => ({ rule, doc, native: native[j], ...compiledOutcomeOf(file, JSON.parse(data[j])) }));
      timing.compiledMs += Date.now() - t;
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));
  return results.flat();
}

export function describePair(r: PairResult): string {
  const doc = JSON.stringify(r.doc.document);
  return [
    `key ${JSON.stringify(pairKey(r))}`,
    `rule ${r.rule.id} (${r.rule.file})`,
    `document ${r.doc.label}: ${doc.length > 1500 ? `${doc.slice(0, 1500)}…` : doc}`,
    `native:   ${JSON.stringify(sortKeys(r.native))}`,
    `compiled: ${JSON.stringify(sortKeys(r.compiled))}${r.refusal ? ` (${r.refusal})` : ''}`,
  ].join('\n  ');
}

/**
 * The known kind of a disagreement, for summaries: 'properties-not-a-map' when the statuses agree and the only
 * difference is that native also fails resources whose Properties is not a map (null, a scalar, a list) or
 * absent; 'paths' when the statuses and failing resources agree and only paths differ; else 'other'.
 */
export function disagreementKind(r: PairResult): 'properties-not-a-map' | 'paths' | 'other' {
  if (typeof r.native === 'string' || typeof r.compiled === 'string') return 'other';
  const statuses = (o: { statuses: Record<string, string> }) => JSON.stringify(Object.entries(o.statuses).sort());
  if (statuses(r.native) !== statuses(r.compiled)) return 'other';
  const resources = ((r.doc.document as { Resources?: Record<string, { Properties?: unknown }> } | null)?.Resources ?? {}) as Record<string, unknown>;
  const notAMap = (id: string) => {
    const res = resources[id] as { Properties?: unknown } | undefined;
    return !!res && typeof res === 'object' && (!res.Properties || typeof res.Properties !== 'object' || Array.isArray(res.Properties));
  };
  const idOf = (f: string) => f.split(' ')[1];
  const ours = new Set(r.compiled.failures);
  const theirs = new Set(r.native.failures);
  const onlyNative = r.native.failures.filter((f) => !ours.has(f));
  const onlyOurs = r.compiled.failures.filter((f) => !theirs.has(f));
  if (!onlyOurs.length && onlyNative.every((f) => notAMap(idOf(f)))) return 'properties-not-a-map';
  const ids = (xs: readonly string[]) => JSON.stringify([...new Set(xs.map(idOf))].sort());
  if (ids(r.native.failures) === ids(r.compiled.failures)) return 'paths';
  return 'other';
}

/** Key of a pair in an expected-disagreement or refusal list. */
export function pairKey(r: PairResult): string {
  // A mutant is named by its index and base (unique per rule and seed), not by its mutations.
  return `${r.rule.id} @ ${r.doc.label.replace(/ \(seed \d+\): [\s\S]*$/, '')}`;
}

// --- Seeded mutation ----------------------------------------------------------------------------------------

/** mulberry32: a small deterministic PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Rand = () => number;

const pick = <T>(rand: Rand, xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];

/** Identifiers and string literals a rule file mentions: the keys and values mutations draw on. */
export function vocabulary(text: string): { keys: string[]; strings: string[] } {
  const noComments = text.replace(/#[^\n]*/g, '');
  const strings = [...new Set([...noComments.matchAll(/"([^"\\\n]{0,80})"|'([^'\\\n]{0,80})'/g)].map((m) => m[1] ?? m[2]))];
  const keys = [...new Set([...noComments.matchAll(/\b([A-Z][A-Za-z0-9]+)\b/g)].map((m) => m[1]))];
  return { keys, strings };
}

/** A random value of any shape, drawn partly from the rule's vocabulary. */
function randomValue(rand: Rand, vocab: { keys: string[]; strings: string[] }, depth: number): Json {
  const r = rand();
  const str = () =>
    vocab.strings.length && rand() < 0.6 ? pick(rand, vocab.strings) : pick(rand, ['', 'x', 'true', '1', 'arn:aws:kms:us-east-1:111122223333:key/k', '*']);
  if (r < 0.2) return str();
  if (r < 0.3) return pick(rand, [0, 1, -1, 7, 30, 90, 365, 1000, 65535]);
  if (r < 0.38) return rand() < 0.5;
  if (r < 0.44) return null;
  if (r < 0.52)
    return pick<Json>(rand, [
      { Ref: 'Other' },
      { 'Fn::GetAtt': ['Other', 'Arn'] },
      { 'Fn::Sub': '${AWS::Region}' },
      { 'Fn::If': ['C', true, false] },
      { Ref: 'AWS::NoValue' },
    ]);
  if (r < 0.56) return [];
  if (r < 0.6) return {};
  if (depth <= 0) return str();
  if (r < 0.8) return Array.from({ length: 1 + Math.floor(rand() * 3) }, () => randomValue(rand, vocab, depth - 1));
  const o: Record<string, Json> = {};
  for (let i = 0, n = 1 + Math.floor(rand() * 3); i < n; i++) o[vocab.keys.length ? pick(rand, vocab.keys) : 'Key'] = randomValue(rand, vocab, depth - 1);
  return o;
}

/** Every (container, key) in a value, for picking a place to mutate. */
function places(v: Json, out: { parent: Record<string, Json> | Json[]; key: string | number; where: string }[], where: string): void {
  const entries: [string | number, Json][] = Array.isArray(v) ? v.map((x, i) => [i, x]) : v && typeof v === 'object' ? Object.entries(v) : [];
  for (const [key, x] of entries) {
    out.push({ parent: v as Record<string, Json> | Json[], key, where: `${where}/${key}` });
    places(x, out, `${where}/${key}`);
  }
}

/**
 * A template as a Guard Hook reads one of its resources, in a spelling picked at random: the hook input of today
 * (ResourceType/ResourceProperties, or Type/Properties) with its HookContext, or the legacy input keyed by type.
 * A resource of `types` when there is one; a document without resources is returned as it is.
 */
export function asHookInput(rand: Rand, doc: unknown, types: ReadonlySet<string> | undefined): { document: Json; what: string } | undefined {
  const resources = doc && typeof doc === 'object' && !Array.isArray(doc) ? (doc as { Resources?: unknown }).Resources : undefined;
  if (!resources || typeof resources !== 'object' || Array.isArray(resources)) return undefined;
  const typed = Object.entries(resources as Record<string, unknown>).filter(
    (e): e is [string, { Type: string; Properties?: unknown }] => !!e[1] && typeof e[1] === 'object' && typeof (e[1] as { Type?: unknown }).Type === 'string',
  );
  const reaching = typed.filter(([, r]) => types?.has(r.Type));
  if (!typed.length) return undefined;
  const [id, r] = pick(rand, reaching.length ? reaching : typed);
  const properties = JSON.parse(JSON.stringify(r.Properties ?? null)) as Json;
  const spelling = pick(rand, ['ResourceType/ResourceProperties', 'Type/Properties', 'legacy'] as const);
  if (spelling === 'legacy') return { document: { [r.Type]: { resourceProperties: properties } }, what: `as legacy hook input of ${id}` };
  const input = guardHookInput(id, r.Type, r.Properties === undefined ? undefined : properties, spelling);
  return { document: JSON.parse(JSON.stringify(input)) as Json, what: `as hook input (${spelling}) of ${id}` };
}

/**
 * One mutation of `doc` (a deep copy is mutated): remove, rename or retype a property; null; a list for a map
 * and a map for a list; empty and large lists; intrinsics; strings, numbers and booleans swapped; new keys
 * from the rule's vocabulary. Mutations are confined to resources of `types` when it names any present.
 */
export function mutate(
  rand: Rand,
  doc: unknown,
  types: ReadonlySet<string> | undefined,
  vocab: { keys: string[]; strings: string[] },
): { document: Json; what: string } {
  const copy = JSON.parse(JSON.stringify(doc ?? {})) as Json;
  const roots: { value: Json; where: string }[] = [];
  const resources = copy && typeof copy === 'object' && !Array.isArray(copy) ? copy.Resources : undefined;
  if (resources && typeof resources === 'object' && !Array.isArray(resources)) {
    for (const [id, r] of Object.entries(resources)) {
      const type = r && typeof r === 'object' && !Array.isArray(r) ? r.Type : undefined;
      if (!types || (typeof type === 'string' && types.has(type))) roots.push({ value: r, where: `/Resources/${id}` });
    }
  }
  if (!roots.length) roots.push({ value: copy, where: '' });
  const root = pick(rand, roots);
  const found: { parent: Record<string, Json> | Json[]; key: string | number; where: string }[] = [];
  places(root.value, found, root.where);
  // Keep the Type: retyping a resource is a rarer mutation.
  const candidates = found.filter((p) => !(p.key === 'Type' && /^\/Resources\/[^/]+\/Type$/.test(p.where)) || rand() < 0.05);
  const ops = ['remove', 'rename', 'retype', 'null', 'listForMap', 'mapForList', 'empty', 'large', 'intrinsic', 'scalar', 'add'];
  const op = candidates.length ? pick(rand, ops) : 'add';
  if (op === 'add') {
    const target = root.value && typeof root.value === 'object' && !Array.isArray(root.value) ? root.value : undefined;
    const props = target && target.Properties && typeof target.Properties === 'object' && !Array.isArray(target.Properties) ? target.Properties : target;
    if (!props) return { document: copy, what: 'none' };
    const key = vocab.keys.length ? pick(rand, vocab.keys) : 'Key';
    const value = randomValue(rand, vocab, 3);
    props[key] = value;
    return { document: copy, what: `add ${root.where}${props === target ? '' : '/Properties'}/${key}=${JSON.stringify(value).slice(0, 80)}` };
  }
  const p = pick(rand, candidates);
  const old = (p.parent as Record<string | number, Json>)[p.key];
  const set = (v: Json) => ((p.parent as Record<string | number, Json>)[p.key] = v);
  switch (op) {
    case 'remove':
      if (Array.isArray(p.parent)) p.parent.splice(p.key as number, 1);
      else delete p.parent[p.key as string];
      break;
    case 'rename': {
      if (Array.isArray(p.parent)) return mutate(rand, doc, types, vocab);
      const to = rand() < 0.5 ? String(p.key).toLowerCase() : vocab.keys.length ? pick(rand, vocab.keys) : `${p.key}X`;
      delete p.parent[p.key as string];
      p.parent[to] = old;
      return { document: copy, what: `rename ${p.where} -> ${to}` };
    }
    case 'retype':
      set(randomValue(rand, vocab, 2));
      break;
    case 'null':
      set(null);
      break;
    case 'listForMap':
      set(old && typeof old === 'object' && !Array.isArray(old) ? [old] : [old, old]);
      break;
    case 'mapForList':
      set(Array.isArray(old) ? Object.fromEntries(old.map((x, i) => [`K${i}`, x])) : { Value: old });
      break;
    case 'empty':
      set(Array.isArray(old) ? [] : old && typeof old === 'object' ? {} : '');
      break;
    case 'large':
      set(Array.from({ length: 64 }, (_, i) => (Array.isArray(old) && old.length ? old[i % old.length] : i % 3 === 0 ? old : randomValue(rand, vocab, 1))));
      break;
    case 'intrinsic':
      set(
        pick<Json>(rand, [
          { Ref: 'X' },
          { 'Fn::GetAtt': ['X', 'Arn'] },
          { 'Fn::Join': ['', ['a', { Ref: 'X' }]] },
          { 'Fn::If': ['Cond', old, { Ref: 'AWS::NoValue' }] },
        ]),
      );
      break;
    case 'scalar':
      set(
        typeof old === 'string'
          ? pick(rand, [Number(old) || 1, old === 'true', true])
          : typeof old === 'number'
            ? pick(rand, [String(old), old > 0, old + 1])
            : typeof old === 'boolean'
              ? pick(rand, [String(old), old ? 1 : 0, !old])
              : pick(rand, ['x', 0, false]),
      );
      break;
  }
  const now = Array.isArray(p.parent) || p.key in p.parent ? (p.parent as Record<string | number, Json>)[p.key] : undefined;
  return { document: copy, what: `${op} ${p.where}${op === 'remove' ? '' : `=${JSON.stringify(now)?.slice(0, 80)}`}` };
}

/** A minimal template with one resource of each of `types`, for rules no fixture reaches. */
export function seedTemplate(types: ReadonlySet<string>, max = 6): Json {
  const Resources: Record<string, Json> = {};
  [...types]
    .sort()
    .slice(0, max)
    .forEach((t, i) => (Resources[`R${i}`] = { Type: t, Properties: {} }));
  return { Resources };
}
