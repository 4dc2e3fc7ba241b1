// What a user sees across commands on models the other tests do not single out: options that work for
// `msf run` work for `msf emit`, the help lists what the README documents, errors have one form.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../src/cli/main.js';
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

/** The flags README's CLI usage block gives each command ("[plan options]": the options every planning command shares). */
function readmeFlags(): Map<string, Set<string>> {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const block = readme.split('\n## CLI\n')[1]!.split('```')[1]!;
  const planOptions = ['--cost', '--engine', '--ram', '--max-overhead', '--max-instructions', '--max-latency'];
  const flags = new Map<string, Set<string>>();
  let command = '';
  for (const line of block.split('\n')) {
    command = /^msf (\w+|--)/.exec(line)?.[1] ?? command;
    if (!command) continue;
    const set = flags.get(command) ?? new Set<string>();
    flags.set(command, set);
    const usage = line.replace(/(\S)\s{3,}\S.*$/, '$1'); // the usage, not the description after it
    for (const [flag] of usage.matchAll(/--[a-z-]+/g)) set.add(flag);
    if (usage.includes('[plan options]')) for (const f of planOptions) set.add(f);
  }
  return flags;
}

describe('help and README', () => {
  it('README\'s usage block lists every option each command takes, and no other', () => {
    const documented = readmeFlags();
    const commands = buildProgram(() => {}).commands;
    expect(commands.map((c) => c.name()).sort()).toEqual([...documented.keys()].filter((k) => k !== '--').sort());
    for (const c of commands) expect([c.name(), [...documented.get(c.name())!].sort()]).toEqual([c.name(), c.options.map((o) => o.long!).sort()]);
  });
  it('commander\'s errors read like every other (msf: error: ...) and name the command\'s help; --json gets the bare message', async () => {
    const r = await runCli('plan', '--zzz');
    expect([r.code, r.stderr]).toEqual([2, "msf: error: unknown option '--zzz'\n(run `msf plan --help` for usage)\n"]);
    const j = await runCli('emit', '--cost', 'magic', '--json');
    expect(j.code).toBe(2);
    expect(JSON.parse(j.stdout).error).toEqual({ code: 'USAGE', message: expect.stringMatching(/^option '--cost <model>' argument 'magic' is invalid/) });
  });
});

describe('counts in the text report', () => {
  it('one of a kind is singular: "1 edge in place", "Pareto front (1 point)" (the ST audio ResNet, streamed)', async () => {
    const r = await runCli('plan', `${MORE}st_miniresnetv2_1stacks_64x50_esc10_int8.tflite`, '--stream', '--front');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^streaming {4}5 layers read a line buffer \(every row computed once\), 0 a column cache \(their producers recompute rows\); 1 edge in place$/m);
    expect(r.stdout).toMatch(/^Pareto front \(1 point\) — arena vs MACs \(streaming\):$/m);
  });
});

describe('msf run: messages that say what to do', () => {
  it('an --input of the wrong size names the file, the input and the size it needs (exit 3)', async () => {
    const file = join(scratch, 'short.bin');
    writeFileSync(file, new Uint8Array(1000));
    const r = await runCli('run', 'mcunet-vww5-r80', '--input', file);
    expect([r.code, r.stderr]).toEqual([3, `msf: error: --input ${file}: 1000 bytes but mcunet-vww5-r80 expects 19200 (80x80x3 int8) as input 0; give that tensor's raw bytes\n`]);
  });
  it('a float32 output says which int8 buffer it comes from: the one the total SRAM counts (the ST audio ResNet)', async () => {
    const r = await runCli('run', `${MORE}st_miniresnetv2_1stacks_64x50_esc10_int8.tflite`);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^total SRAM 113,162 B = arena 109,952 \+ input 3,200 B \+ output 10 B \(the caller's buffers\)$/m);
    expect(r.stdout).toMatch(/^output {5}1x10 float32, 40 B \(converted from the 10 B int8 output buffer\), sha256 [0-9a-f]{64}$/m);
  });
  it('an --arena too small for the plan says the arena the plan needs vs the one given, and both ways out work as written (exit 4, ARENA_OVERFLOW)', async () => {
    const args = ['run', 'mcunet-vww5-r80', '--max-overhead', '1.05'];
    const need = JSON.parse((await runCli(...args, '--json')).stdout).predictedPeakBytes as number;
    expect(need).toBe(32_552);
    const r = await runCli(...args, '--arena', '20k', '--json');
    expect(r.code).toBe(4);
    expect(JSON.parse(r.stdout).error).toEqual({
      code: 'ARENA_OVERFLOW',
      message: expect.stringMatching(
        /^--arena: arena overflow: tensor \d+ \(output of layer \d+\) needs [\d,]+ B but only 20,000 B are free in the 20,000 B arena; this plan needs at least 32,552 B: give --arena 32552 or more \(or no --arena: the arena is then the plan's peak\), or plan for 20,000 B with --ram 20000$/,
      ),
    });
    const bigger = await runCli(...args, '--arena', '32552');
    expect(bigger.code, bigger.stderr).toBe(0);
    const planned = await runCli('run', 'mcunet-vww5-r80', '--arena', '20k', '--ram', '20000', '--json');
    expect(planned.code, planned.stderr).toBe(0);
    expect(JSON.parse(planned.stdout).arenaBytes).toBe(20_000);
  });
  it('--stream with --arena says to drop it and what limits the arena instead (exit 2)', async () => {
    const r = await runCli('run', 'mcunet-vww5-r80', '--stream', '--arena', '64k');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--arena is not supported with --stream yet; drop --arena \(the arena is the streaming plan's predicted peak; --ram limits it\)/);
  });
});
