/**
 * YAML anchors and aliases: a failing resource whose Type and Properties come from aliases (meaning-
 * preserving), a copy of it through an alias, cyclic aliases (`&a` containing `*a`), merge keys `<<`,
 * many aliases, and alias bombs (billion laughs).
 */
import { Alias, Anchored, define, freshId, isMap } from '../model';
import { Draft, pickFormat, resourceFamily } from '../mutant';

export const yamlAliases = resourceFamily('yaml-aliases', (ctx): Draft | undefined => {
  const { rng, doc, resources, logicalId, resource } = ctx;
  const variant = rng.pick([
    'alias-source',
    'alias-copy',
    'alias-properties-copy',
    'unused-anchors',
    'cyclic-metadata',
    'cyclic-properties',
    'merge-key',
    'resources-alias',
    'resources-merge',
    'many-aliases',
    'alias-bomb',
  ] as const);
  const yaml = () => rng.pick(['yaml', 'yaml-short', 'yaml-flow'] as const);
  const draft = (description: string, preserving: boolean, out: unknown = doc): Draft => ({
    variant,
    description: `${logicalId}: ${description}`,
    doc: out,
    format: yaml(),
    preserving,
  });
  switch (variant) {
    case 'alias-source': {
      // An earlier resource anchors the Type and Properties; the failing resource is written as aliases.
      const twin = freshId(doc, `${logicalId.slice(0, 200)}Source`);
      const source: Record<string, unknown> = { Type: new Anchored('type', resource.Type) };
      if ('Properties' in resource) source.Properties = new Anchored('props', resource.Properties);
      const rewritten: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(resource)) define(rewritten, k, k === 'Type' ? new Alias('type') : k === 'Properties' ? new Alias('props') : v);
      const reordered: Record<string, unknown> = {};
      define(reordered, twin, source);
      for (const [k, v] of Object.entries(resources)) define(reordered, k, k === logicalId ? rewritten : v);
      doc.Resources = reordered;
      return draft(`Type and Properties written as aliases (*type, *props) of resource ${twin}`, true);
    }
    case 'alias-copy': {
      const copy = freshId(doc, `${logicalId.slice(0, 200)}Copy`);
      resources[logicalId] = new Anchored('res', resource) as never;
      define(resources, copy, new Alias('res'));
      return draft(`anchored &res, and a copy ${copy}: *res`, true);
    }
    case 'alias-properties-copy': {
      if (!isMap(resource.Properties)) return undefined;
      const copy = freshId(doc, `${logicalId.slice(0, 200)}Copy`);
      resource.Properties = new Anchored('props', resource.Properties);
      define(resources, copy, { Type: resource.Type, Properties: new Alias('props') });
      return draft(`Properties anchored &props, and a copy ${copy} with Properties: *props`, true);
    }
    case 'unused-anchors':
      resources[logicalId] = new Anchored('r', { ...resource, Type: new Anchored('t', resource.Type) }) as never;
      return { ...draft('anchors that no alias uses', true), format: pickFormat(rng, doc) };
    case 'cyclic-metadata':
      resource.Metadata = new Anchored('loop', { Note: 'cyclic', Self: new Alias('loop') });
      return draft('Metadata: &loop { Self: *loop } (an alias inside its own anchor)', false);
    case 'cyclic-properties': {
      if (!isMap(resource.Properties)) resource.Properties = {};
      resource.Properties = new Anchored('loop', { ...(resource.Properties as object), Loop: [new Alias('loop')] });
      return draft('Properties: &loop { ..., Loop: [*loop] } (cyclic)', false);
    }
    case 'merge-key': {
      if (!isMap(resource.Properties) || !Object.keys(resource.Properties).length) return undefined;
      resource.Metadata = { Shared: new Anchored('shared', resource.Properties) };
      resource.Properties = { '<<': new Alias('shared') };
      return draft('Properties: { <<: *shared } (a YAML merge key)', false);
    }
    case 'resources-alias':
    case 'resources-merge': {
      // The whole Resources map is an alias of a map anchored in the template's Metadata.
      const out: Record<string, unknown> = {};
      out.Metadata = { ...(isMap(doc.Metadata) ? doc.Metadata : {}), SharedResources: new Anchored('resources', doc.Resources) };
      for (const [k, v] of Object.entries(doc))
        if (k !== 'Metadata')
          define(out, k, k === 'Resources' ? (variant === 'resources-alias' ? new Alias('resources') : { '<<': new Alias('resources') }) : v);
      return draft(
        variant === 'resources-alias' ? 'Resources: *resources (anchored in the top-level Metadata)' : 'Resources: { <<: *resources } (a merge key)',
        variant === 'resources-alias',
        out,
      );
    }
    case 'many-aliases': {
      const n = rng.pick([50, 101, 150, 500]);
      resource.Metadata = { Anchor: new Anchored('m', 'value'), Uses: Array.from({ length: n }, () => new Alias('m')) };
      return draft(`Metadata with ${n} aliases of one scalar`, true);
    }
    case 'alias-bomb': {
      const levels = rng.int(6, 10);
      const width = rng.int(6, 10);
      const bomb: Record<string, unknown> = { l0: new Anchored('l0', 'lol') };
      for (let i = 1; i < levels; i++)
        bomb[`l${i}`] = new Anchored(
          `l${i}`,
          Array.from({ length: width }, () => new Alias(`l${i - 1}`)),
        );
      resource.Metadata = bomb;
      return draft(`Metadata is an alias bomb (${levels} levels of ${width} aliases, ${width}^${levels - 1} leaves)`, false);
    }
  }
});
