// The Wasm engine against the TypeScript one: identical cost tables and fronts (blocks and
// tie-breaks included) on the zoo, on 1,200 seeded random chains and on two large chains; resident
// tables are not copied; aborts become WasmError and the engine keeps working; repeated solves do
// not grow memory; and the browser loader works over HTTP.
import { readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exactLayers } from '../src/cost/exact.js';
import { paperDomainNote, paperLayers, paperTableOf, type PaperLayers } from '../src/cost/paper.js';
import type { EdgeTable } from '../src/cost/table.js';
import { WasmError } from '../src/errors.js';
import { buildChain } from '../src/model/chain.js';
import { Rng, mobilenetLike, randomChain } from '../src/model/generate.js';
import { loadModel } from '../src/import/load.js';
import type { Model } from '../src/model/ir.js';
import { ZOO_IDS, zooModel } from '../src/model/zoo.js';
import { planModel } from '../src/plan/planner.js';
import { JsSearchEngine } from '../src/plan/solver-js.js';
import { type SearchExports, WasmSearchEngine } from '../src/plan/solver-wasm.js';
import { WasmAborts } from '../src/runtime/wasm-aborts.js';
import { createWasmSearchEngineFromUrl } from '../src/runtime/wasm-browser.js';
import { createWasmSearchEngine, loadWasmSync, wasmPath } from '../src/runtime/wasm-node.js';
import { residualGraph } from './helpers/residual.js';
import { tableDiff } from './helpers/tables.js';

const js = new JsSearchEngine();

/** A fresh instance, with its raw exports at hand (memory, call counting). */
function instance() {
  const aborts = new WasmAborts();
  const { exports } = loadWasmSync<Omit<SearchExports, 'memory' | '__getString'>>('search', aborts.imports);
  return { exports, aborts, memory: exports.memory! };
}


/** Compares tables and fronts of one model; returns the first difference or null. */
function compare(wasm: WasmSearchEngine, L: PaperLayers): string | null {
  const tJs = js.paperTable(L);
  const tW = wasm.paperTable(L);
  const d = tableDiff(tW, tJs);
  if (d) return `table: ${d}`;
  const fJs = JSON.stringify(js.front(tJs));
  if (JSON.stringify(wasm.front(tW)) !== fJs) return 'front of the resident table';
  // front() must leave the handed-out table valid (planModel reads it afterwards).
  const d2 = tableDiff(tW, tJs);
  if (d2) return `table after front: ${d2}`;
  if (JSON.stringify(wasm.front(tJs)) !== fJs) return 'front of a table built in TypeScript';
  return null;
}

const layersOf = (m: Model) => paperLayers(m);

describe('Wasm engine equals the TypeScript engine', () => {
  const wasm = createWasmSearchEngine();

  it.each(ZOO_IDS)('%s: table and front', (id) => {
    expect(compare(wasm, layersOf(zooModel(id)))).toBeNull();
    expect(wasm.front(wasm.paperTable(layersOf(zooModel(id)))).length).toBeGreaterThan(5);
  });

  it('1,200 seeded random chains of 1..40 layers', () => {
    const failures: string[] = [];
    for (let seed = 1; seed <= 1200; seed++) {
      const layers = 1 + ((seed * 7) % 40);
      const d = compare(wasm, layersOf(buildChain(randomChain(seed, layers))));
      if (d) failures.push(`seed ${seed} (${layers} layers): ${d}`);
    }
    expect(failures).toEqual([]);
  });

  it('random chains on small inputs (invalid blocks everywhere, tiles growing past the input)', () => {
    const failures: string[] = [];
    for (let seed = 5000; seed < 5300; seed++) {
      const layers = 1 + (seed % 40);
      const d = compare(wasm, layersOf(buildChain(randomChain(seed, layers, 8))));
      if (d) failures.push(`seed ${seed}: ${d}`);
    }
    expect(failures).toEqual([]);
  });

  it.each([
    [500, 96],
    [2000, 224],
  ])('mobilenetLike(%i, %i)', (layers, input) => {
    expect(compare(wasm, layersOf(buildChain(mobilenetLike(layers, input))))).toBeNull();
  });

  it('a chain of zero layers and one of a single layer', () => {
    const L1 = layersOf(buildChain(randomChain(3, 1)));
    expect(compare(wasm, L1)).toBeNull();
    const empty: PaperLayers = { ...L1, n: 0 };
    expect(tableDiff(wasm.paperTable(empty), paperTableOf(empty))).toBeNull();
    expect(wasm.front(paperTableOf(empty))).toEqual(js.front(paperTableOf(empty)));
  });

  it('planModel gives the same plan with either engine', () => {
    for (const id of ZOO_IDS) {
      for (const options of [{ front: true }, { maxOverhead: 1.3 }, { ramLimit: 64000 }]) {
        const a = planModel(zooModel(id), { ...options, engine: wasm });
        const b = planModel(zooModel(id), { ...options, engine: js });
        expect({ ...a, engine: 'js', searchMs: 0 }).toEqual({ ...b, searchMs: 0 });
        expect(a.engine).toBe('wasm');
      }
    }
  });
});

