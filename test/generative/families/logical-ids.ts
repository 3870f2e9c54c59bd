/**
 * Logical IDs: a failing resource renamed (references follow) to names that are special to JavaScript
 * objects (constructor, toString, hasOwnProperty, __proto__), to CloudFormation words (Resources, Type,
 * Ref, Condition), to digits only, to very long and to non-ASCII names. Valid CloudFormation IDs
 * (alphanumeric, at most 255 characters) are meaning-preserving, with the rename mapped; the others are not.
 */
import { Draft, Family, pickFormat, pickLogicalId } from '../mutant';
import { renameResource } from '../rename';

const PROTOTYPE = ['constructor', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString'];
const CFN_WORDS = ['Resources', 'Type', 'Properties', 'Ref', 'Condition', 'Metadata', 'Outputs'];
const UNICODE = ['Bücket', 'Корзина', '桶', 'Bucket\u200B', 'Bucket\u0301', 'B\u0430cket', 'Bucket🪣'];

export const logicalIds: Family = {
  name: 'logical-ids',
  mutate(ctx): Draft | undefined {
    const { rng, doc } = ctx;
    const { resources, logicalId: from } = pickLogicalId(ctx);
    const variant = rng.pick(['prototype-name', 'proto', 'cfn-word', 'digits', 'long-255', 'long-1000', 'unicode'] as const);
    let to: string;
    let preserving = true;
    switch (variant) {
      case 'prototype-name':
        to = rng.pick(PROTOTYPE);
        break;
      case 'proto':
        to = '__proto__';
        preserving = false; // not alphanumeric: CloudFormation refuses it
        break;
      case 'cfn-word':
        to = rng.pick(CFN_WORDS);
        break;
      case 'digits':
        to = rng.pick(['0', '1', '42', '007', '4294967296']);
        break;
      case 'long-255':
        to = 'L' + 'o'.repeat(250) + 'ngId';
        break;
      case 'long-1000':
        to = 'L' + 'o'.repeat(995) + 'ngId';
        preserving = false;
        break;
      case 'unicode':
        to = rng.pick(UNICODE);
        preserving = false;
        break;
    }
    if (to === from || Object.prototype.hasOwnProperty.call(resources, to)) return undefined;
    renameResource(doc, from, to);
    return {
      variant,
      description: `logical ID ${from} renamed to ${JSON.stringify(to.length > 40 ? `${to.slice(0, 12)}...(${to.length} chars)` : to)}`,
      doc,
      format: pickFormat(rng, doc),
      preserving,
      renames: { [from]: to },
    };
  },
};
