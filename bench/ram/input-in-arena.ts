/**
 * The network input in the arena (issue #14 item 5) beside the default (input outside, the caller's
 * buffer): for each model and overhead limit, the least-arena streaming plan under each accounting,
 * each run for real by the streaming executor (checking mode on, output compared with the
 * layer-by-layer run). What each figure counts:
 *  - outside: arena bytes (input and output outside); total SRAM = arena + input + output;
 *  - in the arena: arena bytes holding the input until its last reader (a first edge may write over
 *    it in place); total SRAM = arena + output.
 * bench/ram.ts (helper streamc's) may call inputInArenaRows; run alone: npx tsx bench/ram/input-in-arena.ts
 */
import { streamGraphTable } from '../../src/cost/stream-sim.js';
import { loadModel } from '../../src/import/load.js';
import { type Model, modelInputs, modelOutputs, tensorBytes } from '../../src/model/ir.js';
import { executableModel } from '../../src/model/seeded.js';
import { zooModel } from '../../src/model/zoo.js';
import type { FrontPoint } from '../../src/plan/engine.js';
import { solveP1 } from '../../src/plan/problems.js';
import { JsSearchEngine } from '../../src/plan/solver-js.js';
import { chosenEdges } from '../../src/plan/stream-schedule.js';
import { getExecutor } from '../../src/runtime/run.js';
import { StreamExecutor } from '../../src/runtime/stream-exec.js';
import { inputsOf, layerByLayerTensors } from '../../test/helpers/stream-replay.js';

const MODELS = new URL('../../../shared/models/', import.meta.url).pathname;

export interface InputInArenaRow {
  model: string;
  limit: string;
  /** Input outside: predicted and measured arena, F, total SRAM (arena + input + output). */
  outside: { arena: number; measured: number; F: number; totalSram: number };
  /** Input in the arena: predicted and measured arena, F, total SRAM (arena + output), first edge in place over the input. */
  inside: { arena: number; measured: number; F: number; totalSram: number; firstInPlace: boolean };
  inputBytes: number;
  /** Both runs' outputs equal the layer-by-layer run's. */
  bitExact: boolean;
}

const js = new JsSearchEngine();

/** One row per (model, limit): limits are overhead bounds F (Infinity: the front's minimum). */
export function inputInArenaRows(cases: readonly (readonly [string, number])[]): InputInArenaRow[] {
  const streamer = new StreamExecutor(getExecutor());
  const models = new Map<string, { model: Model; truth: Map<number, Uint8Array>; tables: ReturnType<typeof streamGraphTable>[]; fronts: FrontPoint[][] }>();
  return cases.map(([id, F]) => {
    let c = models.get(id);
    if (!c) {
      const model = executableModel(id.includes('_') ? loadModel(`${MODELS}${id}.tflite`) : zooModel(id));
      const tables = [false, true].map((inputInArena) => streamGraphTable(model, 24, { inputInArena }));
      c = { model, truth: layerByLayerTensors(model), tables, fronts: tables.map((t) => js.front(t)) };
      models.set(id, c);
    }
    const { model, truth } = c;
    const bytes = (ts: readonly number[]) => ts.reduce((s, t) => s + tensorBytes(model.tensors[t]!.shape), 0);
    let bitExact = true;
    const [outside, inside] = [false, true].map((inputInArena, k) => {
      const t = c.tables[k]!;
      const p = solveP1(c.fronts[k]!, t.baselineMacs, F);
      const edges = chosenEdges(t, p);
      const r = streamer.run(model, edges, inputsOf(model, truth), { check: true, inputInArena });
      bitExact &&= modelOutputs(model).every((o, j) => Buffer.from(r.outputs[j]!).equals(Buffer.from(truth.get(o)!)));
      const io = bytes(modelOutputs(model)) + (inputInArena ? 0 : bytes(modelInputs(model)));
      return { arena: p.peakBytes, measured: r.measuredPeakBytes, F: p.macs / t.baselineMacs, totalSram: p.peakBytes + io, firstInPlace: edges[0]!.inPlace };
    });
    return { model: id, limit: F === Infinity ? 'min' : `F <= ${F.toFixed(2)}`, outside: outside!, inside: inside!, inputBytes: bytes(modelInputs(model)), bitExact };
  });
}

/** The README's table. */
export function inputInArenaTable(rows: readonly InputInArenaRow[]): string {
  const n = (x: number) => x.toLocaleString('en-US');
  return [
    '| model | limit | input outside: arena (F) | measured | + input = | total SRAM | input in the arena: arena (F) | measured | total SRAM | first edge in place | bit-exact |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map((r) =>
      `| ${r.model} | ${r.limit} | ${n(r.outside.arena)} (${r.outside.F.toFixed(3)}) | ${n(r.outside.measured)} | ${n(r.outside.arena + r.inputBytes)} | ${n(r.outside.totalSram)} | ` +
      `${n(r.inside.arena)} (${r.inside.F.toFixed(3)}) | ${n(r.inside.measured)} | ${n(r.inside.totalSram)} | ${r.inside.firstInPlace ? 'yes' : 'no'} | ${r.bitExact ? 'yes' : 'NO'} |`),
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const cases: [string, number][] = [
    ['mlperf_ic_resnet8_int8', 1.05], ['mlperf_kws_dscnn_int8', 1.05], ['mlperf_vww_96_int8', 1.05], ['mlperf_vww_96_int8', Infinity],
    ['armzoo_micronet_vww2_50_int8', 1.05], ['armzoo_micronet_vww2_50_int8', Infinity],
    ['mbv2-w0.35-r144', 1], ['mbv2-w0.35-r144', Infinity], ['mcunet-vww5-r80', 1], ['mcunet-vww5-r80', Infinity], ['mcunet-320kb-r176', 1], ['mcunet-320kb-r176', Infinity],
  ];
  const t0 = performance.now();
  const rows = inputInArenaRows(cases);
  console.log(inputInArenaTable(rows));
  console.log(`(${((performance.now() - t0) / 1000).toFixed(0)} s, one run)`);
}
