/**
 * Value types: booleans and numbers written as strings (CloudFormation coerces them back, so
 * meaning-preserving), YAML's other spellings of booleans, tag values that are numbers or booleans, nulls
 * where a failing property is missing, empty maps and lists where the template has nothing.
 */
import { Raw, existingPrefix, getAt, isMap, scalars, setAt } from '../model';
import { Draft, pickFormat, resourceFamily } from '../mutant';

export const valueTypes = resourceFamily('value-types', (ctx): Draft | undefined => {
  const { rng, doc, target, logicalId, resource } = ctx;
  const variant = rng.pick([
    'scalar-as-string',
    'scalar-as-string',
    'false-string-as-bool',
    'null-other-property',
    'yaml-bool-spelling',
    'tag-value-number',
    'tag-value-bool',
    'null-at-missing',
    'properties-null',
    'empty-properties',
    'empty-tags',
    'empty-metadata',
    'null-metadata',
    'empty-depends-on',
  ] as const);
  const done = (description: string, preserving: boolean, format = pickFormat(rng, doc)): Draft => ({
    variant,
    description: `${logicalId}: ${description}`,
    doc,
    format,
    preserving,
  });
  /** `key: value` added where the resource has no `key`. */
  const addMissing = (key: string, value: unknown, description: string, preserving: boolean): Draft | undefined => {
    if (key in resource) return undefined;
    resource[key] = value;
    return done(description, preserving);
  };
  const typed = scalars(resource.Properties, ['Properties']).filter(([, v]) => typeof v === 'boolean' || typeof v === 'number');
  switch (variant) {
    case 'scalar-as-string': {
      if (!typed.length) return undefined;
      const picked = rng.shuffle(typed).slice(0, rng.int(1, typed.length));
      for (const [p, v] of picked) setAt(resource, p, String(v));
      return done(`${picked.map(([p, v]) => `${p.join('.')}: ${JSON.stringify(v)} -> "${String(v)}"`).join(', ')}`, true);
    }
    case 'false-string-as-bool': {
      // "false" -> false: the same value for CloudFormation, and never a fix.
      const falses = scalars(resource.Properties, ['Properties']).filter(([, v]) => typeof v === 'string' && v.toLowerCase() === 'false');
      if (!falses.length) return undefined;
      for (const [p] of falses) setAt(resource, p, false);
      return done(`${falses.map(([p]) => p.join('.')).join(', ')}: "false" -> false`, true);
    }
    case 'null-other-property': {
      // A property no finding points at becomes null: not a fix of what failed (that stays as it was).
      const props = resource.Properties;
      if (!isMap(props)) return undefined;
      const onPath = new Set(ctx.targets.filter((t) => t.logicalId === logicalId).map((t) => String(t.path[1])));
      const others = Object.keys(props).filter((k) => !onPath.has(k) && k !== 'Tags');
      if (!others.length || !onPath.size || onPath.has('undefined')) return undefined;
      const k = rng.pick(others);
      props[k] = null;
      return done(`Properties.${k}: null (no finding points at it)`, false);
    }
    case 'yaml-bool-spelling': {
      const bools = typed.filter(([, v]) => typeof v === 'boolean');
      if (!bools.length) return undefined;
      const spelling = rng.pick(['title', 'upper'] as const);
      for (const [p, v] of bools) {
        const s = String(v);
        setAt(resource, p, new Raw(spelling === 'upper' ? s.toUpperCase() : s[0].toUpperCase() + s.slice(1)));
      }
      return done(
        `booleans written as ${spelling === 'upper' ? 'TRUE/FALSE' : 'True/False'} (YAML 1.2 core booleans)`,
        true,
        rng.pick(['yaml', 'yaml-short'] as const),
      );
    }
    case 'tag-value-number':
    case 'tag-value-bool': {
      const tags = getAt(resource, ['Properties', 'Tags']);
      const value = variant === 'tag-value-number' ? rng.pick([0, 42, 4200, -1, 3.5]) : rng.chance(0.5);
      if (Array.isArray(tags) && tags.some((t) => isMap(t) && 'Value' in t)) {
        const tag = rng.pick(tags.filter((t): t is Record<string, unknown> => isMap(t) && 'Value' in t));
        const before = tag.Value;
        tag.Value = value;
        return done(`tag ${String(tag.Key)} value ${JSON.stringify(before)} -> ${JSON.stringify(value)}`, false);
      }
      if (isMap(tags) && Object.keys(tags).length) {
        const key = rng.pick(Object.keys(tags));
        tags[key] = value;
        return done(`tag ${key} value -> ${JSON.stringify(value)}`, false);
      }
      return undefined;
    }
    case 'null-at-missing': {
      if (!target || !target.path.length) return undefined;
      const have = existingPrefix(resource, target.path);
      if (have.length === target.path.length) return undefined; // present: a null could be a fix
      const parent = getAt(resource, have);
      const next = target.path[have.length];
      if (!isMap(parent) || typeof next !== 'string') return undefined;
      parent[next] = null;
      return done(`${[...have, next].join('.')}: null (was missing)`, false);
    }
    case 'properties-null':
      return addMissing('Properties', null, 'Properties: null (was missing)', false);
    case 'empty-properties':
      return addMissing('Properties', {}, 'Properties: {} (was missing)', true);
    case 'empty-tags': {
      if (!target || target.path.join('.') !== 'Properties.Tags' || getAt(resource, ['Properties', 'Tags']) !== undefined) return undefined;
      if (!isMap(resource.Properties)) resource.Properties = {};
      (resource.Properties as Record<string, unknown>).Tags = [];
      return done('Tags: [] (was missing)', true);
    }
    case 'empty-metadata':
      return addMissing('Metadata', {}, 'Metadata: {}', true);
    case 'null-metadata':
      return addMissing('Metadata', null, 'Metadata: null', false);
    case 'empty-depends-on':
      return addMissing('DependsOn', [], 'DependsOn: []', true);
  }
});
