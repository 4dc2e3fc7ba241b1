/** msf-cnn public API. The CLI (src/cli) is a thin shell over these. */
export * from './errors.js';
export * from './model/ir.js';
export { buildChain, parseChainJson, type ChainSpec, type ChainLayerSpec } from './model/chain.js';
export { ZOO_IDS, DEFAULT_MODEL, zooModel, isZooId, type ZooId } from './model/zoo.js';
export { loadModel } from './model/load.js';
export { modelFromBytes } from './model/from-bytes.js';
export { randomChain, mobilenetLike, Rng } from './model/generate.js';
export { paperCostTable, paperLayers } from './cost/paper.js';
export { type EdgeTable, edgeCount, findEdge } from './cost/table.js';
export type { Block, EngineName, FrontPoint, SearchEngine } from './plan/engine.js';
export { JsSearchEngine } from './plan/solver-js.js';
export { solveP1, solveP2, vanilla, heuristic, evaluateBlocks, overheadOf } from './plan/problems.js';
export { planModel, costTable, getEngine, registerEngine, ENGINES, COST_MODELS, type PlanOptions, type PlanResult, type PlanPoint } from './plan/planner.js';
export { parseSize, parseOverhead } from './plan/size.js';
export { createWasmSearchEngine } from './runtime/wasm-node.js';
export { WasmSearchEngine } from './plan/solver-wasm.js';
export { emitC, emitProgram, BUILD as EMIT_BUILD_COMMANDS, type EmitOptions, type EmitSummary } from './emit/emit-c.js';
