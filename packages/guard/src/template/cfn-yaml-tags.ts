import { ScalarTag, CollectionTag, YAMLMap, YAMLSeq } from 'yaml';

/**
 * CloudFormation's YAML short forms (!Ref, !GetAtt, !Sub, ...) expanded to their long JSON forms while
 * parsing, so a rule sees `!GetAtt Key.Arn` exactly as `{"Fn::GetAtt": ["Key", "Arn"]}`.
 */
const FUNCTIONS = [
  'And', 'Base64', 'Cidr', 'Equals', 'FindInMap', 'GetAZs', 'If', 'ImportValue', 'Join', 'Not', 'Or',
  'Select', 'Split', 'Sub', 'Transform', 'ToJsonString', 'Length', 'ForEach',
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

function scalarTag(name: string): ScalarTag {
  return {
    tag: `!${name}`,
    resolve: (str: string) => ({ [longForm(name)]: name === 'GetAtt' ? getAttArgs(str) : str }),
  } as ScalarTag;
}

function collectionTag(name: string, collection: 'seq' | 'map'): CollectionTag {
  return {
    tag: `!${name}`,
    collection,
    resolve(node: YAMLSeq | YAMLMap) {
      // Mark the node so toJS wraps it; the wrapping happens in the custom toJSON below.
      const wrapped = node as (YAMLSeq | YAMLMap) & { toJSON: (...args: unknown[]) => unknown };
      const original = node.toJSON.bind(node) as (...args: unknown[]) => unknown;
      wrapped.toJSON = (...args: unknown[]) => ({ [longForm(name)]: name === 'GetAtt' ? getAttArgs(original(...args)) : original(...args) });
      return wrapped;
    },
  } as CollectionTag;
}

const ALL = ['Ref', 'Condition', 'GetAtt', ...FUNCTIONS];

export const CFN_YAML_TAGS = ALL.flatMap((name) => [scalarTag(name), collectionTag(name, 'seq'), collectionTag(name, 'map')]);

