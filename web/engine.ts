/**
 * The search engine the worker plans with: the Wasm engine (build/search.wasm, produced by
 * `npm run build:wasm`), streamed from the URL Vite gives the asset. The pure-TS engine only stands in
 * when the module cannot be fetched or instantiated, and the page then shows why.
 */
import wasmUrl from '../build/search.wasm?url';
import { createWasmSearchEngineFromUrl } from '../src/runtime/wasm-browser.js';
import type { SearchEngine } from '../src/plan/engine.js';
import { JsSearchEngine } from '../src/plan/solver-js.js';

export interface LoadedEngine {
  engine: SearchEngine;
  warning?: string;
}

export async function loadEngine(): Promise<LoadedEngine> {
  try {
    return { engine: await createWasmSearchEngineFromUrl(new URL(wasmUrl, self.location.href)) };
  } catch (e) {
    return { engine: new JsSearchEngine(), warning: `Wasm engine unavailable, planning with the TypeScript engine: ${(e as Error).message}` };
  }
}
