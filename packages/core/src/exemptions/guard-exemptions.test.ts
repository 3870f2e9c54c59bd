import * as path from 'path';
import { loadCatalog } from '../catalog/load-catalog';
import { scanRuleMessages } from '../catalog/rule-messages';
import { GuardExemption, exemptGuardRules, namedRuleBodies, readGuardExemptions, stackIdRegex } from './guard-exemptions';

// The rewrite itself; what cfn-guard makes of it is tested on the real binary in packages/guard/src/exemption-hook.test.ts.
const catalog = loadCatalog(path.resolve(__dirname, '..', '..', '..', '..', 'policies'));
const EX_0001: GuardExemption = { id: 'EX-0001', expires: '2027-03-31', accountIds: ['222222222222'], stacks: ['legacy-ingest-*'], resources: ['RawBucket'] };
const EX_0002: GuardExemption = { id: 'EX-0002', expires: '2027-01-15', accountIds: ['444444444444', '333333333333'], stacks: [], resources: [] };

const RULES = `# a comment with rule fake { and << nothing >>
let x = Resources.*[ Type == 'A' ]
rule named when %x not empty {
    %x.Properties.P == /a{2}\\/}/
    <<
    [C.1]: message with { brace
    >>
}
rule helper(v) {
    %v { Q exists }
}
rule other when %x not empty { %x.Properties.R exists }
`;

test('no exemption leaves the text byte for byte', () => {
  for (const c of catalog.controls) expect(exemptGuardRules(c.guard, [])).toBe(c.guard);
});

test('finds the named rule bodies, past comments, strings, regular expressions and messages, and not the parameterized ones', () => {
  const bodies = namedRuleBodies(RULES);
  expect(bodies.map((b) => b.name)).toEqual(['named', 'other']);
  for (const b of bodies) expect([RULES[b.open], RULES[b.close]]).toEqual(['{', '}']);
  expect(RULES.slice(bodies[0].open, bodies[0].close + 1)).toContain('[C.1]: message with { brace');
});

test('wraps each named rule body in one when block: a line per exemption (a conjunction), each an or of fail-closed alternatives', () => {
  const text = exemptGuardRules(RULES, [EX_0002, EX_0001]);
  expect(text.startsWith('# tarmac-exemption EX-0001 expires 2027-03-31\n# tarmac-exemption EX-0002 expires 2027-01-15\n')).toBe(true);
  expect(text.match(/^ {4}when HookContext not exists or HookContext not is_struct or$/gm)).toHaveLength(2);
  expect(text).toContain(
    "HookContext.AWSAccountID not exists or HookContext.AWSAccountID not is_string or HookContext.AWSAccountID not in ['222222222222'] or",
  );
  expect(text).toContain(
    `HookContext.StackId not exists or HookContext.StackId not is_string or HookContext.StackId != ${stackIdRegex(['legacy-ingest-*'])} or`,
  );
  expect(text).toContain(
    "HookContext.TargetLogicalId not exists or HookContext.TargetLogicalId not is_string or HookContext.TargetLogicalId not in ['RawBucket']",
  );
  // EX-0002 has no stack or resource scope: its line ends after the accounts, sorted.
  expect(text).toMatch(/HookContext\.AWSAccountID not in \['333333333333', '444444444444'\] \{$/m);
  // Parameterized rules are called only from named ones: left as written.
  expect(text).toContain('rule helper(v) {\n    %v { Q exists }\n}');
  expect(namedRuleBodies(text).map((b) => b.name)).toEqual(['named', 'other']);
  // The order exemptions are given in does not matter: same bytes.
  expect(exemptGuardRules(RULES, [EX_0001, EX_0002])).toBe(text);
});

test('the stack pattern matches the stack name segment of a StackId in aws, aws-cn and aws-us-gov, and nothing else', () => {
  const source = stackIdRegex(['legacy-ingest-*', 'exact']);
  const re = new RegExp(source.slice(1, -1).replace(/\\\//g, '/'));
  const id = (partition: string, name: string) => `arn:${partition}:cloudformation:eu-west-1:222222222222:stack/${name}/0f1e2d3c-4b5a`;
  for (const p of ['aws', 'aws-cn', 'aws-us-gov']) expect(re.test(id(p, 'legacy-ingest-a'))).toBe(true);
  expect(re.test(id('aws', 'exact'))).toBe(true);
  expect(re.test(id('aws', 'legacy-ingest-'))).toBe(true);
  for (const name of ['xlegacy-ingest-a', 'legacy-ingest', 'exactly', 'exact/x']) expect(re.test(id('aws', name))).toBe(false);
  expect(re.test(id('aws-iso', 'exact'))).toBe(false);
});

test('refuses values that could not be written safely as Guard literals', () => {
  expect(() => exemptGuardRules(RULES, [{ ...EX_0001, accountIds: ["1' or '1"] }])).toThrow(/account ID/);
  expect(() => exemptGuardRules(RULES, [{ ...EX_0001, stacks: ['a/b'] }])).toThrow(/stack name pattern/);
  expect(() => exemptGuardRules(RULES, [{ ...EX_0001, resources: ['a b'] }])).toThrow(/logical ID/);
  expect(() => exemptGuardRules(RULES, [{ ...EX_0001, accountIds: [] }])).toThrow(/covers no account/);
});

test('every catalog control: the rules and their messages survive the rewrite, and the header reads back', () => {
  for (const c of catalog.controls) {
    const text = exemptGuardRules(c.guard, [EX_0001, EX_0002]);
    const before = scanRuleMessages(c.guard);
    const after = scanRuleMessages(text);
    expect(after.rules.map((r) => [r.name, r.parameterized, r.blocks.map((b) => b.text)])).toEqual(
      before.rules.map((r) => [r.name, r.parameterized, r.blocks.map((b) => b.text)]),
    );
    expect(namedRuleBodies(text).length).toBe(before.rules.filter((r) => !r.parameterized).length);
    expect(readGuardExemptions(text)).toEqual([
      { id: 'EX-0001', expires: '2027-03-31' },
      { id: 'EX-0002', expires: '2027-01-15' },
    ]);
  }
});
