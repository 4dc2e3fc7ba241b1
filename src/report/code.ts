/**
 * The emitted C as built (src/emit/measure.ts): code and flash from the linked ELF's sections, the
 * stack of `msf_model_run`'s worst call path from `-fstack-usage`, or why it was not built. Every
 * report (the CLI's text and JSON, the emitted README, the HTML report) states it the same way; the
 * stack is beside the total SRAM, never inside it. No Node built-ins: the web page renders it too.
 */
import type { StackFigure } from '../emit/stack-usage.js';
import { groupDigits } from './digits.js';

/** Bytes of the linked ELF (`size -A` / `size -B`): what the emitted code puts in flash and RAM. */
export interface CodeSize {
  /** The `.text` section: machine code of msf_model_run and everything it calls. */
  textBytes: number;
  /** The `.rodata` section: weights, quantisation, layer tables. */
  rodataBytes: number;
  /** Berkeley `data` (initialised writable data: its initial values sit in flash too). */
  dataBytes: number;
  /** Berkeley `bss`: the static arena and other zeroed data. */
  bssBytes: number;
  /** Berkeley `text` + `data`: everything the code keeps in flash. */
  flashBytes: number;
}

export type CodeMeasure =
  | {
      built: true;
      /** The compiler run (`arm-none-eabi-gcc`, `gcc`, ...), its version and `-dumpmachine`. */
      compiler: string;
      version: string;
      machine: string;
      /** The --mcu core it was built for (McuProfile.core), null for the host. */
      core: string | null;
      flags: string[];
      size: CodeSize;
      stack: StackFigure;
    }
  | { built: false; reason: string };

const f = groupDigits;

function built(code: Extract<CodeMeasure, { built: true }>): string {
  return `${code.compiler} ${code.version} (${code.machine}${code.core ? `, ${code.core}` : ', host'})`;
}

/** The stack, one phrase: the figure and its call path, or why there is none. */
export function stackPhrase(code: CodeMeasure): string {
  if (!code.built) return 'not built';
  const s = code.stack;
  if (s.bytes === null) return `not measured: ${s.reason}`;
  const path = s.path.map((p) => p.function).join(' > ');
  return `${f(s.bytes)} B (-fstack-usage, worst call path ${path}${s.notCounted.length ? `; calls outside the emitted code not counted: ${s.notCounted.join(', ')}` : ''})`;
}

/** The CLI's lines about the built code. */
export function codeLines(code: CodeMeasure): string[] {
  if (!code.built) return [`code       not built (${code.reason})`];
  const z = code.size;
  return [
    `code       built with ${built(code)} ${code.flags.join(' ')}`,
    `           .text ${f(z.textBytes)} B, .rodata ${f(z.rodataBytes)} B; flash ${f(z.flashBytes)} B (text + data of the linked ELF), .bss ${f(z.bssBytes)} B`,
    `stack      ${stackPhrase(code)}; not in the total SRAM`,
  ];
}

/** The emitted README's table rows; without a build (library emitC, the web page, `msf emit --no-build`) they say so. */
export function codeReadmeRows(code: CodeMeasure | undefined, allowanceBytes: number): string[] {
  if (!code || !code.built) {
    const why = code ? `not built (${code.reason})` : 'not built (written without compiling: `msf emit` measures it unless `--no-build`)';
    return [`| stack | ${why}; \`--mcu\` checks allow ${f(allowanceBytes)} B; not in the total |`, `| code (\`.text\`) | ${why} |`];
  }
  const z = code.size;
  return [
    `| stack (\`msf_model_run\`'s worst call path; not in the total) | ${stackPhrase(code)} |`,
    `| code (\`.text\` of the linked code; functions no path calls are dropped) | ${f(z.textBytes)} B |`,
    `| flash of the linked code (\`.text\`, \`.rodata\` ${f(z.rodataBytes)} B, initialised data) | ${f(z.flashBytes)} B |`,
    `| built with | ${built(code)} \`${code.flags.join(' ')}\` |`,
  ];
}

/** The JSON `code` field (README, "JSON output"). */
export function codeJson(code: CodeMeasure): Record<string, unknown> {
  if (!code.built) return { built: false, reason: code.reason };
  const s = code.stack;
  return {
    built: true, compiler: code.compiler, version: code.version, machine: code.machine, core: code.core, flags: code.flags,
    ...code.size,
    stackBytes: s.bytes,
    ...(s.bytes === null ? { stackReason: s.reason } : { stackPath: s.path, notCounted: s.notCounted }),
  };
}
