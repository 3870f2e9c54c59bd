import { CompiledEngine } from '../compiled-engine';
import { GuardEngine } from '../engine';
import { NativeEngine } from '../native-engine';
import { WasmEngine } from '../wasm-engine';

/**
 * A describe block per Guard engine, with one engine for the block (the WebAssembly engine costs seconds to
 * build): `engine()` returns it inside tests.
 */
export function describeEachEngine(body: (engine: () => GuardEngine) => void): void {
  describe.each([
    ['native', () => new NativeEngine()],
    ['compiled', () => new CompiledEngine(() => new NativeEngine())],
    ['wasm', () => new WasmEngine()],
  ])('%s engine', (_name, make: () => GuardEngine) => {
    let engine: GuardEngine;
    beforeAll(() => {
      engine = make();
    });
    afterAll(() => engine.dispose());
    body(() => engine);
  });
}
