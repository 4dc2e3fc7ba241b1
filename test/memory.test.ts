// Total SRAM, the emitted code as built and the --mcu checks (issue #16): the stack of msf_model_run's
// worst call path from -fstack-usage, .text / .rodata / flash from the linked ELF, the fit that counts
// the measured stack where the code was built for the part and the allowance otherwise. Two builds:
// one for a Cortex-M4 (kept and re-read here), one with the host gcc through `msf emit`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { emitProgram, emitReadme } from '../src/emit/emit-c.js';
import { ELF, STACK_ROOT, measureCode } from '../src/emit/measure.js';
import { withSeededParams } from '../src/model/seeded.js';
import { DEFAULT_MODEL, zooModel } from '../src/model/zoo.js';
import { planModel } from '../src/plan/planner.js';
import type { CodeMeasure } from '../src/report/code.js';
import { MCU_RESERVE_BYTES, MCU_STACK_BYTES, mcuArenaBudget, sramFigures, sramFit, stackBudget } from '../src/report/memory.js';
import { mcuProfile } from '../src/runtime/mcu.js';
import '../src/runtime/wasm-node.js';
import { runCli } from './helpers/cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'msf-memory-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const grouped = (n: number) => n.toLocaleString('en-US');

/** Section sizes from the ELF's own section table (`readelf -S`), not from size(1). */
function sectionSizes(dir: string): Map<string, number> {
  const table = execFileSync('arm-none-eabi-readelf', ['-SW', ELF], { cwd: dir, encoding: 'utf8' });
  const sizes = new Map<string, number>();
  for (const m of table.matchAll(/\]\s+(\.\S+)\s+\S+\s+[0-9a-f]+\s+[0-9a-f]+\s+([0-9a-f]+)/g)) sizes.set(m[1]!, parseInt(m[2]!, 16));
  return sizes;
}

