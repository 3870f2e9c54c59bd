import { CachedEngine } from './cached-engine';
import { GuardEngine } from './engine';
import { nativeGuardBinary } from './native-binary';
import { NativeEngine } from './native-engine';
import { WasmEngine } from './wasm-engine';

export type EngineChoice = 'auto' | 'wasm' | 'native';

/**
 * auto: native cfn-guard where this platform has the shipped binary (starts in milliseconds, so
 * pre-commit stays fast), else the WebAssembly engine. See docs/adr/0001-engine-selection.md.
 * With `cacheDir`, verdicts are remembered there (see CachedEngine).
 */
export function createEngine(choice: EngineChoice = 'auto', cacheDir?: string): GuardEngine {
  const engine = chooseEngine(choice);
  return cacheDir ? new CachedEngine(engine, cacheDir) : engine;
}

function chooseEngine(choice: EngineChoice): GuardEngine {
  if (choice === 'wasm') return new WasmEngine();
  if (choice === 'native') return new NativeEngine();
  const binary = nativeGuardBinary();
  return binary ? new NativeEngine(binary) : new WasmEngine();
}
