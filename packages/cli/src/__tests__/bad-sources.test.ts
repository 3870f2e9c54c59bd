/**
 * Bad catalog sources stop every command with exit 2 and the source's file:line (issue 15): before, a tag
 * pattern Guard cannot parse passed `check` and `build`, and a cyclic alias in org.yaml was a stack trace.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { policiesFixtures } from '../../../core/src/org/__tests__/fixture';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const BIN = path.join(ROOT, 'packages', 'cli', 'bin', 'tarmac.js');
const TEMPLATE = path.join(ROOT, 'examples', 'templates', 'data-lake.yaml');

function tarmac(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, out: r.stdout + r.stderr };
}

const policies = policiesFixtures({ deployment: true });
const commands = (dir: string) => ({
  check: tarmac(['check', TEMPLATE, '--policies', dir]),
  test: tarmac(['test', '--skip-simulation', '--policies', dir]),
  build: tarmac(['build', '--out', path.join(dir, '..', 'out'), '--policies', dir]),
});

test('a tag pattern that JavaScript accepts and Guard rejects stops check, test and build at tags.yaml:line', () => {
  const f = policies().replace('tags.yaml', 'pattern: ^cc-[0-9]{2,6}$', 'pattern: "^cc-[\\\\d-z]+$"');
  const where = `${f.file('tags.yaml')}:${f.lineOf('tags.yaml', 'pattern: "^cc-')}`;
  for (const [command, r] of Object.entries(commands(f.dir))) {
    expect([command, r.code]).toEqual([command, 2]);
    expect(r.out).toContain(where);
    expect(r.out).not.toMatch(/passed|Error:|\n\s+at /);
  }
});

test('a cyclic alias in org.yaml is an error at the alias for test and build, not a stack trace', () => {
  const f = policies().replace('org.yaml', 'ous:\n', 'ous:\n  - &sb {name: Loop, id: ou-a1b2-99999999, ous: [*sb]}\n');
  const line = f.lineOf('org.yaml', '&sb');
  for (const command of ['test', 'build'] as const) {
    const r = commands(f.dir)[command];
    expect(r.code).toBe(2);
    expect(r.out).toMatch(new RegExp(`org\\.yaml:${line}:\\d+: the alias \\*sb refers to a node that contains it`));
    expect(r.out).not.toMatch(/RangeError|\n\s+at /);
  }
});

test('tarmac test does not count a control whose cases could not run as passed', () => {
  const f = policies().replace('controls/s3/bucket-versioning-enabled.guard', "Status == 'Enabled'", "Status === 'Enabled'");
  const r = commands(f.dir).test;
  expect(r.code).toBe(2);
  expect(r.out).toMatch(/^47 passed, 0 failed, 1 not run \(errors above\) \(48 controls, /m);
  expect(r.out).toContain(`${f.file('controls/s3/bucket-versioning-enabled.guard')}:${f.lineOf('controls/s3/bucket-versioning-enabled.guard', '===')}`);
});

test('metadata that would route a rule away from templates it fails on stops test and build at its resourceTypes line', () => {
  const f = policies().replace('controls/s3/bucket-kms-encryption.yaml', 'resourceTypes: [AWS::S3::Bucket]', 'resourceTypes: [AWS::SQS::Queue]');
  const where = `${f.file('controls/s3/bucket-kms-encryption.yaml')}:${f.lineOf('controls/s3/bucket-kms-encryption.yaml', 'resourceTypes:')}:1: LZ.S3.2: its rule filters on AWS::S3::Bucket`;
  const { test: t, build } = commands(f.dir);
  for (const r of [t, build]) {
    expect(r.code).toBe(2);
    expect(r.out).toContain(where);
  }
});
