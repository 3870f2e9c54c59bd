import { taggableResourceTypes, tagSupport } from '../resource-types';
import { guardRegexLiteral } from '../guard-regex';
import { MandatoryTag } from './model';
import { ruleMessageBlock } from './rule-messages';

/** The tag controls whose Guard rules are compiled from policies/tags.yaml, so the tag set lives in one place. */
export const TAG_RULE_NAMES = {
  'LZ.TAG.1': 'lz_mandatory_tags',
  'LZ.TAG.2': 'lz_mandatory_tag_values',
} as const;
export type TagControlId = keyof typeof TAG_RULE_NAMES;

interface TagGroup {
  /** Variable-safe suffix. */
  readonly name: string;
  readonly list: boolean;
  readonly property: string;
  readonly types: string[];
}

/** Taggable types grouped by how they carry tags: list of {Key, Value} or a map, and under which property. */
function tagGroups(only?: ReadonlySet<string>): TagGroup[] {
  const groups = new Map<string, TagGroup>();
  // Narrowed: the template's taggable types, in the order of the full list, so the text does not depend on `only`'s order.
  const typesInOrder = only ? taggableResourceTypes().filter((t) => only.has(t)) : taggableResourceTypes();
  for (const type of typesInOrder) {
    const support = tagSupport(type)!;
    const list = support.format !== 'MAP';
    const key = `${list ? 'list' : 'map'}_${support.property}`;
    let g = groups.get(key);
    if (!g) {
      g = { name: key.toLowerCase(), list, property: support.property, types: [] };
      groups.set(key, g);
    }
    g.types.push(type);
  }
  return [...groups.values()].sort((a, b) => a.name.localeCompare(b.name));
}

const quote = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

function keyChecks(g: TagGroup, tags: readonly MandatoryTag[]): string[] {
  const p = g.property;
  // Keys are checked only when the property exists: a resource without tags fails once, not once per key.
  const keys = tags.map((t) => `    ${g.list ? `some ${p}[*].Key == ${quote(t.key)}` : `${p}[${quote(t.key)}] exists`}`);
  return [`${p} exists`, `when ${p} exists {`, ...keys, '}'];
}

function valueChecks(g: TagGroup, tags: readonly MandatoryTag[]): string[] {
  const p = g.property;
  return tags.flatMap((t) => {
    const test = t.values ? `in [${t.values.map(quote).join(', ')}]` : `== ${guardRegexLiteral(t.pattern!)}`;
    // An intrinsic (a map) is judged by the Guard Hook, which sees it resolved. Anything else must be a string
    // that passes: Guard passes a regex compared with a number, and `in` with a list, so both fail here
    // (tarmac check turns numbers and booleans into strings first, as CloudFormation does).
    if (g.list) return [`${p}[ Key == ${quote(t.key)} ] { when Value !is_struct { Value is_string Value ${test} } }`];
    const value = `${p}[${quote(t.key)}]`;
    return [`when ${value} exists`, `     ${value} !is_struct { ${value} is_string ${value} ${test} }`];
  });
}

/** Without the control's YAML (tests): a message and fix of its own. */
function defaultText(id: TagControlId, tags: readonly MandatoryTag[]): { message: string; fix: string } {
  const keys = tags.map((t) => t.key).join(', ');
  return id === 'LZ.TAG.1'
    ? { message: `Resource is missing one of the mandatory tags ${keys}.`, fix: `Add the tags ${keys}.` }
    : { message: 'A mandatory tag has a value outside its allowed values or pattern.', fix: 'Use the allowed values from policies/tags.yaml.' };
}

/**
 * Compiles one tag control's Guard rule from the mandatory tag set. With `only`, the rule lists just those
 * resource types: the same verdicts on any document whose resources all have types in `only`, at a fraction
 * of the cost (the full rule names 1,300 types in three input shapes).
 */
export function compileTagRule(
  id: TagControlId,
  tags: readonly MandatoryTag[],
  only?: ReadonlySet<string>,
  say: { message: string; fix: string } = defaultText(id, tags),
): string {
  const rule = TAG_RULE_NAMES[id];
  const groups = tagGroups(only);
  const keys = tags.map((t) => t.key).join(', ');
  const out: string[] = [
    '#####################################',
    '##       Rule Specification        ##',
    '#####################################',
    `# Control:          ${id}`,
    `# Rule Identifier:  ${rule}`,
    '# Generated from policies/tags.yaml by @tarmac/core (compileTagRule): do not edit.',
    id === 'LZ.TAG.1'
      ? `# Description:      Every taggable resource carries the mandatory tags: ${keys}.`
      : '# Description:      Mandatory tags with literal values use allowed values or match their pattern.',
    '# Reports on:       every resource type that supports tags',
    '# Evaluates:        CloudFormation template; Guard Hook resource input (both spellings); legacy hook input',
    '',
    'let INPUT_DOCUMENT = this',
  ];
  for (const g of groups) {
    out.push(`let types_${g.name} = [${g.types.map(quote).join(', ')}]`);
    out.push(`let template_${g.name} = Resources.*[ Type in %types_${g.name} ]`);
    out.push(`let hook_${g.name} = Resources.*[ ResourceType in %types_${g.name} ]`);
    out.push(`let legacy_${g.name} = %INPUT_DOCUMENT[ keys in %types_${g.name} ]`);
  }
  out.push('');
  for (const g of groups) {
    const check = `check_${g.name}`;
    for (const [variable, props] of [
      [`template_${g.name}`, 'Properties'],
      [`hook_${g.name}`, 'ResourceProperties'],
      [`legacy_${g.name}`, 'resourceProperties'],
    ]) {
      // A resource without properties has no tags: missing (LZ.TAG.1), not wrong, whichever shape omits them.
      // The control's message and fix, word for word as in its YAML (issue 17: one text).
      const block = (indent: string) => ruleMessageBlock(id, say.message, say.fix, indent);
      const call =
        id === 'LZ.TAG.1'
          ? [`    ${check}(%${variable}.${props})`, ...block('    ')]
          : [`    %${variable} {`, `        when ${props} exists {`, `            ${check}(${props})`, ...block('            '), '        }', '    }'];
      out.push(`rule ${rule} when %${variable} not empty {`, ...call, '}');
    }
    const body = id === 'LZ.TAG.1' ? keyChecks(g, tags) : valueChecks(g, tags);
    out.push(`rule ${check}(props) {`, '    %props {');
    if (id === 'LZ.TAG.2') {
      out.push(`        when ${g.property} exists {`, ...body.map((l) => `            ${l}`), '        }');
    } else {
      out.push(...body.map((l) => `        ${l}`));
    }
    out.push('    }', '}', '');
  }
  return out.join('\n');
}
