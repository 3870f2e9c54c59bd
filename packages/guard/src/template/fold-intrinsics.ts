import { isObject } from './foreach';
import { isIntrinsic } from './intrinsics';
import { deepEqual } from './sam/values';

/** `Ref: AWS::NoValue`: CloudFormation removes the property or list item that holds it. */
const NO_VALUE = Symbol('AWS::NoValue');

/** What is assumed about a deployment: parameter values, and conditions whose value cannot be computed. */
export interface Assumptions {
  /** A parameter's value, or undefined when it is not known. */
  parameter(name: string): unknown;
  /** The value of a condition that depends on something unknown; undefined leaves it unknown. */
  unknownCondition?: boolean;
}

/** Nothing is assumed: only what no deployment can change is folded. */
const NOTHING_ASSUMED: Assumptions = { parameter: () => undefined };

/**
 * Evaluates the intrinsics whose result the template alone decides, as CloudFormation will: `Fn::If` on a
 * condition of literals (or with both branches equal), `Fn::Select`, `Fn::Join`, `Fn::Sub` and
 * `Fn::FindInMap` over literals, `Ref: AWS::NoValue`. A rule then judges the value deployed, not a map it
 * cannot read: `!If [C, 0.0.0.0/0, 0.0.0.0/0]` is a public CIDR. Anything that depends on the deployment
 * (a parameter, a pseudo parameter, an attribute) stays as written, unless `assumptions` supply it.
 */
export class IntrinsicFolder {
  private readonly conditions = new Map<string, boolean | undefined>();
  private readonly evaluating = new Set<string>();

  constructor(
    private readonly template: Record<string, unknown>,
    private readonly assumptions: Assumptions = NOTHING_ASSUMED,
  ) {}

  /** The value with what can be evaluated evaluated; undefined when it is `AWS::NoValue`. */
  fold(value: unknown): unknown {
    const folded = this.value(value);
    return folded === NO_VALUE ? undefined : folded;
  }

  private value(v: unknown): unknown {
    if (Array.isArray(v)) return v.map((x) => this.value(x)).filter((x) => x !== NO_VALUE);
    if (!isObject(v)) return v;
    if (isIntrinsic(v)) return this.intrinsic(Object.keys(v)[0], Object.values(v)[0]);
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const folded = this.value(x);
      if (folded !== NO_VALUE) Object.defineProperty(out, k, { value: folded, enumerable: true, writable: true, configurable: true });
    }
    return out;
  }

  private intrinsic(name: string, args: unknown): unknown {
    switch (name) {
      case 'Ref': {
        if (args === 'AWS::NoValue') return NO_VALUE;
        const value = typeof args === 'string' ? this.parameter(args) : undefined;
        return value === undefined ? { Ref: args } : value;
      }
      case 'Fn::If':
        return this.ifOf(args);
      case 'Fn::Select':
        return this.selectOf(args);
      case 'Fn::Join':
        return this.joinOf(args);
      case 'Fn::Sub':
        return this.subOf(args);
      case 'Fn::FindInMap':
        return this.findInMapOf(args);
      default:
        return { [name]: this.value(args) };
    }
  }

  private ifOf(args: unknown): unknown {
    if (!Array.isArray(args) || args.length !== 3 || typeof args[0] !== 'string') return { 'Fn::If': this.value(args) };
    const condition = this.condition(args[0]);
    if (condition !== undefined) return this.value(args[condition ? 1 : 2]);
    const [then, otherwise] = [this.value(args[1]), this.value(args[2])];
    if (deepEqual(then, otherwise)) return then;
    return { 'Fn::If': [args[0], then === NO_VALUE ? { Ref: 'AWS::NoValue' } : then, otherwise === NO_VALUE ? { Ref: 'AWS::NoValue' } : otherwise] };
  }

  private selectOf(args: unknown): unknown {
    const folded = this.value(args);
    if (Array.isArray(folded) && folded.length === 2 && Array.isArray(folded[1])) {
      const index = typeof folded[0] === 'string' && /^\d+$/.test(folded[0]) ? Number(folded[0]) : folded[0];
      if (typeof index === 'number' && Number.isInteger(index) && index >= 0 && index < folded[1].length && !folded[1].some(isIntrinsic))
        return folded[1][index];
    }
    return { 'Fn::Select': folded };
  }

  private joinOf(args: unknown): unknown {
    const folded = this.value(args);
    if (Array.isArray(folded) && folded.length === 2 && typeof folded[0] === 'string' && Array.isArray(folded[1]) && folded[1].every(isScalar)) {
      return folded[1].map(String).join(folded[0]);
    }
    return { 'Fn::Join': folded };
  }

  private subOf(args: unknown): unknown {
    const folded = this.value(args);
    const [text, variables] = Array.isArray(folded) ? folded : [folded, {}];
    if (typeof text !== 'string' || !isObject(variables)) return { 'Fn::Sub': folded };
    let unknown = false;
    const out = text.replace(/\$\{(!?)([^}]*)\}/g, (whole, literal: string, name: string) => {
      if (literal) return `\${${name}}`; // ${!Literal} is written as ${Literal}
      const value = Object.hasOwn(variables, name) ? variables[name] : !name.includes('.') ? this.parameter(name) : undefined;
      if (isScalar(value)) return String(value);
      unknown = true;
      return whole;
    });
    return unknown ? { 'Fn::Sub': folded } : out;
  }

  private findInMapOf(args: unknown): unknown {
    const folded = this.value(args);
    const mappings = this.template.Mappings;
    if (Array.isArray(folded) && folded.length >= 3 && folded.slice(0, 3).every((k) => typeof k === 'string') && isObject(mappings)) {
      const [map, top, second] = folded as string[];
      const level1 = Object.hasOwn(mappings, map) ? mappings[map] : undefined;
      const level2 = isObject(level1) && Object.hasOwn(level1, top) ? level1[top] : undefined;
      if (isObject(level2) && Object.hasOwn(level2, second)) return this.value(level2[second]);
    }
    return { 'Fn::FindInMap': folded };
  }

  /** A parameter's assumed value: lists of CommaDelimitedList and List<> parameters split as CloudFormation does. */
  private parameter(name: string): unknown {
    const parameters = this.template.Parameters;
    if (!isObject(parameters) || !Object.hasOwn(parameters, name)) return undefined;
    const value = this.assumptions.parameter(name);
    if (value === undefined) return undefined;
    const type = isObject(parameters[name]) ? String(parameters[name].Type ?? '') : '';
    if (typeof value === 'string' && (type === 'CommaDelimitedList' || type.startsWith('List<'))) return value.split(',').map((s) => s.trim());
    return value;
  }

  /** A named condition: true, false, or undefined when it depends on something unknown. */
  condition(name: string): boolean | undefined {
    if (this.conditions.has(name)) return this.conditions.get(name);
    const conditions = this.template.Conditions;
    let value: boolean | undefined;
    if (isObject(conditions) && Object.hasOwn(conditions, name) && !this.evaluating.has(name)) {
      this.evaluating.add(name);
      value = this.conditionValue(conditions[name]);
      this.evaluating.delete(name);
    }
    value ??= this.assumptions.unknownCondition;
    this.conditions.set(name, value);
    return value;
  }

  private conditionValue(expression: unknown): boolean | undefined {
    if (!isObject(expression) || !isIntrinsic(expression)) return undefined;
    const [name, args] = Object.entries(expression)[0];
    const list = Array.isArray(args) ? args : [];
    switch (name) {
      case 'Condition':
        return typeof args === 'string' ? this.condition(args) : undefined;
      case 'Fn::Equals': {
        const [a, b] = list.map((x) => this.value(x));
        return list.length === 2 && isScalar(a) && isScalar(b) ? String(a) === String(b) : undefined;
      }
      case 'Fn::Not': {
        const inner = this.conditionValue(list[0]);
        return inner === undefined ? undefined : !inner;
      }
      case 'Fn::And': {
        const values = list.map((x) => this.conditionValue(x));
        return values.includes(false) ? false : values.every((x) => x === true) ? true : undefined;
      }
      case 'Fn::Or': {
        const values = list.map((x) => this.conditionValue(x));
        return values.includes(true) ? true : values.every((x) => x === false) ? false : undefined;
      }
      default:
        return undefined;
    }
  }
}

