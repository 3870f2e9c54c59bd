import { InputError } from '@tarmac/core';
import { CachedEngine } from './cached-engine';
import { CompiledEngine } from './compiled-engine';
import { GuardEngine } from './engine';
import { installSpec, missingNativeGuard, nativeGuard, platformPackage } from './native-binary';
import { NativeEngine } from './native-engine';
import { WasmEngine } from './wasm-engine';
import { wasmUnavailable } from './wasm-validate';

export type EngineChoice = 'auto' | 'compiled' | 'wasm' | 'native';

/**
 * auto (= compiled): the compiled evaluator, in-process, with cfn-guard's verdicts (ADR 0013); a rule file it
 * does not support goes to cfn-guard as `native` would pick it. native: cfn-guard itself where this platform
 * has the binary (see resolveNativeGuard), else the WebAssembly engine when aws-cdk-lib is installed (ADR
 * 0001). An engine that is not installed is an InputError saying what to install. With `cacheDir`, verdicts
 * are remembered there (see CachedEngine).
 */
export function createEngine(choice: EngineChoice = 'auto', cacheDir?: string): GuardEngine {
  const engine = chooseEngine(choice);
  return cacheDir ? new CachedEngine(engine, cacheDir) : engine;
}

function chooseEngine(choice: EngineChoice): GuardEngine {
  if (choice === 'auto' || choice === 'compiled') return new CompiledEngine(cfnGuardEngine);
  if (choice === 'wasm') return new WasmEngine();
  const native = nativeGuard();
  if (native) return new NativeEngine(native.binary);
  throw missingNativeGuard();
}

/** cfn-guard itself, for the rules the compiled engine leaves to it: native where installed, else WebAssembly. */
function cfnGuardEngine(): GuardEngine {
  const native = nativeGuard();
  if (native) return new NativeEngine(native.binary);
  const wasm = wasmUnavailable();
  if (wasm) throw noGuardEngine(wasm);
  return new WasmEngine();
}

/** Neither cfn-guard engine is installed: why, and what to install for either. */
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
