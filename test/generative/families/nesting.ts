/**
 * Nesting and document structure: deeply nested Metadata on a failing resource, the failing resource
 * moved under a near-miss section (`Resource:`, `resources:`, `RESOURCES:`), multi-document YAML (`---`,
 * `...`, a `%YAML` directive; a second document holding the failing resource), Resources nested one level
 * too deep.
 */
import { Raw, define } from '../model';
import { Draft, resourceFamily } from '../mutant';
import { write } from '../serialize';

function deep(depth: number, list: boolean): unknown {
  let v: unknown = 'bottom';
  for (let i = 0; i < depth; i++) v = list ? [v] : { n: v };
  return v;
}

export const nesting = resourceFamily('nesting', (ctx): Draft | undefined => {
  const { rng, doc, resources, logicalId: id, resource } = ctx;
  const variant = rng.pick([
    'deep-metadata',
    'deep-metadata',
    'near-miss-section',
    'near-miss-attribute',
    'explicit-document-start',
    'document-end-marker',
    'yaml-directive',
    'second-document',
    'first-document-harmless',
    'resources-nested',
  ] as const);
  const yaml = rng.pick(['yaml', 'yaml-short'] as const);
  switch (variant) {
    case 'deep-metadata': {
      const depth = rng.pick([64, 200, 400, 500, 511, 520, 1000, 5000]);
      const list = rng.chance(0.5);
      // Past a few hundred levels, written as one line of flow collections (block YAML would be megabytes).
      const flat = list ? `${'['.repeat(depth)}"bottom"${']'.repeat(depth)}` : `${'{"n": '.repeat(depth)}"bottom"${'}'.repeat(depth)}`;
      resource.Metadata = { Deep: depth > 600 ? new Raw(flat, flat) : deep(depth, list) };
      const format = rng.pick(['json', 'json-min', 'yaml', 'yaml-flow'] as const);
      return { variant, description: `${id}: Metadata nested ${depth} ${list ? 'lists' : 'maps'} deep (${format})`, doc, format, preserving: true };
    }
    case 'near-miss-section': {
      const section = rng.pick(['Resource', 'resources', 'RESOURCES', 'Resources ', ' Resources', 'Resourses']);
      delete resources[id];
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(doc)) {
        define(out, k, v);
        if (k === 'Resources') define(out, section, { [id]: resource });
      }
      return {
        variant,
        description: `${id} moved from Resources to a section named ${JSON.stringify(section)}`,
        doc: out,
        format: rng.pick(['json', 'yaml', 'yaml-short'] as const),
        preserving: false,
      };
    }
    case 'near-miss-attribute': {
      // `properties:` instead of `Properties:`: CloudFormation refuses the template; a checker that reads
      // no properties must not pass it either.
      if (!('Properties' in resource)) return undefined;
      const spelled = rng.pick(['properties', 'Property', 'PROPERTIES', 'Properties ', 'Pr\u043Eperties']);
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(resource)) define(out, k === 'Properties' ? spelled : k, v);
      resources[id] = out;
      return {
        variant,
        description: `${id}: Properties key spelled ${JSON.stringify(spelled)}`,
        doc,
        format: rng.pick(['json', 'yaml', 'yaml-short'] as const),
        preserving: false,
      };
    }
    case 'explicit-document-start':
      return { variant, description: 'YAML with an explicit document start `---`', text: `---\n${write(doc, yaml)}`, ext: 'yaml', preserving: true };
    case 'document-end-marker':
      return { variant, description: 'YAML with `---` and a document end marker `...`', text: `---\n${write(doc, yaml)}...\n`, ext: 'yaml', preserving: true };
    case 'yaml-directive':
      return { variant, description: 'YAML with a `%YAML 1.2` directive', text: `%YAML 1.2\n---\n${write(doc, yaml)}`, ext: 'yaml', preserving: true };
    case 'second-document': {
      // First document: the template without the failing resource; second document: the failing one.
      delete resources[id];
      const first = { ...doc, Resources: Object.keys(resources).length ? resources : { Harmless: { Type: 'AWS::CloudFormation::WaitConditionHandle' } } };
      const second = { Resources: { [id]: resource } };
      return {
        variant,
        description: `two YAML documents; ${id} only in the second`,
        text: `${write(first, yaml)}---\n${write(second, yaml)}`,
        ext: 'yaml',
        preserving: false,
      };
    }
    case 'first-document-harmless': {
      const first = { Resources: { Harmless: { Type: 'AWS::CloudFormation::WaitConditionHandle' } } };
      return {
        variant,
        description: 'two YAML documents; the first a harmless template, the second the original',
        text: `${write(first, yaml)}---\n${write(doc, yaml)}`,
        ext: 'yaml',
        preserving: false,
      };
    }
    case 'resources-nested': {
      delete resources[id];
      resources.Nested = { Resources: { [id]: resource } } as never;
      return {
        variant,
        description: `${id} moved into Resources.Nested.Resources (a map without Type)`,
        doc,
        format: rng.pick(['json', 'yaml'] as const),
        preserving: false,
      };
    }
  }
});
