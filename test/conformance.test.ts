// Conformance with TensorFlow Lite Micro's reference kernels (../shared/conformance): for every
// shared .tflite model and its five recorded inputs, our executor's output bytes equal TFLM's, both
// layer by layer and fused at the minimum-RAM plan of the exact cost model; every intermediate tensor
// that a run materialises equals TFLM's copy of it; and the arena's measured peak equals the
// predicted one, to the byte.
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTflite } from '../src/import/tflite.js';
import { tfliteAliases, tfliteToModel } from '../src/import/tflite-lower.js';
import { type Model, modelInputs, modelOutputs, tensorBytes } from '../src/model/ir.js';
import type { Block } from '../src/plan/engine.js';
import { planModel } from '../src/plan/planner.js';
import { decodeOutput } from '../src/runtime/encoding.js';
import { getExecutor, seededInput } from '../src/runtime/run.js';
import { runCli } from './helpers/cli.js';

const MODELS = new URL('../../shared/models/', import.meta.url);
const CONFORMANCE = new URL('../../shared/conformance/', import.meta.url);
const MORE = new URL('../../shared/more-models/', import.meta.url);
/** Every shared model: [its folder of models, its conformance folder, file]. */
const SETS = [
  { models: MODELS, conformance: CONFORMANCE },
  { models: new URL('models/', MORE), conformance: new URL('conformance/', MORE) },
];
interface Meta {
  inputs: { index: number; dtype: string; zero_point: number; quantized_by_op?: { tensor: { index: number; zero_point: number } } }[];
  outputs: { index: number; dtype: string }[];
  exposed_tensors: { index: number; op: string; bytes: number; dtype: string }[];
}
const metaOf = (dir: URL) => JSON.parse(readFileSync(new URL('meta.json', dir), 'utf8')) as Meta;
const ALL = SETS.flatMap((set) =>
  readdirSync(set.models)
    .filter((f) => f.endsWith('.tflite'))
    .sort()
    .map((file) => ({ file, models: set.models, dir: new URL(`${file.replace(/\.tflite$/, '')}/`, set.conformance) })),
);
const FILES = ALL;
const INPUTS = [0, 1, 2, 3, 4];

const read = (url: URL) => new Uint8Array(readFileSync(url));
const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));
const layerByLayer = (n: number): Block[] => Array.from({ length: n }, (_, i) => [i, i] as Block);

