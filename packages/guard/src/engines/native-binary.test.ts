import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { InputError } from '@tarmac/core';
import { noGuardEngine } from './create-engine';
import {
  CDKLABS_PACKAGE,
  NATIVE_PLATFORMS,
  NativeGuardEnvironment,
  installSpec,
  missingNativeGuard,
  nativeGuardBinary,
  nativeGuardVersion,
  platformPackage,
  resolveNativeGuard,
} from './native-binary';
import { EXPECTED_WASM_VERSION, wasmProblem, wasmUnavailable } from './wasm-validate';

const guardPackage = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
  version: string;
  optionalDependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
  dependencies: Record<string, string>;
};

let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'tarmac-native-'));
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

/** A package directory holding a binary at `binary` (relative), with guard-version.json unless `version` is null. */
function fakePackage(name: string, binary: string, { version = '3.1.1' as string | null, mode = 0o755 } = {}): string {
  const dir = path.join(root, name);
  fs.mkdirSync(path.join(dir, path.dirname(binary)), { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name }));
  fs.writeFileSync(path.join(dir, binary), '#!/bin/sh\n', { mode });
  if (version !== null) fs.writeFileSync(path.join(dir, 'guard-version.json'), JSON.stringify({ version }));
  return dir;
}

function environment(packages: Record<string, string>, over: Partial<NativeGuardEnvironment> = {}): NativeGuardEnvironment {
  return { env: {}, platform: 'linux', arch: 'x64', packageDir: (name) => packages[name], versionOf: () => '9.9.9', ...over };
}

describe('resolveNativeGuard', () => {
  test('the platform package first, then @cdklabs/cdk-validator-cfnguard, then none', () => {
    const own = fakePackage('own', 'bin/cfn-guard', { version: '3.1.1' });
    const cdklabs = fakePackage('cdklabs', 'bin/ubuntu/x86_64/cfn-guard', { version: '3.1.0' });
    expect(resolveNativeGuard(environment({ '@tarmac/cfn-guard-linux-x64': own, [CDKLABS_PACKAGE]: cdklabs }))).toEqual({
      binary: path.join(own, 'bin', 'cfn-guard'),
      version: '3.1.1',
      source: '@tarmac/cfn-guard-linux-x64',
    });
    expect(resolveNativeGuard(environment({ [CDKLABS_PACKAGE]: cdklabs }))).toEqual({
      binary: path.join(cdklabs, 'bin', 'ubuntu', 'x86_64', 'cfn-guard'),
      version: '3.1.0',
      source: CDKLABS_PACKAGE,
    });
    expect(resolveNativeGuard(environment({}))).toBeUndefined();
  });

  test('TARMAC_CFN_GUARD wins over both, with the version the binary reports', () => {
    const own = fakePackage('own', 'bin/cfn-guard');
    expect(resolveNativeGuard(environment({ '@tarmac/cfn-guard-linux-x64': own }, { env: { TARMAC_CFN_GUARD: '/opt/cfn-guard' } }))).toEqual({
      binary: '/opt/cfn-guard',
      version: '9.9.9',
      source: 'TARMAC_CFN_GUARD',
    });
  });

  test('a platform package without its binary (the monorepo before packing), not executable or without its version is passed over', () => {
    const cdklabs = fakePackage('cdklabs', 'bin/macos/aarch64/cfn-guard');
    const env = (own: string) => environment({ '@tarmac/cfn-guard-darwin-arm64': own, [CDKLABS_PACKAGE]: cdklabs }, { platform: 'darwin', arch: 'arm64' });
    const empty = path.join(root, 'empty');
    fs.mkdirSync(empty);
    fs.writeFileSync(path.join(empty, 'package.json'), '{}');
    expect(resolveNativeGuard(env(empty))?.source).toBe(CDKLABS_PACKAGE);
    expect(resolveNativeGuard(env(fakePackage('not-executable', 'bin/cfn-guard', { mode: 0o644 })))?.source).toBe(CDKLABS_PACKAGE);
    expect(resolveNativeGuard(env(fakePackage('no-version', 'bin/cfn-guard', { version: null })))?.source).toBe(CDKLABS_PACKAGE);
    expect(resolveNativeGuard(env(fakePackage('good', 'bin/cfn-guard')))?.source).toBe('@tarmac/cfn-guard-darwin-arm64');
  });

  test('each platform finds its own binary in either package; a platform without one finds none', () => {
    const layout: Record<string, string> = {
      'linux-x64': 'ubuntu/x86_64',
      'linux-arm64': 'ubuntu/aarch64',
      'darwin-x64': 'macos/x86_64',
      'darwin-arm64': 'macos/aarch64',
    };
    expect([...NATIVE_PLATFORMS].sort()).toEqual(Object.keys(layout).sort());
    for (const [key, dir] of Object.entries(layout)) {
      const [platform, arch] = key.split('-');
      const cdklabs = fakePackage(`cdklabs-${key}`, `bin/${dir}/cfn-guard`);
      expect(resolveNativeGuard(environment({ [CDKLABS_PACKAGE]: cdklabs }, { platform, arch }))?.binary).toBe(
        path.join(cdklabs, 'bin', ...dir.split('/'), 'cfn-guard'),
      );
      const own = fakePackage(`own-${key}`, 'bin/cfn-guard');
      expect(resolveNativeGuard(environment({ [`@tarmac/cfn-guard-${key}`]: own }, { platform, arch }))?.binary).toBe(path.join(own, 'bin', 'cfn-guard'));
    }
    const cdklabs = fakePackage('cdklabs-win', 'bin/ubuntu/x86_64/cfn-guard');
    expect(resolveNativeGuard(environment({ [CDKLABS_PACKAGE]: cdklabs }, { platform: 'win32', arch: 'x64' }))).toBeUndefined();
    expect(platformPackage('win32', 'x64')).toBeUndefined();
    expect(platformPackage('linux', 'arm64')).toBe('@tarmac/cfn-guard-linux-arm64');
  });

  test('in this repository: the real binary, from whichever package has it, version 3.1.1', () => {
    expect(fs.existsSync(nativeGuardBinary()!)).toBe(true);
    expect(nativeGuardVersion()).toBe('3.1.1');
  });
});

