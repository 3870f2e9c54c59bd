/**
 * Duplicate keys: a failing resource's logical ID defined twice (the other definition harmless, before or
 * after it), spelled the same or with escapes (`"B\u0075cket"`, `"\x42ucket"`, quoted vs plain), a second
 * Resources section, a second Type or Properties inside the failing resource. A template with duplicate
 * keys is malformed; whichever copy a reader keeps, the checker must not pass it.
 */
import { Entries, PathSegment } from '../model';
import { Draft, resourceFamily } from '../mutant';
import { Format } from '../serialize';

/** Keys the writer spells specially: DUP + key is written as the same key, escaped. */
const DUP = '\u0000dup:';

const HARMLESS: readonly Record<string, unknown>[] = [
  { Type: 'AWS::CloudFormation::WaitConditionHandle' },
  { Type: 'MyOrg::Foo::Bar', Properties: { Name: 'harmless' } },
  { Type: 'AWS::SSM::Parameter', Properties: { Type: 'String', Value: 'harmless' } },
];

function escapedSpelling(key: string, format: Format): string {
  const c = key.charCodeAt(1) || key.charCodeAt(0);
  const i = key.length > 1 ? 1 : 0;
  const escape = format.startsWith('json') ? `\\u${c.toString(16).padStart(4, '0')}` : `\\x${c.toString(16).padStart(2, '0')}`;
  return c < 0x100 || format.startsWith('json') ? `"${key.slice(0, i)}${escape}${key.slice(i + 1)}"` : JSON.stringify(key);
}

export const duplicates = resourceFamily('duplicates', (ctx): Draft | undefined => {
  const { rng, doc, resources, logicalId: id, resource } = ctx;
  const variant = rng.pick(['resource-after', 'resource-before', 'resource-escaped', 'resources-section', 'type-twice', 'properties-twice'] as const);
  const format: Format = rng.pick(['json', 'json-min', 'yaml', 'yaml-short', 'yaml-flow']);
  const harmless = rng.pick(HARMLESS);
  const quoted = rng.chance(0.5); // YAML: `"Bucket"` next to `Bucket`, else an escape
  const keyText = (key: string, _path: readonly PathSegment[], f: Format) =>
    key.startsWith(DUP) ? (f.startsWith('json') || !quoted ? escapedSpelling(key.slice(DUP.length), f) : JSON.stringify(key.slice(DUP.length))) : undefined;
  const others = Object.entries(resources);
  const withDoc = (resourcesValue: unknown, extraTop: [string, unknown][] = []): Entries =>
    new Entries([...Object.entries(doc).map(([k, v]): [string, unknown] => [k, k === 'Resources' ? resourcesValue : v]), ...extraTop]);
  const draft = (description: string, out: unknown): Draft => ({
    variant,
    description: `${format}: ${description}`,
    doc: out,
    format,
    keyText,
    preserving: false,
  });
  switch (variant) {
    case 'resource-after':
      return draft(`${id} defined again after it, as ${String(harmless.Type)}`, withDoc(new Entries([...others, [id, harmless]])));
    case 'resource-before':
      return draft(`${id} defined first as ${String(harmless.Type)}, then as the failing resource`, withDoc(new Entries([[id, harmless], ...others])));
    case 'resource-escaped':
      return draft(
        `${id} defined again after it with an escaped spelling of the same key, as ${String(harmless.Type)}`,
        withDoc(new Entries([...others, [DUP + id, harmless]])),
      );
    case 'resources-section':
      return draft(`a second Resources section holding only a ${String(harmless.Type)}`, withDoc(resources, [['Resources', { Harmless: harmless }]]));
    case 'type-twice': {
      const body = new Entries([...Object.entries(resource), ['Type', harmless.Type]]);
      return draft(`${id}: Type given twice, the second ${String(harmless.Type)}`, withDoc(new Entries(others.map(([k, v]) => [k, k === id ? body : v]))));
    }
    case 'properties-twice': {
      if (!('Properties' in resource)) return undefined;
      const body = new Entries([...Object.entries(resource), ['Properties', {}]]);
      return draft(`${id}: Properties given twice, the second {}`, withDoc(new Entries(others.map(([k, v]) => [k, k === id ? body : v]))));
    }
  }
});
