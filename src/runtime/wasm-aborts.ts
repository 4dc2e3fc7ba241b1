/**
 * The `env.abort` import both Wasm modules (build/search.wasm, build/exec.wasm) are instantiated
 * with, in Node and in a browser: it records the call and throws so that the module unwinds; the
 * caller then reads the record to turn the trap into a readable WasmError.
 */

/** One call of the module's `env.abort` import: addresses of its message and file name. */
export interface AbortRecord {
  message: number;
  file: number;
  line: number;
  column: number;
}

/**
 * The module's `env.abort` import: records the call, then throws so that the module unwinds. The engine reads
 * the record to turn that trap into a readable WasmError. Pass `imports` when instantiating.
 */
export class WasmAborts {
  last: AbortRecord | null = null;
  readonly imports = {
    env: {
      abort: (message: number, file: number, line: number, column: number): void => {
        this.last = { message, file, line, column };
        // AssemblyScript does not trap after a user call of abort(): throwing here unwinds the
        // module, so a failed check can never fall through into the code it guards.
        throw new WebAssembly.RuntimeError('abort');
      },
    },
  };
}

/**
 * The message of the module's last abort, if it reported one since the last call (then cleared): what
 * the Executor appends to a failed block's error.
 */
export function lastAbortMessage(aborts: WasmAborts, getString: (ptr: number) => string): () => string | undefined {
  return () => {
    const a = aborts.last;
    aborts.last = null;
    return a ? `${getString(a.message)} (${getString(a.file)}:${a.line})` : undefined;
  };
}