test("@tarmac/guard installs one platform package as an optional dependency, and pins no peer: aws-cdk-lib and the Control Tower rules' package are optional ranges", () => {
  expect(Object.keys(guardPackage.optionalDependencies).sort()).toEqual(NATIVE_PLATFORMS.map((p) => `@tarmac/cfn-guard-${p}`).sort());
  for (const version of Object.values(guardPackage.optionalDependencies)) expect(version).toBe(guardPackage.version);
  for (const [name, range] of Object.entries(guardPackage.peerDependencies)) {
    expect([name, range]).toEqual([name, expect.stringMatching(/^[\^~]\d/)]);
    expect(guardPackage.peerDependenciesMeta[name]?.optional).toBe(true);
  }
  expect(Object.keys(guardPackage.dependencies).sort()).toEqual(['@tarmac/core', 'yaml']);
});

describe('the messages when an engine is missing', () => {
  test('no native binary: the platform package to install, at its version', () => {
    const err = missingNativeGuard('linux', 'arm64');
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toMatch(
      /^Guard engine: the native cfn-guard binary for linux\/arm64 is not installed \(@tarmac\/cfn-guard-linux-arm64, an optional dependency of @tarmac\/guard, is missing: .*\) \(expected npm i -D @tarmac\/cfn-guard-linux-arm64@\d+\.\d+\.\d+\)$/,
    );
    expect(missingNativeGuard('win32', 'x64').message).toBe(
      `Guard engine: no native cfn-guard binary is published for win32/x64 (expected --engine wasm after npm i -D ${installSpec('aws-cdk-lib')}, or TARMAC_CFN_GUARD set to a cfn-guard binary)`,
    );
  });

  test('the WebAssembly engine: aws-cdk-lib missing, bundling no validator, or a major it was not written for; any 1.x is used', () => {
    const range = guardPackage.peerDependencies['aws-cdk-lib'];
    expect(wasmProblem(undefined, undefined)?.message).toBe(
      `Guard engine: the WebAssembly engine runs inside aws-cdk-lib, which is not installed (expected npm i -D "aws-cdk-lib@${range}")`,
    );
    expect(wasmProblem('2.100.0', undefined)?.message).toBe(
      `Guard engine: the WebAssembly engine runs inside aws-cdk-lib, and aws-cdk-lib 2.100.0 bundles no @aws/cloudformation-validate (expected npm i -D "aws-cdk-lib@${range}"; 2.276.0 bundles @aws/cloudformation-validate ${EXPECTED_WASM_VERSION})`,
    );
    expect(wasmProblem('2.400.0', '2.0.0')?.message).toMatch(
      /aws-cdk-lib 2\.400\.0 bundles @aws\/cloudformation-validate 2\.0\.0, and the WebAssembly engine is written for 1\.x/,
    );
    expect(wasmProblem('2.276.0', EXPECTED_WASM_VERSION)).toBeUndefined();
    expect(wasmProblem('2.300.0', '1.20.3')).toBeUndefined();
    expect(wasmUnavailable()).toBeUndefined(); // this repository's aws-cdk-lib
  });

  test('neither engine (auto): both installs named', () => {
    const wasm = wasmProblem(undefined, undefined)!;
    expect(noGuardEngine(wasm, 'linux', 'x64').message).toBe(
      'Guard engine: no Guard engine can run here: the native cfn-guard binary for linux/x64 (@tarmac/cfn-guard-linux-x64, an optional dependency of @tarmac/guard) is not installed, ' +
        'and the WebAssembly engine runs inside aws-cdk-lib, which is not installed ' +
        `(expected npm i -D @tarmac/cfn-guard-linux-x64@${guardPackage.version} for the native engine, or npm i -D "aws-cdk-lib@${guardPackage.peerDependencies['aws-cdk-lib']}" for the WebAssembly engine)`,
    );
    expect(noGuardEngine(wasm, 'win32', 'x64').message).toMatch(
      /no native cfn-guard binary is published for win32\/x64, and .* \(expected npm i -D "aws-cdk-lib@\S+" for the WebAssembly engine, or TARMAC_CFN_GUARD set to a cfn-guard binary\)$/,
    );
  });
});
