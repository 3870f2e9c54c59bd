import * as fs from 'fs';
import * as path from 'path';
import { InputError } from '@tarmac/core';
import { installSpec } from './native-binary';

/**
 * The only module that reaches @aws/cloudformation-validate. The copy that evaluates parameterized Guard
 * rules ships inside aws-cdk-lib (2.276.0 bundles 1.14.0); it is not exported, so we resolve it by path.
 *
 * aws-cdk-lib is an optional peer of @tarmac/guard with a range (^2.276.0), so the bundled version is the
 * user's aws-cdk-lib's, not necessarily 1.14.0. Decision: any 1.x is used (the API below, CompositeEngine,
 * TemplateContent, validateTemplate and version(), is the 1.x API), and its version is reported with every
 * check and keys the verdict cache, so verdicts of two versions never mix. An aws-cdk-lib that bundles no
 * @aws/cloudformation-validate, or another major, is refused with an input error naming both versions and
 * what to install; it is never loaded on the chance that it works. EXPECTED_WASM_VERSION is what the
 * monorepo's own aws-cdk-lib (a devDependency, 2.276.0) bundles: engines.test.ts pins it, so an upgrade that
 * changes it is a deliberate change with its differential tests run.
 */
export const EXPECTED_WASM_VERSION = '1.14.0';

/** The major of @aws/cloudformation-validate whose API this module is written against. */
export const SUPPORTED_WASM_MAJOR = 1;

export interface WasmDiagnostic {
  ruleId: string;
  message: string;
  source: string;
  severity: string;
  entity?: { logicalId: string; resourceType?: string };
  propertyPath?: string;
  startLine?: number;
}

export interface WasmReport {
  status: 'OK' | 'ANALYSIS_INCOMPLETE' | 'ERROR';
  diagnostics: WasmDiagnostic[];
}

export interface WasmEngineInstance {
  validateTemplate(template: unknown, config?: object): WasmReport;
  free(): void;
}

export interface CloudFormationValidate {
  CompositeEngine: new (config: { guardRules: { name: string; content: string }[] }) => WasmEngineInstance;
  TemplateContent: new (content: string, name?: string) => unknown;
  version(): string;
}

let loaded: CloudFormationValidate | undefined;

const WASM = { file: 'Guard engine' };

/** Loads the WebAssembly validator bundled in the installed aws-cdk-lib; an InputError says what to install. */
export function loadCloudFormationValidate(): CloudFormationValidate {
  if (!loaded) {
    const problem = wasmUnavailable();
    if (problem) throw problem;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = require(bundledIn(packageDir('aws-cdk-lib')!)) as CloudFormationValidate;
  }
  return loaded;
}

/** Why the WebAssembly engine cannot run here, or undefined when it can (found without loading it: that costs a second). */
export function wasmUnavailable(): InputError | undefined {
  if (loaded) return undefined;
  const cdkRoot = packageDir('aws-cdk-lib');
  return wasmProblem(cdkRoot && versionIn(cdkRoot), cdkRoot && versionIn(bundledIn(cdkRoot)));
}

const bundledIn = (cdkRoot: string) => path.join(cdkRoot, 'node_modules', '@aws', 'cloudformation-validate');

/**
 * Why the WebAssembly engine cannot be used with this aws-cdk-lib (undefined: it can): aws-cdk-lib missing
 * (cdkVersion undefined), no bundled validator (validateVersion undefined), or a major this module does not know.
 */
export function wasmProblem(cdkVersion: string | undefined, validateVersion: string | undefined): InputError | undefined {
  const install = `npm i -D ${installSpec('aws-cdk-lib')}`;
  if (!cdkVersion) return new InputError(WASM, 'the WebAssembly engine runs inside aws-cdk-lib, which is not installed', install);
  // What a working one looks like: the range @tarmac/guard declares, and the version its tests pin.
  const known = `${install}; 2.276.0 bundles @aws/cloudformation-validate ${EXPECTED_WASM_VERSION}`;
  if (!validateVersion)
    return new InputError(WASM, `the WebAssembly engine runs inside aws-cdk-lib, and aws-cdk-lib ${cdkVersion} bundles no @aws/cloudformation-validate`, known);
  if (Number(validateVersion.split('.')[0]) !== SUPPORTED_WASM_MAJOR) {
    return new InputError(
      WASM,
      `aws-cdk-lib ${cdkVersion} bundles @aws/cloudformation-validate ${validateVersion}, and the WebAssembly engine is written for ${SUPPORTED_WASM_MAJOR}.x`,
      known,
    );
  }
  return undefined;
}

function packageDir(name: string): string | undefined {
  try {
    return path.dirname(require.resolve(`${name}/package.json`));
  } catch {
    return undefined;
  }
}

function versionIn(dir: string): string | undefined {
  try {
    const version = (JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version?: unknown }).version;
    return typeof version === 'string' ? version : undefined;
  } catch {
    return undefined;
  }
}