describe.each(FILES)('$file', ({ file, models, dir }) => {
  const name = file.replace(/\.tflite$/, '');
  const meta = metaOf(dir);
  const tf = readTflite(read(new URL(file, models)), file);
  const model: Model = tfliteToModel(tf, name);
  const aliases = tfliteAliases(tf);
  const bySource = new Map(model.tensors.filter((t) => t.sourceIndex !== undefined).map((t) => [t.sourceIndex!, t.id]));
  const exec = getExecutor();
  const plan = planModel(model, { cost: 'exact', engine: 'js' }).solution;
  const fused = plan.blocks.filter(([a, b]) => b > a).length;

  /** The IR tensor holding the bytes of file tensor `index`, or undefined (a PAD folded into a convolution). */
  const irTensor = (index: number) => bySource.get(aliases.get(index) ?? index);

  const ins = modelInputs(model);
  const outs = modelOutputs(model);
  /** Input i for recorded input k: in_<k>.bin, or in_<k>_<i>.bin when the model has several. */
  const inputFile = (k: number, i: number) => new URL(ins.length > 1 ? `in_${k}_${i}.bin` : `in_${k}.bin`, dir);

  it('model and conformance data agree on the input and output tensors; inputs are the documented ones', () => {
    expect(meta.inputs).toHaveLength(ins.length);
    expect(meta.outputs).toHaveLength(outs.length);
    meta.inputs.forEach((mi, i) => {
      // A float32 input goes through the model's leading QUANTIZE: in_k.bin holds its int8 output.
      const int8In = mi.quantized_by_op?.tensor ?? mi;
      expect(mi.dtype).toBe((i === 0 ? model.inputEncoding?.dtype : undefined) ?? 'int8');
      expect(irTensor(int8In.index)).toBe(ins[i]);
      const inBytes = tensorBytes(model.tensors[ins[i]!]!.shape);
      expect(read(inputFile(0, i))).toEqual(new Uint8Array(inBytes).fill(int8In.zero_point & 0xff));
      for (const k of [1, 2, 3, 4]) expect(same(read(inputFile(k, i)), seededInput(inBytes, k))).toBe(true);
    });
    meta.outputs.forEach((mo, j) => {
      expect(mo.dtype).toBe((j === 0 ? model.outputEncoding?.dtype : undefined) ?? 'int8');
      if (!(j === 0 && model.outputEncoding)) expect(irTensor(mo.index)).toBe(outs[j]);
    });
  });

  it.each(INPUTS)('input %i: layer by layer and fused (minimum RAM) are bit-exact with TFLM, measured == predicted', (k) => {
    const input = ins.map((_, i) => read(inputFile(k, i)));
    const expected = outs.map((_, j) => read(new URL(`out_${k}_${j}.bin`, dir)));
    const outputsOf = (r: { outputs: Uint8Array[] }) => r.outputs.map((o, j) => (j === 0 ? decodeOutput(model, o) : o));

    // Layer by layer: every tensor is materialised.
    const seen = new Map<number, Uint8Array>();
    const lbl = exec.run(model, layerByLayer(model.layers.length), input, { onTensor: (id, bytes) => seen.set(id, bytes.slice()) });
    outputsOf(lbl).forEach((o, j) => expect(same(o, expected[j]!), `layer-by-layer output ${j}`).toBe(true));
    expect(lbl.measuredPeakBytes).toBe(lbl.predictedPeakBytes);
    expect(lbl.macs).toBe(lbl.predictedMacs);
    expect(seen.size).toBe(model.layers.length);
    let compared = 0;
    let folded = 0;
    for (const t of meta.exposed_tensors) {
      const id = irTensor(t.index);
      if (id === undefined) {
        // Only a PAD folded into the padding of the convolution it feeds, the float32 side of an
        // edge conversion and the int32 values of a shape subgraph folded at load have no tensor.
        if (t.op === 'DEQUANTIZE' && t.dtype === 'float32' && model.outputEncoding) continue;
        if (t.dtype === 'int32' && ['SHAPE', 'STRIDED_SLICE', 'PACK'].includes(t.op)) continue;
        expect(t.op, `tensor ${t.index}`).toBe('PAD');
        folded++;
        continue;
      }
      const ours = ins.includes(id) ? input[ins.indexOf(id)] : seen.get(id);
      expect(ours, `tensor ${t.index} (IR ${id}) was not materialised`).toBeDefined();
      expect(ours!.length).toBe(t.bytes);
      expect(same(ours!, read(new URL(`tensors/${k}/t${t.index}.bin`, dir))), `tensor ${t.index} (IR ${id}, input ${k})`).toBe(true);
      compared++;
    }
    expect(compared).toBeGreaterThan(0);
    expect(folded).toBe(tf.operators.filter((o) => o.opcode === 'PAD').length - model.layers.filter((l) => l.op === 'pad').length);

    // Fused at the minimum-RAM plan: same outputs, the tensors between blocks identical too.
    let between = 0;
    const r = exec.run(model, plan.blocks, input, {
      onTensor: (id, bytes) => {
        if (outs.includes(id)) return;
        expect(same(bytes, seen.get(id)!), `fused tensor ${id}`).toBe(true);
        between++;
      },
    });
    outputsOf(r).forEach((o, j) => expect(same(o, expected[j]!), `fused output ${j}`).toBe(true));
    expect(r.predictedPeakBytes).toBe(plan.peakBytes);
    expect(r.measuredPeakBytes).toBe(r.predictedPeakBytes);
    expect(r.arenaBytes).toBe(r.predictedPeakBytes);
    expect(r.macs).toBe(plan.macs);
    expect(between).toBe(plan.blocks.filter(([, b]) => !outs.includes(model.layers[b]!.output)).length);
  });

  it(`the minimum-RAM plan is not worse than layer by layer${fused ? '' : ' (nothing to fuse)'}`, () => {
    const lbl = exec.run(model, layerByLayer(model.layers.length), ins.map((_, i) => read(inputFile(1, i))));
    expect(plan.peakBytes).toBeLessThanOrEqual(lbl.predictedPeakBytes);
  });
});

describe('msf run on a .tflite model', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'msf-conf-'));
  it.each(['mlperf_ic_resnet8_int8', 'tflm_micro_speech_int8'])('%s: --input / --output are the raw bytes of the conformance files', async (name) => {
    const dir = new URL(`${name}/`, CONFORMANCE);
    const outFile = join(tmp, `${name}.bin`);
    const { code, stdout } = await runCli('run', new URL(`${name}.tflite`, MODELS).pathname, '--input', new URL('in_3.bin', dir).pathname, '--output', outFile, '--json');
    expect(code).toBe(0);
    const j = JSON.parse(stdout);
    expect(j.measuredPeakBytes).toBe(j.predictedPeakBytes);
    expect(same(read(new URL(`file://${outFile}`)), read(new URL('out_3_0.bin', dir)))).toBe(true);
  });
  it('an input of the wrong size is a model error naming the expected size', async () => {
    const { code, stderr } = await runCli('run', new URL('mlperf_ad01_int8.tflite', MODELS).pathname, '--input', new URL('mlperf_kws_dscnn_int8/in_1.bin', CONFORMANCE).pathname);
    expect(code).toBe(3);
    expect(stderr).toMatch(/490 bytes but mlperf_ad01_int8 expects 640/);
  });
});