describe('data crosses the boundary without copies', () => {
  it('front() of a paperTable() result does not copy the table; a TypeScript table is written once', () => {
    const { exports, aborts } = instance();
    let uploads = 0;
    const counted = { ...exports, prepareTable: (n: number, e: number) => (uploads++, exports.prepareTable(n, e)) };
    const wasm = new WasmSearchEngine(counted, aborts);
    const L = layersOf(zooModel('mbv2-w0.35-r144'));
    const t = wasm.paperTable(L);
    expect(t.mem.buffer).toBe(exports.memory!.buffer);
    const front = JSON.stringify(js.front(js.paperTable(L)));
    expect(JSON.stringify(wasm.front(t))).toBe(front);
    expect(JSON.stringify(wasm.front({ ...t }))).toBe(front); // same views, another object
    expect(uploads).toBe(0);
    expect(JSON.stringify(wasm.front(js.paperTable(L)))).toBe(front);
    expect(uploads).toBe(1);
  });

  it('the table stays valid when front() grows the memory', () => {
    const { exports, aborts, memory } = instance();
    const wasm = new WasmSearchEngine(exports, aborts);
    const L = layersOf(buildChain(mobilenetLike(500, 96)));
    const t = wasm.paperTable(L);
    const before = memory.buffer;
    const front = wasm.front(t);
    expect(memory.buffer).not.toBe(before); // the first solve had to grow the label storage
    expect(tableDiff(t, js.paperTable(L))).toBeNull();
    expect(front).toEqual(js.front(js.paperTable(L)));
  });
});

