/** Builds the mutants of a run: mutant i is a function of (run seed, i) and the bases' reference verdicts. */
import { additions } from './families/additions';
import { duplicates } from './families/duplicates';
import { encoding } from './families/encoding';
import { escapedKeys } from './families/escaped-keys';
import { intrinsics } from './families/intrinsics';
import { keyOrder } from './families/key-order';
import { logicalIds } from './families/logical-ids';
import { nesting } from './families/nesting';
import { serialization } from './families/serialization';
import { transforms } from './families/transforms';
import { typeSpellings } from './families/type-spellings';
import { valueTypes } from './families/value-types';
import { yamlAliases } from './families/yaml-aliases';
import { clone } from './model';
import { Draft, Family, Mutant, Target, pickFormat } from './mutant';
import { Rng } from './prng';
import { Base } from './seeds';
import { extensionOf, write } from './serialize';

export const FAMILIES: readonly Family[] = [
  typeSpellings,
  escapedKeys,
  keyOrder,
  serialization,
  valueTypes,
  yamlAliases,
  transforms,
  intrinsics,
  logicalIds,
  duplicates,
  nesting,
  encoding,
  additions,
];

export interface GenerateOptions {
  readonly runSeed: string;
  readonly count: number;
  readonly bases: readonly Base[];
  /** Blocking findings of each base on the reference engine (empty: it did not block). */
  readonly targets: ReadonlyMap<number, readonly Target[]>;
  /** Share of mutants built from bases that blocked. */
  readonly blockingShare?: number;
  /** Share of mutants also checked with the Control Tower rules. */
  readonly controlTowerShare?: number;
  /** Only these mutant indexes (to replay one). */
  readonly only?: ReadonlySet<number>;
  /** Only these families. */
  readonly families?: ReadonlySet<string>;
}

export function generateMutants(options: GenerateOptions): Mutant[] {
  const families = FAMILIES.filter((f) => !options.families || options.families.has(f.name));
  const blocking = options.bases.filter((b) => options.targets.get(b.id)?.length);
  const out: Mutant[] = [];
  for (let index = 0; index < options.count; index++) {
    if (options.only && !options.only.has(index)) continue;
    const mutant = generateOne(index, options, families, blocking);
    if (mutant) out.push(mutant);
  }
  return out;
}

function generateOne(index: number, options: GenerateOptions, families: readonly Family[], blocking: readonly Base[]): Mutant | undefined {
  const seed = `${options.runSeed}:${index}`;
  const rng = new Rng(seed);
  const base = blocking.length && rng.chance(options.blockingShare ?? 0.85) ? rng.pick(blocking) : rng.pick(options.bases);
  const controlTower = rng.chance(options.controlTowerShare ?? 0);
  for (let attempt = 0; attempt < 12; attempt++) {
    const family = rng.pick(families);
    const ctx = { rng: rng.fork(`${family.name}#${attempt}`), base, doc: clone(base.doc), targets: options.targets.get(base.id) ?? [] };
    let draft: Draft | undefined;
    try {
      draft = family.mutate(ctx);
    } catch (err) {
      throw new Error(`generator bug: family ${family.name}, seed ${seed}: ${(err as Error).stack}`);
    }
    if (!draft) continue;
    const { text, ext } = render(draft, ctx.rng);
    const variant = draft.variant;
    return {
      index,
      seed,
      family: family.name,
      variant,
      description: draft.description,
      base,
      file: `gen/${String(index).padStart(5, '0')}-${family.name}-${variant.replace(/[^A-Za-z0-9-]/g, '_')}.${ext}`,
      bytes: typeof text === 'string' ? new Uint8Array(Buffer.from(text, 'utf8')) : text,
      controlTower,
      preserving: draft.preserving,
      renames: draft.renames,
      deployTimeValue: draft.deployTimeValue,
      sameAsBase: draft.sameAsBase,
    };
  }
  return undefined;
}

function render(draft: Draft, rng: Rng): { text: string | Uint8Array; ext: string } {
  if (draft.text !== undefined) return { text: draft.text, ext: draft.ext ?? 'yaml' };
  const format = draft.format ?? pickFormat(rng, draft.doc);
  return { text: write(draft.doc, format, { keyText: draft.keyText, quoteAll: draft.quoteAll }), ext: draft.ext ?? extensionOf(format) };
}