describe('the emitted code, built for a Cortex-M4 (arm-none-eabi-gcc)', () => {
  const m4 = mcuProfile('stm32f412zg');
  const model = withSeededParams(zooModel(DEFAULT_MODEL), 1);
  const { files, summary } = emitProgram(model, planModel(model).solution.blocks);
  const dir = join(scratch, 'm4');
  let code: CodeMeasure | undefined;
  const measured = () => {
    code ??= measureCode(files, { mcu: m4, dir });
    if (!code.built || code.stack.bytes === null) throw new Error(`not measured: ${JSON.stringify(code)}`);
    return { ...code, stack: code.stack };
  };

  it('stack: the worst call path from msf_model_run, each frame a -fstack-usage line, each step a call gcc recorded', () => {
    const c = measured();
    expect([c.compiler, c.core, c.flags]).toEqual(['arm-none-eabi-gcc', m4.core, ['-std=c99', '-O2', '-mcpu=cortex-m4', '-mthumb', '-ffunction-sections', '-fdata-sections', '-Wl,--gc-sections']]);
    const su = readdirSync(dir).filter((f) => f.endsWith('.su')).flatMap((f) => readFileSync(join(dir, f), 'utf8').trim().split('\n'));
    const frame = (location: string, fn: string) => {
      const line = su.find((l) => l.startsWith(`${location}:${fn}\t`));
      expect(line, `${location}:${fn}`).toBeDefined();
      return Number(line!.split('\t')[1]);
    };
    const path = c.stack.path;
    expect(path[0]!.function).toBe(STACK_ROOT);
    expect(path.length).toBeGreaterThan(3); // run -> block walker -> dispatch -> a kernel
    expect(c.stack.bytes).toBeGreaterThan(0);
    expect(c.stack.bytes).toBe(path.reduce((a, p) => a + frame(p.location, p.function), 0));
    const ci = readdirSync(dir).filter((f) => f.endsWith('.ci')).map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
    const title = (p: (typeof path)[number]) => (ci.includes(`title: "${p.location.split(':')[0]}:${p.function}"`) ? `${p.location.split(':')[0]}:${p.function}` : p.function);
    for (let i = 1; i < path.length; i++)
      expect(ci, `${path[i - 1]!.function} calls ${path[i]!.function}`).toContain(`sourcename: "${title(path[i - 1]!)}" targetname: "${title(path[i]!)}"`);
    // No frame is dynamic; the memcpy family is named as not counted.
    expect(su.every((l) => l.endsWith('\tstatic'))).toBe(true);
    expect(c.stack.notCounted).toContain('memcpy');
    // The allowance used where nothing is built covers it, and even every frame reachable from the
    // root summed (every path at once; the streamed walker, which an ordinary plan never calls, aside).
    const frames = new Map<string, number>();
    const callees = new Map<string, string[]>();
    for (const line of ci.split('\n')) {
      const n = /^node: \{ title: "([^"]+)" label: "[^"]*?\\n[^"]*?\\n(\d+) bytes/.exec(line);
      if (n) frames.set(n[1]!, Number(n[2]));
      const e = /^edge: \{ sourcename: "([^"]+)" targetname: "([^"]+)"/.exec(line);
      if (e) callees.set(e[1]!, [...(callees.get(e[1]!) ?? []), e[2]!]);
    }
    expect(frames.size).toBe(su.length);
    const reachable = new Set([STACK_ROOT]);
    for (const f of reachable) for (const g of callees.get(f) ?? []) reachable.add(g);
    expect(reachable.has('msf_run_stream')).toBe(false);
    expect([...reachable].reduce((a, f) => a + (frames.get(f) ?? 0), 0)).toBeLessThanOrEqual(MCU_STACK_BYTES);
  }, 120_000);

  it('.text and .rodata are the ELF section table\'s; flash holds both; .bss holds the arena', () => {
    const c = measured();
    const sections = sectionSizes(dir);
    expect(c.size.textBytes).toBe(sections.get('.text'));
    expect(c.size.rodataBytes).toBe(sections.get('.rodata'));
    expect(c.size.textBytes).toBeGreaterThan(1000);
    expect(c.size.rodataBytes).toBeGreaterThanOrEqual(summary.flashBytes - 4096); // the weights are in it
    expect(c.size.flashBytes).toBeGreaterThanOrEqual(c.size.textBytes + c.size.rodataBytes);
    expect(c.size.bssBytes).toBeGreaterThanOrEqual(summary.arenaBytes);
    expect(c.size.bssBytes).toBeLessThan(summary.arenaBytes + 64);
  }, 120_000);

  it('the --mcu fit counts the measured stack for the part it was built for, the allowance for any other (saying why)', () => {
    const c = measured();
    expect(stackBudget(c, m4)).toEqual({ bytes: c.stack.bytes, source: 'measured' });
    const rp2040 = mcuProfile('rp2040');
    const other = stackBudget(c, rp2040);
    expect(other).toMatchObject({ bytes: MCU_STACK_BYTES, source: 'allowance' });
    expect(other.why).toContain('Cortex-M0+');
    const fit = sramFit(m4, model, summary.arenaBytes, stackBudget(c, m4));
    expect(fit.neededBytes).toBe(sramFigures(model, summary.arenaBytes).totalSramBytes + c.stack.bytes + MCU_RESERVE_BYTES);
    expect(fit.fits).toBe(fit.neededBytes <= m4.sramBytes);
    // The emitted README states the measured stack beside the total, and the .text.
    const readme = emitReadme(model, summary, { code: c });
    expect(readme).toContain(`worst call path; not in the total) | ${grouped(c.stack.bytes)} B (-fstack-usage, worst call path msf_model_run > `);
    expect(readme).toContain(`| ${grouped(c.size.textBytes)} B |`);
    expect(readme).toContain(`| total SRAM (arena + the input and output buffers, which the caller owns) | ${grouped(sramFigures(model, summary.arenaBytes).totalSramBytes)} B |`);
  }, 120_000);

  it('without a compiler the figures say "not built", never a number; the README and the fit say so', () => {
    const path = process.env.PATH;
    process.env.PATH = join(scratch, 'no-such-bin');
    let none: CodeMeasure;
    try {
      none = measureCode(files, { mcu: m4 });
    } finally {
      process.env.PATH = path;
    }
    expect(none).toEqual({ built: false, reason: 'no C compiler found (tried arm-none-eabi-gcc, gcc)' });
    expect(stackBudget(none, m4)).toEqual({ bytes: MCU_STACK_BYTES, source: 'allowance', why: 'not built: no C compiler found (tried arm-none-eabi-gcc, gcc)' });
    expect(emitReadme(model, summary, { code: none })).toMatch(/\| stack \| not built \(no C compiler found.*\); `--mcu` checks allow 4,096 B/);
  });
});

