/**
 * The real templates mutants start from: the example templates, the CloudFormation-template inputs of the
 * control test cases, and (opt-in, TARMAC_GEN_CORPUS=1) the real-world corpus in ../shared, read in place.
 */
import * as fs from 'fs';
import * as path from 'path';
import { tagSupport } from '@tarmac/core';
import { readCfn } from './cfn-yaml';
import { Doc, clone, isMap } from './model';
import { Rng } from './prng';

export const ROOT = path.resolve(__dirname, '..', '..');
export const CORPUS = path.resolve(ROOT, '..', 'shared', 'corpus', 'templates');

export interface Base {
  readonly id: number;
  /** Where it came from: a file, or a test file and case name. */
  readonly name: string;
  readonly doc: Doc;
}

/** A CloudFormation template: a Resources map of resources that each have a string Type. */
export function isTemplate(v: unknown): v is Doc {
  if (!isMap(v) || !isMap(v.Resources)) return false;
  const resources = Object.values(v.Resources);
  return resources.length > 0 && resources.every((r) => isMap(r) && typeof r.Type === 'string');
}

function listFiles(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) listFiles(p, out);
    else if (/\.(json|ya?ml|template)$/i.test(e.name)) out.push(p);
  }
  return out;
}

function readTemplateFile(file: string): Doc | undefined {
  try {
    const [doc] = readCfn(fs.readFileSync(file, 'utf8'));
    return isTemplate(doc) ? doc : undefined;
  } catch {
    return undefined;
  }
}

let mandatory: { key: string; value: string }[] | undefined;

/** The mandatory tags of policies/tags.yaml, each with an allowed value (its example or first value). */
function mandatoryTags(): { key: string; value: string }[] {
  if (!mandatory) {
    const [tags] = readCfn(fs.readFileSync(path.join(ROOT, 'policies', 'tags.yaml'), 'utf8')) as [
      { tags: { key: string; example?: string; values?: string[] }[] },
    ];
    mandatory = tags.tags.map((t) => ({ key: t.key, value: t.values?.[0] ?? t.example ?? 'x' }));
  }
  return mandatory;
}

/** The template with the mandatory tags on every taggable resource that has Properties and no tags; undefined if none changed. */
export function withMandatoryTags(doc: Doc): Doc | undefined {
  const out = clone(doc);
  let changed = false;
  for (const resource of Object.values(out.Resources as Record<string, Record<string, unknown>>)) {
    const support = typeof resource.Type === 'string' ? tagSupport(resource.Type) : undefined;
    if (!support || !isMap(resource.Properties) || support.property in resource.Properties) continue;
    const tags = mandatoryTags();
    resource.Properties[support.property] =
      support.format === 'MAP'
        ? Object.fromEntries(tags.map((t) => [t.key, t.value]))
        : tags.map((t) => (support.format === 'AUTOSCALING_GROUP' ? { Key: t.key, Value: t.value, PropagateAtLaunch: true } : { Key: t.key, Value: t.value }));
    changed = true;
  }
  return changed ? out : undefined;
}

export function loadBases(options: { corpus?: boolean } = {}): Base[] {
  const out: { name: string; doc: Doc }[] = [];
  for (const file of listFiles(path.join(ROOT, 'examples', 'templates'))) {
    const doc = readTemplateFile(file);
    if (doc) out.push({ name: path.relative(ROOT, file), doc });
  }
  const controls = path.join(ROOT, 'policies', 'controls');
  for (const file of listFiles(controls).filter((f) => f.split(path.sep).includes('tests'))) {
    const [cases] = readCfn(fs.readFileSync(file, 'utf8'));
    if (!Array.isArray(cases)) continue;
    for (const c of cases) {
      // Guard Hook inputs (HookContext) are not templates, even in the Type/Properties spelling.
      if (!isMap(c) || !isTemplate(c.input) || 'HookContext' in c.input) continue;
      const name = `${path.relative(ROOT, file)} "${String(c.name)}"`;
      // A case of another control gets the mandatory tags, so that it blocks (if it does) for its own control
      // only: a mutant that hides that failure then passes, instead of still failing on missing tags.
      const tagging = file.split(path.sep).includes('tagging');
      const tagged = tagging ? undefined : withMandatoryTags(c.input);
      out.push(tagged ? { name: `${name} (+ mandatory tags)`, doc: tagged } : { name, doc: c.input });
    }
  }
  if (options.corpus && fs.existsSync(CORPUS)) {
    for (const file of listFiles(CORPUS)) {
      const doc = readTemplateFile(file);
      if (doc) out.push({ name: `corpus/${path.relative(CORPUS, file)}`, doc });
    }
  }
  return out.map((b, id) => ({ id, ...b }));
}

/**
 * A seeded sample of `n` bases for a quick run: every example template, one case of every control test
 * file, then random cases.
 */
export function sampleBases(bases: readonly Base[], n: number, seed: string): Base[] {
  if (n >= bases.length) return [...bases];
  const rng = new Rng(`${seed}:bases`);
  const chosen = new Set<Base>(bases.filter((b) => !b.name.startsWith('policies/')));
  const byFile = new Map<string, Base[]>();
  for (const b of bases.filter((x) => x.name.startsWith('policies/'))) {
    const file = b.name.split(' ')[0];
    (byFile.get(file) ?? byFile.set(file, []).get(file)!).push(b);
  }
  for (const group of byFile.values()) chosen.add(rng.pick(group));
  for (const b of rng.shuffle(bases)) {
    if (chosen.size >= n) break;
    chosen.add(b);
  }
  return bases.filter((b) => chosen.has(b));
}
