import { InputError, SourceDocument } from '@tarmac/core';
import { isObject } from './foreach';
import type { UncheckedPart } from './parse-template';
import type { SourcedResource } from './sam';

/** Expanded by Tarmac itself: Fn::ForEach (see foreach.ts) and SAM (see sam/). */
const LANGUAGE_EXTENSIONS = 'AWS::LanguageExtensions';
const SERVERLESS = 'AWS::Serverless-2016-10-31';

export interface TransformedResources {
  readonly resources: SourcedResource[];
  readonly unchecked: UncheckedPart[];
  /** Template-level transforms Tarmac cannot run: they may rewrite any resource, its type included. */
  readonly macros: readonly string[];
}

/**
 * Applies the transforms Tarmac can run, and lists what the others own. The Guard Hook sees resources after
 * every transform, so a transform Tarmac cannot run must never look like a template with nothing to report:
 * what it may add or change is reported as unchecked (see ADR 0008).
 */
export function applyTransforms(root: Record<string, unknown>, resources: readonly SourcedResource[], source: SourceDocument): TransformedResources {
  const unchecked: UncheckedPart[] = [];
  let out: SourcedResource[] = [];
  for (const r of resources) {
    const owner = ownedByTransform(r);
    if (owner) unchecked.push({ ...owner, location: source.locate(r.sourcePath) });
    else out.push(r);
  }
  const transforms = transformNames(root, source);
  if (transforms.some((t) => t.name === SERVERLESS)) {
    // Loaded on use: most templates have no SAM, and pre-commit pays for every module it loads.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { expandServerless } = require('./sam') as typeof import('./sam');
    const sam = expandServerless(root, out);
    out = sam.resources;
    unchecked.push(...sam.unchecked.map(({ sourcePath, ...u }) => ({ ...u, transform: SERVERLESS, location: source.locate(sourcePath) })));
  }
  const macros = transforms.filter((t) => t.name !== LANGUAGE_EXTENSIONS && t.name !== SERVERLESS);
  for (const t of macros) {
    unchecked.push({
      transform: t.name,
      reason: `the transform ${t.name} runs only in CloudFormation and may add or change any resource`,
      mayCreate: ['*'],
      location: source.locate(t.path),
    });
  }
  for (const r of out) {
    const at = pathToKey(r.resource, isPreprocessorKey);
    if (!at) continue;
    const type = typeof r.resource.Type === 'string' ? r.resource.Type : undefined;
    const rain = String(at[at.length - 1]).startsWith('Rain::');
    unchecked.push({
      logicalId: r.logicalId,
      type,
      transform: rain ? 'rain pkg' : transformNameAt(r.resource, at),
      reason: rain
        ? `${at[at.length - 1]} in ${r.logicalId} is replaced by rain pkg`
        : `Fn::Transform replaces part of ${r.logicalId} with content only CloudFormation sees`,
      mayCreate: type ? [type] : ['*'],
      location: source.locate([...r.sourcePath, ...at]),
    });
  }
  return { resources: out, unchecked, macros: macros.map((t) => t.name) };
}

/** `Fn::Transform` as a logical ID (AWS::Include of resources) and Rain module sources stand for resources Tarmac cannot see. */
function ownedByTransform(r: SourcedResource): Omit<UncheckedPart, 'location'> | undefined {
  if (r.logicalId === 'Fn::Transform') {
    const name = isObject(r.resource) && typeof r.resource.Name === 'string' ? r.resource.Name : 'Fn::Transform';
    return { transform: name, reason: `${name} under Resources adds resources only CloudFormation sees`, mayCreate: ['*'] };
  }
  if (isObject(r.resource.Type) && Object.hasOwn(r.resource.Type, 'Rain::Module')) {
    return { logicalId: r.logicalId, transform: 'rain pkg', reason: `${r.logicalId} is a Rain module: rain pkg expands it into resources`, mayCreate: ['*'] };
  }
  return undefined;
}

/** The template's transforms in order: a name, a list of names, or {Name, Parameters} (AWS::Include). */
function transformNames(root: Record<string, unknown>, source: SourceDocument): { name: string; path: (string | number)[] }[] {
  if (!Object.hasOwn(root, 'Transform')) return [];
  const value = root.Transform;
  const items = Array.isArray(value) ? value.map((v, i) => ({ v, path: ['Transform', i] })) : [{ v: value, path: ['Transform'] }];
  return items.map(({ v, path }) => {
    const name = typeof v === 'string' ? v : isObject(v) && typeof v.Name === 'string' ? v.Name : undefined;
    if (!name) throw new InputError(source.locate(path), 'Transform names no transform', 'a transform name, a list of them, or {Name, Parameters}');
    return { name, path };
  });
}

/** Keys whose content is produced before CloudFormation's resources exist: AWS::Include, Rain's directives. */
const isPreprocessorKey = (key: string) => key === 'Fn::Transform' || key.startsWith('Rain::');

/** Path to the first map key that `matches` inside a value, or undefined. */
function pathToKey(value: unknown, matches: (key: string) => boolean, path: (string | number)[] = []): (string | number)[] | undefined {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = pathToKey(value[i], matches, [...path, i]);
      if (found) return found;
    }
  } else if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (matches(k)) return [...path, k];
      const found = pathToKey(v, matches, [...path, k]);
      if (found) return found;
    }
  }
  return undefined;
}

function transformNameAt(resource: unknown, path: readonly (string | number)[]): string {
  let node: unknown = resource;
  for (const k of path) node = isObject(node) || Array.isArray(node) ? (node as Record<string | number, unknown>)[k] : undefined;
  return isObject(node) && typeof node.Name === 'string' ? node.Name : 'Fn::Transform';
}
