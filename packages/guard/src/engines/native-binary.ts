import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { InputError } from '@tarmac/core';

/**
 * Where the native cfn-guard binary comes from, first match wins:
 * 1. $TARMAC_CFN_GUARD: another binary, chosen by the person running Tarmac;
 * 2. @tarmac/cfn-guard-<platform>-<arch>: the optional dependency of @tarmac/guard that npm installs on its
 *    platform only (one binary, about 10 MB, instead of the four in @cdklabs/cdk-validator-cfnguard);
 * 3. @cdklabs/cdk-validator-cfnguard, the optional peer that also carries the Control Tower rules (and the
 *    monorepo's development install).
 * A candidate counts only when its binary exists and is executable, as it did before the platform packages
 * (existence was checked); its version is the guard-version.json shipped beside it, never assumed.
 */
export interface NativeGuard {
  readonly binary: string;
  /** cfn-guard's version, e.g. 3.1.1: part of every verdict cache key. */
  readonly version: string;
  /** The package it came from, or TARMAC_CFN_GUARD. */
  readonly source: string;
}

/** What the resolution looks at: the process by default, replaced in tests. */
export interface NativeGuardEnvironment {
  readonly env: Record<string, string | undefined>;
  readonly platform: string;
  readonly arch: string;
  /** The directory of an installed package (its package.json's directory), or undefined. */
  readonly packageDir: (name: string) => string | undefined;
  /** `cfn-guard --version` of a binary nobody described (TARMAC_CFN_GUARD). */
  readonly versionOf: (binary: string) => string;
}

/** The platforms a @tarmac/cfn-guard-<platform>-<arch> package is published for (packages/cfn-guard/). */
export const NATIVE_PLATFORMS: readonly string[] = ['darwin-arm64', 'darwin-x64', 'linux-arm64', 'linux-x64'];

export const CDKLABS_PACKAGE = '@cdklabs/cdk-validator-cfnguard';

/** The binary package for a platform, e.g. @tarmac/cfn-guard-linux-x64, or undefined where none is published. */
export function platformPackage(platform: string = process.platform, arch: string = process.arch): string | undefined {
  const key = `${platform}-${arch}`;
  return NATIVE_PLATFORMS.includes(key) ? `@tarmac/cfn-guard-${key}` : undefined;
}

/** Where @cdklabs/cdk-validator-cfnguard keeps the binary of a platform (bin/<os>/<arch>/cfn-guard). */
const CDKLABS_OS: Record<string, string> = { linux: 'ubuntu', darwin: 'macos' };
const CDKLABS_ARCH: Record<string, string> = { x64: 'x86_64', arm64: 'aarch64' };

export function resolveNativeGuard(environment: NativeGuardEnvironment = processEnvironment()): NativeGuard | undefined {
  const { env, platform, arch, packageDir } = environment;
  const override = env.TARMAC_CFN_GUARD;
  if (override) return { binary: override, version: environment.versionOf(override), source: 'TARMAC_CFN_GUARD' };
  const own = platformPackage(platform, arch);
  const ownDir = own && packageDir(own);
  const fromOwn = ownDir && shipped(own!, ownDir, path.join(ownDir, 'bin', 'cfn-guard'));
  if (fromOwn) return fromOwn;
  const cdklabs = packageDir(CDKLABS_PACKAGE);
  const os = CDKLABS_OS[platform];
  const cpu = CDKLABS_ARCH[arch];
  if (cdklabs && os && cpu) return shipped(CDKLABS_PACKAGE, cdklabs, path.join(cdklabs, 'bin', os, cpu, 'cfn-guard'));
  return undefined;
}

function shipped(source: string, dir: string, binary: string): NativeGuard | undefined {
  if (!executable(binary)) return undefined;
  const versionFile = path.join(dir, 'guard-version.json');
  let version: unknown;
  try {
    version = (JSON.parse(fs.readFileSync(versionFile, 'utf8')) as { version?: unknown }).version;
  } catch {
    version = undefined;
  }
  // A binary without its version would put unlabelled verdicts in the cache: refused, not guessed.
  if (typeof version !== 'string' || !version) return undefined;
  return { binary, version, source };
}

function executable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

let resolved: { key: string; guard: NativeGuard | undefined } | undefined;

/** resolveNativeGuard for this process, remembered while $TARMAC_CFN_GUARD stays the same. */
export function nativeGuard(): NativeGuard | undefined {
  const key = process.env.TARMAC_CFN_GUARD ?? '';
  if (resolved?.key !== key) resolved = { key, guard: resolveNativeGuard() };
  return resolved.guard;
}

/** The native cfn-guard binary for this platform (see resolveNativeGuard), or undefined. */
export function nativeGuardBinary(): string | undefined {
  return nativeGuard()?.binary;
}

/** The version of nativeGuardBinary(); without one, the error says what to install. */
export function nativeGuardVersion(): string {
  const guard = nativeGuard();
  if (!guard) throw missingNativeGuard();
  return guard.version;
}

/** Why there is no native engine, and what to install: an input error (exit 2), never a stack trace. */
export function missingNativeGuard(platform: string = process.platform, arch: string = process.arch): InputError {
  const own = platformPackage(platform, arch);
  if (!own) {
    return new InputError(
      { file: 'Guard engine' },
      `no native cfn-guard binary is published for ${platform}/${arch}`,
      `--engine wasm after npm i -D ${installSpec('aws-cdk-lib')}, or TARMAC_CFN_GUARD set to a cfn-guard binary`,
    );
  }
  return new InputError(
    { file: 'Guard engine' },
    `the native cfn-guard binary for ${platform}/${arch} is not installed (${own}, an optional dependency of @tarmac/guard, is missing: installed with --omit=optional, or from a lock file written on another platform)`,
    `npm i -D ${installSpec(own)}`,
  );
}

/**
 * name@range as @tarmac/guard declares it (its optional dependencies and peers), for an install command;
 * double-quoted when the range has ^ or ~ (special to cmd.exe and to zsh with EXTENDED_GLOB).
 */
export function installSpec(name: string): string {
  const manifest = guardManifest();
  const range = manifest.optionalDependencies?.[name] ?? manifest.peerDependencies?.[name];
  const spec = range ? `${name}@${range}` : name;
  return /^[\w@/.:=+-]+$/.test(spec) ? spec : `"${spec}"`;
}

interface Manifest {
  version: string;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

let manifest: Manifest | undefined;

/** @tarmac/guard's own package.json (dist/engines and src/engines are both two levels below it). */
function guardManifest(): Manifest {
  manifest ??= JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as Manifest;
  return manifest;
}

function processEnvironment(): NativeGuardEnvironment {
  return {
    env: process.env,
    platform: process.platform,
    arch: process.arch,
    packageDir: (name) => {
      try {
        return path.dirname(require.resolve(`${name}/package.json`));
      } catch {
        return undefined;
      }
    },
    versionOf: binaryVersion,
  };
}

/** `cfn-guard --version` prints "cfn-guard 3.1.1"; a binary that does not answer is reported as such. */
function binaryVersion(binary: string): string {
  try {
    const out = execFileSync(binary, ['--version'], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] });
    return /(\d+\.\d+\.\d+\S*)/.exec(out)?.[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
