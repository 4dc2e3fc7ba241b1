/**
 * Builds the emitted C and measures it (Node only): `.text`, `.rodata` and flash of the linked code,
 * and the worst-case stack of `msf_model_run`'s call tree (stack-usage.ts over gcc's `-fstack-usage`
 * and `-fcallgraph-info=su` files). The compiler is the --mcu part's cross compiler
 * (`arm-none-eabi-gcc -mcpu=...` for Arm cores, `riscv64-unknown-elf-gcc -march=...` for RISC-V),
 * else the host's `gcc`; the result names it, and says "not built" (with why) when none is found or
 * the build fails — never a made-up figure.
 *
 * Flags: the emitted README's `-std=c99 -O2`, plus `-ffunction-sections -fdata-sections` and a link
 * with `--gc-sections` from the two entry points, so the ELF holds what a firmware links (kernels
 * no path calls are dropped). The link takes no C library (`-nostdlib`, unresolved memcpy & co.
 * allowed): the figures are the emitted code's own. On x86-64 hosts `-mno-red-zone`, because a leaf
 * function's red zone is stack that -fstack-usage does not count.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CodeMeasure, CodeSize } from '../report/code.js';
import type { McuProfile } from '../runtime/mcu.js';
import { HARNESS_FILE } from './c-sources.js';
import { type StackUnit, worstStack } from './stack-usage.js';

export const STACK_ROOT = 'msf_model_run';
export const ELF = 'msf_model.elf';
const ENTRIES = [STACK_ROOT, 'msf_model_run_with_arena'];
/** The emitted README's flags (BUILD in emit-c.ts). */
export const BASE_FLAGS: readonly string[] = ['-std=c99', '-O2'];
/** What a firmware build adds so that the linker drops unused functions (they shape the sizes: reported). */
const SECTION_FLAGS = ['-ffunction-sections', '-fdata-sections'];
const GC = '-Wl,--gc-sections';
/** Reports only: the frames and the call graph, written beside each object. */
const STACK_FLAGS = ['-fstack-usage', '-fcallgraph-info=su'];
const LINK_FLAGS = ['-nostdlib', GC, ...ENTRIES.map((e, i) => (i === 0 ? `-Wl,-e,${e}` : `-Wl,-u,${e}`)), '-Wl,--unresolved-symbols=ignore-all'];
const HOST_COMPILERS = ['gcc'];
const TIMEOUT_MS = 180_000;

export interface MeasureOptions {
  /** Build for this part's core (its cross compiler), else the host. */
  mcu?: McuProfile;
  /** Build here and keep the files (objects, .su, .ci, msf_model.elf); default: a temporary directory, removed. */
  dir?: string;
}

interface Toolchain {
  compiler: string;
  flags: string[];
  compileFlags: readonly string[];
  core: string | null;
}

/** Compiles and links the emitted files, then reads the ELF's sizes and the stack. */
export function measureCode(files: ReadonlyMap<string, string>, options: MeasureOptions = {}): CodeMeasure {
  const chosen = chooseToolchain(options.mcu);
  if (typeof chosen === 'string') return { built: false, reason: chosen };
  const { tool, machine, version } = chosen;
  const size = tool.compiler.replace(/gcc$/, 'size');
  if (!runs(size)) return { built: false, reason: `${size} not found (the binutils of ${tool.compiler})` };
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'msf-measure-'));
  mkdirSync(dir, { recursive: true });
  try {
    for (const [name, text] of files) writeFileSync(join(dir, name), text);
    const sources = [...files.keys()].filter((n) => n.endsWith('.c') && n !== HARNESS_FILE);
    const flags = [...BASE_FLAGS, ...tool.flags];
    try {
      run(tool.compiler, [...flags, ...tool.compileFlags, ...SECTION_FLAGS, ...STACK_FLAGS, '-c', ...sources], dir);
      run(tool.compiler, [...flags, ...LINK_FLAGS, '-o', ELF, ...sources.map((s) => s.replace(/\.c$/, '.o'))], dir);
    } catch (e) {
      return { built: false, reason: `${tool.compiler} failed: ${firstLines(e)}` };
    }
    const units: StackUnit[] = sources.map((s) => ({ su: readFileSync(join(dir, s.replace(/\.c$/, '.su')), 'utf8'), ci: readFileSync(join(dir, s.replace(/\.c$/, '.ci')), 'utf8') }));
    return {
      built: true, compiler: tool.compiler, version, machine, core: tool.core, flags: [...flags, ...tool.compileFlags, ...SECTION_FLAGS, GC],
      size: elfSize(run(size, ['-A', ELF], dir), run(size, ['-B', ELF], dir)),
      stack: worstStack(units, STACK_ROOT),
    };
  } finally {
    if (!options.dir) rmSync(dir, { recursive: true, force: true });
  }
}

/** The part's cross compiler when installed, else the host gcc; a string says why there is none. */
function chooseToolchain(mcu: McuProfile | undefined): { tool: Toolchain; machine: string; version: string } | string {
  const candidates: Toolchain[] = [];
  if (mcu?.cc) candidates.push({ compiler: mcu.cc.compiler, flags: [...mcu.cc.flags], compileFlags: mcu.cc.compileFlags ?? [], core: mcu.core });
  for (const cc of HOST_COMPILERS) candidates.push({ compiler: cc, flags: [], compileFlags: [], core: null });
  for (const tool of candidates) {
    if (!runs(tool.compiler)) continue;
    const machine = run(tool.compiler, ['-dumpmachine']).trim();
    const version = run(tool.compiler, ['-dumpfullversion']).trim();
    if (tool.core === null && /^x86_64/.test(machine)) tool.flags.push('-mno-red-zone');
    return { tool, machine, version };
  }
  return `no C compiler found (tried ${candidates.map((t) => t.compiler).join(', ')})`;
}

function runs(command: string): boolean {
  try {
    execFileSync(command, ['--version'], { stdio: 'ignore', timeout: TIMEOUT_MS });
    return true;
  } catch {
    return false;
  }
}

function run(command: string, args: string[], cwd?: string): string {
  return execFileSync(command, args, { cwd, encoding: 'utf8', timeout: TIMEOUT_MS, maxBuffer: 16 << 20, stdio: ['ignore', 'pipe', 'pipe'] });
}

function firstLines(e: unknown): string {
  const err = e as { stderr?: string; message?: string };
  return (err.stderr || err.message || String(e)).trim().split('\n').slice(0, 3).join(' / ');
}

/** `size -A` (per section) and `size -B` (Berkeley text / data / bss) of the ELF. */
function elfSize(sysv: string, berkeley: string): CodeSize {
  const section = (name: string) => Number(new RegExp(`^\\${name}\\s+(\\d+)`, 'm').exec(sysv)?.[1] ?? 0);
  const row = berkeley.trim().split('\n')[1]?.trim().split(/\s+/).map(Number);
  if (!row || row.length < 3 || row.slice(0, 3).some((n) => !Number.isFinite(n))) throw new Error(`internal: unexpected size -B output "${berkeley}"`);
  const [text, data, bss] = row as [number, number, number];
  return { textBytes: section('.text'), rodataBytes: section('.rodata'), dataBytes: data, bssBytes: bss, flashBytes: text + data };
}
