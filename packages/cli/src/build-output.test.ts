import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PoliciesFixture } from '../../core/src/org/__tests__/fixture';
import { buildOutput, writeBuildOutput } from './build-output';
import { FakeAws } from './deploy/__tests__/fake-aws';
import { main } from './main';

// What is deployed is what was reviewed: `tarmac deploy` refuses a build directory that is not exactly what the
// sources build now, whichever way it went stale, before AWS is asked anything. The real verifyBuild on the
// example organization's real build (commands.test.ts mocks it), from a copy of the sources that nothing edits
// between the build and its verification.
const sources = new PoliciesFixture({ deployment: true });
const POLICIES = sources.dir;
// Exemptions are judged on a fixed day, never on the clock's: the build and its verification agree.
const TODAY = '2027-01-10';
const EXPECTED = '(expected the bytes `tarmac build` writes from the sources now (run tarmac build, review the diff, then plan and deploy))';

let built: string;
let out: string;
let fake: FakeAws;
let stdout: string;
let stderr: string;
beforeAll(async () => {
  built = fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-build-output-'));
  writeBuildOutput(built, await buildOutput(POLICIES, undefined, new Date(`${TODAY}T00:00:00Z`)));
});
afterAll(() => {
  fs.rmSync(built, { recursive: true, force: true });
  sources.remove();
});
beforeEach(() => {
  // Each test spoils a copy of its own.
  out = fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-build-output-'));
  fs.cpSync(built, out, { recursive: true });
  fake = new FakeAws();
  stdout = '';
  stderr = '';
  jest.spyOn(process.stdout, 'write').mockImplementation((s) => ((stdout += String(s)), true));
  jest.spyOn(process.stderr, 'write').mockImplementation((s) => ((stderr += String(s)), true));
});
afterEach(() => {
  jest.restoreAllMocks();
  fake.restore();
  fs.rmSync(out, { recursive: true, force: true });
});

const awsCalls = () => fake.sent().length;

// The whole of stderr is one error: the spoiled file is the only thing stale, the rest of the copy verifies.
describe('deploy refuses a stale build: exit 2, the file named, AWS not asked', () => {
  test.each([
    {
      way: 'a file edited since the build',
      file: 'org/scp/tarmac-scp-root-1.json',
      spoil: (file: string) => fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('"Effect":"Deny"', '"Effect":"Allow"')),
      problem: 'differs from what the sources build',
    },
    {
      // A policy or stack set the sources gained after the build: deploying the rest would leave it out.
      way: 'a file missing from the build',
      file: 'stacksets/instances/tarmac-guardrails-prod.template.json',
      spoil: (file: string) => fs.rmSync(file),
      problem: 'is missing from the build',
    },
    {
      // A policy the sources no longer produce: deploying the build would keep it attached.
      way: 'a file the sources no longer produce',
      file: 'org/scp/tarmac-scp-removed-1.json',
      spoil: (file: string) => fs.writeFileSync(file, '{"Version":"2012-10-17","Statement":[]}'),
      problem: 'is no longer built from the sources',
    },
  ])('$way', async ({ file, spoil, problem }) => {
    const spoiled = path.join(out, file);
    const before = fs.existsSync(spoiled) ? fs.readFileSync(spoiled) : undefined;
    spoil(spoiled);
    expect(fs.existsSync(spoiled) ? fs.readFileSync(spoiled) : undefined).not.toEqual(before);
    expect(await main(['node', 'tarmac', 'deploy', '--out', out, '--policies', POLICIES, '--at', TODAY, '--allow-delete'])).toBe(2);
    expect(stderr).toBe(`error ${spoiled}: ${problem} ${EXPECTED}\n`);
    expect(stdout).toBe('');
    expect(awsCalls()).toBe(0);
  });
});
