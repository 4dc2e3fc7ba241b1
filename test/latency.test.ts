// The latency model (src/cost/latency.ts) and the third planning problem: the walker's work it
// counts matches the exact cost model's MACs on every front point; `msf plan --max-instructions` /
// `--max-latency` (with --mcu) return the least-RAM front point within the limit, refuse what no
// point meets (exit 4) and a latency without a clock (exit 2).
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FIT_CLASSES, estimateInstructions, planWork } from '../src/cost/latency.js';
import { exactLayers, exactPlanCost } from '../src/cost/exact.js';
import { loadModel } from '../src/import/load.js';
import { zooModel } from '../src/model/zoo.js';
import { planModel } from '../src/plan/planner.js';
import { MCUS, mcuProfile } from '../src/runtime/mcu.js';
import { runCli } from './helpers/cli.js';

const MODELS = fileURLToPath(new URL('../../shared/models/', import.meta.url));

describe('planWork counts the MACs the exact cost model counts, on every front point', () => {
  it.each(['mlperf_vww_96_int8', 'mlperf_ic_resnet8_int8', 'mlperf_kws_dscnn_int8', 'tflm_micro_speech_int8'])('%s', (name) => {
    const model = loadModel(join(MODELS, `${name}.tflite`));
    const L = exactLayers(model);
    const r = planModel(model, { cost: 'exact', engine: 'js', front: true });
    expect(r.front!.length).toBeGreaterThan(0);
    for (const p of r.front!) {
      const w = planWork(model, p.blocks, L);
      const macs = FIT_CLASSES.reduce((s, c) => s + w.macs[c], 0);
      expect(macs).toBe(exactPlanCost(L, p.blocks).macs);
      expect(p.instructions).toBe(estimateInstructions(model, p.blocks));
      // fusion only adds work: more calls than layers, never fewer instructions than layer by layer
      if (p.blocks.some(([a, b]) => b > a)) expect(w.calls).toBeGreaterThan(p.blocks.length);
    }
    const lbl = r.front!.reduce((a, b) => (a.peakBytes > b.peakBytes ? a : b));
    for (const p of r.front!) expect(p.instructions!).toBeGreaterThanOrEqual(lbl.instructions!);
  });
});

describe('skippedMacs: the padded taps a depthwise layer with a multiplier skips', () => {
  it('equals a tap-by-tap count on micro_speech (10x8, stride 2, SAME), layer by layer', () => {
    const model = loadModel(join(MODELS, 'tflm_micro_speech_int8.tflite'));
    const l = model.layers.findIndex((x) => x.op === 'depthwise_conv2d' && (x.multiplier ?? 1) > 1);
    expect(l).toBeGreaterThanOrEqual(0);
    const L = exactLayers(model);
    // every output element of the layer, every tap: outside the input counts as skipped
    let skipped = 0;
    for (let oy = 0; oy < L.hOut[l]!; oy++)
      for (let ox = 0; ox < L.wOut[l]!; ox++)
        for (let ky = 0; ky < L.kh[l]!; ky++)
          for (let kx = 0; kx < L.kw[l]!; kx++) {
            const iy = oy * L.sh[l]! - L.pt[l]! + ky;
            const ix = ox * L.sw[l]! - L.pl[l]! + kx;
            if (iy < 0 || iy >= L.hIn[l]! || ix < 0 || ix >= L.wIn[l]!) skipped += L.cOut[l]!;
          }
    expect(skipped).toBeGreaterThan(0);
    const lbl = model.layers.map((_, i) => [i, i] as const);
    expect(planWork(model, lbl, L).skippedMacs.depthwiseMult).toBe(skipped);
    // no other family records any
    for (const c of FIT_CLASSES) if (c !== 'depthwiseMult') expect(planWork(model, lbl, L).skippedMacs[c]).toBe(0);
  });
});

describe('the third problem: least RAM within an instruction or latency limit', () => {
  const model = zooModel('mcunet-vww5-r80');
  const front = planModel(model, { cost: 'exact', engine: 'js', front: true }).front!;
  const insn = front.map((p) => p.instructions!).sort((a, b) => a - b);
  const limit = insn[Math.floor(insn.length / 2)]!;

  it('planModel({ maxInstructions }) is the least-RAM front point whose estimate is within the limit', () => {
    const r = planModel(model, { cost: 'exact', engine: 'js', maxInstructions: limit });
    expect(r.solution.instructions!).toBeLessThanOrEqual(limit);
    const within = front.filter((p) => p.instructions! <= limit);
    expect(r.solution.peakBytes).toBe(Math.min(...within.map((p) => p.peakBytes)));
    expect(within.length).toBeLessThan(front.length); // the limit binds
  });

  it('msf plan --max-latency <ms> --mcu: the same plan as the instruction limit at that clock, ms in the output', async () => {
    const mcu = mcuProfile('stm32f412zg');
    const ms = (limit / mcu.clockHz) * 1000;
    const r = await runCli('plan', 'mcunet-vww5-r80', '--cost', 'exact', '--max-latency', String(ms), '--mcu', mcu.id, '--front');
    expect(r.code, r.stderr).toBe(0);
    const chosen = planModel(model, { cost: 'exact', engine: 'js', maxInstructions: (ms / 1000) * mcu.clockHz });
    expect(r.stdout).toMatch(new RegExp(`arena\\s+${chosen.solution.peakBytes.toLocaleString('en-US')} B`));
    expect(r.stdout).toMatch(/insn\s+~[\d,]+ estimated for the emitted C on a Cortex-M4 = [\d.]+ ms at 100 MHz/);
    expect(r.stdout).toMatch(/est\. insn\s+est\. ms/);
  });

  it('refuses a limit no plan meets (exit 4, names the fastest) and a latency without a clock (exit 2)', async () => {
    const r1 = await runCli('plan', 'mcunet-vww5-r80', '--cost', 'exact', '--max-instructions', String(Math.floor(insn[0]! / 2)));
    expect(r1.code).toBe(4);
    expect(r1.stderr).toMatch(/the fastest needs about [\d,]+/);
    const r2 = await runCli('plan', 'mcunet-vww5-r80', '--max-latency', '10');
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/--max-latency <ms> needs --mcu/);
    const r3 = await runCli('plan', 'mcunet-vww5-r80', '--max-instructions', 'fast');
    expect(r3.code).toBe(2);
  });

  it('every --mcu profile has a clock; the new profiles are there', () => {
    for (const m of MCUS) expect(m.clockHz, m.id).toBeGreaterThan(1e6);
    for (const id of ['esp32c3', 'gd32vf103', 'stm32h743zi', 'nrf5340', 'rp2350']) expect(mcuProfile(id).id).toBe(id);
  });
});
