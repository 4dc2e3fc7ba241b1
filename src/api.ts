/**
 * The platform-independent API: everything both package entries export. src/index.ts (Node) adds
 * file loading, the Node Wasm loader and the executor; src/browser.ts adds loading the Wasm by URL.
 */
export * from './errors.js';
export * from './model/ir.js';
export { buildChain, parseChainJson, type ChainSpec, type ChainLayerSpec } from './model/chain.js';
export { ZOO_IDS, DEFAULT_MODEL, zooModel, isZooId, type ZooId } from './model/zoo.js';
export { modelFromBytes } from './import/from-bytes.js';
export { randomChain, mobilenetLike, Rng } from './model/generate.js';
export { paperCostTable, paperLayers, paperDomainNote, type PaperLayers } from './cost/paper.js';
export { exactCostTable, exactLayers, exactPlanCost, type ExactLayers } from './cost/exact.js';
export { readTflite } from './import/tflite.js';
export { type EdgeTable, edgeCount, findEdge } from './cost/table.js';
export type { Block, EngineName, FrontPoint, SearchEngine } from './plan/engine.js';
export { JsSearchEngine } from './plan/solver-js.js';
export { solveP1, solveP2, vanilla, heuristic, evaluateBlocks, overheadOf, problemOf, problemNote, type Problem } from './plan/problems.js';
export { planModel, planWithStream, costTable, getEngine, registerEngine, ENGINES, COST_MODELS, type PlanOptions, type PlanResult, type PlanPoint } from './plan/planner.js';
export { parseSize, parseOverhead } from './plan/size.js';
export { streamPlanOf, streamTable, streamEdgeLines, streamCounts, type StreamPlan, type StreamEdgeReport, type LayerHold } from './plan/stream-plan.js';
export type { StreamTable } from './cost/stream.js';
export { scheduleOf, type Schedule, type Step, type Stage, type TensorAt } from './plan/schedule.js';
export { WasmSearchEngine } from './plan/solver-wasm.js';
export { seededInput, executableModel } from './model/seeded.js';
export { McuArena } from './runtime/arena.js';
export { MCUS, mcuProfile, type McuProfile } from './runtime/mcu.js';
export { planText } from './report/text.js';
export { planJson } from './report/json.js';
export { sramFigures, type SramFigures } from './report/memory.js';
export { planHtml } from './report/html.js';
export { layerRows, layersText } from './report/layers.js';
// The emitter: in Node it reads its C library from the package's files (dist/emit/c); bundlers take
// the same files as text (dist/emit/c-library.browser.js, package.json "browser" field).
export { emitC, emitProgram, emitReadme, BUILD as EMIT_BUILD_COMMANDS, type EmitOptions, type EmitSummary } from './emit/emit-c.js';
// The streamed program of a streaming plan's edges (planWithStream(m, { stream: true }).streaming.edges), as `msf emit --stream`.
export { emitStreamedProgram, type StreamEmitOptions, type StreamEmitSummary } from './emit/stream-c.js';
export type { CodeMeasure, CodeSize } from './report/code.js';
export type { StackFigure, StackFrame } from './emit/stack-usage.js';
