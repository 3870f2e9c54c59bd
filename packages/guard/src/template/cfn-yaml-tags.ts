import { ScalarTag, CollectionTag, YAMLMap, YAMLSeq } from 'yaml';

/**
 * CloudFormation's YAML short forms (!Ref, !GetAtt, !Sub, ...) expanded to their long JSON forms while
 * parsing, so a rule sees `!GetAtt Key.Arn` exactly as `{"Fn::GetAtt": ["Key", "Arn"]}`.
 */
const FUNCTIONS = [
  'And',
  'Base64',
  'Cidr',
  'Equals',
  'FindInMap',
  'GetAZs',
  'If',
  'ImportValue',
  'Join',
  'Not',
  'Or',
  'Select',
  'Split',
  'Sub',
  'Transform',
  'ToJsonString',
  'Length',
  'ForEach',
];

function longForm(name: string): string {
  if (name === 'Ref' || name === 'Condition') return name;
  return `Fn::${name}`;
}

/** `!GetAtt A.B` is ["A", "B"]; `!GetAtt A.B.C` is ["A", "B.C"] (attribute names may contain dots). */
function getAttArgs(value: unknown): unknown {
  if (typeof value === 'string') {
    const dot = value.indexOf('.');
    return dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)];
  }
  return value;
}

type Args = (value: unknown) => unknown;
const same: Args = (value) => value;

/** `!Tag value`, `!Tag [..]` and `!Tag {..}`, each read as `{ key: value }`. */
function tagsFor(tag: string, key: string, args: Args = same): (ScalarTag | CollectionTag)[] {
  const scalar = { tag, resolve: (str: string) => ({ [key]: args(str) }) } as ScalarTag;
  const collection = (kind: 'seq' | 'map') =>
    ({
      tag,
      collection: kind,
      resolve(node: YAMLSeq | YAMLMap) {
        // Mark the node so toJS wraps it; the wrapping happens in the custom toJSON below.
        const wrapped = node as (YAMLSeq | YAMLMap) & { toJSON: (...a: unknown[]) => unknown };
        const original = node.toJSON.bind(node) as (...a: unknown[]) => unknown;
        wrapped.toJSON = (...a: unknown[]) => ({ [key]: args(original(...a)) });
        return wrapped;
      },
    }) as CollectionTag;
  return [scalar, collection('seq'), collection('map')];
}

const ALL = ['Ref', 'Condition', 'GetAtt', ...FUNCTIONS];

/**
 * Rain's directives (`!Rain::Module path`, `!Rain::Embed file`...) are read as `{"Rain::Embed": "file"}`:
 * content only `rain pkg` produces, reported as not checkable (see transforms.ts), never dropped.
 */
const RAIN_DIRECTIVES = ['Module', 'Embed', 'S3Http', 'S3', 'Constant', 'Env', 'Include'];

export const CFN_YAML_TAGS = [
  ...ALL.flatMap((name) => tagsFor(`!${name}`, longForm(name), name === 'GetAtt' ? getAttArgs : same)),
  ...RAIN_DIRECTIVES.flatMap((d) => tagsFor(`!Rain::${d}`, `Rain::${d}`)),
];
