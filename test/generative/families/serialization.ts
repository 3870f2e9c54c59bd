/**
 * Serializations of the same document: pretty and minified JSON, block YAML with long-form intrinsics,
 * YAML with CloudFormation short forms (!Ref, !GetAtt, !Sub...), flow YAML with unquoted scalars, every
 * string double-quoted, and the `.template` / `.yml` file names. Meaning-preserving.
 */
import { Draft, Family } from '../mutant';
import { FORMATS, Format, write } from '../serialize';

export const serialization: Family = {
  name: 'serialization',
  mutate(ctx): Draft | undefined {
    const { rng, doc } = ctx;
    const format: Format = rng.pick(FORMATS);
    const quoteAll = format.startsWith('yaml') && rng.chance(0.3);
    // Sometimes the other format's extension: the content decides how it is read.
    const ext = rng.pick(format.startsWith('json') ? ['json', 'template', 'cfn', 'yaml'] : ['yaml', 'yml', 'template', 'json']);
    const variant = `${format}${quoteAll ? '-quoted' : ''}`;
    return { variant, description: `written as ${variant} to a .${ext} file`, text: write(doc, format, { quoteAll }), ext, preserving: true };
  },
};
