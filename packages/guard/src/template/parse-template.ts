import { InputError, SourceLocation, parseSource } from '@tarmac/core';
import { CFN_YAML_TAGS } from './cfn-yaml-tags';
import { ForEachError, expandResources, isObject } from './foreach';

export interface TemplateResource {
  readonly logicalId: string;
  readonly type: string;
}

/** A CloudFormation template in canonical form (long-form intrinsics, loops expanded), with its source positions. */
export interface ParsedTemplate {
  /** The file as the user named it. */
  readonly file: string;
  /** The stack, for templates from a CDK cloud assembly. */
  readonly stack?: string;
  readonly document: Record<string, unknown>;
  readonly resources: readonly TemplateResource[];
  readonly types: ReadonlySet<string>;
  /** Line and column of a path in the canonical document (e.g. ['Resources', 'Bucket', 'Properties']). */
  locate(path: readonly (string | number)[]): SourceLocation;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Reads template bytes; every way a file can fail to be a template is an InputError naming the file. */
export function parseTemplate(bytes: Uint8Array, file: string, stack?: string): ParsedTemplate {
  const text = decodeText(bytes, file);
  const source = parseSource(text, file, { customTags: CFN_YAML_TAGS });
  const root = source.value;
  if (!isObject(root)) {
    throw new InputError({ file, line: 1, column: 1 }, `not a CloudFormation template: the top level is ${describe(root)}`, 'a map with a Resources section');
  }
  if (!('Resources' in root)) {
    throw new InputError({ file, line: 1, column: 1 }, 'not a CloudFormation template: there is no Resources section', 'a map with a Resources section');
  }
  if (!isObject(root.Resources)) {
    throw new InputError(source.locate(['Resources']), `Resources is ${describe(root.Resources)}`, 'a map of logical IDs to resources');
  }
  const parameters = isObject(root.Parameters) ? root.Parameters : {};
  let expanded;
  try {
    expanded = expandResources(root.Resources, parameters);
  } catch (err) {
    if (err instanceof ForEachError) throw new InputError(source.locate(err.sourcePath), err.message);
    throw err;
  }
  const resources: TemplateResource[] = [];
  const canonicalResources: Record<string, unknown> = {};
  const sourcePaths = new Map<string, readonly (string | number)[]>();
  for (const r of expanded) {
    if (!isObject(r.resource)) {
      throw new InputError(source.locate(r.sourcePath), `resource ${r.logicalId} is ${describe(r.resource)}`, 'a map with Type and Properties');
    }
    let resource: Record<string, unknown> = r.resource;
    // Rain module sources (Type: {Rain::Module: path}) are expanded by `rain pkg`; no rule names that type.
    if (isObject(resource.Type) && 'Rain::Module' in resource.Type) resource = { ...resource, Type: 'Rain::Module' };
    if (typeof resource.Type !== 'string' || !resource.Type) {
      throw new InputError(source.locate(r.sourcePath), `resource ${r.logicalId} has no Type`, 'a resource type such as AWS::S3::Bucket');
    }
    if (r.logicalId in canonicalResources) {
      throw new InputError(source.locate(r.sourcePath), `logical ID ${r.logicalId} is defined twice (after expanding Fn::ForEach)`);
    }
    canonicalResources[r.logicalId] = resource;
    sourcePaths.set(r.logicalId, r.sourcePath);
    resources.push({ logicalId: r.logicalId, type: resource.Type });
  }
  const document = { ...root, Resources: canonicalResources };
  return {
    file,
    stack,
    document,
    resources,
    types: new Set(resources.map((r) => r.type)),
    locate(path) {
      if (path[0] === 'Resources' && typeof path[1] === 'string' && sourcePaths.has(path[1])) {
        return source.locate([...sourcePaths.get(path[1])!, ...path.slice(2)]);
      }
      return source.locate(path);
    },
  };
}

function decodeText(bytes: Uint8Array, file: string): string {
  if (bytes.length === 0 || bytes.every((b) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09)) {
    throw new InputError({ file }, 'the file is empty', 'a CloudFormation template in JSON or YAML');
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new InputError({ file }, 'not a text file (invalid UTF-8)', 'a CloudFormation template in JSON or YAML');
  }
  const nul = text.indexOf('\u0000');
  if (nul >= 0) {
    const line = text.slice(0, nul).split('\n').length;
    throw new InputError({ file, line }, 'not a text file (contains NUL bytes)', 'a CloudFormation template in JSON or YAML');
  }
  return text;
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return 'empty';
  if (Array.isArray(v)) return 'a list';
  return `a ${typeof v}`;
}

/** Cheap test used when scanning directories: does this text claim to be a CloudFormation template? */
export function looksLikeTemplate(text: string): boolean {
  // Anywhere, not only at a line start: minified JSON puts "Resources" after the opening brace.
  return /(^|[{,\s])["']?(AWSTemplateFormatVersion|Resources)["']?\s*:/m.test(text);
}
