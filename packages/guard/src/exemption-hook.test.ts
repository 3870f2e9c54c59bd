import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Control, loadCatalog, loadExemptionSet, readSourceFile } from '@tarmac/core';
import { GuardExemption, bundleExemptions, exemptGuardRules, loadOrganization } from '@tarmac/core/org';
import { readTestCases } from './control-tests';
import { nativeGuardBinary } from './engines/native-binary';
import { isObject } from './template/foreach';
import { HookInputSpelling, guardHookInput } from './hook-input';

// ADR 0012 at the Guard Hook, on the real cfn-guard binary: a rewritten control skips where HookContext
// matches an exemption, and fails as before everywhere else (fail closed).
const POLICIES = path.join(__dirname, '..', '..', '..', 'policies');
const catalog = loadCatalog(POLICIES);
const org = loadOrganization(path.join(POLICIES, 'org.yaml'));
const binary = nativeGuardBinary()!;
const accountId = (name: string) => org.accounts.find((a) => a.name === name)!.id;
const control = (id: string) => catalog.controls.find((c) => c.id === id)!;
const stackId = (account: string, stack: string, partition = 'aws') =>
  `arn:${partition}:cloudformation:eu-west-1:${account}:stack/${stack}/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0`;

let tmp: string;
beforeAll(() => {
  expect(binary).toBeDefined();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-exemption-hook-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Each input's verdict (PASS, FAIL or SKIP) from one `cfn-guard validate` over all of them. */
function verdicts(rules: string, inputs: readonly unknown[]): string[] {
  const dir = fs.mkdtempSync(path.join(tmp, 'run-'));
  fs.writeFileSync(path.join(dir, 'rules.guard'), rules);
  fs.mkdirSync(path.join(dir, 'data'));
  inputs.forEach((input, i) => fs.writeFileSync(path.join(dir, 'data', `${String(i).padStart(4, '0')}.json`), JSON.stringify(input)));
  let stdout: string;
  try {
    stdout = execFileSync(
      binary,
      ['validate', '-r', path.join(dir, 'rules.guard'), '-d', path.join(dir, 'data'), '--structured', '--show-summary', 'none', '-o', 'json'],
      {
        encoding: 'utf8',
        maxBuffer: 256 * 1024 * 1024,
      },
    );
  } catch (err) {
    // Exit 19: some input failed; the report is on stdout all the same.
    const e = err as { status?: number; stdout?: string; stderr?: string };
    if (e.status !== 19) throw new Error(`cfn-guard exited ${e.status}: ${e.stderr}`);
    stdout = e.stdout!;
  }
  const reports = JSON.parse(stdout) as { name: string; status: string }[];
  expect(reports).toHaveLength(inputs.length);
  return reports.sort((a, b) => a.name.localeCompare(b.name)).map((r) => r.status);
}

const NOT_KMS = { BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] } };
const EX_0001: GuardExemption = {
  id: 'EX-0001',
  expires: '2027-03-31',
  accountIds: [accountId('data-prod')],
  stacks: ['legacy-ingest-*'],
  resources: ['RawBucket'],
};

