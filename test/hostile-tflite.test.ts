/**
 * Issue #13's reproducers on TFLite files: each is a shared model edited structurally (through the
 * decoded description and test/helpers/tflite-serialize.ts), and each must end in a ModelError
 * (exit 3) whose message names the op and the tensor, before anything is planned or run.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXIT, ModelError } from '../src/errors.js';
import { type TfliteModel, readTflite } from '../src/import/tflite.js';
import { modelFromBytes } from '../src/import/from-bytes.js';
import { tensorBytes } from '../src/model/ir.js';
import { planModel } from '../src/plan/planner.js';
import { getExecutor, runModel, seededInput } from '../src/runtime/run.js';
import { tflmRun } from './helpers/tflm.js';
import { serializeTflite } from './helpers/tflite-serialize.js';

const MODELS = new URL('../../shared/models/', import.meta.url);
const KWS = 'mlperf_kws_dscnn_int8';

function edited(name: string, edit: (m: TfliteModel) => void): Uint8Array {
  const m = readTflite(readFileSync(new URL(`${name}.tflite`, MODELS)), name, { validate: false });
  edit(m);
  return serializeTflite(m);
}

/** The error modelFromBytes throws for the edited file (it must be a ModelError). */
function refusal(name: string, edit: (m: TfliteModel) => void): ModelError {
  const bytes = edited(name, edit);
  try {
    modelFromBytes(`${name}.tflite`, bytes);
  } catch (e) {
    if (e instanceof ModelError) {
      expect(e.exitCode).toBe(EXIT.model);
      return e;
    }
    throw e;
  }
  throw new Error('the edited model was accepted');
}

