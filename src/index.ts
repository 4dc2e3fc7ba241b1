/** msf-cnn public API, Node entry (the package's `import` condition). The CLI (src/cli) is a thin shell over it. */
export * from './api.js';
export { loadModel } from './import/load.js';
export { createWasmSearchEngine } from './runtime/wasm-node.js';
export { runModel, getExecutor } from './runtime/run.js';
// The emitter reads its C library from the package's files (dist/emit/c), so it is Node-only here.
export { emitC, emitProgram, BUILD as EMIT_BUILD_COMMANDS, type EmitOptions, type EmitSummary } from './emit/emit-c.js';
