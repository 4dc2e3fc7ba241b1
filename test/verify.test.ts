// Models with several inputs and outputs on the command line: `msf run --input ... --output /
// --output-dir / --json` and `msf verify` (the user's inputs and reference outputs, here TFLM's
// conformance files; the first differing element of each output is printed, exit 3 on any).
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { firstDifference } from '../src/cli/verify-command.js';
import { runCli } from './helpers/cli.js';

const MORE = new URL('../../shared/more-models/', import.meta.url);
const model = (name: string) => new URL(`models/${name}.tflite`, MORE).pathname;
const conf = (name: string, file: string) => new URL(`conformance/${name}/${file}`, MORE).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'msf-verify-'));

describe('msf verify', () => {
  const rn = 'armzoo_rnnoise_int8';
  const ins = [0, 1, 2, 3].flatMap((i) => ['--input', conf(rn, `in_2_${i}.bin`)]);
  const outs = (files: string[]) => files.flatMap((f) => ['--expected', f]);
  const expected = [0, 1, 2, 3, 4].map((j) => conf(rn, `out_2_${j}.bin`));

  it('RNNoise (4 inputs, 5 outputs) against TFLM\'s outputs: every output the same, exit 0', async () => {
    const { code, stdout } = await runCli('verify', model(rn), ...ins, ...outs(expected));
    expect(code).toBe(0);
    expect(stdout.split('\n').filter((l) => / same$/.test(l))).toHaveLength(5);
  });

  it('one changed byte: the first differing element of that output, exit 3; --json lists every output', async () => {
    const bytes = readFileSync(expected[1]!);
    bytes[7] = (bytes[7]! + 1) & 0xff;
    const bad = join(tmp, 'bad.bin');
    writeFileSync(bad, bytes);
    const files = [expected[0]!, bad, ...expected.slice(2)];
    const { code, stdout, stderr } = await runCli('verify', model(rn), ...ins, ...outs(files));
    expect(code).toBe(3);
    expect(stdout).toMatch(/output 1 \(1x1x22 int8\): first difference at element 7: ours -?\d+, expected -?\d+/);
    expect(stderr).toMatch(/1 of 5 outputs differ/);
    const j = await runCli('verify', model(rn), ...ins, ...outs(files), '--json');
    expect(j.code).toBe(3);
    const doc = JSON.parse(j.stdout);
    expect(doc.outputs.map((o: { same: boolean }) => o.same)).toEqual([true, false, true, true, true]);
    expect(doc.outputs[1].index).toBe(7);
  });

  it('a float32 output (YAMNet\'s DEQUANTIZE) is compared as float32', async () => {
    const ya = 'st_yamnet_256_64x96_esc10_int8';
    const { code, stdout } = await runCli('verify', model(ya), '--input', conf(ya, 'in_3.bin'), '--expected', conf(ya, 'out_3_0.bin'));
    expect(code).toBe(0);
    expect(stdout).toMatch(/output 0 \(1x10 float32\): same/);
  });

  it('the number of --input / --expected files must match the model (usage error, exit 2)', async () => {
    const r = await runCli('verify', model(rn), '--input', conf(rn, 'in_2_0.bin'), ...outs(expected));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/has 4 inputs: give --input once per input \(1 given\)/);
  });

  it('an --input file of the wrong size is a model error naming the file, the size wanted and the tensor (exit 3), as in msf run', async () => {
    const short = join(tmp, 'short.bin');
    writeFileSync(short, readFileSync(conf(rn, 'in_2_1.bin')).subarray(1));
    const files = [0, 1, 2, 3].flatMap((i) => ['--input', i === 1 ? short : conf(rn, `in_2_${i}.bin`)]);
    const v = await runCli('verify', model(rn), ...files, ...outs(expected));
    const r = await runCli('run', model(rn), ...files);
    expect(v.code).toBe(3);
    expect(v.stderr).toMatch(new RegExp(`^msf: error: --input ${short}: \\d+ bytes but ${rn} expects \\d+ \\([0-9x]+ int8\\) as input 1; give that tensor's raw bytes\n$`));
    expect([r.code, r.stderr]).toEqual([v.code, v.stderr]);
  });

  it('firstDifference reads the dtype: float32 elements are 4 bytes', () => {
    const a = new Uint8Array(new Float32Array([1, 2, 3]).buffer);
    const b = new Uint8Array(new Float32Array([1, 2.5, 3]).buffer);
    expect(firstDifference(a, b, 'float32')).toEqual({ index: 1, ours: 2, theirs: 2.5 });
    expect(firstDifference(Uint8Array.of(1, 255), Uint8Array.of(1, 254), 'int8')).toEqual({ index: 1, ours: -1, theirs: -2 });
    expect(firstDifference(a, a, 'float32')).toBeNull();
  });
});

describe('msf run with several inputs and outputs', () => {
  const rn = 'armzoo_rnnoise_int8';
  const ins = [0, 1, 2, 3].flatMap((i) => ['--input', conf(rn, `in_4_${i}.bin`)]);
  const expected = [0, 1, 2, 3, 4].map((j) => readFileSync(conf(rn, `out_4_${j}.bin`)));

  it('--input once per input; --output-dir writes out_<j>.bin, --output all outputs concatenated, --json each shape, dtype, sha256', async () => {
    const dir = join(tmp, 'outs');
    const cat = join(tmp, 'all.bin');
    const { code, stdout } = await runCli('run', model(rn), ...ins, '--output-dir', dir, '--output', cat, '--json');
    expect(code).toBe(0);
    const j = JSON.parse(stdout);
    expect(j.measuredPeakBytes).toBe(j.predictedPeakBytes);
    expect(j.outputs.map((o: { shape: number[] }) => o.shape.join('x'))).toEqual(['1x1x96', '1x1x22', '1x1x48', '1x1x24', '1x1x1']);
    expect(j.outputs.every((o: { dtype: string }) => o.dtype === 'int8')).toBe(true);
    expected.forEach((e, k) => {
      expect(readFileSync(join(dir, `out_${k}.bin`)).equals(e), `out_${k}.bin`).toBe(true);
      expect(j.outputs[k].sha256).toBe(createHash('sha256').update(e).digest('hex'));
    });
    expect(readFileSync(cat).equals(Buffer.concat(expected))).toBe(true);
  });

  it('a wrong number of --input files is a usage error naming the count (exit 2)', async () => {
    const r = await runCli('run', model(rn), '--input', conf(rn, 'in_4_0.bin'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/has 4 inputs; give --input once per input/);
  });
});
