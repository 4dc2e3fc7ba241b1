// What a user sees across commands on models the other tests do not single out: options that work for
// `msf run` work for `msf emit`, the help lists what the README documents, errors have one form.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { layerByLayer } from '../src/emit/test-data.js';
import { loadModel } from '../src/import/load.js';
import { getExecutor } from '../src/runtime/run.js';
import { runCli } from './helpers/cli.js';

const MORE = new URL('../../shared/more-models/models/', import.meta.url).pathname;
const scratch = mkdtempSync(join(tmpdir(), 'msf-cli-consistency-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('msf emit --input-in-arena', () => {
  // The detector's plan with the input in the arena is placed differently from the same blocks with the
  // input outside (first fit needs 48,000 B there, over the 43,136 B peak): the test data must run the plan as planned.
  it('the detector (two outputs) writes its C and test data, the expected bytes those of layer by layer', async () => {
    const file = `${MORE}tflm_custom_model_rf_keras_int8.tflite`;
    const out = join(scratch, 'rf');
    const r = await runCli('emit', file, '--input-in-arena', '--no-build', '--json', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { arenaBytes: number; inputBytes: number };
    expect(j).toMatchObject({ arenaBytes: 43_136, inputBytes: 0 });
    const model = loadModel(file);
    const ref = getExecutor().run(model, layerByLayer(model), [readFileSync(join(out, 'input_0.bin'))]);
    ref.outputs.forEach((bytes, k) => expect(Buffer.compare(readFileSync(join(out, `expected_${k}.bin`)), Buffer.from(bytes))).toBe(0));
  });
});
