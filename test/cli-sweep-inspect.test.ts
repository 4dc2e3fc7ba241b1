// `msf sweep` (many models, progress bar on a terminal only, clean --json) and `msf inspect`.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { ProgressBar } from '../src/cli/progress.js';
import { layerRows } from '../src/report/layers.js';
import { baselineMacs } from '../src/model/ir.js';
import { loadModel } from '../src/import/load.js';
import { ZOO_IDS, zooModel } from '../src/model/zoo.js';
import { planModel } from '../src/plan/planner.js';
import { runCli } from './helpers/cli.js';

const RESNET8 = new URL('../../shared/models/mlperf_ic_resnet8_int8.tflite', import.meta.url).pathname;

function fakeTerminal(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, columns: 100, write: (s: string) => writes.push(s) } };
}

async function sweep(isTTY: boolean, ...argv: string[]) {
  let stdout = '';
  const term = fakeTerminal(isTTY);
  const code = await main(['sweep', ...argv], (s) => (stdout += s + '\n'), term.stream);
  return { code, stdout, progress: term.writes.join('') };
}

describe('msf sweep', () => {
  it('plans every model with the same options; figures equal msf plan', async () => {
    const { code, stdout } = await sweep(false, ...ZOO_IDS, '--ram', '64k', '--json');
    expect(code).toBe(0);
    const rows = JSON.parse(stdout).rows;
    expect(rows.map((r: { model: string }) => r.model)).toEqual(ZOO_IDS);
    for (const r of rows) {
      const p = planModel(zooModel(r.model), { ramLimit: 64_000 });
      expect([r.peakBytes, r.macs, r.blocks]).toEqual([p.solution.peakBytes, p.solution.macs, p.solution.blocks.length]);
    }
  });

  it('with the paper cost model, rows off its square-chain domain carry its note (JSON and text); zoo rows do not', async () => {
    const json = await sweep(false, RESNET8, ZOO_IDS[0]!, '--cost', 'paper', '--json');
    expect(json.code).toBe(0);
    const [real, zoo] = JSON.parse(json.stdout).rows;
    expect(real.note).toMatch(/outside the paper's square-chain domain/);
    expect(zoo.note).toBeUndefined();
    const text = await sweep(false, RESNET8, ZOO_IDS[0]!, '--cost', 'paper');
    expect(text.stdout).toMatch(new RegExp(`note: ${RESNET8}: outside the paper's square-chain domain`));
    const exact = await sweep(false, RESNET8, '--json');
    expect(JSON.parse(exact.stdout).rows[0].note).toBeUndefined();
  });

  it('msf emit with the paper cost model off its domain says so in the emitted README', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'msf-paper-note-'));
    const code = await main(['emit', RESNET8, '--cost', 'paper', '--out', dir, '--force', '--no-test-data'], () => {});
    expect(code).toBe(0);
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toMatch(/the paper cost model is outside the paper's square-chain domain/);
  });

  it('draws a progress bar on a terminal, and stdout stays one clean JSON document', async () => {
    const { code, stdout, progress } = await sweep(true, ...ZOO_IDS, '--json');
    expect(code).toBe(0);
    expect(() => JSON.parse(stdout)).not.toThrow();
    expect(stdout).not.toContain('[#');
    expect(progress).toContain(`1/${ZOO_IDS.length} ${ZOO_IDS[1]}`);
    expect(progress).toContain(`${ZOO_IDS.length}/${ZOO_IDS.length} done`);
    expect(progress.endsWith('\r')).toBe(true); // the bar erases itself
  });

  it('draws nothing when not on a terminal or with --no-progress', async () => {
    expect((await sweep(false, ...ZOO_IDS)).progress).toBe('');
    expect((await sweep(true, ...ZOO_IDS, '--no-progress')).progress).toBe('');
  });

  it('a failing model gets an error row, the others still plan, and the exit code is the failure\'s', async () => {
    const { code, stdout } = await sweep(false, ZOO_IDS[0]!, 'missing.json', '--json');
    expect(code).toBe(3);
    const rows = JSON.parse(stdout).rows;
    expect(rows[0].peakBytes).toBeGreaterThan(0);
    expect(rows[1].error.code).toBe('MODEL');
    expect(rows[1].error.message).toMatch(/missing\.json: file not found/);
  });

  it('an infeasible budget exits 4 with the error in its row', async () => {
    const { code, stdout } = await sweep(false, ZOO_IDS[0]!, '--ram', '100', '--json');
    expect(code).toBe(4);
    expect(JSON.parse(stdout).rows[0].error.code).toBe('INFEASIBLE');
  });

  it('the text table has a row per model', async () => {
    const { code, stdout } = await sweep(false, ...ZOO_IDS);
    expect(code).toBe(0);
    for (const id of ZOO_IDS) expect(stdout).toMatch(new RegExp(`^${id.replace(/\./g, '\\.')}\\s+\\d+`, 'm'));
  });

  it('the bar clips to the terminal width', () => {
    const t = fakeTerminal(true);
    t.stream.columns = 20;
    const bar = new ProgressBar(2, t.stream);
    bar.update(1, 'a-very-long-model-name.tflite');
    expect(t.writes[0]!.length).toBe(20); // "\r" + 19 columns
  });
});

describe('msf inspect', () => {
  it('a .tflite model: a row per layer with shapes, quantisation and MACs; totals match the IR', async () => {
    const { code, stdout } = await runCli('inspect', RESNET8);
    expect(code).toBe(0);
    const model = loadModel(RESNET8);
    expect(stdout).toContain(`${model.layers.length} layers, input 32x32x3`);
    expect(stdout).toMatch(/^\s*3\s+add\s+relu\s+32x32x16 \+ 32x32x16\s+32x32x16/m);
    expect(stdout).toMatch(/per-channel \(16\)/);
    expect(stdout).toContain(`total: ${baselineMacs(model).toLocaleString('en-US')} MACs`);
  });

  it('--json rows carry the figures of the IR', async () => {
    const { code, stdout } = await runCli('inspect', 'mcunet-vww5-r80', '--json');
    expect(code).toBe(0);
    const j = JSON.parse(stdout);
    const model = zooModel('mcunet-vww5-r80');
    expect(j.layers).toEqual(JSON.parse(JSON.stringify(layerRows(model))));
    expect(j.layers.reduce((a: number, r: { macs: number }) => a + r.macs, 0)).toBe(baselineMacs(model));
    expect(j.layers[0].outputQuant).toBeNull(); // zoo models carry no quantisation until seeded
  });

  it('an unknown model exits 3 naming it', async () => {
    const { code, stderr } = await runCli('inspect', 'no-such-model');
    expect(code).toBe(3);
    expect(stderr).toMatch(/no-such-model/);
  });
});