describe('errors', () => {
  const good = layersOf(zooModel('mcunet-vww5-r80'));
  const expected = JSON.stringify(js.front(js.paperTable(good)));

  /** Two layers; edge 1 claims to come from node 2 into node 2. */
  const backwards = (): EdgeTable => ({
    layers: 2,
    start: Int32Array.from([0, 0, 1, 2]),
    from: Int32Array.from([0, 2]),
    mem: Float64Array.from([10, 20]),
    macs: Float64Array.from([1, 2]),
    baselineMacs: 3,
  });

  it('an edge whose source is not below its destination aborts with a WasmError; the engine then works', () => {
    const wasm = createWasmSearchEngine();
    wasm.front(wasm.paperTable(good)); // something resident first
    let error: unknown;
    try {
      wasm.front(backwards());
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WasmError);
    expect((error as WasmError).code).toBe('WASM');
    expect((error as Error).message).toMatch(/edge 1 goes from node 2 to node 2/);
    expect((error as Error).message).toMatch(/search\.wasm aborted in front/);
    expect(JSON.stringify(wasm.front(wasm.paperTable(good)))).toBe(expected);
    expect(JSON.stringify(wasm.front(js.paperTable(good)))).toBe(expected);
  });

  it('other malformed tables: NaN memory, edge ranges outside the table, negative sources', () => {
    const wasm = createWasmSearchEngine();
    const nan = { ...backwards(), from: Int32Array.from([0, 1]), mem: Float64Array.from([10, NaN]) };
    expect(() => wasm.front(nan)).toThrow(/edge 1 \(from node 1\) has NaN memory/);
    const range = { ...backwards(), from: Int32Array.from([0, 1]), start: Int32Array.from([0, 0, 2, 1]) };
    expect(() => wasm.front(range)).toThrow(/incoming edges of node 1 are given as 0 \.\. 1,/);
    const negative = { ...backwards(), from: Int32Array.from([-1, 1]) };
    expect(() => wasm.front(negative)).toThrow(WasmError);
    expect(JSON.stringify(wasm.front(wasm.paperTable(good)))).toBe(expected);
  });

  it('inconsistent array lengths are rejected before entering Wasm', () => {
    const wasm = createWasmSearchEngine();
    expect(() => wasm.front({ ...backwards(), mem: new Float64Array(1) })).toThrow(/malformed edge table/);
    expect(() => wasm.paperTable({ ...good, k: new Int32Array(2) })).toThrow(/k has 2 entries/);
    expect(JSON.stringify(wasm.front(wasm.paperTable(good)))).toBe(expected);
  });

  it('a trap without an abort message also becomes a WasmError', () => {
    const { exports, aborts } = instance();
    let trap = true;
    const trapping = {
      ...exports,
      solveFront: () => {
        if (trap) throw new WebAssembly.RuntimeError('unreachable');
        return exports.solveFront();
      },
    };
    const wasm = new WasmSearchEngine(trapping, aborts);
    expect(() => wasm.front(wasm.paperTable(good))).toThrow(/search\.wasm trapped in front: unreachable/);
    trap = false;
    expect(JSON.stringify(wasm.front(wasm.paperTable(good)))).toBe(expected);
  });
});

describe('memory', () => {
  it('10,000 repeated solves stay within the first solve\'s high-water mark', () => {
    const { exports, aborts, memory } = instance();
    const wasm = new WasmSearchEngine(exports, aborts);
    const L = layersOf(zooModel('mcunet-vww5-r80'));
    const first = JSON.stringify(wasm.front(wasm.paperTable(L)));
    const highWater = memory.buffer.byteLength;
    for (let i = 0; i < 10_000; i++) wasm.front(wasm.paperTable(L));
    expect(memory.buffer.byteLength).toBe(highWater);
    expect(JSON.stringify(wasm.front(wasm.paperTable(L)))).toBe(first);
  });

  it('alternating models stop growing after the first round', () => {
    const { exports, aborts, memory } = instance();
    const wasm = new WasmSearchEngine(exports, aborts);
    const models = [...ZOO_IDS.map((id) => layersOf(zooModel(id))), layersOf(buildChain(mobilenetLike(300, 96)))];
    for (const L of models) wasm.front(wasm.paperTable(L));
    const highWater = memory.buffer.byteLength;
    for (let round = 0; round < 20; round++) for (const L of models) wasm.front(wasm.paperTable(L));
    expect(memory.buffer.byteLength).toBe(highWater);
  });
});

