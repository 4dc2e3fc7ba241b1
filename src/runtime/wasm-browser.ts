/**
 * Loading the Wasm search engine in a browser (or a Worker): streamed from a URL, e.g.
 * `new URL('../../build/search.wasm', import.meta.url)` under a bundler. No node: imports here.
 */
import { instantiate } from '@assemblyscript/loader';
import { WasmError } from '../errors.js';
import { type SearchExports, WasmSearchEngine } from '../plan/solver-wasm.js';
import { WasmAborts } from './wasm-aborts.js';

export async function createWasmSearchEngineFromUrl(url: string | URL): Promise<WasmSearchEngine> {
  const aborts = new WasmAborts();
  const response = fetch(url).then((r) => {
    if (!r.ok) throw new WasmError(`cannot fetch ${String(url)}: HTTP ${r.status} ${r.statusText}`);
    return r;
  });
  try {
    const { exports } = await instantiate<Omit<SearchExports, 'memory' | '__getString'>>(response, aborts.imports);
    return new WasmSearchEngine(exports, aborts);
  } catch (e) {
    if (e instanceof WasmError) throw e;
    throw new WasmError(`cannot instantiate the search engine from ${String(url)} (${(e as Error).message})`);
  }
}
