/**
 * Loading the Wasm modules in Node: build/<name>.wasm, found relative to this source file and
 * compiled once per process (every instance after the first only instantiates). The browser's
 * loaders are in wasm-browser.ts.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { instantiateSync } from '@assemblyscript/loader';
import { WasmError } from '../errors.js';
import { registerEngine } from '../plan/planner.js';
import { type SearchExports, WasmSearchEngine } from '../plan/solver-wasm.js';
import { type ExecExports, Executor } from './executor.js';
import { WasmAborts, lastAbortMessage } from './wasm-aborts.js';
import type { WasmMemory } from './wasm-heap.js';

export type WasmName = 'search' | 'exec';

const compiled = new Map<WasmName, WebAssembly.Module>();

/** Absolute path of build/<name>.wasm. */
export function wasmPath(name: WasmName): string {
  return fileURLToPath(new URL(`../../build/${name}.wasm`, import.meta.url));
}

function compile(name: WasmName): WebAssembly.Module {
  const cached = compiled.get(name);
  if (cached) return cached;
  const path = wasmPath(name);
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new WasmError(`${path} does not exist: run \`npm run build:wasm\` to build the Wasm modules`);
    throw new WasmError(`cannot read ${path} (${(e as Error).message})`);
  }
  let module: WebAssembly.Module;
  try {
    module = new WebAssembly.Module(bytes);
  } catch (e) {
    throw new WasmError(`${path} is not a valid Wasm module (${(e as Error).message}): run \`npm run build:wasm\` to rebuild it`);
  }
  compiled.set(name, module);
  return module;
}

/** An instance's exports with the loader's helpers that callers use (typed without the DOM lib). */
export interface WasmInstance<T> {
  exports: T & { memory?: WasmMemory; __getString(ptr: number): string };
}

/** A fresh instance of build/<name>.wasm through the AssemblyScript loader. */
export function loadWasmSync<T extends Record<string, unknown> = Record<string, unknown>>(
  name: WasmName,
  imports: Record<string, Record<string, unknown>> = {},
): WasmInstance<T> {
  const module = compile(name);
  try {
    return instantiateSync<T>(module, imports);
  } catch (e) {
    throw new WasmError(`cannot instantiate build/${name}.wasm (${(e as Error).message}): run \`npm run build:wasm\` to rebuild it`);
  }
}

/** A Wasm search engine on its own instance of build/search.wasm. */
export function createWasmSearchEngine(): WasmSearchEngine {
  const aborts = new WasmAborts();
  const { exports } = loadWasmSync<Omit<SearchExports, 'memory' | '__getString'>>('search', aborts.imports);
  return new WasmSearchEngine(exports, aborts);
}

/** A Wasm executor on its own instance of build/exec.wasm. */
export function createExecutor(): Executor {
  const aborts = new WasmAborts();
  const { exports } = loadWasmSync<Omit<ExecExports, 'memory'>>('exec', aborts.imports);
  return new Executor(exports as typeof exports & ExecExports, lastAbortMessage(aborts, exports.__getString));
}

// Importing this module (the package entry does) makes `engine: 'wasm'` available to planModel.
registerEngine('wasm', createWasmSearchEngine);
