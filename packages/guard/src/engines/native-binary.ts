import * as fs from 'fs';
import * as path from 'path';

const OS: Record<string, string> = { linux: 'ubuntu', darwin: 'macos' };
const ARCH: Record<string, string> = { x64: 'x86_64', arm64: 'aarch64' };

/**
 * The cfn-guard 3.1.1 binary shipped in @cdklabs/cdk-validator-cfnguard for this platform, or undefined.
 * TARMAC_CFN_GUARD points at another binary.
 */
export function nativeGuardBinary(): string | undefined {
  const override = process.env.TARMAC_CFN_GUARD;
  if (override) return override;
  const os = OS[process.platform];
  const arch = ARCH[process.arch];
  if (!os || !arch) return undefined;
  const pkg = path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json'));
  const bin = path.join(pkg, 'bin', os, arch, 'cfn-guard');
  return fs.existsSync(bin) ? bin : undefined;
}

export function nativeGuardVersion(): string {
  const pkg = path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json'));
  return (JSON.parse(fs.readFileSync(path.join(pkg, 'guard-version.json'), 'utf8')) as { version: string }).version;
}
