import type { Block, Conjunctions, GuardClause, GuardFile, LetValue, Pos, Query, QueryPart, Rule, RuleClause, Value, WhenClause } from '../ast';

/**
 * Our tree in the exact JSON shape of `cfn-guard parse-tree --print-json` (serde of guard/src/rules/exprs.rs),
 * so the oracle test can compare whole trees: names, clause structure, operators, values, messages and the
 * line and column of every clause. Only for tests; the evaluator reads the typed AST.
 */

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const OPS: Record<string, string> = {
  eq: 'Eq',
  in: 'In',
  gt: 'Gt',
  lt: 'Lt',
  ge: 'Ge',
  le: 'Le',
  exists: 'Exists',
  empty: 'Empty',
  is_string: 'IsString',
  is_list: 'IsList',
  is_struct: 'IsMap',
  is_bool: 'IsBool',
  is_int: 'IsInt',
  is_float: 'IsFloat',
  is_null: 'IsNull',
};

const loc = (p: Pos): Json => ({ line: p.line, column: p.column });

function value(v: Value): Json {
  switch (v.kind) {
    case 'string':
      return v.value;
    case 'regex':
      return `/${v.source}/`;
    case 'int':
    case 'float':
    case 'bool':
      return v.value;
    case 'null':
      return null;
    case 'list':
      return v.items.map(value);
    case 'map':
      return Object.fromEntries(v.entries.map(([k, x]) => [k, value(x)]));
    case 'range':
      return `${v.lowerInclusive ? '[' : '('}${v.lower},${v.upper}${v.upperInclusive ? ']' : ')'}`;
  }
}

function letValue(v: LetValue): Json {
  switch (v.kind) {
    case 'value':
      return { Value: { path: '', value: value(v.value) } };
    case 'query':
      return { AccessClause: query(v.query) };
    case 'call':
      return { FunctionCall: { parameters: v.call.args.map(letValue), name: v.call.name, location: loc(v.call.pos) } };
  }
}

function part(p: QueryPart): Json {
  switch (p.kind) {
    case 'this':
      return 'This';
    case 'key':
      return { Key: p.name };
    case 'variable':
      return { Key: `%${p.name}` };
    case 'allValues':
      return { AllValues: p.capture ?? null };
    case 'allIndices':
      return { AllIndices: p.capture ?? null };
    case 'index':
      return { Index: p.index };
    case 'filter':
      return { Filter: [p.capture ?? null, conj(p.conjunctions, guardClause)] };
    case 'keysFilter':
      return { MapKeyFilter: [p.capture ?? null, { comparator: [OPS[p.comparator.op], p.comparator.negated], compare_with: letValue(p.with) }] };
  }
}

const query = (q: Query): Json => ({ query: q.parts.map(part), match_all: q.matchAll });

const conj = <T>(c: Conjunctions<T>, f: (t: T) => Json): Json => c.map((d) => d.map(f));

const block = <T>(b: Block<T>, f: (t: T) => Json): Json => ({
  assignments: b.assignments.map((a) => ({ var: a.name, value: letValue(a.value) })),
  conjunctions: conj(b.conjunctions, f),
});

function guardClause(c: GuardClause): Json {
  switch (c.kind) {
    case 'access':
      return {
        Clause: {
          access_clause: {
            query: query(c.query),
            comparator: [OPS[c.comparator.op], c.comparator.negated],
            compare_with: c.compareWith ? letValue(c.compareWith) : null,
            custom_message: c.message ?? null,
            location: loc(c.pos),
          },
          negation: c.negation,
        },
      };
    case 'rule':
      return { NamedRule: { dependent_rule: c.name, negation: c.negation, custom_message: c.message ?? null, location: loc(c.pos) } };
    case 'ruleCall':
      return {
        ParameterizedNamedRule: {
          parameters: c.args.map(letValue),
          named_rule: { dependent_rule: c.name, negation: c.negation, custom_message: c.message ?? null, location: loc(c.pos) },
        },
      };
    case 'block':
      return { BlockClause: { query: query(c.query), block: block(c.block, guardClause), location: loc(c.pos), not_empty: c.notEmpty } };
    case 'when':
      return { WhenBlock: [conj(c.conditions, whenClause), block(c.block, guardClause)] };
  }
}

const whenClause = (c: WhenClause): Json => guardClause(c);

function ruleClause(c: RuleClause): Json {
  if (c.kind === 'when') return { WhenBlock: [conj(c.conditions, whenClause), block(c.block, guardClause)] };
  if (c.kind !== 'type') return { Clause: guardClause(c) };
  const typeFilter: Json = {
    Clause: {
      access_clause: {
        query: { query: [{ Key: 'Type' }], match_all: true },
        comparator: ['Eq', false],
        compare_with: { Value: { path: '', value: c.typeName } },
        custom_message: null,
        location: loc(c.pos),
      },
      negation: false,
    },
  };
  return {
    TypeBlock: {
      type_name: c.typeName,
      conditions: c.conditions ? conj(c.conditions, whenClause) : null,
      block: block(c.block, guardClause),
      query: [{ Key: 'Resources' }, { AllValues: null }, { Filter: [null, [[typeFilter]]] }],
    },
  };
}

const rule = (r: Rule): Json => ({ rule_name: r.name, conditions: r.conditions ? conj(r.conditions, whenClause) : null, block: block(r.block, ruleClause) });

/** The parse tree cfn-guard prints for the file (`null` for a file of only whitespace and comments). */
export function cfnGuardTree(f: GuardFile): Json {
  if (f.assignments.length + f.rules.length + f.parameterizedRules.length === 0) return null;
  return {
    assignments: f.assignments.map((a) => ({ var: a.name, value: letValue(a.value) })),
    guard_rules: f.rules.map(rule),
    parameterized_rules: f.parameterizedRules.map((p) => ({ parameter_names: p.params, rule: rule(p) })),
  };
}
