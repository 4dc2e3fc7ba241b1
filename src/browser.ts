/**
 * msf-cnn public API, browser entry (the package's `browser` condition): no Node built-ins; the Wasm
 * search engine is fetched by URL. Models come from bytes (`modelFromBytes`) or the zoo. The C
 * emitter (`emitC`, `emitProgram`, from api.ts) works here too: bundlers read its C library from
 * dist/emit/c-library.browser.js (package.json "browser" field); it cannot build what it emits.
 */
import { createWasmSearchEngineFromUrl } from './runtime/wasm-browser.js';
import type { WasmSearchEngine } from './plan/solver-wasm.js';

export * from './api.js';
export { createWasmSearchEngineFromUrl };

/** The package's own build/search.wasm, as a URL a bundler rewrites to the emitted asset. */
export const SEARCH_WASM_URL: URL = new URL('../build/search.wasm', import.meta.url);

/** A Wasm search engine fetched from `url` (default: the package's build/search.wasm). */
export function createWasmSearchEngine(url: string | URL = SEARCH_WASM_URL): Promise<WasmSearchEngine> {
  return createWasmSearchEngineFromUrl(url);
}
