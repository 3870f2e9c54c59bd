/** What a mutation family produces, and what it is told about the template it mutates. */
import { Doc, PathSegment, clone, isMap, resourcesOf } from './model';
import { Rng } from './prng';
import { Base } from './seeds';
import { FORMATS, Format, WriteOptions, write } from './serialize';

/** A blocking finding of the unmutated template (on the reference engine): what mutants target. */
export interface Target {
  readonly controlId: string;
  readonly logicalId: string;
  /** Path inside the resource, e.g. ['Properties', 'BucketEncryption']; empty when the engine gave none. */
  readonly path: readonly PathSegment[];
}

export interface MutationContext {
  readonly rng: Rng;
  readonly base: Base;
  /** A fresh deep copy of the base document: mutate it freely. */
  readonly doc: Doc;
  /** The base's blocking findings (empty when it had none). */
  readonly targets: readonly Target[];
}

/** The expectation class of a mutant, relative to the resources that failed before. */
export interface Meaning {
  /**
   * True: CloudFormation deploys the same resources for the ones that failed (same types and properties),
   * so every blocking finding must survive (logical IDs mapped through `renames`), or the run exits 2.
   * False: a change that is no fix; the mutant must not exit 0 when the base blocked.
   */
  readonly preserving: boolean;
  /** Logical IDs the mutation renamed: old -> new. */
  readonly renames?: Readonly<Record<string, string>>;
  /**
   * The failing value now sits behind a value only known at deploy time (Ref, Fn::If, Fn::Transform): the
   * documented verdict is `unknown`, which may warn instead of block, but the finding must still be reported
   * for the same control and resource (or the run exits 2).
   */
  readonly deployTimeValue?: boolean;
  /** Stricter: the same exit code and the same findings as the base (third-party types must stay allowed). */
  readonly sameAsBase?: boolean;
}

export interface Draft extends Meaning {
  /** Short label for grouping: `family/variant`. */
  readonly variant: string;
  readonly description: string;
  /** The mutated document, written in `format` (or a format the generator picks). */
  readonly doc?: unknown;
  readonly format?: Format;
  /** How keys are spelled (see WriteOptions). */
  readonly keyText?: WriteOptions['keyText'];
  readonly quoteAll?: boolean;
  /** Or the mutant's exact text (bytes), with the extension of its file. */
  readonly text?: string | Uint8Array;
  readonly ext?: string;
}

export interface Family {
  readonly name: string;
  /** A mutant of ctx.doc, or undefined when this family has nothing to do on this template. */
  mutate(ctx: MutationContext): Draft | undefined;
}

export interface Mutant extends Meaning {
  readonly index: number;
  readonly seed: string;
  readonly family: string;
  readonly variant: string;
  readonly description: string;
  readonly base: Base;
  readonly file: string;
  readonly bytes: Uint8Array;
  readonly controlTower: boolean;
}

/** The formats a document can be written in (aliases and raw YAML have no JSON form). */
export function formatsFor(doc: unknown): readonly Format[] {
  try {
    write(doc, 'json-min');
    return FORMATS;
  } catch {
    return FORMATS.filter((f) => f.startsWith('yaml'));
  }
}

export function pickFormat(rng: Rng, doc: unknown): Format {
  return rng.pick(formatsFor(doc));
}

export function freshDoc(base: Base): Doc {
  return clone(base.doc);
}

/** The targets of one resource, picked at random. */
export function pickTarget(ctx: MutationContext): Target | undefined {
  return ctx.targets.length ? ctx.rng.pick(ctx.targets) : undefined;
}

/** The resource a mutation works on: the one of a target picked at random, or any when the base blocked nothing. */
export interface Picked {
  readonly resources: Record<string, Record<string, unknown>>;
  readonly target: Target | undefined;
  readonly logicalId: string;
}

export function pickLogicalId(ctx: MutationContext): Picked {
  const resources = resourcesOf(ctx.doc);
  const target = pickTarget(ctx);
  return { resources, target, logicalId: target?.logicalId ?? ctx.rng.pick(Object.keys(resources)) };
}

export interface ResourceContext extends MutationContext, Picked {
  /** resources[logicalId], a map: mutate it freely. */
  readonly resource: Record<string, unknown>;
}

/** A family that mutates one resource (see pickLogicalId); nothing to do when that resource is not a map. */
export function resourceFamily(name: string, mutate: (ctx: ResourceContext) => Draft | undefined): Family {
  return {
    name,
    mutate(ctx) {
      const picked = pickLogicalId(ctx);
      const resource = picked.resources[picked.logicalId];
      return isMap(resource) ? mutate({ ...ctx, ...picked, resource }) : undefined;
    },
  };
}
