/**
 * Escaped keys: `Resources`, `Type`, `Properties`, a logical ID or a property name spelled with escapes
 * (JSON `\u0052esources`, YAML `"\x52esources"`, `"\U00000054ype"`, single quotes, a double-quoted key
 * continued on the next line with `\`). Every reader decodes them to the same key: meaning-preserving.
 */
import { PathSegment } from '../model';
import { Draft, Family } from '../mutant';
import { Rng } from '../prng';
import { FORMATS, Format } from '../serialize';

const hex = (c: string, width: number, upper: boolean) => {
  const h = c.codePointAt(0)!.toString(16).padStart(width, '0');
  return upper ? h.toUpperCase() : h;
};

/** Escapes 1..n characters of the key; returns the quoted key text. */
function escaped(rng: Rng, key: string, format: Format): string {
  const chars = [...key];
  const count = rng.int(1, Math.min(3, chars.length));
  const positions = new Set(rng.shuffle(chars.map((_, i) => i)).slice(0, count));
  const json = format.startsWith('json');
  const style = json ? 'u' : rng.pick(['x', 'u', 'U'] as const);
  const upper = rng.chance(0.5);
  const body = chars
    .map((c, i) => {
      if (!positions.has(i)) return c === '"' || c === '\\' ? `\\${c}` : c;
      if (style === 'x' && c.codePointAt(0)! < 0x100) return `\\x${hex(c, 2, upper)}`;
      if (style === 'U') return `\\U${hex(c, 8, upper)}`;
      return `\\u${hex(c, 4, upper)}`;
    })
    .join('');
  return `"${body}"`;
}

/** A double-quoted YAML key split over two lines with an escaped line break (folds to nothing). */
function continued(rng: Rng, key: string): string {
  const at = rng.int(1, key.length - 1);
  return `"${key.slice(0, at)}\\\n${key.slice(at)}"`;
}

export const escapedKeys: Family = {
  name: 'escaped-keys',
  mutate(ctx): Draft | undefined {
    const { rng, doc } = ctx;
    const target = ctx.targets.length ? rng.pick(ctx.targets) : undefined;
    const candidates = ['Resources', 'Type', 'Properties'];
    if (target) candidates.push(target.logicalId, ...target.path.filter((s): s is string => typeof s === 'string'));
    const keys = new Set(rng.shuffle(candidates).slice(0, rng.int(1, 3)));
    const format = rng.pick(FORMATS);
    const style = format.startsWith('json')
      ? 'json-unicode'
      : rng.weighted<string>([
          ['yaml-escape', 3],
          ['yaml-single-quoted', 1],
          ['yaml-str-tag', 1],
          ['yaml-continuation', format === 'yaml-flow' ? 0 : 2],
        ]);
    const spelled = new Map<string, string>();
    for (const k of keys) {
      if (!k.length) continue;
      if (style === 'yaml-single-quoted') spelled.set(k, `'${k.replace(/'/g, "''")}'`);
      else if (style === 'yaml-str-tag') spelled.set(k, `!!str ${JSON.stringify(k)}`);
      else if (style === 'yaml-continuation' && k.length > 1) spelled.set(k, continued(rng, k));
      else spelled.set(k, escaped(rng, k, format));
    }
    const keyText = (key: string, _path: readonly PathSegment[]) => spelled.get(key);
    return {
      variant: style,
      description: `${format}: keys written as ${[...spelled.values()].map((s) => s.replace(/\n/g, '⏎')).join(', ')}`,
      doc,
      format,
      keyText,
      preserving: true,
    };
  },
};
