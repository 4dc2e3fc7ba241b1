/**
 * The messages between the page (main.ts) and the planning worker (worker.ts). Plain data only: every
 * figure the page shows comes from the worker, which runs the library's planModel exactly as the CLI.
 */
import type { Block, EngineName } from '../src/plan/engine.js';
import type { CostModelName } from '../src/plan/planner.js';
import type { StepMemory } from '../src/report/layers.js';
import type { StreamEdgeReport } from '../src/plan/stream-plan.js';

/** Where the model comes from: a zoo id, or a dropped/picked file (bytes sent once, then cached by token). */
export type ModelSource =
  | { kind: 'zoo'; id: string }
  | { kind: 'file'; token: number; name: string; bytes?: ArrayBuffer };

export interface PlanRequest {
  type: 'plan';
  id: number;
  source: ModelSource;
  cost: CostModelName;
  /** Absent: no RAM limit. */
  ramLimit?: number;
  /** Absent: no MAC-overhead limit. */
  maxOverhead?: number;
  /** Plan in the streaming search space (planModel's stream option). */
  stream?: boolean;
  /** The network input lives in the arena (planModel's inputInArena, `--input-in-arena`); exact cost model only. */
  inputInArena?: boolean;
}

/** "Download C": the C99 program of exactly these blocks (the plan on screen) as a .tar. */
export interface EmitRequest {
  type: 'emit';
  id: number;
  /** File sources always carry their bytes: the worker may have parsed another file since. */
  source: ModelSource;
  /** The options the shown plan was computed with (they go into the generated comments, as in `msf emit`). */
  cost: CostModelName;
  ramLimit?: number;
  maxOverhead?: number;
  /** The shown plan is a streaming one: the worker plans it again for its edges (same options, same plan). */
  stream?: boolean;
  /** As the plan: the input is an arena tensor in the C too (`msf emit --input-in-arena`). */
  inputInArena?: boolean;
  blocks: Block[];
}

/** "Export": the shown plan as `msf plan --json`'s document or as `msf plan --report`'s HTML page. */
export interface ReportRequest {
  type: 'report';
  id: number;
  /** File sources always carry their bytes, as for EmitRequest. */
  source: ModelSource;
  cost: CostModelName;
  ramLimit?: number;
  maxOverhead?: number;
  stream?: boolean;
  inputInArena?: boolean;
  format: 'json' | 'html';
}

export type ToWorker = PlanRequest | EmitRequest | ReportRequest;

export interface PointFigures {
  peakBytes: number;
  macs: number;
  overhead: number;
}

export interface FrontFigures extends PointFigures {
  blocks: Block[];
}

export interface BlockFigures {
  first: number;
  last: number;
  bytes: number;
  macs: number;
  /** blockSummary(): "conv 3x3 s2" or "pw dw3 pw". */
  ops: string;
}

export interface ModelInfo {
  name: string;
  layers: number;
  inputShape: readonly number[];
  outputShape: readonly number[];
  /** One short description per layer, for the diagram's tooltips. */
  layerOps: string[];
}

/** What one search yields regardless of the constraints: the front and the reference points. */
export interface SearchFigures {
  engine: EngineName;
  costModel: CostModelName;
  model: ModelInfo;
  baselineMacs: number;
  vanilla: { peakBytes: number; macs: number };
  heuristic: PointFigures;
  front: FrontFigures[];
  /** planModel's searchMs: cost table + full Pareto front, inside the worker. */
  searchMs: number;
  /** Wall time of the whole request inside the worker (parse, plan, packaging). */
  workerMs: number;
}

export interface PlanOk extends SearchFigures {
  type: 'plan';
  id: number;
  ok: true;
  /** planJson(r).solution: { peakBytes, macs, overhead (4 decimals), blocks }. */
  solution: FrontFigures;
  solutionBlocks: BlockFigures[];
  /** Index of the block that sets the peak. */
  peakBlock: number;
  /**
   * The exact cost model's peak of the chosen blocks: the arena the emitted C needs (equal to
   * solution.peakBytes under the exact cost model and for a streaming plan); null with the reason when it cannot be computed.
   */
  exactPeakBytes: number | null;
  exactPeakError?: string;
  /** Arena, the caller's input and output buffers, total SRAM; flash of the weights and constants. */
  memory: { arenaBytes: number; inputBytes: number; outputBytes: number; totalSramBytes: number; flashBytes: number };
  /** The model has no weights (zoo, chain JSON): flash is that of the seeded weights `msf run` / `msf emit` use. */
  flashSeeded: boolean;
  /** What is live at each step (exact cost model only): input, output, skip tensors, caches. */
  steps: StepMemory[] | null;
  /** The paper's accounting generalised off its domain: why (null otherwise). */
  note: string | null;
  /** A streaming plan: per edge, which layers read a line buffer, which a column cache, which edges are in place (null otherwise). */
  stream: StreamEdgeReport[] | null;
}

export interface PlanFailed {
  type: 'plan';
  id: number;
  ok: false;
  error: { name: string; code: string; message: string };
  /** The model could not be read: the page keeps its previous model. */
  modelError: boolean;
  /** For an infeasible budget: the unconstrained search, so the front stays visible. */
  search?: SearchFigures;
}

export interface EngineReady {
  type: 'ready';
  engine: EngineName;
  initMs: number;
  /** Set when the Wasm engine could not load and the worker fell back to the TS engine. */
  warning?: string;
}

export interface EmitOk {
  type: 'emit';
  id: number;
  ok: true;
  /** `<model>-msf-c.tar` */
  fileName: string;
  /** The archive (transferred, not copied). */
  tar: ArrayBuffer;
  files: { name: string; bytes: number }[];
  arenaBytes: number;
  flashBytes: number;
  macs: number;
  workerMs: number;
}

export interface EmitFailed {
  type: 'emit';
  id: number;
  ok: false;
  error: { name: string; code: string; message: string };
}

export interface ReportOk {
  type: 'report';
  id: number;
  ok: true;
  fileName: string;
  mime: string;
  text: string;
}

export interface ReportFailed {
  type: 'report';
  id: number;
  ok: false;
  error: { name: string; code: string; message: string };
}

export type FromWorker = PlanOk | PlanFailed | EngineReady | EmitOk | EmitFailed | ReportOk | ReportFailed;