describe('TFLite validation: issue #13 reproducers', () => {
  it('the unedited models pass (round trip through the test writer runs identically)', () => {
    const original = runModel(modelFromBytes(`${KWS}.tflite`, readFileSync(new URL(`${KWS}.tflite`, MODELS))));
    const rewritten = runModel(modelFromBytes(`${KWS}.tflite`, edited(KWS, () => {})));
    expect(rewritten.outputSha256).toBe(original.outputSha256);
  });

  it('an op reading its own output is a cycle', () => {
    const e = refusal(KWS, (m) => {
      m.operators[2]!.inputs[0] = m.operators[2]!.outputs[0]!;
    });
    expect(e.message).toMatch(/op 2 \(CONV_2D\): reads its own output tensor 24 .*cycle/);
  });

  it('two ops feeding each other are a cycle, named as such', () => {
    const e = refusal(KWS, (m) => {
      m.operators[1]!.inputs[0] = m.operators[3]!.outputs[0]!;
    });
    expect(e.message).toMatch(/op 1 \(DEPTHWISE_CONV_2D\): reads tensor 25 .*op 3 .*depends on op 1: the graph has a cycle/);
  });

  it('ops out of file order are refused (TFLM runs file order)', () => {
    const e = refusal(KWS, (m) => {
      [m.operators[3], m.operators[4]] = [m.operators[4]!, m.operators[3]!];
      m.operators.forEach((o, i) => (o.index = i));
    });
    expect(e.message).toMatch(/op 3 \(CONV_2D\): reads tensor 25 .* before op 4 \(DEPTHWISE_CONV_2D\) produces it.*topological/);
  });

  it('a tensor with two producers', () => {
    const e = refusal(KWS, (m) => {
      m.operators[3]!.outputs[0] = m.operators[1]!.outputs[0]!;
    });
    expect(e.message).toMatch(/op 3 \(DEPTHWISE_CONV_2D\): writes tensor 23 .*op 1 .* already writes.*exactly one producer/);
  });

  it('a removed producer', () => {
    const e = refusal(KWS, (m) => {
      m.operators.splice(4, 1);
      m.operators.forEach((o, i) => (o.index = i));
    });
    expect(e.message).toMatch(/op 4 \(DEPTHWISE_CONV_2D\): reads tensor 26 .*which no op produces/);
  });

  it('a SOFTMAX declared [1, 1000] over 12 values names both shapes; [1, 2^31-1] is refused at once', () => {
    const e = refusal(KWS, (m) => {
      m.tensors[34]!.shape = [1, 1000];
    });
    expect(e.message).toMatch(/op 12 \(SOFTMAX\): output tensor 34 .* is declared \[1, 1000\] but the op computes \[1, 12\]/);
    const t0 = performance.now();
    const huge = refusal(KWS, (m) => {
      m.tensors[34]!.shape = [1, 2 ** 31 - 1];
    });
    expect(huge.message).toMatch(/tensor 34 .*limit per activation tensor/);
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it('a model whose output is its input', () => {
    const e = refusal(KWS, (m) => {
      m.outputs = [m.inputs[0]!];
    });
    expect(e.message).toMatch(/model output tensor 0 .* is the model input itself/);
  });

  it('a model output that a later op also reads (found by the structured fuzz) runs as TFLM runs it', () => {
    const bytes = edited('mlperf_ic_resnet8_int8', (m) => {
      m.outputs = [31];
    });
    const model = modelFromBytes('mlperf_ic_resnet8_int8.tflite', bytes);
    const input = seededInput(tensorBytes(model.tensors[model.input]!.shape), 3);
    for (const blocks of [model.layers.map((_, i) => [i, i] as [number, number]), planModel(model, { cost: 'exact', engine: 'js' }).solution.blocks]) {
      const r = getExecutor().run(model, blocks, input);
      expect(r.measuredPeakBytes).toBe(r.predictedPeakBytes);
      expect(Buffer.from(r.output).equals(Buffer.from(tflmRun(bytes, [input], 1)[0]!))).toBe(true);
    }
  });

  it('int8 pooling whose output quantisation differs from its input (TFLM refuses it; found by the structured fuzz)', () => {
    const e = refusal(KWS, (m) => {
      m.tensors[31]!.quant!.zeroPoint[0] = m.tensors[31]!.quant!.zeroPoint[0]! + 1;
    });
    expect(e.message).toMatch(/op 9 \(AVERAGE_POOL_2D\): input and output quantisation differ .*requires them equal/);
  });

  it('an input with a 0 dimension', () => {
    const e = refusal(KWS, (m) => {
      m.tensors[0]!.shape = [1, 0, 10, 1];
    });
    expect(e.message).toMatch(/tensor 0 .*dimension 1 of shape \[1, 0, 10, 1\] is 0/);
  });

  it('SAME convolutions flipped to VALID: the declared output no longer matches the option', () => {
    const e = refusal(KWS, (m) => {
      for (const op of m.operators) if (op.options.padding === 'SAME') op.options.padding = 'VALID';
    });
    expect(e.message).toMatch(/op 0 \(CONV_2D\): output tensor 22 .* is declared \[1, 25, 5, 64\] but the op computes \[1, 20, 4, 64\] .*padding VALID/);
  });

  it.each([
    ['0', 0],
    ['NaN', NaN],
    ['Infinity', Infinity],
    ['negative', -0.5],
  ])('activation scale %s', (_label, scale) => {
    const e = refusal(KWS, (m) => {
      m.tensors[23]!.quant!.scale[0] = scale;
    });
    expect(e.message).toMatch(/tensor 23 .*quantisation scale is .*; scales must be finite and > 0/);
  });

  it('a weight scale of 3.4e38 needs a multiplier TFLM cannot represent', () => {
    const e = refusal(KWS, (m) => {
      m.tensors[17]!.quant!.scale.fill(3.4e38);
    });
    expect(e.message).toMatch(/op 0 \(CONV_2D\): the output multiplier cannot be represented .*left shift/);
  });

  it('zero points outside int8 (200, 2^40)', () => {
    for (const zp of [200, 2 ** 40]) {
      const e = refusal(KWS, (m) => {
        m.tensors[24]!.quant!.zeroPoint[0] = zp;
      });
      expect(e.message).toMatch(new RegExp(`tensor 24 .*zero point ${zp} is outside int8`));
    }
  });

  it('stride 2^31-1 is outside the stated range', () => {
    const e = refusal(KWS, (m) => {
      m.operators[2]!.options.strideH = 2 ** 31 - 1;
    });
    expect(e.message).toMatch(/op 2 \(CONV_2D\): option strideH is 2147483647; expected an integer in 1\.\.65536/);
  });

  it('an absent (-1) required input', () => {
    const e = refusal(KWS, (m) => {
      m.operators[2]!.inputs[0] = -1;
    });
    expect(e.message).toMatch(/op 2 \(CONV_2D\): input 0 is absent \(-1\), but it is not an optional input/);
  });

  it('an empty outputs list', () => {
    const e = refusal(KWS, (m) => {
      m.outputs = [];
    });
    expect(e.message).toMatch(/the model has no outputs/);
  });

  it('per-channel weight scales of the wrong length', () => {
    const e = refusal(KWS, (m) => {
      const q = m.tensors[17]!.quant!;
      q.scale = q.scale.slice(0, 3);
      q.zeroPoint = q.zeroPoint.slice(0, 3);
    });
    expect(e.message).toMatch(/weights .*tensor 17|Tensor\[17\]/);
  });

  it('person_detect biases with quantized_dimension 3 are accepted, as TFLM accepts them', () => {
    const m = readTflite(readFileSync(new URL('tflm_person_detect_int8.tflite', MODELS)), 'person_detect');
    expect(m.tensors.some((t) => t.shape.length === 1 && t.quant !== null && t.quant.scale.length > 1)).toBe(true);
  });

  it('SOFTMAX beta 0 and a depthwise multiplier option that contradicts the shapes', () => {
    expect(refusal(KWS, (m) => (m.operators[12]!.options.beta = 0)).message).toMatch(/op 12 \(SOFTMAX\): option beta is 0/);
    expect(refusal(KWS, (m) => (m.operators[1]!.options.depthMultiplier = 2)).message).toMatch(/op 1 \(DEPTHWISE_CONV_2D\): option depth_multiplier 2 does not match/);
  });
});
