import { InputError, InputErrors, SourceDocument, SourceLocation, parseSource } from '@tarmac/core';
import { CFN_YAML_TAGS } from './cfn-yaml-tags';
import { ForEachError, expandResources, isObject } from './foreach';
import { misspeltAttribute } from './resource-attributes';
import { resourceTypeProblem } from './resource-type';
import type { SourcedResource } from './sam';
import { Alternatives, IntrinsicFolder, alternativeResources, foldResources } from './fold-intrinsics';
import { withStringTags } from './tag-values';
import { describeValue, templateShape } from './template-shape';
import { applyTransforms } from './transforms';

export interface TemplateResource {
  readonly logicalId: string;
  readonly type: string;
}

/** A part of the template a transform owns or may change, which Tarmac could not expand: never a pass. */
export interface UncheckedPart {
  /** The resource; undefined when the transform applies to the whole template. */
  readonly logicalId?: string;
  readonly type?: string;
  /** The transform that owns it (AWS::Serverless-2016-10-31, AWS::Include, a macro's name). */
  readonly transform: string;
  /** Why Tarmac could not expand it, for people. */
  readonly reason: string;
  /** The resource types it may turn into; '*' for any. */
  readonly mayCreate: readonly string[];
  readonly location: SourceLocation;
}

/** A CloudFormation template in canonical form (long-form intrinsics, loops and SAM expanded), with its source positions. */
export interface ParsedTemplate {
  /** The file as the user named it. */
  readonly file: string;
  /** The stack, for templates from a CDK cloud assembly. */
  readonly stack?: string;
  readonly document: Record<string, unknown>;
  readonly resources: readonly TemplateResource[];
  readonly types: ReadonlySet<string>;
  /** What transforms own that could not be expanded (see checkSources: blocking for the controls it may hide). */
  readonly unchecked: readonly UncheckedPart[];
  /**
   * The document as other deployments would read it, where that differs (see Alternatives): a failure found
   * under every condition value is a failure; one found only in some world is unknown until deploy.
   */
  readonly alternatives: Alternatives;
  /** Line and column of a path in the canonical document (e.g. ['Resources', 'Bucket', 'Properties']). */
  locate(path: readonly (string | number)[]): SourceLocation;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Reads template bytes; every way a file can fail to be a template is an InputError naming the file. */
export function parseTemplate(bytes: Uint8Array, file: string, stack?: string): ParsedTemplate {
  return templateFromSource(readTemplateSource(bytes, file), stack);
}

/** Decodes and parses a file that may hold a template (YAML with CloudFormation's short forms, or JSON). */
export function readTemplateSource(bytes: Uint8Array, file: string): SourceDocument {
  return parseSource(decodeText(bytes, file), file, { customTags: CFN_YAML_TAGS });
}

/** A parsed document as a template: refuses what is not one, expands what CloudFormation would expand. */
export function templateFromSource(source: SourceDocument, stack?: string): ParsedTemplate {
  const { file } = source;
  const root = source.value;
  const shape = templateShape(root);
  if (shape.kind === 'near-miss') {
    throw new InputError(
      source.locate([shape.key]),
      `${shape.key} holds resources, but CloudFormation reads only Resources: every resource here would go unchecked`,
      'the section name Resources',
    );
  }
  if (!isObject(root)) {
    throw new InputError(
      { file, line: 1, column: 1 },
      `not a CloudFormation template: the top level is ${describeValue(root)}`,
      'a map with a Resources section',
    );
  }
  if (!Object.hasOwn(root, 'Resources')) {
    throw new InputError({ file, line: 1, column: 1 }, 'not a CloudFormation template: there is no Resources section', 'a map with a Resources section');
  }
  if (!isObject(root.Resources)) {
    throw new InputError(source.locate(['Resources']), `Resources is ${describeValue(root.Resources)}`, 'a map of logical IDs to resources');
  }
  const parameters = isObject(root.Parameters) ? root.Parameters : {};
  let expanded: SourcedResource[];
  try {
    expanded = expandResources(root.Resources, parameters).map((r) => {
      if (!isObject(r.resource))
        throw new InputError(source.locate(r.sourcePath), `resource ${r.logicalId} is ${describeValue(r.resource)}`, 'a map with Type and Properties');
      return { logicalId: r.logicalId, resource: r.resource, sourcePath: r.sourcePath };
    });
  } catch (err) {
    if (err instanceof ForEachError) throw new InputError(source.locate(err.sourcePath), err.message);
    throw err;
  }
  const transformed = applyTransforms(root, expanded, source);

  // Logical IDs come from the file: `constructor` or `__proto__` must be ordinary keys (no prototype).
  const canonicalResources: Record<string, unknown> = Object.create(null);
  const sourcePaths = new Map<string, readonly (string | number)[]>();
  const resources: TemplateResource[] = [];
  const unchecked = [...transformed.unchecked];
  const problems: InputError[] = []; // every bad resource at once, so one run shows them all
  for (const r of transformed.resources) {
    const type = r.resource.Type;
    if (typeof type !== 'string' || !type) {
      problems.push(new InputError(source.locate(r.sourcePath), `resource ${r.logicalId} has no Type`, 'a resource type such as AWS::S3::Bucket'));
      continue;
    }
    const problem = resourceTypeProblem(type);
    if (problem && transformed.macros.length) {
      // A macro's own resource types (AWS::S3::Object for S3Objects): what it turns them into is unknown.
      const macros = transformed.macros.join(', ');
      unchecked.push({
        logicalId: r.logicalId,
        type,
        transform: macros,
        reason: `${r.logicalId} has type ${type}, which only the macro ${macros} can turn into resources`,
        mayCreate: ['*'],
        location: source.locate([...r.sourcePath, 'Type']),
      });
      continue;
    }
    if (problem)
      problems.push(new InputError(source.locate([...r.sourcePath, 'Type']), `resource ${r.logicalId}: ${problem}`, 'a CloudFormation resource type'));
    for (const key of Object.keys(r.resource)) {
      const meant = misspeltAttribute(key);
      if (meant)
        problems.push(
          new InputError(
            source.locate([...r.sourcePath, key]),
            `resource ${r.logicalId} has the attribute ${JSON.stringify(key)}, which CloudFormation refuses; did you mean ${meant}?`,
            `${meant}, spelled exactly (Guard would read ${JSON.stringify(key)} as ${meant}, CloudFormation would not deploy it)`,
          ),
        );
    }
    if (sourcePaths.has(r.logicalId)) {
      problems.push(new InputError(source.locate(r.sourcePath), `logical ID ${r.logicalId} is defined twice (after expanding Fn::ForEach and transforms)`));
    }
    canonicalResources[r.logicalId] = r.resource;
    sourcePaths.set(r.logicalId, r.sourcePath);
    resources.push({ logicalId: r.logicalId, type });
  }
  if (problems.length) throw new InputErrors(problems);
  const locate = (path: readonly (string | number)[]) => {
    const at = typeof path[1] === 'string' && path[0] === 'Resources' ? sourcePaths.get(path[1]) : undefined;
    return source.locate(at ? [...at, ...path.slice(2)] : path);
  };
  // What the template alone decides is evaluated; tag values take CloudFormation's string form; an empty
  // Properties map is no Properties, as CloudFormation provisions both alike (rules tell them apart).
  const deployed = (r: Record<string, unknown>) =>
    mapValues(r, (resource) => (isObject(resource) ? withStringTags(withoutEmptyProperties(resource)) : resource));
  const document = { ...root, Resources: deployed(foldResources(new IntrinsicFolder(root), canonicalResources)) };
  const tooDeep = pathDeeperThan(document, MAX_TEMPLATE_NESTING);
  if (tooDeep)
    throw new InputError(
      locate(tooDeep),
      `the template nests more than ${MAX_TEMPLATE_NESTING} levels deep`,
      `at most ${MAX_TEMPLATE_NESTING} levels, as both Guard engines read`,
    );
  const alternatives = Object.fromEntries(
    Object.entries(alternativeResources(root, document.Resources))
      .filter(([, r]) => r)
      .map(([world, r]) => [world, { ...document, Resources: deployed(r!) }]),
  );
  return { file, stack, document, resources, types: new Set(resources.map((r) => r.type)), unchecked, alternatives, locate };
}

function withoutEmptyProperties(resource: Record<string, unknown>): Record<string, unknown> {
  if (!isObject(resource.Properties) || Object.keys(resource.Properties).length) return resource;
  const { Properties: _empty, ...rest } = resource;
  return rest;
}

/** A prototype-free map with the same keys and each value mapped. */
function mapValues(map: Record<string, unknown>, fn: (value: unknown) => unknown): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null);
  for (const [k, v] of Object.entries(map)) out[k] = fn(v);
  return out;
}

/**
 * The WebAssembly engine refuses JSON nested deeper than 128 levels and cfn-guard reads it: one limit for
 * both, well above what real templates nest (a few dozen levels), so the engines give the same verdict.
 */
const MAX_TEMPLATE_NESTING = 100;

/** The path of the first value nested deeper than `max` maps and lists, or undefined. */
function pathDeeperThan(value: unknown, max: number, path: (string | number)[] = []): (string | number)[] | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if (path.length >= max) return [...path];
  for (const [k, v] of Array.isArray(value) ? value.entries() : Object.entries(value)) {
    path.push(k);
    const found = pathDeeperThan(v, max, path);
    path.pop();
    if (found) return found;
  }
  return undefined;
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
