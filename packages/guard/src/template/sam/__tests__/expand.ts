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
  const input = expandResources(root.Resources, root.Parameters ?? {}).map((r) => ({
    logicalId: r.logicalId,
    resource: r.resource as Record<string, unknown>,
    sourcePath: r.sourcePath,
  }));
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

/**
 * The YAML of a function `id` (Fn by default) with its code, handler and runtime, as a resource under
 * `Resources:`, followed by `more`: further property lines, each indented six spaces and ending in a newline.
 */
export function functionYaml(more = '', { id = 'Fn', runtime = 'nodejs20.x', code = 'CodeUri: s3://bucket/code.zip' } = {}): string {
  return `
  ${id}:
    Type: AWS::Serverless::Function
    Properties:
      ${code}
      Handler: index.handler
      Runtime: ${runtime}
${more}`;
}

/** The YAML of an API `id` (Api by default) of `type` with these property lines (indented six spaces), as a resource under `Resources:`. */
export function apiYaml(type: 'AWS::Serverless::Api' | 'AWS::Serverless::HttpApi', properties: string, { id = 'Api' } = {}): string {
  return `
  ${id}:
    Type: ${type}
    Properties:
${properties}`;
}

/** A template whose function Fn has these `Policies` (list items), with a string parameter and a condition Prod to refer to. */
export function withPolicies(policies: string, parameter: string): string {
  return `
Parameters:
  ${parameter}: {Type: String}
Conditions:
  Prod: !Equals [a, b]
Resources:${functionYaml(`      Policies:\n${policies}`, { runtime: 'python3.12' })}`;
}

/** Fn's Policies leave its role unchecked, for the item at `index`, and nothing else: the function itself is expanded. */
export function expectUncheckedRole(t: Expanded, index = 0): void {
  expect(t.ids).toEqual(['Fn']);
  expect(t.unchecked).toHaveLength(1);
  expect(t.unchecked[0]).toMatchObject({ logicalId: 'Fn', type: 'AWS::Serverless::Function', mayCreate: ['AWS::IAM::Role'] });
  expect(t.unchecked[0].sourcePath.slice(0, 5)).toEqual(['Resources', 'Fn', 'Properties', 'Policies', index]);
}

/** The API SAM generates for API events (ServerlessRestApi, ServerlessHttpApi): `body`, its OpenAPI document, titled with the stack name. */
export function generatedApi(type: string, body: Record<string, unknown>): Record<string, unknown> {
  return { Type: type, Properties: { Body: { info: { version: '1.0', title: { Ref: 'AWS::StackName' } }, ...body } } };
}
