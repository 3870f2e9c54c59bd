import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { InputError, SourceLocation } from '../errors';
import { IamStatement } from './model';
import { validateActionList, validateStatement } from './iam-validation';

/** A fake file: each element starts on a fixed line, list items follow it, one per line. */
const LINE: Record<string, number> = {
  Sid: 2,
  Effect: 3,
  Principal: 4,
  NotPrincipal: 5,
  Action: 10,
  NotAction: 20,
  Resource: 30,
  NotResource: 35,
  Condition: 40,
};
function locate(p: (string | number)[]): SourceLocation {
  if (p.length === 0) return { file: 'x.yaml', line: 1 };
  const last = p[p.length - 1];
  return { file: 'x.yaml', line: (LINE[p[0]] ?? 90) + (typeof last === 'number' ? last + 1 : p.length - 1) };
}

/** A Deny statement on every resource; `extra` may hold anything a YAML file could. */
const deny = (extra: Record<string, unknown>): IamStatement => ({ Effect: 'Deny', Resource: '*', ...extra }) as unknown as IamStatement;
const scp = (stmt: IamStatement) => validateStatement(stmt, 'scp', locate);
const rcp = (stmt: IamStatement) => validateStatement(stmt, 'rcp', locate);
const messages = (errors: InputError[]) => errors.map((e) => e.message);

