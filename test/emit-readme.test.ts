// The emitted README names the files there really are: the test data `msf emit` writes and the
// files the harness (main.c) reads and writes. For a model with several inputs and outputs
// (RNNoise: 4 in, 5 out) its host commands, run as written, reproduce every expected_<j>.bin.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILD } from '../src/emit/emit-c.js';
import { runCli } from './helpers/cli.js';

const RNNOISE = new URL('../../shared/more-models/models/armzoo_rnnoise_int8.tflite', import.meta.url).pathname;

const sh = (command: string, cwd: string) => {
  const r = spawnSync('sh', ['-c', command], { cwd, encoding: 'utf8', timeout: 120_000 });
  if (r.error) throw new Error(`${command}: ${r.error.message}`);
  return r;
};

describe('the emitted README of a model with several inputs and outputs', () => {
  it('names input_<i>.bin, output_<j>.bin and expected_<j>.bin, and its host build, run and cmp lines work as written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'msf-readme-'));
    const r = await runCli('emit', RNNOISE, '--out', dir, '--no-build');
    expect(r.code, r.stderr).toBe(0);
    const readme = readFileSync(join(dir, 'README.md'), 'utf8');
    const ins = [0, 1, 2, 3].map((i) => `input_${i}.bin`);
    const outs = [0, 1, 2, 3, 4].map((j) => `output_${j}.bin`);
    const expected = [0, 1, 2, 3, 4].map((j) => `expected_${j}.bin`);
    // Every .bin the README names is one emit wrote or one the harness writes; none is the one-input name.
    const named = new Set(readme.match(/[\w]+\.bin/g));
    expect([...named].sort()).toEqual([...ins, ...outs, ...expected].sort());
    expect(readdirSync(dir).filter((f) => f.endsWith('.bin')).sort()).toEqual([...expected, ...ins].sort());
    const runLine = readme.split('\n').find((l) => l.startsWith('./msf_model'));
    expect(runLine).toBe(`./msf_model ${[...ins, ...outs].join(' ')}`);
    const cmp = /`(cmp [^`]+)`/.exec(readme)?.[1];
    expect(cmp).toBe(outs.map((o, j) => `cmp ${o} ${expected[j]}`).join(' && '));
    // As written: build, run, compare.
    for (const command of [BUILD.host, runLine!, cmp!]) {
      const s = sh(command, dir);
      expect(s.status, `${command}\n${s.stdout}${s.stderr}`).toBe(0);
    }
  }, 60_000);
});