describe.each<HookInputSpelling>(['ResourceType/ResourceProperties', 'Type/Properties'])('EX-0001 on LZ.S3.2, hook input spelled %s', (spelling) => {
  const rules = exemptGuardRules(control('LZ.S3.2').guard, [EX_0001]);
  const input = (logicalId: string, account: string, stack: string, partition?: string) =>
    guardHookInput(logicalId, 'AWS::S3::Bucket', NOT_KMS, spelling, { accountId: account, stackId: stackId(account, stack, partition) });
  const dataProd = accountId('data-prod');

  test('the bucket without KMS fails without the exemption, in the exempted context too', () => {
    expect(verdicts(control('LZ.S3.2').guard, [input('RawBucket', dataProd, 'legacy-ingest-orders')])).toEqual(['FAIL']);
  });

  test('skips in the exempted account, a matching stack (any partition) and RawBucket', () => {
    expect(
      verdicts(rules, [
        input('RawBucket', dataProd, 'legacy-ingest-orders'),
        input('RawBucket', dataProd, 'legacy-ingest-'),
        input('RawBucket', dataProd, 'legacy-ingest-orders', 'aws-us-gov'),
        input('RawBucket', dataProd, 'legacy-ingest-orders', 'aws-cn'),
      ]),
    ).toEqual(['SKIP', 'SKIP', 'SKIP', 'SKIP']);
  });

  test('fails in another account, another stack, for another logical ID, and without HookContext', () => {
    const { HookContext: _, ...noContext } = input('RawBucket', dataProd, 'legacy-ingest-orders');
    const cases = [
      input('RawBucket', accountId('data-dev'), 'legacy-ingest-orders'),
      input('RawBucket', dataProd, 'ingest-orders'),
      input('RawBucket', dataProd, 'xlegacy-ingest-orders'),
      input('RawBucket', dataProd, 'app'),
      input('OtherBucket', dataProd, 'legacy-ingest-orders'),
      input('RawBucket2', dataProd, 'legacy-ingest-orders'),
      noContext,
      { ...noContext, HookContext: {} },
      { ...noContext, HookContext: 'x' },
      { ...noContext, HookContext: null },
    ];
    expect(verdicts(rules, cases)).toEqual(cases.map(() => 'FAIL'));
  });

  test('fails when one HookContext field is missing, null or not a string', () => {
    const base = input('RawBucket', dataProd, 'legacy-ingest-orders');
    const cases = (['AWSAccountID', 'StackId', 'TargetLogicalId'] as const).flatMap((field) => {
      const { [field]: _, ...rest } = base.HookContext;
      return [rest, { ...rest, [field]: null }, { ...rest, [field]: [base.HookContext[field]] }].map((HookContext) => ({ ...base, HookContext }));
    });
    expect(verdicts(rules, cases)).toEqual(cases.map(() => 'FAIL'));
  });

  test('a compliant bucket still passes in the exempted context and elsewhere', () => {
    const kms = { BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } }] } };
    const ctx = (account: string) => ({ accountId: account, stackId: stackId(account, 'legacy-ingest-a') });
    expect(
      verdicts(rules, [
        guardHookInput('RawBucket', 'AWS::S3::Bucket', kms, spelling, ctx(dataProd)),
        guardHookInput('RawBucket', 'AWS::S3::Bucket', kms, spelling, ctx(accountId('data-dev'))),
      ]),
    ).toEqual(['SKIP', 'PASS']);
  });
});

test('an OU-scoped exemption (from exemptions.yaml on an injected day) lets the accounts org.yaml lists under it pass, and no other', () => {
  const set = loadExemptionSet(catalog, new Date('2027-01-10T00:00:00Z'))!;
  const ou = org.ous.find((o) => org.accounts.filter((a) => a.ouId === o.id).length >= 2)!;
  const inOu = org.accounts.filter((a) => a.ouId === ou.id).map((a) => a.id);
  const outside = org.accounts.find((a) => !inOu.includes(a.id) && a.id !== org.managementAccountId)!.id;
  const exemption = { ...set.exemptions[0], id: 'EX-0100', accountIds: [], ouIds: [ou.id], stacks: [], resources: [] };
  const carried = bundleExemptions([exemption], org, [control('LZ.S3.2')], new Set(org.accounts.map((a) => a.id)), set.today);
  expect(carried.get('LZ.S3.2')!.map((e) => e.accountIds)).toEqual([[...inOu].sort()]);
  const rules = exemptGuardRules(control('LZ.S3.2').guard, carried.get('LZ.S3.2')!);
  const input = (account: string) =>
    guardHookInput('B', 'AWS::S3::Bucket', NOT_KMS, 'Type/Properties', { accountId: account, stackId: stackId(account, 'any') });
  expect(verdicts(rules, [...inOu.map(input), input(outside)])).toEqual([...inOu.map(() => 'SKIP'), 'FAIL']);
});

