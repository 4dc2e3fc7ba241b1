// Total SRAM and the --mcu stack allowance (issue #16): the emitted C's stack, measured with
// `arm-none-eabi-gcc -fstack-usage`, stays within MCU_STACK_BYTES for every program we emit.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emitC } from '../src/emit/emit-c.js';
import { loadModel } from '../src/import/load.js';
import { withSeededParams } from '../src/model/seeded.js';
import { zooModel } from '../src/model/zoo.js';
import { planModel } from '../src/plan/planner.js';
import { MCU_STACK_BYTES, mcuArenaBudget, sramFigures } from '../src/report/memory.js';
import '../src/runtime/wasm-node.js';

const shared = new URL('../../shared/models/', import.meta.url).pathname;

/** Sum of every function's frame (an upper bound of any call chain: the emitted code does not recurse). */
function stackUpperBound(files: Map<string, string>): { sum: number; kinds: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'msf-stack-'));
  for (const [name, text] of files) writeFileSync(join(dir, name), text);
  const sources = [...files.keys()].filter((f) => f.endsWith('.c') && f !== 'main.c');
  execFileSync('arm-none-eabi-gcc', ['-std=c99', '-O2', '-mcpu=cortex-m4', '-mthumb', '-fstack-usage', '-c', ...sources], { cwd: dir });
  const rows = readdirSync(dir).filter((f) => f.endsWith('.su')).flatMap((f) => readFileSync(join(dir, f), 'utf8').trim().split('\n'));
  return { sum: rows.reduce((a, r) => a + Number(r.split('\t')[1]), 0), kinds: [...new Set(rows.map((r) => r.split('\t')[2]!))] };
}

describe('the emitted C\'s stack', () => {
  const cases: [string, () => ReturnType<typeof zooModel>][] = [
    ['mbv2-w0.35-r144', () => withSeededParams(zooModel('mbv2-w0.35-r144'), 1)],
    ['mcunet-vww5-r80', () => withSeededParams(zooModel('mcunet-vww5-r80'), 1)],
    ['armzoo_micronet_vww2_50_int8', () => loadModel(`${shared}armzoo_micronet_vww2_50_int8.tflite`)],
    ['mlperf_kws_dscnn_int8', () => loadModel(`${shared}mlperf_kws_dscnn_int8.tflite`)],
  ];
  it.each(cases)('%s: static frames only, summed within MCU_STACK_BYTES', (_name, make) => {
    const model = make();
    const { sum, kinds } = stackUpperBound(emitC(model, planModel(model).solution.blocks));
    expect(kinds).toEqual(['static']);
    expect(sum).toBeGreaterThan(0);
    expect(sum).toBeLessThanOrEqual(MCU_STACK_BYTES);
  });
});

describe('total SRAM', () => {
  it('is the arena plus the int8 input and output buffers; the MCU budget leaves them, the stack and the reserve', () => {
    const model = zooModel('mcunet-vww5-r80');
    const s = sramFigures(model, 12_000);
    expect(s).toEqual({ arenaBytes: 12_000, inputBytes: 80 * 80 * 3, outputBytes: s.outputBytes, totalSramBytes: 12_000 + 19_200 + s.outputBytes });
    expect(s.outputBytes).toBeGreaterThan(0);
    expect(mcuArenaBudget(256 * 1024, model, 1000)).toBe(256 * 1024 - 19_200 - s.outputBytes - 1000 - 2048);
  });
});
