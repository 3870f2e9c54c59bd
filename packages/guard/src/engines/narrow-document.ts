import { GuardRule, deriveResourceTypes } from '../rules/guard-rule';

/**
 * Narrowing: cfn-guard's cost grows with the size of every document it evaluates, and most of a template
 * is resources a given rule never looks at. A rule that reaches resources only through type filters
 * (`Resources.*[ Type == %T ]`) or keyed lookups (`Resources[ keys == %ref ]`) cannot tell a resource of
 * another type from a stub that keeps its Type, as long as every resource that can be looked up by key
 * is kept whole. Anything else in the rule text makes it not narrowable, and its documents go in whole.
 */

const TYPE_ATOM = /^(Type|ResourceType)\s*(==|in)\s*(%[A-Za-z_][A-Za-z0-9_]*|'[^']*'|"[^"]*"|\[[^\]/]*\])$/;
const ALLOWED_AFTER_RESOURCES = [
  /^\s+(exists|not\s+exists|empty|not\s+empty|is_struct)\b/,
  /^\s*\[\s*keys\s*==\s*%[A-Za-z_][A-Za-z0-9_]*\s*\]/,
];
const FILTER_START = /^\s*(\.\s*\*\s*)?\[/;

const cache = new WeakMap<GuardRule, ReadonlySet<string> | null>();

/**
 * The resource types a narrowable rule may read, which must go in whole: the types it is dispatched on and
 * every type its text names (metadata may list fewer than the rule filters on). Undefined when the rule
 * reads resources some other way, so its documents go in whole.
 */
export function typesReadBy(rule: GuardRule): ReadonlySet<string> | undefined {
  let types = cache.get(rule);
  if (types === undefined) {
    types = rule.resourceTypes && readsResourcesOnlyByType(rule.text) ? new Set([...rule.resourceTypes, ...(deriveResourceTypes(rule.text) ?? [])]) : null;
    cache.set(rule, types);
  }
  return types ?? undefined;
}

/** Every `Resources` query in the text is type-filtered, a keyed lookup, or an existence check. */
export function readsResourcesOnlyByType(text: string): boolean {
  const code = text.replace(/#[^\n]*/g, '');
  // A type written as a regex (Type == /AWS::S3::.*/, directly or through a variable) matches types the
  // rule does not name literally.
  if (/\blet\s+\w+\s*=\s*\/[^\n]*[A-Za-z0-9]::[A-Za-z0-9.*([]/.test(code)) return false;
  for (const m of code.matchAll(/\bResources\b/g)) {
    const rest = code.slice(m.index! + m[0].length);
    if (ALLOWED_AFTER_RESOURCES.some((re) => re.test(rest))) continue;
    const start = FILTER_START.exec(rest);
    if (!start) return false;
    const body = bracketBody(rest, start[0].length);
    if (body === undefined || !filtersByType(body)) return false;
  }
  return true;
}

/** Content up to the bracket that closes the one before `from`. */
function bracketBody(text: string, from: number): string | undefined {
  let depth = 1;
  for (let i = from; i < text.length; i++) {
    if (text[i] === '[') depth++;
    else if (text[i] === ']' && --depth === 0) return text.slice(from, i);
  }
  return undefined;
}

/**
 * Guard filters are conjunctions of lines, each a disjunction joined by `or`: the filter keeps only the
 * named types when at least one conjunct is made only of Type comparisons.
 */
function filtersByType(body: string): boolean {
  const conjuncts: string[] = [];
  let current = '';
  for (const line of body.split('\n').map((l) => l.trim()).filter(Boolean)) {
    current = current ? `${current} ${line}` : line;
    if (!/\b(or|OR)$|\|OR\|$/.test(current)) {
      conjuncts.push(current);
      current = '';
    }
  }
  if (current) conjuncts.push(current);
  return conjuncts.some((c) => c.split(/\s+(?:or|OR|\|OR\|)\s+/).every((atom) => TYPE_ATOM.test(atom.trim())));
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
    const rest = Object.entries(document).filter(([k]) => k !== 'Resources').map(([, v]) => v);
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
 * The document with every resource whose type is not in `keep` reduced to `{ Type }`, except resources a
 * kept part of the document mentions by logical ID (Ref, GetAtt, Sub, DependsOn, or any string or key equal
 * to one) and those named in `names` (string literals of the rules), which stay whole so keyed lookups see
 * them as they are.
 */
export function narrowDocument(
  document: Record<string, unknown>,
  keep: ReadonlySet<string>,
  names: Iterable<string> = [],
): Record<string, unknown> {
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
  const narrowed: Record<string, unknown> = {};
  for (const id of ids) narrowed[id] = whole.has(id) ? resources[id] : { Type: resources[id].Type };
  return { ...document, Resources: narrowed };
}

/** The quoted string literals of a rule: logical IDs a rule could look up by name. */
export function stringLiterals(text: string): string[] {
  return [...text.replace(/#[^\n]*/g, '').matchAll(/'([^'\n]*)'|"([^"\n]*)"/g)].map((m) => m[1] ?? m[2]);
}
