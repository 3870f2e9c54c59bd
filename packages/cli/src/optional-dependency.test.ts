import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CDK, MissingDependencyError, awsSdk, installCommand, isInstalled, loadOptional, missingDependencyError, missingModuleOf } from './optional-dependency';
import { UsageError } from './usage-error';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const POLICIES = path.join(ROOT, 'policies');

/** The error Node's require throws for a package that is not installed. */
function notFound(specifier: string): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error(`Cannot find module '${specifier}'\nRequire stack:\n- /app/node_modules/@tarmac/cdk/dist/index.js`);
  err.code = 'MODULE_NOT_FOUND';
  return err;
}

const cli = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { version: string; peerDependencies: Record<string, string> };

describe('missingModuleOf', () => {
  test('names the package of a bare specifier, scoped or not, and of a file inside it', () => {
    expect(missingModuleOf(notFound('aws-cdk-lib'))).toBe('aws-cdk-lib');
    expect(missingModuleOf(notFound('aws-cdk-lib/aws-s3'))).toBe('aws-cdk-lib');
    expect(missingModuleOf(notFound('@aws-sdk/client-s3'))).toBe('@aws-sdk/client-s3');
    expect(missingModuleOf(notFound('@aws-sdk/client-s3/dist-cjs/index.js'))).toBe('@aws-sdk/client-s3');
  });

  test('is undefined for a relative or absolute path (a broken install of Tarmac itself) and for any other error', () => {
    expect(missingModuleOf(notFound('./deploy/deploy'))).toBeUndefined();
    expect(missingModuleOf(notFound('/app/node_modules/@tarmac/cdk/dist/index.js'))).toBeUndefined();
    expect(missingModuleOf(new Error("Cannot find module 'aws-cdk-lib'"))).toBeUndefined(); // no code: not from require
    expect(missingModuleOf(new TypeError('x is not a function'))).toBeUndefined();
    expect(missingModuleOf(undefined)).toBeUndefined();
  });
});

describe('missingDependencyError', () => {
  test("maps a failed require of one of the feature's packages to every missing one, with the exact install command", () => {
    const installed = new Set(['@tarmac/cdk', 'constructs']);
    const err = missingDependencyError(notFound('aws-cdk-lib'), CDK, (name) => installed.has(name));
    expect(err).toBeInstanceOf(MissingDependencyError);
    expect(err).toBeInstanceOf(UsageError); // main's report: the message on one line, exit 2, no stack trace
    expect(err!.missing).toEqual(['aws-cdk-lib', 'cdk-nag']);
    expect(err!.message).toBe(
      'the org-wide deployment (hooks/ and stacksets/) is synthesized with the AWS CDK and needs aws-cdk-lib and cdk-nag, which are not installed ' +
        '(`npm i -D @tarmac/cli` leaves them out: `tarmac check` does not need them). ' +
        `Install them: npm i -D "aws-cdk-lib@${cli.peerDependencies['aws-cdk-lib']}" "cdk-nag@${cli.peerDependencies['cdk-nag']}"`,
    );
  });

  test('the package named by the error counts as missing even where a package.json is found (it could not be loaded)', () => {
    const err = missingDependencyError(notFound('@aws-sdk/client-sts'), awsSdk('deploy'), () => true);
    expect(err!.message).toBe(
      'tarmac deploy talks to AWS and needs @aws-sdk/client-sts, which is not installed (`npm i -D @tarmac/cli` leaves it out: `tarmac check` does not need it). ' +
        `Install it: npm i -D "@aws-sdk/client-sts@${cli.peerDependencies['@aws-sdk/client-sts']}"`,
    );
  });

  test("another package, a missing file of Tarmac's own or another error stays what it is: a bug is not blamed on an install", () => {
    expect(missingDependencyError(notFound('left-pad'), CDK, () => false)).toBeUndefined();
    expect(missingDependencyError(notFound('../deploy/deploy'), awsSdk('plan'), () => false)).toBeUndefined();
    expect(missingDependencyError(new Error('boom'), CDK, () => false)).toBeUndefined();
  });
});

