/**
 * The organization's tag policy (TAG_POLICY), compiled from the mandatory tag set in policies/tags.yaml.
 * Syntax: https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_example-tag-policies.html
 */

import * as fs from 'fs';
import * as path from 'path';
import { closestMatch } from '../closest-match';
import { MandatoryTag } from '../catalog/model';
import { InputError, SourceLocation } from '../errors';

type Assign<T> = { '@@assign': T };

export interface TagPolicyEntry {
  tag_key: Assign<string>;
  tag_value?: Assign<string[]>;
  enforced_for?: Assign<string[]>;
}

export interface TagPolicyDocument {
  tags: Record<string, TagPolicyEntry>;
}

/**
 * One entry per mandatory tag, in tag set order. The policy key is the lower-cased tag key (AWS matches
 * policy keys case-insensitively); tag_key carries the casing resources must use. `enforcedFor` applies to
 * every key: even a key without tag_value then has its casing enforced.
 */
export function compileTagPolicy(tags: readonly MandatoryTag[], enforcedFor: readonly string[]): TagPolicyDocument {
  const enforced = [...new Set(enforcedFor)];
  const document: TagPolicyDocument = { tags: {} };
  const keyOf = new Map<string, string>();
  for (const tag of tags) {
    const policyKey = tag.key.toLowerCase();
    const clash = keyOf.get(policyKey);
    if (clash !== undefined) throw new Error(`tags '${clash}' and '${tag.key}' differ only in case; a tag policy cannot hold both`);
    keyOf.set(policyKey, tag.key);

    const entry: TagPolicyEntry = { tag_key: { '@@assign': tag.key } };
    const values = tag.values ? [...tag.values] : tag.pattern !== undefined ? tagValuesForPattern(tag.pattern) : undefined;
    // A pattern AWS wildcards cannot express exactly gets no tag_value: any value is then compliant, which is
    // looser than the catalog but never blocks a value the catalog allows. The Guard rules check the pattern.
    if (values) entry.tag_value = { '@@assign': values };
    if (enforced.length) entry.enforced_for = { '@@assign': enforced };
    document.tags[policyKey] = entry;
  }
  return document;
}

/**
 * The tag_value list that accepts exactly what an anchored pattern accepts, or undefined. AWS tag policies
 * offer one wildcard, `*`, at most once per value ("*@example.com" is allowed, "*@*.com" is not), so only
 * `^(alt|alt)$` where each alternative is literal text with at most one `.*` maps across. AWS does not say
 * whether `*` matches the empty string; this takes `*` to mean `.*`, as in its examples ("300*").
 */
export function tagValuesForPattern(pattern: string): string[] | undefined {
  if (!pattern.startsWith('^') || !pattern.endsWith('$') || pattern.endsWith('\\$')) return undefined;
  let body = pattern.slice(1, -1);
  const group = /^\((?:\?:)?(.*)\)$/.exec(body);
  if (group && balanced(group[1])) body = group[1];
  const values: string[] = [];
  for (const alternative of splitTopLevel(body)) {
    const value = literalWithWildcard(alternative);
    if (value === undefined) return undefined;
    values.push(value);
  }
  return values;
}

const META = new Set([...'\\^$.|?*+()[]{}']);

/** Literal text, escaped punctuation and at most one `.*`, as a tag value; undefined for anything else. */
function literalWithWildcard(alternative: string): string | undefined {
  let out = '';
  let wildcards = 0;
  for (let i = 0; i < alternative.length; i++) {
    const c = alternative[i];
    if (c === '\\') {
      const next = alternative[i + 1];
      // \d, \w, \s and friends are character classes, not literals; `*` cannot be written literally in AWS.
      if (next === undefined || /[A-Za-z0-9]/.test(next) || next === '*') return undefined;
      out += next;
      i++;
    } else if (c === '.' && alternative[i + 1] === '*') {
      if (++wildcards > 1) return undefined;
      out += '*';
      i++;
    } else if (META.has(c)) {
      return undefined;
    } else {
      out += c;
    }
  }
  return out;
}

/** Splits on `|` outside escapes; undefined parts (groups, classes) are rejected later as metacharacters. */
function splitTopLevel(body: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < body.length; i++) {
    if (body[i] === '\\') {
      current += body.slice(i, i + 2);
      i++;
    } else if (body[i] === '|') {
      parts.push(current);
      current = '';
    } else {
      current += body[i];
    }
  }
  parts.push(current);
  return parts;
}

/** True if the parentheses in `s` pair up, so `(a)|(b)` is not mistaken for one group. */
function balanced(s: string): boolean {
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === '(') depth++;
    else if (s[i] === ')' && --depth < 0) return false;
  }
  return depth === 0;
}

interface EnforcedForData {
  readonly source: string;
  readonly retrieved: string;
  readonly resourceTypes: readonly string[];
}

let loaded: EnforcedForData | undefined;
/** The AWS list of enforced_for values (packages/core/data/tag-policy-enforced-for.json). */
export function enforcedForData(): EnforcedForData {
  loaded ??= JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'data', 'tag-policy-enforced-for.json'), 'utf8')) as EnforcedForData;
  return loaded;
}

/**
 * Checks enforced_for values against the AWS list of resource types that support enforcement
 * (`<service>:ALL_SUPPORTED` only where AWS lists it). `locate(i)` says where value i was written.
 */
export function validateEnforcedFor(values: readonly string[], locate: (index: number) => SourceLocation): InputError[] {
  const data = enforcedForData();
  const known = new Set(data.resourceTypes);
  const errors: InputError[] = [];
  const seen = new Set<string>();
  values.forEach((value, i) => {
    if (seen.has(value)) {
      errors.push(new InputError(locate(i), `duplicate enforced_for resource type '${value}'`));
      return;
    }
    seen.add(value);
    if (known.has(value)) return;
    const suggestion = suggestEnforcedFor(value, data.resourceTypes, known);
    errors.push(
      new InputError(
        locate(i),
        `unknown enforced_for resource type '${value}'` + (suggestion ? `; did you mean ${suggestion}?` : ''),
        `a resource type that supports tag policy enforcement, as listed at ${data.source}`,
      ),
    );
  });
  return errors;
}

function suggestEnforcedFor(value: string, all: readonly string[], known: ReadonlySet<string>): string | undefined {
  const service = value.split(':')[0];
  // The older AWS syntax `<service>:*` became `<service>:ALL_SUPPORTED`.
  if (value === `${service}:*` && known.has(`${service}:ALL_SUPPORTED`)) return `${service}:ALL_SUPPORTED`;
  const sameService = all.filter((t) => t.startsWith(`${service}:`));
  return closestMatch(value, sameService.length ? sameService : all);
}