describe('actions', () => {
  test('a valid statement has no errors; actions are case-insensitive', async () => {
    expect(await scp(deny({ Action: ['s3:DeleteObject', 'S3:deleteobject', 'ec2:Describe*', 's3:GetObjec?', 'organizations:LeaveOrganization'] }))).toEqual([]);
    expect(await scp(deny({ Action: '*' }))).toEqual([]);
  });

  test('a misspelt action is an error at its own line, with a suggestion', async () => {
    const errors = await scp(deny({ Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObjet'] }));
    expect(messages(errors)).toEqual(['x.yaml:13: unknown action s3:DeleteObjet; did you mean s3:DeleteObject? (expected an action of s3)']);
    expect(errors[0].location).toEqual({ file: 'x.yaml', line: 13 });
  });

  test('whitespace anywhere in an action is an error, with the value without it suggested', async () => {
    const errors = await scp(deny({ Action: ['s3: DeleteObject', ' iam:CreateUser'] }));
    expect(errors.map((e) => e.problem)).toEqual([
      'action "s3: DeleteObject" contains whitespace; did you mean s3:DeleteObject?',
      'action " iam:CreateUser" contains whitespace; did you mean iam:CreateUser?',
    ]);
  });

  test('an unknown service is an error, with the closest service suggested', async () => {
    const [error] = await scp(deny({ Action: 'ecc2:RunInstances' }));
    expect(error.problem).toBe('unknown service ecc2 in action ecc2:RunInstances; did you mean ec2:RunInstances?');
    expect(error.location.line).toBe(10);
    expect((await scp(deny({ Action: 'notaservice:Foo' })))[0].problem).toBe('unknown service notaservice in action notaservice:Foo');
  });

  test('a wildcard must match at least one action of the service', async () => {
    expect(await scp(deny({ Action: ['s3:Get*', 'iam:*AccessKey*', 'sts:Assume?ole'] }))).toEqual([]);
    expect(messages(await scp(deny({ Action: ['s3:Frobnicate*'] })))).toEqual([
      'x.yaml:11: action s3:Frobnicate* matches no s3 action (expected a pattern that matches at least one s3 action)',
    ]);
  });

  test('the service prefix may not hold a wildcard, and the form is service:Action', async () => {
    const errors = await scp(deny({ Action: ['s*:GetObject', 'GetObject', 's3:', 's3:Get:Object'] }));
    expect(errors.map((e) => e.problem)).toEqual([
      'action s*:GetObject has a wildcard in the service prefix',
      'action GetObject is not of the form service:Action',
      'action s3: is not of the form service:Action',
      'action s3:Get:Object is not of the form service:Action',
    ]);
  });

  test('exactly one of Action and NotAction', async () => {
    const both = await scp(deny({ Action: 's3:GetObject', NotAction: 'iam:*' }));
    expect(messages(both)).toEqual(['x.yaml:20: a statement has both Action and NotAction (expected either Action or NotAction, not both)']);
    const neither = await scp(deny({}));
    expect(messages(neither)).toEqual(['x.yaml:1: a statement has neither Action nor NotAction (expected Action or NotAction)']);
  });

  test('validateActionList applies the same rules and locates by index', async () => {
    const errors = await validateActionList(['iam:*', 's3:ListAllMyBuckets', 'sts: *', 'route53:Frob*'], (i) => ({ file: 'list.yaml', line: 5 + i }));
    expect(messages(errors)).toEqual([
      'list.yaml:7: action "sts: *" contains whitespace; did you mean sts:*? (expected "*" or service:Action, such as s3:GetObject or ec2:Describe*)',
      'list.yaml:8: action route53:Frob* matches no route53 action (expected a pattern that matches at least one route53 action)',
    ]);
  });
});

describe('resources', () => {
  test('exactly one of Resource and NotResource, each "*" or an ARN', async () => {
    expect(await scp({ Effect: 'Deny', Action: 's3:*', NotResource: ['arn:aws:s3:::logs', 'arn:aws:s3:::logs/*'] })).toEqual([]);
    expect(messages(await scp({ Effect: 'Deny', Action: 's3:*' } as IamStatement))).toEqual([
      'x.yaml:1: a statement has neither Resource nor NotResource (expected Resource or NotResource)',
    ]);
    const errors = await scp(deny({ Action: 's3:*', NotResource: '*' }));
    expect(errors.map((e) => e.problem)).toEqual(['a statement has both Resource and NotResource']);
    const bad = await scp(deny({ Action: 's3:*', Resource: ['arn:aws:s3:::ok', 'my-bucket'] }));
    expect(messages(bad)).toEqual(['x.yaml:32: resource "my-bucket" is neither "*" nor an ARN (expected an ARN starting with arn: or "*")']);
  });
});

describe('conditions', () => {
  const withCondition = (Condition: unknown, Action: string | string[] = 's3:PutObject') => deny({ Action, Condition });

  test('an unknown operator is an error with a suggestion', async () => {
    const errors = await scp(withCondition({ StringEqual: { 'aws:RequestedRegion': 'eu-west-1' }, boolifexists: { 'aws:SecureTransport': 'false' } }));
    expect(errors.map((e) => e.problem)).toEqual([
      'unknown condition operator StringEqual; did you mean StringEquals?',
      'unknown condition operator boolifexists; did you mean BoolIfExists?',
    ]);
    expect(errors[0].location.line).toBe(41);
  });

  test('IfExists cannot be added to Null', async () => {
    const [error] = await scp(withCondition({ NullIfExists: { 'aws:TokenIssueTime': 'true' } }));
    expect(error.problem).toMatch(/^NullIfExists: IfExists cannot be added to Null/);
  });

  test('set prefixes and IfExists are accepted', async () => {
    expect(
      await scp(
        withCondition({
          'ForAnyValue:StringLike': { 'aws:TagKeys': ['team*'] },
          'ForAllValues:StringEqualsIfExists': { 'aws:TagKeys': ['team', 'env'] },
          ArnNotLikeIfExists: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/Admin' },
          Null: { 'aws:TokenIssueTime': true },
        }),
      ),
    ).toEqual([]);
  });

  test('an unknown condition key is an error with a suggestion', async () => {
    const errors = await scp(withCondition({ StringNotEquals: { 'aws:RequestedRegoin': ['eu-west-1'] } }));
    expect(messages(errors)).toEqual([
      'x.yaml:42: unknown condition key aws:RequestedRegoin; did you mean aws:RequestedRegion? (expected a global condition key (aws:...) or a condition key of s3)',
    ]);
  });

  test('condition key names are not case-sensitive', async () => {
    expect(await scp(withCondition({ StringNotEquals: { 'AWS:requestedregion': 'eu-west-1', 'S3:X-Amz-Server-Side-Encryption': 'aws:kms' } }))).toEqual([]);
  });

  test("a service key is accepted for its own service's actions and refused for another's", async () => {
    const key = { StringNotEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' } };
    expect(await scp(withCondition(key, ['s3:PutObject', 'ec2:RunInstances']))).toEqual([]);
    const errors = await scp(withCondition(key, 'ec2:RunInstances'));
    expect(errors.map((e) => e.problem)).toEqual(["condition key s3:x-amz-server-side-encryption does not apply to this statement's actions (ec2)"]);
    expect(errors[0].expected).toBe('a global condition key (aws:...) or a condition key of ec2');
  });

  test('with NotAction or "*" any service key is accepted, but an unknown one is not', async () => {
    expect(await scp(deny({ NotAction: 'iam:*', Condition: { StringEquals: { 'ec2:InstanceType': 't3.micro' } } }))).toEqual([]);
    expect(await scp(deny({ Action: '*', Condition: { StringEquals: { 'token.actions.githubusercontent.com:repository': 'o/r' } } }))).toEqual([]);
    const errors = await scp(deny({ Action: '*', Condition: { StringEquals: { 'ec2:InstanceTyp': 't3.micro' } } }));
    expect(errors.map((e) => e.problem)).toEqual(['unknown condition key ec2:InstanceTyp; did you mean ec2:InstanceType?']);
  });

  test('keys with a variable part match by pattern', async () => {
    expect(
      await scp(
        withCondition(
          {
            Null: { 'aws:RequestTag/CostCenter': 'true', 'aws:ResourceTag/owner': 'false', 'aws:PrincipalTag/team': 'false' },
            StringEquals: { 's3:ExistingObjectTag/classification': 'public', 'aws:RequestTag/${TagKey}': 'x' },
          },
          ['s3:PutObject', 's3:GetObject'],
        ),
      ),
    ).toEqual([]);
    const errors = await scp(withCondition({ Null: { 'aws:RequestTag/': 'true', 's3:ExistingObjectTag/x': 'true' } }, 'ec2:RunInstances'));
    expect(errors.map((e) => e.problem)).toEqual([
      'unknown condition key aws:RequestTag/',
      "condition key s3:ExistingObjectTag/x does not apply to this statement's actions (ec2)",
    ]);
  });

  test('Bool and Null take true or false; values are scalars or lists of them', async () => {
    const errors = await scp(
      withCondition({
        Bool: { 'aws:SecureTransport': 'yes', 'aws:MultiFactorAuthPresent': [true, 'false'] },
        StringEquals: { 'aws:RequestedRegion': [{ region: 'eu-west-1' }], 'aws:PrincipalAccount': 123456789012 },
      }),
    );
    expect(messages(errors)).toEqual([
      'x.yaml:42: Bool value "yes" is not true or false (expected "true" or "false")',
      'x.yaml:41: condition value {"region":"eu-west-1"} is not a string, number or boolean (expected a string, number or boolean, or a list of them)',
    ]);
  });

  test('a Condition that is not a map of maps is an error', async () => {
    expect((await scp(withCondition(['StringEquals'])))[0].problem).toBe('Condition is not a map of operators');
    expect((await scp(withCondition({ StringEquals: 'aws:RequestedRegion' })))[0].problem).toBe(
      'condition operator StringEquals is not followed by a map of condition keys',
    );
  });
});

describe('placeholders', () => {
  test('whole placeholders are skipped and embedded ones in names stand for a sample value', async () => {
    const stmt = {
      Sid: 'DenyCreateWithout{{tag.Name}}',
      Effect: 'Deny',
      Action: ['{{ tag.actions }}'],
      Resource: ['arn:aws:s3:::{{ bucket }}/*', '{{ arns }}'],
      Condition: {
        Null: { 'aws:RequestTag/{{tag.key}}': 'true', 's3:ExistingObjectTag/{{ tag.key }}': '{{ flag }}' },
        StringNotEquals: { 'aws:RequestedRegion': '{{ regions }}', '{{ key }}': 'x' },
        '{{ operator }}': { anything: 1 },
      },
    } as unknown as IamStatement;
    expect(await scp(stmt)).toEqual([]);
    expect(await scp(deny({ Action: '{{ actions }}', Condition: '{{ condition }}' }))).toEqual([]);
  });

  test('text around a placeholder is still checked', async () => {
    const errors = await scp(
      deny({
        Sid: 'Deny-{{tag.Name}}',
        Action: ['ec2:{{verb}}*', '{{service}}:Get*'],
        Resource: '{{bucket.arn}}/*',
        Condition: { Null: { 'aws:RequestTg/{{tag.key}}': 'true' } },
      }),
    );
    expect(errors.map((e) => e.problem)).toEqual([
      'Sid "Deny-{{tag.Name}}" is not alphanumeric',
      // A placeholder inside an action or in front of a resource would expand unchecked: it is refused.
      'action ec2:{{verb}}* matches no ec2 action',
      'unknown service {{service}} in action {{service}}:Get*',
      'resource "{{bucket.arn}}/*" is neither "*" nor an ARN',
      'unknown condition key aws:RequestTg/{{tag.key}}; did you mean aws:RequestTag/tag-key?',
    ]);
  });
});

describe('statement elements', () => {
  test('Sid must be alphanumeric', async () => {
    expect(await scp(deny({ Sid: 'DenyLeaveOrg2', Action: 'organizations:LeaveOrganization' }))).toEqual([]);
    expect(messages(await scp(deny({ Sid: 'Deny leave_org', Action: 'organizations:LeaveOrganization' })))).toEqual([
      'x.yaml:2: Sid "Deny leave_org" is not alphanumeric (expected letters and digits only, such as DenyLeaveOrganization)',
    ]);
  });

  test('Effect must be Allow or Deny', async () => {
    expect((await scp({ Effect: 'deny', Action: 's3:*', Resource: '*' } as unknown as IamStatement))[0].problem).toBe('Effect is "deny"');
  });

  test('every problem in a statement is reported, not just the first', async () => {
    const errors = await scp(deny({ Sid: 'bad sid', Action: ['s3:GetObjct', 'iam: PassRole'], Condition: { StringEqual: { 'aws:Foo': 'x' } } }));
    expect(errors.map((e) => e.location.line)).toEqual([2, 11, 12, 41, 42]);
  });
});

describe('SCP', () => {
  test('Principal and NotPrincipal are refused', async () => {
    const errors = await scp(deny({ Action: 's3:*', Principal: '*', NotPrincipal: { AWS: 'arn:aws:iam::111122223333:root' } }));
    expect(messages(errors)).toEqual([
      'x.yaml:4: Principal is not allowed in an SCP: SCPs apply to the principals of the accounts they are attached to (expected no Principal; restrict principals with a Condition such as aws:PrincipalArn)',
      'x.yaml:5: NotPrincipal is not allowed in an SCP: SCPs apply to the principals of the accounts they are attached to (expected no NotPrincipal; restrict principals with a Condition such as aws:PrincipalArn)',
    ]);
  });
});

describe('RCP', () => {
  const ok = {
    Effect: 'Deny',
    Principal: '*',
    Action: ['s3:*', 'sts:AssumeRole', 'kms:Decrypt'],
    Resource: '*',
    Condition: { BoolIfExists: { 'aws:SecureTransport': 'false' } },
  } as IamStatement;

  test('a valid RCP statement has no errors', async () => {
    expect(await rcp(ok)).toEqual([]);
  });

  test('Allow is refused: RCPs are deny-only', async () => {
    const errors = await rcp({ ...ok, Effect: 'Allow' });
    expect(errors.map((e) => e.problem)).toEqual(['Effect Allow in an RCP: RCPs are deny-only (only the AWS-managed RCPFullAWSAccess may allow)']);
    expect(errors[0].location.line).toBe(3);
  });

  test('Principal must be exactly "*", and NotPrincipal is refused', async () => {
    expect((await rcp({ ...ok, Principal: { AWS: '*' } })).map((e) => e.problem)).toEqual(['Principal is {"AWS":"*"}; an RCP can only name "*"']);
    expect((await rcp({ ...ok, Principal: undefined })).map((e) => e.problem)).toEqual(['an RCP statement needs Principal']);
    expect((await rcp({ ...ok, NotPrincipal: '*' })).map((e) => e.problem)).toEqual(['NotPrincipal is not supported in RCPs']);
  });

  test('every action must belong to a service that supports RCPs', async () => {
    const errors = await rcp({ ...ok, Action: ['s3:GetObject', 'ec2:RunInstances', 'lambda:*'] });
    expect(errors.map((e) => [e.location.line, e.problem])).toEqual([
      [12, 'ec2 does not support RCPs, so ec2:RunInstances would have no effect'],
      [13, 'lambda does not support RCPs, so lambda:* would have no effect'],
    ]);
  });

  test('Action "*" and NotAction are refused in RCPs', async () => {
    expect((await rcp({ ...ok, Action: '*' })).map((e) => e.problem)).toEqual(['Action "*" is not allowed in an RCP']);
    const errors = await rcp({ ...ok, Action: undefined, NotAction: 's3:GetObject' });
    expect(errors.map((e) => e.problem)).toEqual(['NotAction is not supported in RCPs']);
  });
});

describe('data/global-service-actions.yaml', () => {
  const file = path.join(__dirname, '..', '..', 'data', 'global-service-actions.yaml');
  const text = fs.readFileSync(file, 'utf8');
  const data = parse(text) as { source: string; retrieved: string; actions: string[] };

  test('names its AWS source and lists the core global services', () => {
    expect(data.source).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
    expect(String(data.retrieved)).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    for (const a of ['iam:*', 'sts:*', 'organizations:*', 'cloudfront:*', 'route53:*', 'budgets:*', 'ce:*', 'support:*']) expect(data.actions).toContain(a);
    expect(new Set(data.actions).size).toBe(data.actions.length);
  });

  test('every entry is a valid action, located at its line in the file', async () => {
    const lines = text.split('\n');
    const lineOf = (i: number) => lines.indexOf(`  - ${data.actions[i]}`) + 1;
    expect(await validateActionList(data.actions, (i) => ({ file: 'global-service-actions.yaml', line: lineOf(i) }))).toEqual([]);
    // The same list as the NotAction of a region-deny SCP.
    const stmt = deny({
      Sid: 'DenyOutsideAllowedRegions',
      NotAction: data.actions,
      Condition: { StringNotEquals: { 'aws:RequestedRegion': '{{ regions }}' } },
    });
    expect(await scp(stmt)).toEqual([]);
  });
});
