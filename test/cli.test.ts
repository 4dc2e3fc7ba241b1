// The `msf` command: output formats, size parsing, and bad input -> documented exit code + message.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSize } from '../src/plan/size.js';
import { runCli } from './helpers/cli.js';
import { conv, dw, pool } from './helpers/chain-layers.js';

const dir = mkdtempSync(join(tmpdir(), 'msf-cli-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
/** A sparse file of `bytes` (no disk space used). */
const sparseFile = (name: string, bytes: number) => {
  const p = join(dir, name);
  truncateSync(file(name, ''), bytes);
  return p;
};
const tiny = {
  name: 'tiny',
  input: [96, 96, 3],
  layers: [conv(16, 3, 2), dw(3, 1), conv(8, 1, 1), pool('avg_pool2d', 2, 2)],
};

describe('size parsing', () => {
  it.each([
    ['65536', 65536],
    ['64k', 64000],
    ['64kB', 64000],
    ['64KB', 64000],
    ['64KiB', 65536],
    ['1MiB', 1048576],
    ['0.5k', 500],
  ])('%s = %d bytes', (text, bytes) => expect(parseSize(text)).toBe(bytes));
  it.each(['12q', '', 'k', '-5', '0', '1.5', '64 KiBs'])('"%s" is a usage error', (text) => {
    expect(() => parseSize(text)).toThrow(/--ram/);
  });
});

describe('msf plan', () => {
  it('the README example: minimum-RAM point of mbv2 is 7,788 B at 35,453,362 MACs (exact cost model, the default)', async () => {
    const { code, stdout } = await runCli('plan', 'mbv2-w0.35-r144', '--front');
    expect(code).toBe(0);
    expect(stdout).toMatch(/cost model: exact/);
    expect(stdout).toMatch(/arena\s+7,788 B/);
    expect(stdout).toMatch(/total SRAM\s+81,196 B = arena \+ input 62,208 B \+ output 11,200 B/);
    expect(stdout).toMatch(/Pareto front \(18 points\)/);
    expect(stdout).toMatch(/^\s+7,788\s+35,453,362\s+x1\.8749/m);
    expect(stdout).toMatch(/<- peak/);
  });
  it('the paper\'s accounting on request: 7,887 B at 31,758,160 MACs, as published', async () => {
    const { stdout } = await runCli('plan', 'mbv2-w0.35-r144', '--cost', 'paper', '--front');
    expect(stdout).toMatch(/arena\s+7,887 B/);
    expect(stdout).toMatch(/Pareto front \(21 points\)/);
    expect(stdout).toMatch(/^\s+7,887\s+31,758,160\s+x1\.6795/m);
  });
  it('--front --json lists the whole front, ascending peak, strictly descending MACs', async () => {
    const { stdout } = await runCli('plan', 'mcunet-vww5-r80', '--front', '--json');
    const j = JSON.parse(stdout);
    expect(j.costModel).toBe('exact');
    expect(j.front[0]).toMatchObject({ peakBytes: 12000, macs: 26688896 });
    for (let i = 1; i < j.front.length; i++) {
      expect(j.front[i].peakBytes).toBeGreaterThan(j.front[i - 1].peakBytes);
      expect(j.front[i].macs).toBeLessThan(j.front[i - 1].macs);
    }
    expect(j.front.at(-1).macs).toBe(j.baselineMacs);
  });
  it('both --ram and --max-overhead: P1 within the RAM limit', async () => {
    const ok = await runCli('plan', 'mbv2-w0.35-r144', '--cost', 'paper', '--max-overhead', '1.3', '--ram', '64k', '--json');
    expect(JSON.parse(ok.stdout).solution.peakBytes).toBe(21288);
    const bad = await runCli('plan', 'mbv2-w0.35-r144', '--cost', 'paper', '--max-overhead', '1.1', '--ram', '64k', '--json');
    expect(bad.code).toBe(4);
    expect(JSON.parse(bad.stdout).error.message).toMatch(/smallest peak within that overhead is 67,905 B/);
  });
  it('a chain JSON file plans', async () => {
    const { code, stdout } = await runCli('plan', file('tiny.json', JSON.stringify(tiny)), '--json');
    expect(code).toBe(0);
    const j = JSON.parse(stdout);
    expect(j.model).toBe('tiny');
    expect(j.layers).toBe(4);
    expect(j.solution.peakBytes).toBeLessThanOrEqual(j.vanilla.peakBytes);
  });
  it('--max-overhead below 1 is infeasible and names the best reachable overhead', async () => {
    const { code, stderr } = await runCli('plan', 'mbv2-w0.35-r144', '--max-overhead', '0.9');
    expect(code).toBe(4);
    expect(stderr).toMatch(/smallest reachable overhead is 1\.0000/);
  });
  it('without a model it plans the embedded default, mbv2-w0.35-r144', async () => {
    const { code, stdout } = await runCli('plan', '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ model: 'mbv2-w0.35-r144', costModel: 'exact', solution: { peakBytes: 7788 } });
  });
  it('zoo lists the three models with layer counts and figures', async () => {
    const { code, stdout } = await runCli('zoo');
    expect(code).toBe(0);
    expect(stdout).toMatch(/mbv2-w0\.35-r144\s+53\s+144x144x3\s+18,909,490\s+194,400/);
    expect(stdout).toMatch(/mcunet-vww5-r80\s+45\s+80x80x3\s+11,578,496\s+96,000/);
    expect(stdout).toMatch(/mcunet-320kb-r176\s+54\s+176x176x3\s+81,625,520\s+309,760/);
  });
});

describe('bad input: documented exit code and a message that names the problem', () => {
  const bad = (name: string, text: string) => file(name, text);
  it.each([
    ['malformed JSON', () => ['plan', bad('broken.json', '{"input": [8,8,3], "layers": [')], 3, /not valid JSON/],
    ['unknown op', () => ['plan', bad('op.json', JSON.stringify({ ...tiny, layers: [{ op: 'conv3d', kernel: 3 }] }))], 3, /layer 0 .*unknown op "conv3d"/],
    ['kernel larger than the padded input', () => ['plan', bad('big.json', JSON.stringify({ input: [4, 4, 3], layers: [{ op: 'conv2d', filters: 4, kernel: 7, stride: 1, padding: 0 }] }))], 3, /layer 0 .*kernel 7x7 is larger than the padded input 4x4/],
    ['non-positive size', () => ['plan', bad('neg.json', JSON.stringify({ input: [8, 0, 3], layers: tiny.layers }))], 3, /input: "W" must be a positive integer/],
    ['non-integer value', () => ['plan', bad('frac.json', JSON.stringify({ input: [8, 8, 3], layers: [{ op: 'conv2d', filters: 2.5, kernel: 1 }] }))], 3, /layer 0 .*"filters" must be a positive integer, got 2\.5/],
    ['missing filters', () => ['plan', bad('nofilters.json', JSON.stringify({ input: [8, 8, 3], layers: [{ op: 'conv2d', kernel: 1 }] }))], 3, /"filters" must be a positive integer, got undefined/],
    ['empty layers', () => ['plan', bad('empty.json', JSON.stringify({ input: [8, 8, 3], layers: [] }))], 3, /layers: must be a non-empty array/],
    ['unknown zoo id', () => ['plan', 'mobilenet-v9'], 3, /unknown zoo model "mobilenet-v9".*mbv2-w0\.35-r144/],
    ['file not found', () => ['plan', join(dir, 'nope.json')], 3, /nope\.json: file not found/],
    ['bad --ram', () => ['plan', 'mbv2-w0.35-r144', '--ram', '12q'], 2, /--ram: cannot read "12q"/],
    ['bad --max-overhead', () => ['plan', 'mbv2-w0.35-r144', '--max-overhead', 'lots'], 2, /--max-overhead: cannot read "lots"/],
    ['bad --cost', () => ['plan', 'mbv2-w0.35-r144', '--cost', 'magic'], 2, /magic/],
    ['unknown option', () => ['plan', 'mbv2-w0.35-r144', '--frnot'], 2, /unknown option '--frnot'/],
    ['extra argument', () => ['plan', 'mbv2-w0.35-r144', 'extra'], 2, /too many arguments/],
    ['infeasible RAM budget', () => ['plan', 'mcunet-320kb-r176', '--ram', '16k'], 4, /smallest reachable peak is 41,896 B/],
    ['a RAM budget with --max-overhead inf', () => ['plan', 'mcunet-vww5-r80', '--ram', '1k', '--max-overhead', 'inf'], 4, /^msf: error: no plan fits in 1,000 B: the smallest reachable peak is 12,000 B \(at [\d,]+ MACs\); give --ram 12000 or more\n$/],
    ['--report into a missing directory', () => ['plan', 'mcunet-vww5-r80', '--report', join(dir, 'no-dir', 'r.html')], 2, /--report: cannot write .*no-dir.*ENOENT/],
    ['--out below a file', () => ['emit', 'mcunet-vww5-r80', '--out', join(bad('plain.txt', 'x'), 'c')], 2, /--out: .*plain\.txt exists and is not a directory/],
    // Node's recursive mkdir never returns under /proc; the CLI's own walk fails at once.
    ['a model file over the size limit', () => ['plan', sparseFile('huge.tflite', 300 * 2 ** 20)], 3, /huge\.tflite: 314572800 bytes; model files larger than 268435456 bytes are refused/],
    ['a device as the model', () => ['plan', '/dev/zero'], 3, /\/dev\/zero: not a regular file/],
    ['a device as --input', () => ['run', 'mcunet-vww5-r80', '--input', '/dev/zero'], 2, /--input: \/dev\/zero is not a regular file/],
    ['--out under /proc', () => ['emit', 'mcunet-vww5-r80', '--out', '/proc/msf-nope/c'], 2, /--out: cannot create the directory \/proc\/msf-nope/],
  ])('%s', async (_what, args, exitCode, message) => {
    const { code, stderr } = await runCli(...(args as () => string[])());
    expect(code).toBe(exitCode);
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
  it('--json errors are JSON with the code', async () => {
    const { code, stdout } = await runCli('plan', 'nope-model', '--json');
    expect(code).toBe(3);
    expect(JSON.parse(stdout)).toEqual({ schemaVersion: 2, error: { code: 'MODEL', message: expect.stringMatching(/unknown zoo model/) } });
  });
});

describe('the installed bin', () => {
  it('runs as a process and exits with the documented codes', () => {
    const bin = join(import.meta.dirname, '..', 'bin', 'msf.js');
    const out = execFileSync(process.execPath, [bin, 'plan', 'mcunet-vww5-r80', '--json'], { encoding: 'utf8' });
    expect(JSON.parse(out).solution.peakBytes).toBe(12000);
    const bad = spawnSync(process.execPath, [bin, 'plan', 'mbv2-w0.35-r144', '--ram', '12q'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/cannot read "12q"/);
    const inf = spawnSync(process.execPath, [bin, 'plan', 'mcunet-320kb-r176', '--ram', '32kB'], { encoding: 'utf8' });
    expect(inf.status).toBe(4);
    // A reader that stops early (`| head`): 187 kB of output into a closed pipe ends quietly, no EPIPE stack trace.
    const piped = spawnSync('sh', ['-c', `"${process.execPath}" "${bin}" gen mobilenet-like --layers 3000 | head -c 10 >/dev/null`], { encoding: 'utf8' });
    expect([piped.status, piped.stderr]).toEqual([0, '']);
  });
});

describe('digit grouping (the CLI does not load ICU at start)', () => {
  it('prints integers and decimals as toLocaleString(\'en-US\') does', async () => {
    const { groupDigits } = await import('../src/report/digits.js');
    const values = [0, 7, 999, 1000, 65536, 1234567, -1234, 0.5, 1234.5678, 9007199254740991];
    for (let i = 0; i < 200; i++) values.push(Math.floor(Math.random() * 10 ** (i % 15)) * (i % 3 ? 1 : -1) + 0); // + 0: no -0
    for (const v of values) expect(groupDigits(v)).toBe(v.toLocaleString('en-US'));
  });
});
