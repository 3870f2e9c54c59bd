import { IamStatement } from '../model';
import { unresolvedVariableProblems } from '../unresolved-variables';

const ACTIONS = ['iam:CreateRole', 'iam:TagRole'];
const OWN_TEAM: IamStatement = {
  Sid: 'OwnTeam',
  Effect: 'Deny',
  Action: ACTIONS,
  Resource: '*',
  Condition: { StringNotEquals: { 'aws:RequestTag/team': '${aws:PrincipalTag/team}' }, Null: { 'aws:RequestTag/team': 'false' } },
};
const UNTAGGED: IamStatement = {
  Sid: 'Untagged',
  Effect: 'Deny',
  Action: ACTIONS,
  Resource: '*',
  Condition: { Null: { 'aws:RequestTag/team': 'false', 'aws:PrincipalTag/team': 'true' } },
};

const problems = (statements: IamStatement[]) =>
  unresolvedVariableProblems(statements, (i) => ({ file: 'p.yaml', line: 10 * (i + 1) })).map((e) => `${e.location.line}: ${e.problem}`);

describe('a Deny statement with a policy variable', () => {
  test('alone is refused at its line, naming the key that may have no value', () => {
    expect(problems([OWN_TEAM])).toEqual([
      '10: statement OwnTeam denies only when ${aws:PrincipalTag/team} resolves: a principal or request without aws:PrincipalTag/team is not denied by it (IAM leaves the variable unresolved, and the statement does not match)',
    ]);
  });

  test('with a statement denying the same actions when the key is absent, is accepted', () => {
    expect(problems([OWN_TEAM, UNTAGGED])).toEqual([]);
    expect(problems([OWN_TEAM, { ...UNTAGGED, Action: '*' }])).toEqual([]);
    expect(problems([OWN_TEAM, { ...UNTAGGED, Action: [...ACTIONS, 'iam:CreateUser'].map((a) => a.toUpperCase()) }])).toEqual([]);
  });

  test.each<[string, IamStatement]>([
    ['denies fewer actions', { ...UNTAGGED, Action: ['iam:CreateRole'] }],
    ['is an Allow', { ...UNTAGGED, Effect: 'Allow' }],
    ['covers some resources only', { ...UNTAGGED, Resource: 'arn:aws:iam::*:role/app-*' }],
    ['checks the key present, not absent', { ...UNTAGGED, Condition: { Null: { 'aws:PrincipalTag/team': 'false' } } }],
    ['adds a condition the first does not have', { ...UNTAGGED, Condition: { ...UNTAGGED.Condition, StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } } }],
    ['checks another key', { ...UNTAGGED, Condition: { Null: { 'aws:PrincipalTag/project': 'true' } } }],
  ])('a companion that %s does not count', (_, companion) => {
    expect(problems([OWN_TEAM, companion])).toHaveLength(1);
  });

  test('in the resource is checked too', () => {
    const own: IamStatement = { Sid: 'OwnRoles', Effect: 'Deny', NotAction: ['iam:PassRole'], NotResource: 'arn:aws:iam::*:role/${aws:PrincipalTag/team}-*' };
    expect(problems([own])).toHaveLength(1);
    expect(problems([own, { Effect: 'Deny', NotAction: ['iam:PassRole'], Resource: '*', Condition: { Null: { 'aws:PrincipalTag/team': 'true' } } }])).toEqual(
      [],
    );
  });

  test('that itself requires the key (Null false) means requests without it pass on purpose', () => {
    const onlyTagged: IamStatement = { ...OWN_TEAM, Condition: { ...OWN_TEAM.Condition, Null: { 'aws:PrincipalTag/team': 'false' } } };
    expect(problems([onlyTagged])).toEqual([]);
  });

  test('of a key every signed request has, or an escape, needs nothing', () => {
    const account: IamStatement = {
      Effect: 'Deny',
      Action: '*',
      Resource: '*',
      Condition: { StringNotEquals: { 'aws:ResourceAccount': '${aws:PrincipalAccount}' } },
    };
    const escape: IamStatement = { Effect: 'Deny', Action: 's3:*', Resource: 'arn:aws:s3:::bucket/${*}/x' };
    expect(problems([account, escape])).toEqual([]);
  });

  test('an Allow with a variable is not this check', () => {
    expect(problems([{ ...OWN_TEAM, Effect: 'Allow' }])).toEqual([]);
  });
});