/** A deterministic generator (mulberry32), so a failure names a seed that reproduces it. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The control's own FAIL cases on Guard Hook input (both spellings), as documents. */
function failingHookCases(c: Control): { name: string; input: Record<string, unknown> }[] {
  const doc = readSourceFile(c.testFile).value as { name: string; input: unknown }[];
  const { cases } = readTestCases(c);
  return cases
    .filter((t) => t.expected === 'FAIL' && (t.shape === 'hook' || t.shape === 'hook typed'))
    .map((t) => doc.find((d) => d.name === t.name)!)
    .filter((d): d is { name: string; input: Record<string, unknown> } => isObject(d.input) && isObject(d.input.Resources));
}

const SEED = 20270110;
const withCases = catalog.controls.filter((c) => fs.existsSync(c.testFile) && failingHookCases(c).length);

test('every catalog control with FAIL cases on hook input is covered', () => {
  expect(withCases.length).toBeGreaterThan(30);
});

test.each(withCases.map((c, i) => [c.id, i] as const))('seeded: %s still fails outside a random exemption and skips inside it', (id, index) => {
  const c = control(id);
  const next = random(SEED + index);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)];
  const word = () => Array.from({ length: 1 + Math.floor(next() * 6) }, () => pick([...'abcdefghijklmnopqrstuvwxyz0123456789'])).join('');
  const accounts = org.accounts.map((a) => a.id);
  const exempted = [pick(accounts), ...(next() < 0.5 ? [pick(accounts)] : [])].filter((a, i, all) => all.indexOf(a) === i);
  const other = accounts.find((a) => !exempted.includes(a))!;
  const prefix = `s${word()}`;
  const stacks = next() < 0.7 ? [`${prefix}-*`] : [];
  const matchingStack = stacks.length ? `${prefix}-${word()}` : `any${word()}`;
  const exemption: GuardExemption = { id: `EX-${1000 + index}`, expires: '2027-02-01', accountIds: exempted, stacks, resources: [] };
  const cases = failingHookCases(c);
  const documents: unknown[] = [];
  const expected: string[] = [];
  for (const { input } of cases) {
    const logicalIds = Object.keys(input.Resources as object);
    const target = pick(logicalIds);
    const resources = next() < 0.6 ? [target] : [];
    const rules = { ...exemption, resources };
    const context = (account: string, stack: string, logicalId: string) => ({
      ...input,
      HookContext: { ...(input.HookContext as object), AWSAccountID: account, StackId: stackId(account, stack), TargetLogicalId: logicalId },
    });
    const account = pick(exempted);
    const variants: [unknown, string][] = [
      [context(account, matchingStack, target), 'exempt'],
      [context(other, matchingStack, target), 'FAIL'],
      [(({ HookContext: _, ...rest }) => rest)(input), 'FAIL'],
      ...(stacks.length ? [[context(account, `x${matchingStack}`, target), 'FAIL'] as [unknown, string]] : []),
      ...(resources.length ? [[context(account, matchingStack, `${target}Other`), 'FAIL'] as [unknown, string]] : []),
    ];
    documents.push(...variants.map(([d]) => ({ rules, d })));
    expected.push(...variants.map(([, v]) => v));
  }
  // One run per distinct exemption text (the logical ID scope differs per case).
  const byRules = new Map<string, { index: number; d: unknown }[]>();
  documents.forEach((doc, i) => {
    const { rules, d } = doc as { rules: GuardExemption; d: unknown };
    const text = exemptGuardRules(c.guard, [rules]);
    byRules.set(text, [...(byRules.get(text) ?? []), { index: i, d }]);
  });
  const actual: string[] = [];
  for (const [text, docs] of byRules)
    verdicts(
      text,
      docs.map((x) => x.d),
    ).forEach((v, k) => (actual[docs[k].index] = v));
  // The original rule fails every variant: the rewrite, not the input, makes the exempt one pass.
  expect(
    verdicts(
      c.guard,
      documents.map((d) => (d as { d: unknown }).d),
    ),
  ).toEqual(documents.map(() => 'FAIL'));
  expect(actual.map((v, i) => (expected[i] === 'exempt' ? (v === 'FAIL' ? 'FAIL' : 'exempt') : v))).toEqual(expected);
});
