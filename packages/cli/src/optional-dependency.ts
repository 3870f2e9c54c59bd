import * as fs from 'fs';
import * as path from 'path';
import { UsageError } from './usage-error';

/**
 * `npm i -D @tarmac/cli` installs what `tarmac check` and `tarmac test` need, and no more (a small install for
 * workload repositories). build, plan, deploy and status need more: the packages below are optional peers of
 * @tarmac/cli (@tarmac/cdk, versioned with the CLI, is named here only), loaded when a command uses them. A
 * command that finds one missing says which, and the exact command that installs them: exit 2, no stack trace.
 */
export interface OptionalFeature {
  /** What needs the packages, as the message starts: 'tarmac deploy talks to AWS and' (needs ...). */
  readonly what: string;
  readonly packages: readonly string[];
}

/** The AWS SDK clients of plan, deploy and status (src/deploy imports them). */
export function awsSdk(command: 'plan' | 'deploy' | 'status' | 'report --live'): OptionalFeature {
  const deploy = [
    '@aws-sdk/client-cloudformation',
    '@aws-sdk/client-cost-explorer',
    '@aws-sdk/client-organizations',
    '@aws-sdk/client-s3',
    '@aws-sdk/client-sts',
  ];
  return {
    what: `tarmac ${command} talks to AWS and`,
    // The live report also reads AWS Config and Security Hub in every account.
    packages: command === 'report --live' ? [...deploy, '@aws-sdk/client-config-service', '@aws-sdk/client-securityhub'].sort() : deploy,
  };
}

/** @tarmac/cdk and its peers: build synthesizes the org-wide deployment, and plan and deploy rebuild it to verify the build. */
export const CDK: OptionalFeature = {
  what: 'the org-wide deployment (hooks/ and stacksets/) is synthesized with the AWS CDK and',
  packages: ['@tarmac/cdk', 'aws-cdk-lib', 'cdk-nag', 'constructs'],
};

/** A package a command needs is not installed. A UsageError: main prints the message and exits 2. */
export class MissingDependencyError extends UsageError {
  constructor(
    readonly feature: OptionalFeature,
    readonly missing: readonly string[],
  ) {
    const one = missing.length === 1;
    super(
      `${feature.what} needs ${listOf(missing)}, which ${one ? 'is' : 'are'} not installed (\`npm i -D @tarmac/cli\` leaves ${one ? 'it' : 'them'} out: \`tarmac check\` does not need ${one ? 'it' : 'them'}). Install ${one ? 'it' : 'them'}: ${installCommand(missing)}`,
    );
    this.name = 'MissingDependencyError';
  }
}

interface CliManifest {
  version: string;
  peerDependencies?: Record<string, string>;
}

const manifest: CliManifest = require('../package.json');

/**
 * `npm i -D` with each package at the range @tarmac/cli declares for it; @tarmac/* packages at the CLI's own
 * version (they are released together). A range is double-quoted: ^ and ~ are special to cmd.exe and to zsh
 * with EXTENDED_GLOB, and double quotes keep them literal in every shell.
 */
export function installCommand(packages: readonly string[], cli: CliManifest = manifest): string {
  const spec = (name: string) => {
    if (name.startsWith('@tarmac/')) return `${name}@${cli.version}`;
    const range = cli.peerDependencies?.[name];
    return range ? shellWord(`${name}@${range}`) : name;
  };
  return `npm i -D ${packages.map(spec).join(' ')}`;
}

const shellWord = (word: string) => (/^[\w@/.:=+-]+$/.test(word) ? word : `"${word}"`);

/** Whether a package is installed where this module would find it (node_modules above it, NODE_PATH). */
export function isInstalled(name: string): boolean {
  return (require.resolve.paths(name) ?? []).some((dir) => fs.existsSync(path.join(dir, name, 'package.json')));
}

/**
 * The package a failed require could not find: '@aws-sdk/client-s3' for "Cannot find module
 * '@aws-sdk/client-s3'" (or one of its files); undefined for any other error, or a relative or absolute path.
 */
export function missingModuleOf(err: unknown): string | undefined {
  const e = err as NodeJS.ErrnoException | undefined;
  if (e?.code !== 'MODULE_NOT_FOUND' && e?.code !== 'ERR_MODULE_NOT_FOUND') return undefined;
  const specifier = /Cannot find (?:module|package) '([^']+)'/.exec(String(e.message))?.[1];
  if (!specifier || specifier.startsWith('.') || path.isAbsolute(specifier)) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/**
 * Maps a failed require of one of the feature's packages to the message naming every one of them that is
 * missing (so one install fixes it); undefined for any other error (a bug, reported as one).
 */
export function missingDependencyError(
  err: unknown,
  feature: OptionalFeature,
  installed: (name: string) => boolean = isInstalled,
): MissingDependencyError | undefined {
  const name = missingModuleOf(err);
  if (!name || !feature.packages.includes(name)) return undefined;
  return new MissingDependencyError(
    feature,
    feature.packages.filter((p) => p === name || !installed(p)),
  );
}

/** Loads a module that needs the feature's packages; their absence is a MissingDependencyError. */
export async function loadOptional<T>(feature: OptionalFeature, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (err) {
    throw missingDependencyError(err, feature) ?? err;
  }
}

function listOf(items: readonly string[]): string {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
