/**
 * Loading the Wasm modules in a browser (or a Worker): streamed from a URL, e.g.
 * `new URL('../../build/search.wasm', import.meta.url)` under a bundler. No node: imports here; the
 * Node loaders are in wasm-node.ts.
 */
import { type ASUtil, type ResultObject, instantiate } from '@assemblyscript/loader';
import { WasmError } from '../errors.js';
import { type SearchExports, WasmSearchEngine } from '../plan/solver-wasm.js';
import { type ExecExports, Executor } from './executor.js';
import { WasmAborts, lastAbortMessage } from './wasm-aborts.js';

/** Fetches and instantiates one module with the abort recorder's imports; errors name `what` and `shown` (the URL). */
async function instantiateFromUrl<T extends Record<string, unknown>>(
  url: string | URL,
  aborts: WasmAborts,
  what: string,
  shown = String(url),
): Promise<ResultObject & { exports: ASUtil & T }> {
  const response = fetch(url).then((r) => {
    if (!r.ok) throw new WasmError(`cannot fetch ${shown}: HTTP ${r.status} ${r.statusText}`);
    return r;
  });
  try {
    return await instantiate<T>(response, aborts.imports);
  } catch (e) {
    if (e instanceof WasmError) throw e;
    throw new WasmError(`cannot instantiate ${what} from ${shown} (${(e as Error).message})`);
  }
}

export async function createWasmSearchEngineFromUrl(url: string | URL): Promise<WasmSearchEngine> {
  const aborts = new WasmAborts();
  const { exports } = await instantiateFromUrl<Omit<SearchExports, 'memory' | '__getString'>>(url, aborts, 'the search engine');
  return new WasmSearchEngine(exports, aborts);
}

/** A Wasm executor on an instance of build/exec.wasm fetched from `url` (a page asset: errors show its path). */
export async function createExecutorFromUrl(url: URL): Promise<Executor> {
  const aborts = new WasmAborts();
  const { exports } = await instantiateFromUrl<Omit<ExecExports, 'memory'>>(url, aborts, 'the executor', url.pathname);
  return new Executor(exports as typeof exports & ExecExports, lastAbortMessage(aborts, exports.__getString));
}
