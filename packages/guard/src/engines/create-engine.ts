import { InputError } from '@tarmac/core';
import { CachedEngine } from './cached-engine';
import { GuardEngine } from './engine';
import { installSpec, missingNativeGuard, nativeGuard, platformPackage } from './native-binary';
import { NativeEngine } from './native-engine';
import { WasmEngine } from './wasm-engine';
import { wasmUnavailable } from './wasm-validate';

export type EngineChoice = 'auto' | 'wasm' | 'native';

/**
 * auto: native cfn-guard where this platform has the binary (starts in milliseconds, so pre-commit stays
 * fast; see resolveNativeGuard for where it comes from), else the WebAssembly engine when aws-cdk-lib is
 * installed. See docs/adr/0001-engine-selection.md. An engine that is not installed is an InputError
 * saying what to install. With `cacheDir`, verdicts are remembered there (see CachedEngine).
 */
export function createEngine(choice: EngineChoice = 'auto', cacheDir?: string): GuardEngine {
  const engine = chooseEngine(choice);
  return cacheDir ? new CachedEngine(engine, cacheDir) : engine;
}

function chooseEngine(choice: EngineChoice): GuardEngine {
  if (choice === 'wasm') return new WasmEngine();
  const native = nativeGuard();
  if (native) return new NativeEngine(native.binary);
  if (choice === 'native') throw missingNativeGuard();
  const wasm = wasmUnavailable();
  if (wasm) throw noGuardEngine(wasm);
  return new WasmEngine();
}

/** Neither engine is installed (auto): why, and what to install for either. */
export function noGuardEngine(wasm: InputError, platform: string = process.platform, arch: string = process.arch): InputError {
  const own = platformPackage(platform, arch);
  const nativeReason = own
    ? `the native cfn-guard binary for ${platform}/${arch} (${own}, an optional dependency of @tarmac/guard) is not installed`
    : `no native cfn-guard binary is published for ${platform}/${arch}`;
  const fix = own
    ? `npm i -D ${installSpec(own)} for the native engine, or npm i -D ${installSpec('aws-cdk-lib')} for the WebAssembly engine`
    : `npm i -D ${installSpec('aws-cdk-lib')} for the WebAssembly engine, or TARMAC_CFN_GUARD set to a cfn-guard binary`;
  return new InputError({ file: 'Guard engine' }, `no Guard engine can run here: ${nativeReason}, and ${wasm.problem}`, fix);
}
