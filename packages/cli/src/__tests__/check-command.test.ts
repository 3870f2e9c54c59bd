import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const BIN = path.join(ROOT, 'packages', 'cli', 'bin', 'tarmac.js');
const EXAMPLES = path.join(ROOT, 'examples', 'templates');

/** Runs the CLI with this repository's catalog, wherever it runs (temporary git repositories have none). */
function tarmac(args: string[], cwd = ROOT, env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', TARMAC_POLICIES: path.join(ROOT, 'policies'), ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function tmpdir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-cli-'));
}

describe('tarmac check', () => {
  test('the examples have blocking findings with file, line, resource, control and fix', () => {
    const r = tarmac(['check', EXAMPLES, '--profile', 'prod']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/data-lake\.yaml:\d+ {2}RawBucket \(AWS::S3::Bucket\) {2}\[LZ\.S3\.2\] high {2}Bucket is not encrypted with KMS\. Fix: .*aws:kms/);
    expect(r.stdout).toMatch(/^FAIL 2 templates/m);
  });

  test("a scan of a repository's other files (JSON with comments, multi-document YAML) is quiet on success", () => {
    const dir = tmpdir();
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), '{\n  // comments\n  "compilerOptions": {}\n}\n');
    fs.writeFileSync(path.join(dir, 'k8s.yaml'), 'kind: Deployment\n---\nkind: Service\n');
    fs.writeFileSync(path.join(dir, 'package.json'), '{"name": "x"}\n');
    fs.copyFileSync(path.join(EXAMPLES, 'ingest-queue.json'), path.join(dir, 'queue.json'));
    expect(tarmac(['check', dir])).toMatchObject({ code: 0, stdout: '' });
  });

  test('a compliant template is quiet and exits 0', () => {
    const r = tarmac(['check', path.join(EXAMPLES, 'ingest-queue.json'), '--profile', 'prod']);
    expect(r.stdout).toBe('');
    expect(r.code).toBe(0);
  });

  test('json output has findings, errors and the summary', () => {
    const r = tarmac(['check', EXAMPLES, '--format', 'json']);
    const j = JSON.parse(r.stdout);
    expect(Object.keys(j.summary).sort()).toEqual([
      'blocking',
      'durationMs',
      'exempted',
      'files',
      'findings',
      'resources',
      'skipped',
      'skippedBy',
      'templates',
      'unchecked',
    ]);
    expect(j.findings[0]).toMatchObject({
      controlId: expect.stringMatching(/^LZ\./),
      file: expect.any(String),
      logicalId: expect.any(String),
      line: expect.any(Number),
      fix: expect.any(String),
    });
    expect(j.summary.blocking).toBe(j.findings.filter((f: { mode: string }) => f.mode === 'enforce').length);
  });

  test('sarif and junit reports are written to --output', () => {
    const dir = tmpdir();
    expect(tarmac(['check', EXAMPLES, '--format', 'sarif', '--output', path.join(dir, 'r.sarif')]).code).toBe(1);
    const sarif = JSON.parse(fs.readFileSync(path.join(dir, 'r.sarif'), 'utf8'));
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0].results.some((x: { ruleId: string }) => x.ruleId === 'LZ.S3.2')).toBe(true);
    expect(tarmac(['check', EXAMPLES, '--format', 'junit', '--output', path.join(dir, 'r.xml')]).code).toBe(1);
    expect(fs.readFileSync(path.join(dir, 'r.xml'), 'utf8')).toMatch(/<testsuites name="tarmac check" tests="\d+" failures="[1-9]/);
  });

  test('--cache remembers verdicts: the same report again, and an edited template is judged afresh', () => {
    const dir = tmpdir();
    const cache = path.join(dir, 'cache');
    // What reaches the engine under the cache, recorded in the CLI's process: a line per call, listing `template rule-id`.
    const log = path.join(dir, 'evaluated.log');
    const recorder = path.join(dir, 'record-engine.js');
    fs.writeFileSync(
      recorder,
      `const fs = require('fs');
const path = require('path');
const { CompiledEngine } = require(${JSON.stringify(path.join(ROOT, 'packages', 'guard'))});
for (const method of ['evaluate', 'evaluateSync']) {
  const original = CompiledEngine.prototype[method];
  CompiledEngine.prototype[method] = function (jobs, ...rest) {
    const pairs = jobs.flatMap((j) => j.rules.map((r) => path.basename(j.template.file) + ' ' + r.id));
    fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify(pairs) + '\\n');
    return original.call(this, jobs, ...rest);
  };
}
`,
    );
    const report = () => {
      fs.writeFileSync(log, '');
      const r = tarmac(['check', path.join(dir, 't.yaml'), '--format', 'json', '--cache', cache], ROOT, {
        NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${recorder}`,
      });
      const j = JSON.parse(r.stdout);
      return {
        code: r.code,
        findings: j.findings.map((f: { controlId: string; logicalId: string; line: number }) => `${f.controlId} ${f.logicalId} ${f.line}`),
      };
    };
    /** Each call of the engine in the last run: the `template rule-id` pairs it was asked to evaluate. */
    const evaluated = (): string[][] =>
      fs
        .readFileSync(log, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line));

    fs.copyFileSync(path.join(EXAMPLES, 'data-lake.yaml'), path.join(dir, 't.yaml'));
    const first = report();
    expect(first.code).toBe(1);
    // Every rule, on the template as written and with its parameter (Env) at its default: two readings of it.
    const rules = ['LZ.KMS.1', 'LZ.S3.1', 'LZ.S3.2', 'LZ.S3.3', 'LZ.S3.4', 'LZ.S3.5', 'LZ.TAG.1', 'LZ.TAG.2'].map((id) => `t.yaml ${id}`);
    expect(evaluated()).toEqual([[...rules, ...rules]]);
    expect(fs.readdirSync(cache)).toHaveLength(2 * rules.length); // an entry per rule and reading of the template

    // Unchanged: every verdict comes from the cache, the engine is not called at all.
    expect(report()).toEqual(first);
    expect(evaluated()).toEqual([]);

    fs.copyFileSync(path.join(EXAMPLES, 'ingest-queue.json'), path.join(dir, 't.yaml'));
    expect(report()).toEqual({ code: 0, findings: [] });
    expect(evaluated()).toEqual([['t.yaml LZ.KMS.1', 't.yaml LZ.SQS.1', 't.yaml LZ.TAG.1', 't.yaml LZ.TAG.2']]);
  });

  test('the dev profile turns tag findings into warnings', () => {
    const dir = tmpdir();
    fs.writeFileSync(
      path.join(dir, 't.yaml'),
      'Resources:\n  Log:\n    Type: AWS::Logs::LogGroup\n    Properties: { RetentionInDays: 30, KmsKeyId: arn:aws:kms:eu-west-1:111122223333:key/x }\n',
    );
    const dev = tarmac(['check', dir, '--profile', 'dev']);
    expect(dev.stdout).toMatch(/\[LZ\.TAG\.1\] medium, warn/);
    expect(dev.code).toBe(0);
    expect(tarmac(['check', dir, '--profile', 'prod']).code).toBe(1);
  });

  test('directories skip and count files that are not templates', () => {
    const dir = tmpdir();
    fs.writeFileSync(path.join(dir, 'notes.md'), '# hello');
    fs.writeFileSync(path.join(dir, 'workflow.yaml'), 'on: push\njobs: {}\n');
    fs.copyFileSync(path.join(EXAMPLES, 'data-lake.yaml'), path.join(dir, 'data-lake.yaml'));
    const r = tarmac(['check', dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/2 skipped \(1 not a template file name, 1 not a template\)/);
  });

  test('a directory symlink loop terminates', () => {
    const dir = tmpdir();
    fs.copyFileSync(path.join(EXAMPLES, 'ingest-queue.json'), path.join(dir, 'q.json'));
    fs.symlinkSync(dir, path.join(dir, 'loop'));
    const r = tarmac(['check', dir]);
    expect(r.code).toBe(0);
  });

  test.each([
    ['malformed YAML', 'Resources:\n  B: [unclosed\n'],
    ['a resource without Type', 'Resources:\n  B:\n    Properties: {}\n'],
    ['a broken template beside a Kubernetes-style second document', 'Resources:\n  B:\n    Type: AWS::S3::Bucket\n---\nkind: Service\n'],
  ])('%s named explicitly exits 2 naming the file', (_name, content) => {
    const dir = tmpdir();
    const file = path.join(dir, 'bad.yaml');
    fs.writeFileSync(file, content);
    const r = tarmac(['check', file]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain(file);
  });

  test('files named by pre-commit or lint-staged that are not templates are skipped quietly and counted', () => {
    const dir = tmpdir();
    const files: Record<string, string> = {
      'package.json': '{"name": "shop", "version": "1.0.0", "scripts": {"test": "jest"}}\n',
      'tsconfig.json': '{\n  // comments, as tsc allows\n  "compilerOptions": {"strict": true}\n}\n',
      'ci.yml': 'on: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps: [{uses: actions/checkout@v4}]\n',
      'docker-compose.yml': 'services:\n  web:\n    image: nginx\n',
      'deploy.yaml': 'apiVersion: v1\nkind: Service\nmetadata: {name: web}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n',
      'cdk.json': '{"app": "npx ts-node bin/app.ts"}\n',
      'serverless.yml': 'service: shop\nprovider: {name: aws, runtime: nodejs20.x}\nfunctions: {hello: {handler: handler.hello}}\n',
      'empty.yaml': '',
    };
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
    const named = Object.keys(files).map((f) => path.join(dir, f));
    const quiet = tarmac(['check', ...named]);
    expect(quiet).toMatchObject({ code: 0, stdout: '' });
    const r = tarmac(['check', ...named, path.join(EXAMPLES, 'ingest-queue.json'), '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).summary).toMatchObject({
      templates: 1,
      skipped: 8,
      skippedBy: { 'not a template': 5, 'not a single JSON or YAML document': 3 },
    });
  });

  test('bad input next to findings still exits 2: an error is never a pass', () => {
    const dir = tmpdir();
    fs.copyFileSync(path.join(EXAMPLES, 'ingest-queue.json'), path.join(dir, 'ok.json'));
    fs.writeFileSync(path.join(dir, 'broken.json'), '{"Resources": {"B": }');
    const r = tarmac(['check', dir, '--format', 'json']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).errors[0]).toMatchObject({ file: path.join(dir, 'broken.json'), line: 1 });
  });

  test('a custom Guard rule that does not parse exits 2 naming the rule file', () => {
    const dir = tmpdir();
    fs.writeFileSync(path.join(dir, 'mine.guard'), "rule mine when Resources.*[ Type == 'AWS::SQS::Queue' ] { oops\n");
    const r = tarmac(['check', path.join(EXAMPLES, 'ingest-queue.json'), '--rules', path.join(dir, 'mine.guard')]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('mine.guard');
  });

  test('an --output in a directory that does not exist is refused before the run, exit 2, no stack trace', () => {
    const r = tarmac(['check', EXAMPLES, '--format', 'sarif', '--output', '/no/such/dir/x.sarif']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('tarmac: --output /no/such/dir/x.sarif: the directory /no/such/dir does not exist\n');
  });

  test('bare tarmac prints its help on stderr and exits 2 (a usage error); tarmac --help exits 0', () => {
    const bare = tarmac([]);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(/Usage: tarmac/);
    expect(tarmac(['--help'])).toMatchObject({ code: 0, stdout: expect.stringMatching(/Usage: tarmac/) });
  });

  test('usage errors exit 2; --help exits 0', () => {
    expect(tarmac(['check', '--format', 'xml', EXAMPLES]).code).toBe(2);
    expect(tarmac(['check', '--no-such-flag']).code).toBe(2);
    expect(tarmac(['check']).code).toBe(2);
    expect(tarmac(['check', EXAMPLES, '--profile', 'nope']).stderr).toMatch(/unknown profile 'nope'/);
    const help = tarmac(['check', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--control-tower/);
  });

  test('--control-tower adds CT.* findings', () => {
    const r = tarmac(['check', EXAMPLES, '--control-tower', '--format', 'json']);
    const ids: string[] = JSON.parse(r.stdout).findings.map((f: { controlId: string }) => f.controlId);
    expect(ids.some((id) => id.startsWith('CT.'))).toBe(true);
    expect(ids.some((id) => id.startsWith('LZ.'))).toBe(true);
  });

  test('--control-tower reports a defect a catalog control and its Control Tower equivalent both find once, naming both', () => {
    const r = tarmac(['check', path.join(EXAMPLES, 'data-lake.yaml'), '--control-tower', '--profile', 'prod', '--format', 'json']);
    const findings: { controlId: string; logicalId: string; controlTowerIds?: string[] }[] = JSON.parse(r.stdout).findings;
    const raw = findings.filter((f) => f.logicalId === 'RawBucket');
    expect(raw.filter((f) => f.controlId === 'LZ.S3.2')).toEqual([expect.objectContaining({ controlTowerIds: ['CT.S3.PR.10'] })]);
    expect(raw.some((f) => f.controlId === 'CT.S3.PR.10')).toBe(false);
    // LZ.S3.3 declares CT.S3.PR.8 but passed on this policy: the Control Tower finding stays.
    expect(findings.filter((f) => f.logicalId === 'CuratedBucketPolicy').map((f) => f.controlId)).toEqual(['CT.S3.PR.8']);
    const text = tarmac(['check', path.join(EXAMPLES, 'data-lake.yaml'), '--control-tower', '--profile', 'prod']).stdout;
    expect(text).toMatch(/RawBucket \(AWS::S3::Bucket\) {2}\[LZ\.S3\.2 \(also CT\.S3\.PR\.10\)\] high/);
  });

  describe('reports name the catalog and the tool', () => {
    const CATALOG = '@tarmac/example-catalog@0.1.0';

    test('text names the catalog in its summary line', () => {
      expect(tarmac(['check', EXAMPLES, '--profile', 'prod']).stdout).toMatch(
        new RegExp(`^FAIL .*\\(catalog ${CATALOG.replace(/\./g, '\\.')}, \\w+ engine\\)$`, 'm'),
      );
    });

    test('json carries the catalog and the controls each template was checked against', () => {
      const j = JSON.parse(tarmac(['check', path.join(EXAMPLES, 'ingest-queue.json'), '--format', 'json']).stdout);
      expect(j.catalog).toBe(CATALOG);
      expect(j.evaluated).toEqual([{ file: path.join(EXAMPLES, 'ingest-queue.json'), controls: expect.arrayContaining(['LZ.SQS.1']) }]);
    });

    test('sarif names the tool version, the catalog package, and fingerprints each result without its line', () => {
      const sarif = JSON.parse(tarmac(['check', EXAMPLES, '--format', 'sarif']).stdout);
      const { tool, results } = sarif.runs[0];
      const version = JSON.parse(fs.readFileSync(path.join(ROOT, 'packages', 'guard', 'package.json'), 'utf8')).version;
      expect(tool.driver).toMatchObject({ version, semanticVersion: version, properties: { catalog: CATALOG } });
      expect(tool.extensions).toEqual([{ name: '@tarmac/example-catalog', version: '0.1.0' }]);
      expect(results.every((x: { partialFingerprints: Record<string, string> }) => /^[0-9a-f]{64}$/.test(x.partialFingerprints['tarmac/v1']))).toBe(true);
      const kms = tool.driver.rules.find((x: { id: string }) => x.id === 'LZ.S3.2');
      expect(kms).toMatchObject({
        fullDescription: { text: expect.stringMatching(/keys the organization controls/) },
        helpUri: expect.stringMatching(/^https:\/\//),
        help: { markdown: expect.stringMatching(/^\*\*Fix:\*\*/) },
      });
    });

    test("junit counts a clean template's controls as passing tests", () => {
      const r = tarmac(['check', path.join(EXAMPLES, 'ingest-queue.json'), '--profile', 'prod', '--format', 'junit']);
      expect(r.code).toBe(0);
      const [, tests, failures] = /<testsuites name="tarmac check" tests="(\d+)" failures="(\d+)"/.exec(r.stdout) ?? [];
      expect(Number(tests)).toBeGreaterThan(0);
      expect(Number(failures)).toBe(0);
      expect(r.stdout.match(/<testcase /g)).toHaveLength(Number(tests));
      expect(r.stdout).toContain(`<property name="catalog" value="${CATALOG}"/>`);
    });
  });

  describe('--staged', () => {
    const git = (cwd: string, ...args: string[]) => spawnSync('git', args, { cwd, encoding: 'utf8' });
    const UNENCRYPTED = 'Resources:\n  Raw:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: raw\n';

    test('checks what is staged (the index), not the working tree, and skips staged files that are not templates', () => {
      const repo = tmpdir();
      git(repo, 'init', '-q');
      fs.mkdirSync(path.join(repo, 'infra'));
      fs.writeFileSync(path.join(repo, 'infra', 'bucket.yaml'), UNENCRYPTED);
      fs.writeFileSync(path.join(repo, 'notes.md'), '# not a template\n');
      fs.writeFileSync(path.join(repo, 'unstaged.yaml'), UNENCRYPTED);
      git(repo, 'add', 'infra/bucket.yaml', 'notes.md');
      // Fixed in the working tree only: the commit would still carry the staged version.
      fs.writeFileSync(path.join(repo, 'infra', 'bucket.yaml'), 'Resources: {}\n');
      const r = tarmac(['check', '--staged', '--format', 'json'], path.join(repo, 'infra'));
      expect(r.stderr).toBe('');
      expect(r.code).toBe(1);
      const report = JSON.parse(r.stdout);
      expect(report.summary).toMatchObject({ templates: 1, skipped: 1 });
      // Named from where the command runs, as git status names them.
      expect(new Set(report.findings.map((f: { file: string }) => f.file))).toEqual(new Set(['bucket.yaml']));
      expect(report.findings.map((f: { controlId: string }) => f.controlId)).toContain('LZ.S3.2');
    });

    const commitAll = (repo: string) => {
      git(repo, 'add', '-A');
      git(repo, '-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qm', 'base');
    };

    test('a symlink replaced by a bad template (a type change) is checked', () => {
      const repo = tmpdir();
      git(repo, 'init', '-q');
      fs.writeFileSync(path.join(repo, 'other.yaml'), 'x: 1\n');
      fs.symlinkSync('other.yaml', path.join(repo, 't.yaml'));
      commitAll(repo);
      fs.rmSync(path.join(repo, 't.yaml'));
      fs.writeFileSync(path.join(repo, 't.yaml'), UNENCRYPTED);
      git(repo, 'add', 't.yaml');
      expect(git(repo, 'status', '--short').stdout).toMatch(/^T {2}t\.yaml/m);
      const r = tarmac(['check', '--staged', '--format', 'json'], repo);
      expect(r.code).toBe(1);
      expect(JSON.parse(r.stdout).findings.map((f: { controlId: string }) => f.controlId)).toContain('LZ.S3.2');
    });

    test('a staged symlink is checked with the staged content of its target; a staged submodule is skipped, not a crash', () => {
      const repo = tmpdir();
      const sub = tmpdir();
      git(sub, 'init', '-q');
      fs.writeFileSync(path.join(sub, 'f'), 'x');
      commitAll(sub);
      git(repo, 'init', '-q');
      fs.writeFileSync(path.join(repo, 'bad.yaml'), UNENCRYPTED);
      fs.symlinkSync('bad.yaml', path.join(repo, 'link.yaml'));
      git(repo, 'add', 'bad.yaml', 'link.yaml');
      git(repo, '-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', sub, 'mod.json');
      const r = tarmac(['check', '--staged', '--format', 'json'], repo);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(1);
      const report = JSON.parse(r.stdout);
      expect(new Set(report.findings.map((f: { file: string }) => f.file))).toEqual(new Set(['bad.yaml', 'link.yaml']));
      expect(report.summary.skippedBy).toEqual({ submodule: 1, 'not a template file name': 1 }); // mod.json, .gitmodules
    });

    test('nothing staged is a quiet pass; outside a git repository it is a usage error', () => {
      const repo = tmpdir();
      git(repo, 'init', '-q');
      expect(tarmac(['check', '--staged'], repo)).toMatchObject({ code: 0, stdout: '' });
      const outside = tarmac(['check', '--staged'], tmpdir());
      expect(outside.code).toBe(2);
      expect(outside.stdout).toMatch(/--staged needs a git repository: fatal: not a git repository/);
      expect(outside.stdout.split('\n').length).toBeLessThan(5); // not git's usage text
    });
  });
});
