/**
 * The network inputs as arena tensors in the emitted C (`msf emit [--stream] --input-in-arena`; the
 * ordinary plan's src/plan/schedule.ts `preloaded`, the streaming plan's tensor places): msf_model.h says where each lives
 * (MSF_INPUT_OFFSET, or MSF_INPUT_<i>_OFFSET with several inputs), and msf_model_run copies the
 * caller's buffer there unless it already is that arena address (then nothing is copied).
 */
export interface InputsInArena {
  /** msf_model.h: the offsets. */
  header: string[];
  /** msf_model_run_with_arena's first statements: one copy per input. */
  copies: string[];
}

/** An input (its index among the model's inputs) and its arena offset. */
export interface InputPlace {
  index: number;
  offset: number;
}

/** `sig`: msf_model_run's parameter names (emit-c.ts runSignature). */
export function inputsInArena(sig: { ins: string[]; outs: string[] }, preloaded: readonly InputPlace[]): InputsInArena {
  if (!preloaded.length) return { header: [], copies: [] };
  const many = sig.ins.length > 1 || sig.outs.length > 1;
  const macro = (i: number) => (many ? `MSF_INPUT_${i}` : 'MSF_INPUT');
  return {
    header: [
      `/* The input${many ? 's are arena tensors at these offsets: write each there and pass arena + its offset' : ' is an arena tensor at this offset: write it there and pass arena + MSF_INPUT_OFFSET'} as in (nothing is copied), or pass any buffer outside the arena (copied there first). */`,
      ...preloaded.map((p) => `#define ${macro(p.index)}_OFFSET ${p.offset}`),
    ],
    copies: preloaded.map((p) => {
      const m = macro(p.index);
      return `    if (${sig.ins[p.index]} != MSF_ARENA_AT(${m}_OFFSET)) memcpy(arena + ${m}_OFFSET, ${sig.ins[p.index]}, ${m}_BYTES); /* an arena tensor */`;
    }),
  };
}
