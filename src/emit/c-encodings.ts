/**
 * The edge encodings of a .tflite model in the generated C (a QUANTIZE input, a DEQUANTIZE or
 * QUANTIZE output): declarations for msf_model.h and TensorFlow Lite Micro's arithmetic for
 * msf_model.c, as tables or exact float32 literals.
 */
import type { Model } from '../model/ir.js';
import { requantizeTable } from '../runtime/encoding.js';
import { cValues, hexFloat } from './c-literals.js';

const C_TYPE = { float32: 'float', uint8: 'uint8_t' } as const;

export function encodingHeader(model: Model): string[] {
  const ie = model.inputEncoding;
  const oe = model.outputEncoding;
  if (!ie && !oe) return [];
  const lines = [``, `/*`, ` * The .tflite model's own edge encodings: msf_model_run works on the int8 network tensors; these`, ` * convert the caller's buffers exactly as TensorFlow Lite Micro's QUANTIZE / DEQUANTIZE kernels do.`];
  if (ie)
    lines.push(
      ` * Input: ${ie.dtype}${ie.op ? ` (op ${ie.op.index} ${ie.op.opcode} in the .tflite)` : ''}: msf_model_quantize_input converts MSF_INPUT_BYTES ${ie.dtype} values to`,
      ` * the int8 input of msf_model_run.`,
    );
  if (oe)
    lines.push(
      ` * Output: ${oe.dtype}${oe.op ? ` (op ${oe.op.index} ${oe.op.opcode} in the .tflite)` : ''}: msf_model_dequantize_output converts the int8 output of`,
      ` * msf_model_run to MSF_OUTPUT_BYTES ${oe.dtype} values.`,
    );
  lines.push(` */`);
  if (ie) lines.push(`#define MSF_INPUT_ENCODING "${ie.dtype}"`, `void msf_model_quantize_input(const ${C_TYPE[ie.dtype]} *in, int8_t *q);`);
  if (oe) lines.push(`#define MSF_OUTPUT_ENCODING "${oe.dtype}"`, `void msf_model_dequantize_output(const int8_t *q, ${C_TYPE[oe.dtype]} *out);`);
  return lines;
}

export function encodingSource(model: Model): string[] {
  const ie = model.inputEncoding;
  const oe = model.outputEncoding;
  const lines: string[] = [];
  if (!ie && !oe) return lines;
  lines.push(`/* ---- edge encodings: TensorFlow Lite Micro's QUANTIZE / DEQUANTIZE arithmetic ---- */`, ``);
  const inQ = model.tensors[model.input]!.quant!;
  const outQ = model.tensors[model.output]!.quant!;
  if (ie?.dtype === 'uint8') {
    // Requantize uint8 -> int8: a table of the 256 results (QuantizeMultiplier + MultiplyByQuantizedMultiplier).
    const t = Int8Array.from(requantizeTable(ie.quant!, inQ, false, true), (b) => (b << 24) >> 24);
    lines.push(
      `/* QUANTIZE uint8 (scale ${ie.quant!.scale}, zero point ${ie.quant!.zeroPoint}) -> int8 (scale ${inQ.scale}, zero point ${inQ.zeroPoint}), by input byte */`,
      `static const int8_t msf_in_requant[256] = {`, cValues(t, 16), `};`, ``,
      `void msf_model_quantize_input(const uint8_t *in, int8_t *q)`, `{`, `    size_t i;`,
      `    for (i = 0; i < (size_t)MSF_INPUT_BYTES; i++) q[i] = msf_in_requant[in[i]];`, `}`, ``,
    );
  } else if (ie?.dtype === 'float32') {
    lines.push(
      `/*`,
      ` * QUANTIZE float32 -> int8 (scale ${inQ.scale}, zero point ${inQ.zeroPoint}): round(x / scale) + zero point,`,
      ` * the division in float32, round half away from zero, clamped to int8 (NaN gives the zero point).`,
      ` */`,
      `void msf_model_quantize_input(const float *in, int8_t *q)`,
      `{`,
      `    size_t i;`,
      `    for (i = 0; i < (size_t)MSF_INPUT_BYTES; i++) {`,
      `        const float x = in[i] / ${hexFloat(inQ.scale)};`,
      `        int32_t r;`,
      `        if (x != x) {`,
      `            r = 0;`,
      `        } else if (x >= 512.0f) {`,
      `            r = 512;`,
      `        } else if (x <= -512.0f) {`,
      `            r = -512;`,
      `        } else {`,
      `            float f;`,
      `            r = (int32_t)x; /* toward zero */`,
      `            f = x - (float)r; /* exact */`,
      `            if (f >= 0.5f) r += 1;`,
      `            else if (f <= -0.5f) r -= 1;`,
      `        }`,
      `        r += ${inQ.zeroPoint};`,
      `        q[i] = (int8_t)(r < -128 ? -128 : r > 127 ? 127 : r);`,
      `    }`,
      `}`,
      ``,
    );
  }
  if (oe) {
    const bytes = requantizeTable(outQ, oe.quant ?? outQ, true, false);
    const values: string[] = [];
    for (let b = 0; b < 256; b++) {
      const v = (b << 24) >> 24;
      values.push(oe.dtype === 'uint8' ? String(bytes[b & 0xff]) : hexFloat(Math.fround(Math.fround(outQ.scale) * (v - outQ.zeroPoint))));
    }
    // Indexed by the int8 value's byte (0..127 then -128..-1).
    const rows: string[] = [];
    for (let i = 0; i < 256; i += 8) rows.push('    ' + values.slice(i, i + 8).join(', ') + ',');
    lines.push(
      oe.dtype === 'uint8'
        ? `/* QUANTIZE int8 (scale ${outQ.scale}, zero point ${outQ.zeroPoint}) -> uint8 (scale ${oe.quant!.scale}, zero point ${oe.quant!.zeroPoint}), by the int8 value's byte */`
        : `/* DEQUANTIZE int8 (scale ${outQ.scale}, zero point ${outQ.zeroPoint}) -> float32: scale * (q - zero point), by the int8 value's byte */`,
      `static const ${C_TYPE[oe.dtype]} msf_out_table[256] = {`, ...rows, `};`, ``,
      `void msf_model_dequantize_output(const int8_t *q, ${C_TYPE[oe.dtype]} *out)`, `{`, `    size_t i;`,
      `    for (i = 0; i < (size_t)MSF_OUTPUT_BYTES; i++) out[i] = msf_out_table[(uint8_t)q[i]];`, `}`, ``,
    );
  }
  return lines;
}
