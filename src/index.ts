/** msf-cnn public API, Node entry (the package's `import` condition). The CLI (src/cli) is a thin shell over it. */
export * from './api.js';
export { loadModel } from './import/load.js';
export { createWasmSearchEngine } from './runtime/wasm-node.js';
export { runModel, getExecutor } from './runtime/run.js';
export { runStreamedModel, type StreamRunOptions, type StreamRunReport } from './runtime/stream-run.js';
export { measureCode, type MeasureOptions } from './emit/measure.js';