describe('loading', () => {
  let server: ReturnType<typeof createServer>;
  let origin = '';
  beforeAll(async () => {
    const wasm = readFileSync(wasmPath('search'));
    server = createServer((req, res) => {
      if (req.url === '/search.wasm') res.writeHead(200, { 'content-type': 'application/wasm' }).end(wasm);
      else res.writeHead(404).end('not found');
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

  it('createWasmSearchEngineFromUrl streams the module and solves', async () => {
    const wasm = await createWasmSearchEngineFromUrl(new URL('/search.wasm', origin));
    const L = layersOf(zooModel('mcunet-320kb-r176'));
    expect(wasm.name).toBe('wasm');
    expect(compare(wasm, L)).toBeNull();
  });

  it('a missing URL is a WasmError naming it', async () => {
    await expect(createWasmSearchEngineFromUrl(`${origin}/nope.wasm`)).rejects.toThrow(/cannot fetch .*nope\.wasm: HTTP 404/);
  });

  it('Node engines are independent instances', () => {
    const a = createWasmSearchEngine();
    const b = createWasmSearchEngine();
    const ta = a.paperTable(layersOf(zooModel('mbv2-w0.35-r144')));
    b.front(b.paperTable(layersOf(zooModel('mcunet-vww5-r80'))));
    expect(tableDiff(ta, js.paperTable(layersOf(zooModel('mbv2-w0.35-r144'))))).toBeNull();
  });
});

describe('the paper accounting off its square-chain domain: Wasm equals TypeScript', () => {
  const wasm = createWasmSearchEngine();
  const models = new URL('../../shared/models/', import.meta.url).pathname;

  it.each(readdirSync(models).filter((f) => f.endsWith('.tflite')))('%s (graphs, pads, non-square, dense tail)', (file) => {
    const model = loadModel(models + file);
    expect(paperDomainNote(model)).not.toBeNull();
    expect(compare(wasm, paperLayers(model))).toBeNull();
  });

  it('fusion blocks through ADDs: the exact model\'s blocks, Wasm == TypeScript on 300 residual graphs', () => {
    const failures: string[] = [];
    let addBlocks = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const model = residualGraph(seed, seed % 3 === 0);
      const d = compare(wasm, paperLayers(model));
      if (d) failures.push(`seed ${seed}: ${d}`);
      const paper = js.paperTable(paperLayers(model));
      const exact = js.exactTable(exactLayers(model));
      const blocks = (t: EdgeTable) => {
        const out: string[] = [];
        for (let v = 1; v <= t.layers; v++) for (let e = t.start[v]!; e < t.start[v + 1]!; e++) if (v - 1 > t.from[e]!) out.push(`${t.from[e]}-${v - 1}`);
        return out;
      };
      // The paper's validity rule (tile height at the block's input, padding ignored) is the exact
      // model's, so the candidate blocks are the same set.
      const p = blocks(paper);
      if (p.join() !== blocks(exact).join()) failures.push(`seed ${seed}: paper blocks ${p.join()} != exact ${blocks(exact).join()}`);
      for (const b of p) {
        const [m, n] = b.split('-').map(Number) as [number, number];
        if (model.layers.slice(m, n + 1).some((l) => l.op === 'add')) addBlocks++;
      }
    }
    expect(failures).toEqual([]);
    expect(addBlocks).toBeGreaterThan(300);
  });

  it('600 seeded random chains made non-square (rows and columns apart, asymmetric padding)', () => {
    const failures: string[] = [];
    let built = 0;
    for (let seed = 1; seed <= 600; seed++) {
      const spec = randomChain(seed + 7000, 1 + (seed % 25));
      const rnd = new Rng(seed);
      const wide = {
        ...spec,
        input: [spec.input[0], spec.input[1] + rnd.int(0, 9), spec.input[2]] as [number, number, number],
        layers: spec.layers.map((l) => {
          const k = typeof l.kernel === 'number' ? l.kernel : l.kernel[0];
          const kw = Math.max(1, k - rnd.int(0, 1));
          const p = Math.min(k, kw) > 1 ? [rnd.int(0, k - 1), rnd.int(0, k - 1), rnd.int(0, kw - 1), rnd.int(0, kw - 1)] : [0, 0, 0, 0];
          return { ...l, kernel: [k, kw] as [number, number], padding: p as [number, number, number, number] };
        }),
      };
      let model: Model;
      try {
        model = buildChain(wide);
      } catch {
        continue; // a random variation may empty a layer's output: not a model
      }
      built++;
      const d = compare(wasm, paperLayers(model));
      if (d) failures.push(`seed ${seed}: ${d}`);
    }
    expect(failures).toEqual([]);
    expect(built).toBeGreaterThan(250);
  });

  it('the zoo is inside the domain', () => {
    for (const id of ZOO_IDS) expect(paperDomainNote(zooModel(id))).toBeNull();
  });
});