describe('msf emit measures with the host gcc when the part has no cross compiler', () => {
  it('--json: code built with gcc, stack and .text reported; the ESP32 fit uses the allowance and says why', async () => {
    const out = join(scratch, 'host');
    const report = join(scratch, 'host.html');
    const r = await runCli('emit', 'mcunet-vww5-r80', '--mcu', 'esp32', '--no-test-data', '--json', '--out', out, '--report', report);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as {
      schemaVersion: number; arenaBytes: number; totalSramBytes: number; flashBytes: number;
      code: { built: boolean; compiler: string; core: null; flags: string[]; textBytes: number; flashBytes: number; stackBytes: number; stackPath: { bytes: number }[] };
      fit: { stackBytes: number; stackSource: string; stackWhy: string; neededBytes: number; reserveBytes: number };
    };
    expect(j.schemaVersion).toBe(2);
    expect(j.code).toMatchObject({ built: true, compiler: 'gcc', core: null });
    expect(j.code.flags).toContain('-mno-red-zone');
    expect(j.code.stackBytes).toBe(j.code.stackPath.reduce((a, p) => a + p.bytes, 0));
    expect(j.code.stackBytes).toBeGreaterThan(0);
    expect(j.code.textBytes).toBeGreaterThan(1000);
    expect(j.fit).toMatchObject({ stackBytes: MCU_STACK_BYTES, stackSource: 'allowance', reserveBytes: MCU_RESERVE_BYTES });
    expect(j.fit.stackWhy).toMatch(/built with gcc for x86_64.*not for the ESP32.*Xtensa LX6/);
    expect(j.fit.neededBytes).toBe(j.totalSramBytes + MCU_STACK_BYTES + MCU_RESERVE_BYTES);
    const readme = readFileSync(join(out, 'README.md'), 'utf8');
    expect(readme).toContain(`| ${grouped(j.code.stackBytes)} B (-fstack-usage`);
    expect(readme).toContain(`| ${grouped(j.code.textBytes)} B |`);
    // The HTML report (--report) has the same figures as cards: stack, .text, the ESP32's SRAM check.
    const html = readFileSync(report, 'utf8');
    const card = (k: string) => new RegExp(`<div class="k">${k}</div><div class="v">([^<]+)</div><div class="d">([^<]+)</div>`).exec(html)?.slice(1);
    expect(card('stack')).toEqual([`${grouped(j.code.stackBytes)} B`, expect.stringContaining("msf_model_run&#39;s worst call path")]);
    expect(card('code \\(.text\\)')?.[0]).toBe(`${grouped(j.code.textBytes)} B`);
    expect(card('SRAM on the ESP32 \\(WROOM-32, 4 MB flash\\)')).toEqual([`${grouped(j.fit.neededBytes)} B`, `of 532,480 B: total SRAM + stack 4,096 B (allowance) + reserve 2,048 B`]);
    expect(card('flash')?.[0]).toBe(`${grouped(j.flashBytes)} B`);
    expect(html).toContain('Generated by msf-cnn (msf emit --report).');
  }, 120_000);

  it('--no-build: text output says not built and which stack the fit counted', async () => {
    const out = join(scratch, 'nobuild');
    const r = await runCli('emit', 'mcunet-vww5-r80', '--mcu', 'stm32f412zg', '--no-build', '--no-test-data', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('code       not built (--no-build)');
    expect(r.stdout).toMatch(/fits the STM32F412ZG: total SRAM [\d,]+ B \(arena [\d,]+ \+ input 19,200 \+ output [\d,]+\) \+ stack 4,096 B \(allowance; not built: --no-build\) \+ reserve 2,048 B = [\d,]+ B of 262,144 B SRAM/);
    expect(readFileSync(join(out, 'README.md'), 'utf8')).toContain('| stack | not built (written without compiling: `msf emit` measures it unless `--no-build`); `--mcu` checks allow 4,096 B; not in the total |');
  });
});

describe('msf run --mcu', () => {
  it('builds no C, so its fit counts the allowance and says so', async () => {
    const r = await runCli('run', 'mcunet-vww5-r80', '--mcu', 'stm32f412zg', '--json');
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { totalSramBytes: number; fit: Record<string, unknown> };
    expect(j.fit).toMatchObject({ mcu: 'stm32f412zg', stackBytes: MCU_STACK_BYTES, stackSource: 'allowance', stackWhy: 'no C was built', neededBytes: j.totalSramBytes + MCU_STACK_BYTES + MCU_RESERVE_BYTES, fits: true });
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
