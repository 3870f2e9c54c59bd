import { GuardRule } from '../rules/guard-rule';
import { analyzeRule } from '../rules/rule-analysis';

/**
 * Narrowing: cfn-guard's cost grows with the size of every document it evaluates, and most of a template
 * is resources a given rule never looks at. A rule that reaches resources only through type filters
 * (`Resources.*[ Type == %T ]`) or keyed lookups (`Resources[ keys == %ref ]`) cannot tell a resource of
 * another type from a stub that keeps its Type, as long as every resource that can be looked up by key
 * is kept whole. Anything else in the rule text makes it not narrowable, and its documents go in whole.
 */

const cache = new WeakMap<GuardRule, ReadonlySet<string> | null>();

/**
 * The resource types a narrowable rule may read, which must go in whole: the types it is dispatched on, every
 * type it filters on, and every type its text names (metadata may list fewer than the rule filters on).
 * Undefined when the rule reads resources some other way, so its documents go in whole.
 */
export function typesReadBy(rule: GuardRule): ReadonlySet<string> | undefined {
  let types = cache.get(rule);
  if (types === undefined && rule.generated && rule.resourceTypes) types = rule.resourceTypes;
  if (types === undefined) {
    const analysis = analyzeRule(rule.text);
    types =
      rule.resourceTypes && !analysis.narrowingBlockers.length ? new Set([...rule.resourceTypes, ...analysis.filterTypes, ...quotedTypes(rule.text)]) : null;
    cache.set(rule, types);
  }
  return types ?? undefined;
}

/**
 * Every way the text reaches resources is a filter on literal types (directly, through variables or parameters
 * bound to string literals, a type block, the legacy hook shape), a lookup by a logical ID taken from template
 * data (those resources stay whole, see narrowDocument), or a check of the Resources map as a whole
 * (`Resources exists`); the analysis is analyzeRule's.
 */
export function readsResourcesOnlyByType(text: string): boolean {
  return analyzeRule(text).narrowingBlockers.length === 0;
}

/** Type names quoted anywhere in the rule's code (a referenced type it compares, for example). */
function quotedTypes(text: string): string[] {
  return stringLiterals(text).filter((s) => /^[A-Za-z0-9]+::[A-Za-z0-9]+::[A-Za-z0-9]+$/.test(s));
}

/** Per document: the logical IDs each resource mentions, and those the other sections mention. */
interface Mentions {
  readonly byResource: ReadonlyMap<string, readonly string[]>;
  readonly outside: readonly string[];
}

const mentionsCache = new WeakMap<object, Mentions>();

function mentionsOf(document: Record<string, unknown>): Mentions {
  let mentions = mentionsCache.get(document);
  if (!mentions) {
    const resources = document.Resources as Record<string, unknown>;
    const byResource = new Map<string, string[]>();
    for (const [id, resource] of Object.entries(resources)) byResource.set(id, logicalIdsIn(resource, resources));
    const rest = Object.entries(document)
      .filter(([k]) => k !== 'Resources')
      .map(([, v]) => v);
    mentions = { byResource, outside: logicalIdsIn(rest, resources) };
    mentionsCache.set(document, mentions);
  }
  return mentions;
}

/** Logical IDs named anywhere in a value: as a string or key, the head of `Id.Attr`, or `${Id}` in a Sub. */
function logicalIdsIn(value: unknown, resources: Record<string, unknown>): string[] {
  const found = new Set<string>();
  const check = (s: string) => {
    if (Object.hasOwn(resources, s)) found.add(s);
    const dot = s.indexOf('.');
    if (dot > 0 && Object.hasOwn(resources, s.slice(0, dot))) found.add(s.slice(0, dot));
    if (s.includes('${')) for (const m of s.matchAll(/\$\{([^}.!]+)/g)) if (Object.hasOwn(resources, m[1])) found.add(m[1]);
  };
  const stack = [value];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v === 'string') check(v);
    else if (Array.isArray(v)) for (const item of v) stack.push(item);
    else if (v && typeof v === 'object') {
      for (const [k, item] of Object.entries(v)) {
        check(k);
        stack.push(item);
      }
    }
  }
  return [...found];
}

/**
 * `ids` and every resource that mentions one of them, directly or through others: what a rule reading a
 * resource may also read through a keyed lookup of what it references.
 */
export function withReferrers(document: Record<string, unknown>, ids: Iterable<string>): Set<string> {
  const { byResource } = mentionsOf(document);
  const out = new Set(ids);
  for (let grew = true; grew;) {
    grew = false;
    for (const [id, mentioned] of byResource) {
      if (!out.has(id) && mentioned.some((m) => out.has(m))) {
        out.add(id);
        grew = true;
      }
    }
  }
  return out;
}

/**
 * The document with every resource whose type is not in `keep` reduced to `{ Type }`, except resources a
 * kept part of the document mentions by logical ID (Ref, GetAtt, Sub, DependsOn, or any string or key equal
 * to one) and those named in `names` (string literals of the rules), which stay whole so keyed lookups see
 * them as they are.
 */
export function narrowDocument(document: Record<string, unknown>, keep: ReadonlySet<string>, names: Iterable<string> = []): Record<string, unknown> {
  const resources = document.Resources as Record<string, { Type?: unknown }>;
  const ids = Object.keys(resources);
  const whole = new Set(ids.filter((id) => keep.has(resources[id]?.Type as string)));
  if (whole.size === ids.length) return document;
  const { byResource, outside } = mentionsOf(document);
  const queue = [...whole, ...outside, ...[...names].filter((n) => Object.hasOwn(resources, n))];
  for (let id = queue.pop(); id !== undefined; id = queue.pop()) {
    whole.add(id);
    for (const next of byResource.get(id) ?? []) if (!whole.has(next)) queue.push(next);
  }
  if (whole.size === ids.length) return document;
  // Logical IDs come from the template: `__proto__` must stay a key (no prototype to set).
  const narrowed: Record<string, unknown> = Object.create(null);
  for (const id of ids) narrowed[id] = whole.has(id) ? resources[id] : { Type: resources[id].Type };
  return { ...document, Resources: narrowed };
}

/** The quoted string literals of a rule: logical IDs a rule could look up by name. */
export function stringLiterals(text: string): string[] {
  return [...text.replace(/#[^\n]*/g, '').matchAll(/'([^'\n]*)'|"([^"\n]*)"/g)].map((m) => m[1] ?? m[2]);
}
