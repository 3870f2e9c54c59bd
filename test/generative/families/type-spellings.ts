/**
 * Type spellings and lookalikes: the failing resource's Type written so that a case-, space- or
 * code-point-sensitive comparison misses it. CloudFormation knows none of these types, so they are no fix:
 * the checker must block or refuse, never pass. Plus third-party types, which must stay allowed.
 */
import { Raw, define, freshId, resourcesOf } from '../model';
import { Draft, Family, MutationContext, pickLogicalId } from '../mutant';

const HOMOGLYPHS: Record<string, readonly string[]> = {
  A: ['\u0410', '\u0391', '\uFF21'], // Cyrillic A, Greek Alpha, fullwidth A
  W: ['\u051C', '\uFF37'], // Cyrillic We, fullwidth W
  S: ['\u0405', '\uFF33'], // Cyrillic Dze, fullwidth S
  B: ['\u0412', '\u0392'],
  C: ['\u0421', '\u03F9'],
  E: ['\u0415', '\u0395'],
  K: ['\u041A', '\u039A'],
  M: ['\u041C', '\u039C'],
  T: ['\u0422', '\u03A4'],
  a: ['\u0430'],
  c: ['\u0441'],
  e: ['\u0435'],
  o: ['\u043E', '\u03BF'],
  p: ['\u0440'],
  u: ['\u057D'],
};
const ZERO_WIDTH = ['\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF', '\u00AD'];
const THIRD_PARTY = ['MyOrg::Foo::Bar', 'Acme::Storage::Bucket', 'Custom::S3Bucket', 'MyOrg::S3::Bucket'];

function replaceOne(rng: MutationContext['rng'], s: string, from: number, to: number): string | undefined {
  const positions = [...s.slice(from, to)].map((c, i) => [c, from + i] as const).filter(([c]) => HOMOGLYPHS[c]);
  if (!positions.length) return undefined;
  const [c, i] = rng.pick(positions);
  return s.slice(0, i) + rng.pick(HOMOGLYPHS[c]) + s.slice(i + 1);
}

const SPELLINGS: Record<string, (type: string, ctx: MutationContext) => string | undefined> = {
  lowercase: (t) => t.toLowerCase(),
  uppercase: (t) => t.toUpperCase(),
  'service-lowercase': (t) =>
    t
      .split('::')
      .map((p, i) => (i === 1 ? p.toLowerCase() : p))
      .join('::'),
  'homoglyph-aws': (t, { rng }) => (t.startsWith('AWS::') ? replaceOne(rng, t, 0, 3) : undefined),
  'homoglyph-name': (t, { rng }) => replaceOne(rng, t, t.lastIndexOf('::') + 2, t.length),
  'trailing-space': (t) => `${t} `,
  'leading-space': (t) => ` ${t}`,
  'trailing-nbsp': (t) => `${t}\u00A0`,
  'trailing-tab': (t) => `${t}\t`,
  'zero-width': (t, { rng }) => {
    const i = rng.int(1, t.length - 1);
    return t.slice(0, i) + rng.pick(ZERO_WIDTH) + t.slice(i);
  },
  plural: (t) => `${t}s`,
  'single-colon': (t) => t.replace('::', ':'),
  'triple-colon': (t) => t.replace(/::(?=[^:]*$)/, ':::'),
  'extra-segment': (t) => `${t}::Resource`,
  'fullwidth-colons': (t) => t.replace(/::/g, '\uFF1A\uFF1A'),
};

export const typeSpellings: Family = {
  name: 'type-spellings',
  mutate(ctx): Draft | undefined {
    const { rng, doc } = ctx;
    const resources = resourcesOf(doc);
    const variant = rng.weighted<string>([
      ...Object.keys(SPELLINGS).map((k) => [k, 1] as const),
      ['yaml-unquoted-trailing-space', 1],
      ['yaml-str-tag', 1],
      ['type-as-intrinsic', 1],
      ['type-as-list', 1],
      ['third-party', 3],
    ]);
    if (variant === 'third-party') {
      const type = rng.pick(THIRD_PARTY);
      const id = freshId(doc, 'ThirdParty');
      const resource: Record<string, unknown> = { Type: type, Properties: { Name: 'example', Enabled: true, Size: 3 } };
      if (type.startsWith('Custom::')) resource.Properties = { ServiceToken: 'arn:aws:lambda:eu-west-1:111122223333:function:provider', Name: 'example' };
      define(resources, id, resource);
      return { variant, description: `add resource ${id} of third-party type ${type}`, doc, preserving: true, sameAsBase: true };
    }
    const { logicalId } = pickLogicalId(ctx);
    const resource = resources[logicalId];
    if (!resource || typeof resource.Type !== 'string') return undefined;
    const type = resource.Type;
    if (variant === 'yaml-unquoted-trailing-space') {
      // YAML drops the trailing spaces of a plain scalar: the same type, so meaning-preserving.
      resource.Type = new Raw(`${type}   `);
      return { variant, description: `${logicalId}: Type written unquoted with trailing spaces (YAML trims them)`, doc, preserving: true };
    }
    if (variant === 'yaml-str-tag') {
      resource.Type = new Raw(`!!str ${type}`);
      return { variant, description: `${logicalId}: Type written with an explicit !!str tag`, doc, preserving: true };
    }
    if (variant === 'type-as-intrinsic') {
      const fn = rng.pick(['Fn::Sub', 'Fn::Join', 'Fn::If'] as const);
      resource.Type =
        fn === 'Fn::Sub' ? { 'Fn::Sub': type } : fn === 'Fn::Join' ? { 'Fn::Join': ['::', type.split('::')] } : { 'Fn::If': ['Never', type, type] };
      return { variant, description: `${logicalId}: Type written as ${fn} (CloudFormation needs a literal type)`, doc, preserving: false };
    }
    if (variant === 'type-as-list') {
      resource.Type = [type];
      return { variant, description: `${logicalId}: Type written as a one-item list`, doc, preserving: false };
    }
    const spelled = SPELLINGS[variant](type, ctx);
    if (spelled === undefined || spelled === type) return undefined;
    resource.Type = spelled;
    return { variant, description: `${logicalId}: Type ${JSON.stringify(type)} -> ${JSON.stringify(spelled)}`, doc, preserving: false };
  },
};
