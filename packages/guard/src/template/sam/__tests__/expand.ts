import { parseSource } from '@tarmac/core';
import { CFN_YAML_TAGS } from '../../cfn-yaml-tags';
import { expandResources } from '../../foreach';
import { ServerlessExpansion, SourcedResource, UncheckedResource, expandServerless } from '..';

export interface Expanded extends ServerlessExpansion {
  /** Generated and kept resources by logical ID. */
  readonly byId: ReadonlyMap<string, Record<string, any>>;
  /** Logical IDs in order. */
  readonly ids: string[];
  readonly input: SourcedResource[];
  uncheckedOf(logicalId: string): UncheckedResource[];
}

/** Parses a template written as YAML (with short forms) and expands it as parse-template would. */
export function expand(yaml: string): Expanded {
  const root = parseSource(yaml, 'template.yaml', { customTags: CFN_YAML_TAGS }).value as Record<string, any>;
  const input = expandResources(root.Resources, root.Parameters ?? {}).map((r) => ({ logicalId: r.logicalId, resource: r.resource as Record<string, unknown>, sourcePath: r.sourcePath }));
  const result = expandServerless(root, input);
  return {
    ...result,
    input,
    byId: new Map(result.resources.map((r) => [r.logicalId, r.resource])),
    ids: result.resources.map((r) => r.logicalId),
    uncheckedOf: (logicalId) => result.unchecked.filter((u) => u.logicalId === logicalId),
  };
}

/** The execution role SAM writes for a function when nothing adds to it. */
export const lambdaTrust = {
  Version: '2012-10-17',
  Statement: [{ Action: ['sts:AssumeRole'], Effect: 'Allow', Principal: { Service: ['lambda.amazonaws.com'] } }],
};
export const BASIC_EXECUTION = 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole';
export const CREATED_BY = { Key: 'lambda:createdBy', Value: 'SAM' };
