/**
 * The executor's checking mode (src/runtime/shadow.ts): real plans pass it with unchanged outputs,
 * and schedules broken on purpose (a read of a dead byte, a write over a live tensor, a write outside
 * the step's buffers) are caught, naming the step and the byte.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { modelFromBytes } from '../src/import/from-bytes.js';
import { seededInput } from '../src/model/seeded.js';
import { ZOO_IDS, zooModel } from '../src/model/zoo.js';
import { type Model, tensorBytes } from '../src/model/ir.js';
import type { Block } from '../src/plan/engine.js';
import { planModel } from '../src/plan/planner.js';
import { type Step, scheduleOf } from '../src/plan/schedule.js';
import { executableModel } from '../src/model/seeded.js';
import { getExecutor } from '../src/runtime/run.js';
import { ShadowArena, ShadowError } from '../src/runtime/shadow.js';
import '../src/runtime/wasm-node.js';

const MODELS = new URL('../../shared/models/', import.meta.url);
const TFLITE = ['mlperf_ic_resnet8_int8', 'mlperf_kws_dscnn_int8', 'tflm_micro_speech_int8', 'mlperf_ad01_int8'];

const layered = (m: Model): Block[] => m.layers.map((_, i) => [i, i]);

describe('checking mode on real plans', () => {
  const models = [
    ...ZOO_IDS.map((id) => executableModel(zooModel(id))),
    ...TFLITE.map((n) => modelFromBytes(`${n}.tflite`, readFileSync(new URL(`${n}.tflite`, MODELS)))),
  ];
  it.each(models.map((m) => [m.name, m] as const))('%s: minimum-RAM and layer-by-layer plans pass; outputs unchanged', (_name, model) => {
    const input = seededInput(tensorBytes(model.tensors[model.input]!.shape), 3);
    const exe = getExecutor();
    for (const blocks of [planModel(model, { cost: 'exact' }).solution.blocks, layered(model)]) {
      const plain = exe.run(model, blocks, input).output;
      const checked = exe.run(model, blocks, input, { check: true, poison: 0x3c }).output;
      expect(Buffer.compare(checked, plain)).toBe(0);
    }
  });
});

describe('checking mode catches broken schedules', () => {
  const model = executableModel(zooModel('mcunet-vww5-r80'));
  const steps = scheduleOf(model, layered(model)).steps;
  const capacity = scheduleOf(model, layered(model)).arenaBytes;

  /** Replays the steps on a still arena, applying `edit` to step k and `write` during step k. */
  function replay(edit: (s: Step) => Step, k: number, write?: (arena: Uint8Array) => void): void {
    const shadow = new ShadowArena(capacity, model.name);
    const arena = new Uint8Array(capacity);
    steps.forEach((s, i) => {
      const step = i === k ? edit(s) : s;
      shadow.before(step, arena);
      if (i === k) write?.(arena);
      shadow.after(step, arena);
    });
  }

  it('the unedited schedule replays cleanly', () => {
    expect(() => replay((s) => s, 0)).not.toThrow();
  });

  it('a read of a dead byte', () => {
    const k = steps.findIndex((s) => s.input.at === 'arena');
    expect(() => replay((s) => ({ ...s, input: { ...s.input, offset: s.input.offset + 1 } }), k)).toThrow(ShadowError);
    expect(() => replay((s) => ({ ...s, input: { ...s.input, offset: s.input.offset + 1 } }), k)).toThrow(/step \[\d+, \d+\] reads arena byte \d+ as tensor \d+, but it holds/);
  });

  it('a write over a live tensor still to be read', () => {
    const k = steps.findIndex((s) => s.input.at === 'arena' && s.output.at === 'arena');
    const edit = (s: Step): Step => {
      const out = { ...s.takes[0]!, offset: s.input.offset };
      return { ...s, output: { ...s.output, offset: s.input.offset }, takes: [out, ...s.takes.slice(1)] };
    };
    expect(() => replay(edit, k)).toThrow(/takes tensor .* over arena byte \d+ of live tensor \d+, which is still to be read/);
  });

  it('a write outside the buffers the step took', () => {
    const k = steps.findIndex((s) => s.output.at === 'arena');
    const outside = (steps[k]!.output.offset + steps[k]!.output.size) % capacity;
    expect(() => replay((s) => s, k, (a) => { a[outside] = a[outside]! ^ 1; })).toThrow(new RegExp(`wrote arena byte ${outside}, outside the buffers it took`));
  });
});