function isScalar(v: unknown): v is string | number | boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

/** The template's resources under other deployments; a world absent here reads as the written template. */
export interface Alternatives {
  /** Every condition that depends on the deployment true; parameters unknown. */
  readonly conditionsTrue?: Record<string, unknown>;
  /** The same with those conditions false: a failure in both worlds fails whatever the conditions are. */
  readonly conditionsFalse?: Record<string, unknown>;
  /** Every parameter at its default: what deploys when nobody overrides it. */
  readonly parameterDefaults?: Record<string, unknown>;
}

/** The worlds of Alternatives that differ from the written resources (already folded with NOTHING_ASSUMED). */
export function alternativeResources(template: Record<string, unknown>, resources: Record<string, unknown>): Alternatives {
  const parameters = isObject(template.Parameters) ? template.Parameters : {};
  if (!mentionsDeploymentValues(resources, parameters)) return {};
  const byDefault = (name: string) => {
    const p = parameters[name];
    // An SSM parameter's Default names the parameter, not its value.
    return isObject(p) && !String(p.Type ?? '').startsWith('AWS::SSM::Parameter::Value') ? p.Default : undefined;
  };
  const written = JSON.stringify(resources);
  const world = (assumptions: Assumptions) => {
    const folded = foldResources(new IntrinsicFolder(template, assumptions), resources);
    return JSON.stringify(folded) === written ? undefined : folded;
  };
  return {
    conditionsTrue: world({ parameter: () => undefined, unknownCondition: true }),
    conditionsFalse: world({ parameter: () => undefined, unknownCondition: false }),
    parameterDefaults: world({ parameter: byDefault }),
  };
}

/** Each resource folded; the map is keyed by logical IDs, which are never intrinsics (a resource may be named Ref). */
export function foldResources(folder: IntrinsicFolder, resources: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null);
  for (const [id, resource] of Object.entries(resources)) out[id] = folder.fold(resource);
  return out;
}

/** Fn::If, or a Ref or Sub that may name a parameter: what a deployment decides. */
function mentionsDeploymentValues(value: unknown, parameters: Record<string, unknown>): boolean {
  if (Array.isArray(value)) return value.some((v) => mentionsDeploymentValues(v, parameters));
  if (!isObject(value)) return false;
  if (Object.hasOwn(value, 'Fn::If')) return true;
  if (typeof value.Ref === 'string' && Object.hasOwn(parameters, value.Ref)) return true;
  if (Object.hasOwn(value, 'Fn::Sub') && Object.keys(parameters).length) return true;
  return Object.values(value).some((v) => mentionsDeploymentValues(v, parameters));
}
