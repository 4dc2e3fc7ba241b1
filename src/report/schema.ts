/**
 * The version of every JSON document the CLI prints (`schemaVersion`, README "JSON output"). Bump it
 * when a field is renamed, removed or changes meaning; adding a field keeps it.
 */
export const SCHEMA_VERSION = 2;

/**
 * Top-level fields of `msf plan --json`, in the order printed; `?` marks a field that only some plans
 * have (`note`: the paper model off its domain; `stream` and `edges`: `--stream`; `front`: `--front`).
 * README "JSON output" lists the same; the tests validate every document against it.
 */
export const PLAN_FIELDS = ['schemaVersion', 'model', 'costModel', 'note?', 'engine', 'layers', 'baselineMacs', 'vanilla', 'solution', 'memory', 'stream?', 'edges?', 'front?', 'searchMs'] as const;

/** Fields of `memory` in `msf plan --json`: the arena, the caller's buffers outside it, their sum, flash. */
export const MEMORY_FIELDS = ['arenaBytes', 'inputBytes', 'outputBytes', 'totalSramBytes', 'flashBytes'] as const;

/** Fields of each of `edges` (`msf plan --stream --json`, `msf run --stream --json`), and of each of its `layers`. */
export const STREAM_EDGE_FIELDS = ['first', 'last', 'bytes', 'macs', 'inPlace', 'layers'] as const;
export const STREAM_LAYER_FIELDS = ['layer', 'op', 'holds'] as const;
/** The values of `holds`: how a layer of an edge reads its input. */
export const LAYER_HOLDS = ['edge input', 'line buffer', 'column cache'] as const;
