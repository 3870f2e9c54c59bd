/**
 * Key order: the same maps with their keys in another order (at the top, in Resources, inside resources,
 * everywhere). Order carries no meaning in CloudFormation: meaning-preserving.
 */
import { Entries, isMap } from '../model';
import { Draft, Family, pickFormat } from '../mutant';
import { Rng } from '../prng';

/** The value with map keys shuffled down to `depth` levels (Entries keep integer-like keys in place too). */
function shuffled(rng: Rng, value: unknown, depth: number, reverse: boolean): unknown {
  if (Array.isArray(value)) return value.map((v) => shuffled(rng, v, depth, reverse));
  if (!isMap(value)) return value;
  const entries = Object.entries(value).map(([k, v]): [string, unknown] => [k, depth > 1 ? shuffled(rng, v, depth - 1, reverse) : v]);
  return new Entries(reverse ? entries.reverse() : rng.shuffle(entries));
}

export const keyOrder: Family = {
  name: 'key-order',
  mutate(ctx): Draft | undefined {
    const { rng, doc } = ctx;
    const variant = rng.pick(['top-level', 'everywhere', 'reversed-everywhere', 'resources-first'] as const);
    let out: unknown;
    if (variant === 'top-level') out = shuffled(rng, doc, 1, false);
    else if (variant === 'resources-first')
      out = new Entries([
        ['Resources', doc.Resources],
        ...Object.entries(doc)
          .filter(([k]) => k !== 'Resources')
          .reverse(),
      ]);
    else out = shuffled(rng, doc, 64, variant === 'reversed-everywhere');
    return { variant, description: `keys reordered (${variant})`, doc: out, format: pickFormat(rng, out), preserving: true };
  },
};
