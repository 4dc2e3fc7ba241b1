/** Runs a .tflite with TensorFlow Lite Micro's reference kernels (../shared/tools/tflm/tflm_ref_runner). */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const TFLM_RUNNER = new URL('../../../shared/tools/tflm/tflm_ref_runner', import.meta.url).pathname;

/** TFLM's output bytes for each model output, or throws with TFLM's message when it refuses the model. */
export function tflmRun(model: Uint8Array, inputs: Uint8Array[], outputs: number): Uint8Array[] {
  const dir = mkdtempSync(join(tmpdir(), 'msf-tflm-'));
  try {
    writeFileSync(join(dir, 'm.tflite'), model);
    const ins = inputs.map((b, i) => {
      const f = join(dir, `in_${i}.bin`);
      writeFileSync(f, b);
      return f;
    });
    execFileSync(TFLM_RUNNER, ['run', join(dir, 'm.tflite'), dir, '0', ...ins], { stdio: ['ignore', 'pipe', 'pipe'] });
    return Array.from({ length: outputs }, (_, j) => new Uint8Array(readFileSync(join(dir, `out_0_${j}.bin`))));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
