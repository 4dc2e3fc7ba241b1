// Every TypeScript mirror of a Wasm layout is generated (scripts/mirrors.mjs, run by
// scripts/build-wasm.mjs) and agrees with what it mirrors: the AssemblyScript source, the running
// search module's workspace, and the C library's operator codes and layer struct.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MIRRORS, generateMirrors } from '../scripts/mirrors.mjs';
import * as search from '../src/plan/search-layout.js';
import type { SearchExports } from '../src/plan/solver-wasm.js';
import * as desc from '../src/runtime/desc.js';
import * as program from '../src/runtime/program.js';
import { WasmAborts } from '../src/runtime/wasm-aborts.js';
import { loadWasmSync } from '../src/runtime/wasm-node.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');
const modules: Record<string, Record<string, unknown>> = {
  'src/plan/search-layout.ts': search,
  'src/runtime/program.ts': program,
  'src/runtime/desc-layout.ts': desc,
};

describe('generated mirrors', () => {
  it('every mirror file is what scripts/mirrors.mjs generates from its AssemblyScript source', () => {
    const generated = generateMirrors(root);
    expect(generated.map((g) => g.path).sort()).toEqual(Object.keys(modules).sort());
    for (const { path, text } of generated) expect(read(path), `${path} is stale: run npm run build:wasm`).toBe(text);
  });

  it.each(MIRRORS.map((m) => [m.from, m] as const))('%s: every mirrored constant has its value in TypeScript', (_from, m) => {
    const consts = [...read(m.from).matchAll(/^export const (\w+): i32 = (-?\d+);/gm)].filter(
      ([, name]) => m.prefixes.some((p) => name!.startsWith(p)) || (m.names ?? []).includes(name!),
    );
    expect(consts.length).toBeGreaterThan(5);
    const mirror = modules[m.to]!;
    for (const [, name, value] of consts) expect([name, mirror[name!]]).toEqual([name, Number(value)]);
  });

  it('the search module lays its arrays out as the mirror says (group, element bytes)', () => {
    const aborts = new WasmAborts();
    const { exports } = loadWasmSync<Omit<SearchExports, 'memory' | '__getString'>>('search', aborts.imports);
    const x = exports as unknown as SearchExports & { memory: WebAssembly.Memory };
    x.prepareLayers(100);
    x.prepareTable(100, 1000);
    const dir = new Uint32Array(x.memory.buffer, x.directory(), 1 + search.GROUPS + search.ARRAYS);
    expect(search.ARRAY_GROUP.length).toBe(search.ARRAYS);
    expect(search.ARRAY_BYTES.length).toBe(search.ARRAYS);
    // Arrays of one group are laid end to end in id order: each starts where the previous one ends.
    for (let g = 0; g < search.GROUPS; g++) {
      const cap = dir[1 + g]!;
      const ids = search.ARRAY_GROUP.flatMap((group, a) => (group === g ? [a] : []));
      for (let i = 1; i < ids.length; i++) {
        const [a, b] = [ids[i - 1]!, ids[i]!];
        expect(dir[1 + search.GROUPS + b]! - dir[1 + search.GROUPS + a]!, `arrays ${a} -> ${b}`).toBe(cap * search.ARRAY_BYTES[a]!);
      }
    }
  });

  it("the C library's operator codes and layer struct are the descriptor mirror's (for the operators it implements)", () => {
    const h = read('src/emit/c/msf_kernels.h');
    const defines = [...h.matchAll(/^#define MSF_OP_(\w+) (\d+)$/gm)].map(([, name, v]) => [name!, Number(v)] as const);
    expect(defines.length).toBeGreaterThan(8);
    const codeOf = new Map(Object.entries(desc.OP_NAMES).map(([code, name]) => [name, Number(code)]));
    expect(defines.map(([name]) => [name, codeOf.get(name)])).toEqual(defines);
    const struct = /typedef struct msf_layer \{([\s\S]*?)\} msf_layer;/.exec(h)![1]!.replace(/\/\*[\s\S]*?\*\//g, '');
    const members = [...struct.matchAll(/(\w+)\s*[,;]/g)].map((m) => m[1]!);
    expect(members.length).toBeGreaterThan(25);
    const fields = new Set(Object.keys(desc.DESC_FIELDS).map((key) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)));
    // kernel_sum: the fast kernels' folded input offset; rq: each output channel's requantisation
    // constants (requantTable). Both computed by the emitter, not descriptor fields.
    const emitterOnly = new Set(['kernel_sum', 'rq']);
    expect(members.filter((m) => !fields.has(m) && !emitterOnly.has(m))).toEqual([]);
    for (const m of emitterOnly) expect(members, m).toContain(m);
  });
});