test('installCommand pins @tarmac packages to the CLI version and third-party ones to its peer ranges, quoted for every shell', () => {
  expect(installCommand(['@tarmac/cdk', 'aws-cdk-lib', 'cdk-nag', 'constructs'])).toBe(
    `npm i -D @tarmac/cdk@${cli.version} "aws-cdk-lib@${cli.peerDependencies['aws-cdk-lib']}" "cdk-nag@${cli.peerDependencies['cdk-nag']}" "constructs@${cli.peerDependencies.constructs}"`,
  );
  expect(installCommand(['x'], { version: '1.0.0', peerDependencies: { x: '2.0.0' } })).toBe('npm i -D x@2.0.0');
  // Every package a feature names has a declared range (or is a @tarmac package).
  for (const name of [...CDK.packages, ...awsSdk('status').packages]) {
    expect(name.startsWith('@tarmac/') || cli.peerDependencies[name]).toBeTruthy();
    expect(installCommand([name])).toMatch(/^npm i -D ("[@\w/.-]+@\^[\d.]+"|@tarmac\/[\w-]+@[\d.]+)$/);
  }
});

test('isInstalled looks for the package where require would', () => {
  expect(isInstalled('commander')).toBe(true);
  expect(isInstalled('@tarmac/no-such-package')).toBe(false);
});

test('loadOptional turns the failed require of a real module into the message, and passes anything else through', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-optional-'));
  try {
    // A module that needs a package nobody installed, as @tarmac/cdk needs aws-cdk-lib.
    const needsCdk = path.join(dir, 'needs-cdk.js');
    fs.writeFileSync(needsCdk, "require('aws-cdk-lib-not-installed/aws-s3');\n");
    const feature = { what: 'this test', packages: ['aws-cdk-lib-not-installed'] };
    await expect(loadOptional(feature, async () => require(needsCdk))).rejects.toThrow(
      'this test needs aws-cdk-lib-not-installed, which is not installed (`npm i -D @tarmac/cli` leaves it out: `tarmac check` does not need it). Install it: npm i -D aws-cdk-lib-not-installed',
    );
    const broken = path.join(dir, 'broken.js');
    fs.writeFileSync(broken, "throw new RangeError('a bug');\n");
    await expect(loadOptional(feature, async () => require(broken))).rejects.toThrow(RangeError);
    expect(await loadOptional(feature, async () => 42)).toBe(42);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

describe('the commands, with a package missing', () => {
  let stderr: string;
  beforeEach(() => {
    stderr = '';
    jest.resetModules();
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stderr += String(chunk);
      return true;
    });
    jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });
  afterEach(() => jest.restoreAllMocks());

  /** Loading `name` fails as it does where it is not installed. */
  const uninstall = (name: string, missing = name) =>
    jest.doMock(name, () => {
      throw notFound(missing);
    });

  test('tarmac build without aws-cdk-lib: exit 2, one line naming the install command, no stack trace', async () => {
    uninstall('@tarmac/cdk', 'aws-cdk-lib');
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-build-'));
    try {
      const { main } = await import('./main');
      expect(await main(['node', 'tarmac', 'build', '--policies', POLICIES, '--out', out])).toBe(2);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
    expect(stderr).toMatch(
      /^tarmac: the org-wide deployment \(hooks\/ and stacksets\/\) is synthesized with the AWS CDK and needs aws-cdk-lib, which is not installed .* Install it: npm i -D "aws-cdk-lib@\^2\.\d+\.\d+"\n$/,
    );
    expect(stderr).not.toMatch(/internal error|\n\s+at /);
  });

  test.each(['plan', 'deploy', 'status'])('tarmac %s without the AWS SDK: exit 2 before anything is read', async (command) => {
    uninstall('@aws-sdk/client-sts');
    const { main } = await import('./main');
    expect(await main(['node', 'tarmac', command, '--out', path.join(os.tmpdir(), 'tarmac-no-such-build')])).toBe(2);
    expect(stderr).toMatch(
      new RegExp(
        `^tarmac: tarmac ${command} talks to AWS and needs @aws-sdk/client-sts, which is not installed .* Install it: npm i -D "@aws-sdk/client-sts@\\^3\\.\\d+\\.\\d+"\\n$`,
      ),
    );
    expect(stderr).not.toMatch(/internal error|\n\s+at /);
  });
});
